package firstcome.processor;

import firstcome.contract.IssuingOutcome;
import firstcome.contract.query.Tally;

/**
 * How the requests of one event were decided so far. {@code issued} is also the highest coupon
 * number handed out, since numbers run 1..issued without gaps.
 */
public record EventTally(long issued, long duplicates, long soldOut, long notOpen, long closed, long unknownEvent) {

    public static final EventTally NONE = new EventTally(0, 0, 0, 0, 0, 0);

    public EventTally plus(IssuingOutcome outcome) {
        return switch (outcome) {
            case ISSUED -> new EventTally(issued + 1, duplicates, soldOut, notOpen, closed, unknownEvent);
            case DUPLICATE -> new EventTally(issued, duplicates + 1, soldOut, notOpen, closed, unknownEvent);
            case SOLD_OUT -> new EventTally(issued, duplicates, soldOut + 1, notOpen, closed, unknownEvent);
            case NOT_OPEN -> new EventTally(issued, duplicates, soldOut, notOpen + 1, closed, unknownEvent);
            case CLOSED -> new EventTally(issued, duplicates, soldOut, notOpen, closed + 1, unknownEvent);
            case UNKNOWN_EVENT -> new EventTally(issued, duplicates, soldOut, notOpen, closed, unknownEvent + 1);
            default -> throw new IllegalArgumentException(outcome + " is not counted yet");
        };
    }

    public long decided() {
        return issued + duplicates + soldOut + notOpen + closed + unknownEvent;
    }

    /** The tally as a query answers it. */
    public Tally answer(String eventId) {
        return new Tally(eventId, issued, duplicates, soldOut, notOpen, closed, unknownEvent, decided());
    }
}
