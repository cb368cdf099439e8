package firstcome.contract;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.time.Instant;
import java.time.temporal.ChronoUnit;

/**
 * What the streams-processor decided for one request: the value of {@code coupon-decisions}, keyed
 * by {@code eventId}, written in the same exactly-once transaction as the decision's state and its
 * coupon. Every request gets one, whatever the outcome, so the ingress can follow the authority:
 * settle the request at the gate, free the place of a request refused for a reason that can
 * change, learn a holder it does not know. {@code couponNo} is the user's coupon for
 * {@link IssuingOutcome#ISSUED} and {@link IssuingOutcome#DUPLICATE} (the one they already hold),
 * absent otherwise; {@code decidedAt} is the request's record time.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record CouponDecision(String requestId, String eventId, String userId, IssuingOutcome outcome,
        Integer couponNo, Instant decidedAt) {

    public CouponDecision {
        if (requestId == null || requestId.isBlank() || requestId.length() > 36) {
            throw new IllegalArgumentException("requestId is required (at most 36 characters)");
        }
        Ids.requireLogged("eventId", eventId);
        Ids.requireLogged("userId", userId);
        if (outcome == null) {
            throw new IllegalArgumentException("outcome is required");
        }
        boolean holds = outcome == IssuingOutcome.ISSUED || outcome == IssuingOutcome.DUPLICATE;
        if (holds != (couponNo != null) || (couponNo != null && couponNo < 1)) {
            throw new IllegalArgumentException("couponNo (1 or more) comes with ISSUED and DUPLICATE, and only with them");
        }
        if (decidedAt == null) {
            throw new IllegalArgumentException("decidedAt is required");
        }
        decidedAt = decidedAt.truncatedTo(ChronoUnit.MILLIS);
    }

    /**
     * Whether the user may apply again: the request was refused for a reason that can change
     * (the event was not open yet, closed, unknown, or full), so the gate must give its place back.
     */
    public boolean freesThePlace() {
        return switch (outcome) {
            case NOT_OPEN, CLOSED, UNKNOWN_EVENT, SOLD_OUT -> true;
            case ISSUED, DUPLICATE -> false;
        };
    }

    /** Whether the user holds a coupon of the event after this decision. */
    public boolean holdsCoupon() {
        return couponNo != null;
    }
}
