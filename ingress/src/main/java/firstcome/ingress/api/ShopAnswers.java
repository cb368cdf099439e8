package firstcome.ingress.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import firstcome.contract.ActionType;
import firstcome.contract.CouponAction;
import firstcome.contract.CouponDecision;
import java.time.Instant;
import java.util.Map;

/**
 * The answer of a shop route from the streams-processor's decision of its action, per the table of
 * docs/lifecycle.md: the coupon's new state as a 200, or the refusal with its status. A pure function,
 * so every row of the table is checked without a server.
 */
final class ShopAnswers {

    private ShopAnswers() {
    }

    /** The answer to {@code action}, decided so. */
    static Answer of(CouponAction action, CouponDecision decision) {
        Integer couponNo = decision.couponNo();
        return switch (decision.outcome()) {
            case REDEEMED -> Answer.ok(new CouponAnswer("REDEEMED", couponNo, decision.orderId(), null));
            case ISSUED -> Answer.ok(new CouponAnswer("ISSUED", couponNo, null, decision.validUntil()));
            case RETURNED -> Answer.ok(new CouponAnswer("RETURNED", couponNo, null, null));
            // Cancelling the redemption of an expired coupon succeeds: the coupon is the user's again, expired.
            case EXPIRED -> action.action() == ActionType.REDEEM
                    ? Answer.problem(Outcome.EXPIRED, "the coupon expired"
                            + (decision.validUntil() == null ? "" : " at " + decision.validUntil()) + " and cannot be redeemed")
                    : Answer.ok(new CouponAnswer("EXPIRED", couponNo, null, null));
            case NOT_ISSUED -> Answer.problem(Outcome.NOT_ISSUED,
                    "user " + decision.userId() + " holds no coupon of event " + decision.eventId()
                            + " (never issued, not decided yet, waitlisted, rejected or returned)");
            case ALREADY_REDEEMED -> new Answer(Outcome.ALREADY_REDEEMED.status(), Outcome.ALREADY_REDEEMED,
                    new RedeemedElsewhere(Outcome.ALREADY_REDEEMED.name(), action.action() == ActionType.RETURN
                            ? "the coupon is redeemed by order " + decision.orderId() + "; cancel that redemption (unredeem) first"
                            : "the coupon is already redeemed by another order, " + decision.orderId(),
                            decision.orderId()),
                    Map.of());
            case NOT_REDEEMED -> Answer.problem(Outcome.NOT_REDEEMED, "the coupon of user " + decision.userId()
                    + " is not redeemed by order " + action.orderId() + "; nothing to cancel");
            case UNKNOWN_EVENT -> Answer.problem(Outcome.UNKNOWN_EVENT, "no event " + decision.eventId());
            // Not an action's outcome: CouponDecision refuses these for an action.
            case DUPLICATE, WAITLISTED, SOLD_OUT, NOT_OPEN, CLOSED, IN_DRAW, NOT_DRAWN, NOT_ELIGIBLE ->
                    throw new IllegalStateException(decision.outcome() + " does not decide an action");
        };
    }

    /** A 200: the coupon's state after the action; {@code orderId} and {@code validUntil} only when they apply. */
    record CouponAnswer(String outcome, Integer couponNo, @JsonInclude(JsonInclude.Include.NON_NULL) String orderId,
            @JsonInclude(JsonInclude.Include.NON_NULL) Instant validUntil) {
    }

    /** The 409 ALREADY_REDEEMED: the contract's error body plus the order that holds the coupon. */
    record RedeemedElsewhere(String outcome, String message, String orderId) {
    }
}
