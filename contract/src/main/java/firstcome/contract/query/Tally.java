package firstcome.contract.query;

/**
 * How the requests of one event were decided so far, as the streams-processor serves it from its
 * {@code event-tallies} store for the organiser's live view. {@code issued} is also the highest
 * coupon number handed out; {@code decided} is the sum of the six counts.
 */
public record Tally(String eventId, long issued, long duplicates, long soldOut, long notOpen, long closed,
        long unknownEvent, long decided) {
}
