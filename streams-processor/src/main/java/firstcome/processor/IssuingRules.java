package firstcome.processor;

import firstcome.contract.EventDefinition;
import firstcome.contract.IssuingOutcome;
import java.time.Instant;

/**
 * The decision for one request as a pure function of what the processor knows at that point of
 * the log: the event's definition, how many coupons it has issued, and whether this user already
 * holds one. Time is the request's record time, so a replay decides exactly the same.
 */
public final class IssuingRules {

    private IssuingRules() {
    }

    public static IssuingOutcome decide(EventDefinition event, long issued, boolean userHoldsCoupon, Instant at) {
        if (event == null) {
            return IssuingOutcome.UNKNOWN_EVENT;
        }
        if (userHoldsCoupon) {
            return IssuingOutcome.DUPLICATE;
        }
        if (event.notYetOpenAt(at)) {
            return IssuingOutcome.NOT_OPEN;
        }
        if (event.closedAt(at)) {
            return IssuingOutcome.CLOSED;
        }
        // A lowered limit leaves issued > limit: those coupons stay, nobody new gets one.
        if (issued >= event.limit()) {
            return IssuingOutcome.SOLD_OUT;
        }
        return IssuingOutcome.ISSUED;
    }
}
