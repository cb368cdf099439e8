package firstcome.processor;

import firstcome.contract.IssuingOutcome;
import firstcome.contract.query.Tally;

/**
 * How the requests and actions of one event were decided so far, and where its waitlist stands.
 * {@code issued} is also the highest coupon number handed out, since numbers run 1..issued without
 * gaps (a coupon that serves the waitlist counts too). {@code redeemed} and {@code returned} are the
 * coupons in those states now; live coupons are {@code issued - returned}. The waitlist is a queue of
 * sequence numbers: {@code waitlistHead} is the next to be served, {@code waitlistTail} the next to be
 * given out, so {@code waitlistTail - waitlistHead} users wait and {@code waitlistTail} requests were
 * decided {@code WAITLISTED} in all. A tally stored before the lifecycle reads with these at 0.
 */
public record EventTally(long issued, long duplicates, long soldOut, long notOpen, long closed, long unknownEvent,
        long redeemed, long returned, long waitlistHead, long waitlistTail) {

    public static final EventTally NONE = new EventTally(0, 0, 0, 0, 0, 0);

    /** The counts of an event without returns, redemptions or waitlist. */
    public EventTally(long issued, long duplicates, long soldOut, long notOpen, long closed, long unknownEvent) {
        this(issued, duplicates, soldOut, notOpen, closed, unknownEvent, 0, 0, 0, 0);
    }

    /** One more request decided {@code outcome} (a {@code WAITLISTED} one joins the waitlist's tail). */
    public EventTally plus(IssuingOutcome outcome) {
        return switch (outcome) {
            case ISSUED -> new EventTally(issued + 1, duplicates, soldOut, notOpen, closed, unknownEvent, redeemed, returned,
                    waitlistHead, waitlistTail);
            case DUPLICATE -> new EventTally(issued, duplicates + 1, soldOut, notOpen, closed, unknownEvent, redeemed,
                    returned, waitlistHead, waitlistTail);
            case SOLD_OUT -> new EventTally(issued, duplicates, soldOut + 1, notOpen, closed, unknownEvent, redeemed,
                    returned, waitlistHead, waitlistTail);
            case NOT_OPEN -> new EventTally(issued, duplicates, soldOut, notOpen + 1, closed, unknownEvent, redeemed,
                    returned, waitlistHead, waitlistTail);
            case CLOSED -> new EventTally(issued, duplicates, soldOut, notOpen, closed + 1, unknownEvent, redeemed,
                    returned, waitlistHead, waitlistTail);
            case UNKNOWN_EVENT -> new EventTally(issued, duplicates, soldOut, notOpen, closed, unknownEvent + 1, redeemed,
                    returned, waitlistHead, waitlistTail);
            case WAITLISTED -> new EventTally(issued, duplicates, soldOut, notOpen, closed, unknownEvent, redeemed,
                    returned, waitlistHead, waitlistTail + 1);
            default -> throw new IllegalArgumentException(outcome + " is not a request's outcome");
        };
    }

    /** The user at the head of the waitlist was issued coupon {@code issued + 1}. */
    public EventTally served() {
        return new EventTally(issued + 1, duplicates, soldOut, notOpen, closed, unknownEvent, redeemed, returned,
                waitlistHead + 1, waitlistTail);
    }

    /** {@code redeemedBy} more coupons redeemed now (negative: redemptions cancelled), {@code returnedBy} more returned. */
    public EventTally changed(long redeemedBy, long returnedBy) {
        return new EventTally(issued, duplicates, soldOut, notOpen, closed, unknownEvent, redeemed + redeemedBy,
                returned + returnedBy, waitlistHead, waitlistTail);
    }

    /** Coupons issued and not returned: they count against the limit. */
    public long live() {
        return issued - returned;
    }

    /** Users waiting for a coupon now. */
    public long waiting() {
        return waitlistTail - waitlistHead;
    }

    /**
     * Every decision of a request: the six counts plus the {@code WAITLISTED} ones (so a waitlisted user
     * served later counts twice, once waiting and once issued).
     */
    public long decided() {
        return issued + duplicates + soldOut + notOpen + closed + unknownEvent + waitlistTail;
    }

    /** The tally as a query answers it. */
    public Tally answer(String eventId) {
        return new Tally(eventId, issued, duplicates, soldOut, notOpen, closed, unknownEvent, decided(), redeemed, returned,
                waiting());
    }
}
