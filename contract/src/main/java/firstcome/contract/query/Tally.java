package firstcome.contract.query;

/**
 * How the requests and actions of one event were decided so far, as the streams-processor serves it
 * from its {@code event-tallies} store for the organiser's live view. {@code issued} counts every
 * coupon handed out, so it is also the highest coupon number; {@code decided} is the sum of the
 * requests' six counts ({@code issued} counts a waitlisted user served later too, so that sum can
 * pass the number of requests by the waitlisted ones served). {@code redeemed} and {@code returned}
 * are the coupons in those states now, {@code waitlisted} the users waiting now; the live coupons are
 * {@code issued - returned}.
 */
public record Tally(String eventId, long issued, long duplicates, long soldOut, long notOpen, long closed,
        long unknownEvent, long decided, long redeemed, long returned, long waitlisted) {

    public Tally(String eventId, long issued, long duplicates, long soldOut, long notOpen, long closed,
            long unknownEvent, long decided) {
        this(eventId, issued, duplicates, soldOut, notOpen, closed, unknownEvent, decided, 0, 0, 0);
    }
}
