package firstcome.contract;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.time.Instant;
import java.time.temporal.ChronoUnit;

/**
 * What the streams-processor decided for one request or one shop action: the value of
 * {@code coupon-decisions}, keyed by {@code eventId}, written in the same exactly-once transaction
 * as the decision's state and its coupon. Every request and every action gets one, whatever the
 * outcome, so the ingress can follow the authority: settle the request at the gate, free the place
 * of a request refused for a reason that can change, learn a holder it does not know, give back the
 * place of a returned coupon, answer the shop route that is waiting for the action.
 *
 * <p>A request's decision ({@code action} absent): {@code requestId} is the request's id;
 * {@code couponNo} is the user's coupon for {@link IssuingOutcome#ISSUED} and
 * {@link IssuingOutcome#DUPLICATE} (the one they hold; absent when they wait or returned theirs),
 * absent otherwise. A waitlisted user served later gets a second decision of their request,
 * {@link IssuingOutcome#ISSUED}, stamped with the time of the record that freed the coupon.
 *
 * <p>An action's decision ({@code action} set): {@code requestId} is the action's id
 * ({@link CouponAction#actionId()}); {@code couponNo} is the user's coupon when they have one;
 * {@code orderId} the order that holds the coupon redeemed (for {@link IssuingOutcome#REDEEMED}, and
 * for {@link IssuingOutcome#ALREADY_REDEEMED} the other order).
 *
 * <p>A draw's decisions (docs/fair-opening.md): an entrant's request is first decided
 * {@link IssuingOutcome#IN_DRAW} when read, then once more by the draw: {@link IssuingOutcome#ISSUED},
 * {@link IssuingOutcome#WAITLISTED} or {@link IssuingOutcome#NOT_DRAWN}, with {@code drawRank} (1-based,
 * the entrant's place in the drawn order) and {@code entrants} (how many took part), stamped with the
 * window's end. Those two appear with a draw's decisions only.
 *
 * <p>{@code validUntil} is the coupon's validity when it has one. {@code decidedAt} is the record
 * time of the request or action decided (or of the record that served a waitlisted user).
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record CouponDecision(String requestId, String eventId, String userId, IssuingOutcome outcome,
        Integer couponNo, Instant decidedAt, ActionType action, String orderId, Instant validUntil, Integer drawRank,
        Integer entrants) {

    public CouponDecision {
        if (requestId == null || requestId.isBlank() || requestId.length() > 36) {
            throw new IllegalArgumentException("requestId is required (at most 36 characters)");
        }
        Ids.requireLogged("eventId", eventId);
        Ids.requireLogged("userId", userId);
        if (outcome == null) {
            throw new IllegalArgumentException("outcome is required");
        }
        if (couponNo != null && couponNo < 1) {
            throw new IllegalArgumentException("couponNo must be 1 or more");
        }
        if (action == null) {
            if (!outcome.isRequestOutcome()) {
                throw new IllegalArgumentException(outcome + " is not a request's outcome");
            }
            if (outcome == IssuingOutcome.ISSUED && couponNo == null
                    || outcome != IssuingOutcome.ISSUED && outcome != IssuingOutcome.DUPLICATE && couponNo != null) {
                throw new IllegalArgumentException("couponNo comes with ISSUED (always) and DUPLICATE (a coupon held), only with them");
            }
            if (orderId != null) {
                throw new IllegalArgumentException("a request's decision has no orderId");
            }
        } else if (!outcome.isActionOutcome()) {
            throw new IllegalArgumentException(outcome + " is not an action's outcome");
        }
        if (orderId != null) {
            Ids.requireLogged("orderId", orderId);
        }
        if (decidedAt == null) {
            throw new IllegalArgumentException("decidedAt is required");
        }
        decidedAt = decidedAt.truncatedTo(ChronoUnit.MILLIS);
        validUntil = validUntil == null ? null : validUntil.truncatedTo(ChronoUnit.MILLIS);
        if ((drawRank == null) != (entrants == null)) {
            throw new IllegalArgumentException("drawRank and entrants come together");
        }
        if (drawRank != null) {
            if (action != null || !(outcome == IssuingOutcome.ISSUED || outcome == IssuingOutcome.WAITLISTED
                    || outcome == IssuingOutcome.NOT_DRAWN)) {
                throw new IllegalArgumentException("drawRank comes only with a draw's ISSUED, WAITLISTED or NOT_DRAWN");
            }
            if (drawRank < 1 || drawRank > entrants) {
                throw new IllegalArgumentException("drawRank must be between 1 and entrants (" + entrants + "), was " + drawRank);
            }
        }
    }

    /** A decision that is not a draw's. */
    public CouponDecision(String requestId, String eventId, String userId, IssuingOutcome outcome, Integer couponNo,
            Instant decidedAt, ActionType action, String orderId, Instant validUntil) {
        this(requestId, eventId, userId, outcome, couponNo, decidedAt, action, orderId, validUntil, null, null);
    }

    /** A request's decision without validity: the shape every decision had before the coupon lifecycle. */
    public CouponDecision(String requestId, String eventId, String userId, IssuingOutcome outcome, Integer couponNo,
            Instant decidedAt) {
        this(requestId, eventId, userId, outcome, couponNo, decidedAt, null, null, null, null, null);
    }

    /** Whether this decides a shop's action (else a request). */
    public boolean decidesAction() {
        return action != null;
    }

    /**
     * Whether the user may apply again: the request was refused for a reason that can change
     * (the event was not open yet, closed, unknown, or full, the user was not drawn, or the request did
     * not satisfy the event's eligibility), so the gate must
     * give its place back.
     * An action never frees a user's place (a returned coupon's user stays applied; see
     * {@link #returnsCoupon()}).
     */
    public boolean freesThePlace() {
        if (decidesAction()) {
            return false;
        }
        return switch (outcome) {
            case NOT_OPEN, CLOSED, UNKNOWN_EVENT, SOLD_OUT, NOT_DRAWN, NOT_ELIGIBLE -> true;
            default -> false;
        };
    }

    /**
     * Whether this is a return's decision that took a coupon back to the pool (or the same return
     * repeated): the gate counts one place fewer for the event, once per user, and keeps the user as applied.
     */
    public boolean returnsCoupon() {
        return action == ActionType.RETURN && outcome == IssuingOutcome.RETURNED;
    }

    /** Whether this is one of a draw's decisions (it carries {@code drawRank} and {@code entrants}). */
    public boolean decidesDraw() {
        return drawRank != null;
    }

    /** Whether the user holds a coupon of the event after this request's decision. */
    public boolean holdsCoupon() {
        return !decidesAction() && couponNo != null;
    }
}
