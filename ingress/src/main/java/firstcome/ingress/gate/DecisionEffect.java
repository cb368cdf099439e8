package firstcome.ingress.gate;

import firstcome.contract.CouponDecision;
import firstcome.contract.IssuingOutcome;

/**
 * What a decision of the streams-processor does at the gate besides settling its request (no longer
 * pending): one reading for every {@link Gate}, passed to {@code decide.lua} by {@link #script}.
 */
enum DecisionEffect {

    /** A returned coupon ({@link CouponDecision#returnsCoupon()}): its user's place goes back, once; the user stays applied. */
    RETURN("return"),
    /**
     * {@link IssuingOutcome#IN_DRAW}: the user keeps the place and is remembered as an entrant of the draw
     * (user → request id); a user the gate does not know is learned, as a waiting one.
     */
    ENTER("enter"),
    /**
     * {@link IssuingOutcome#NOT_DRAWN}: frees the place as any refusal that can change, when the
     * request is the user's entry of the draw (or still pending), and marks the request as drawn out so
     * that a late or repeated {@code IN_DRAW} of it changes nothing.
     */
    NOT_DRAWN("undrawn"),
    /** Refused for a reason that can change ({@link CouponDecision#freesThePlace()}): the place goes back. */
    FREE("free"),
    /** Holds a coupon or waits for one: the place stays, a user the gate does not know is learned. */
    HOLD("hold"),
    /** Nothing more than settling: a refusal that cannot change, a shop's action other than a return. */
    NONE("");

    /** The name {@code decide.lua} knows the effect by. */
    final String script;

    DecisionEffect(String script) {
        this.script = script;
    }

    static DecisionEffect of(CouponDecision decision) {
        if (decision.returnsCoupon()) {
            return RETURN;
        }
        if (decision.decidesAction()) {
            return NONE;
        }
        if (decision.outcome() == IssuingOutcome.IN_DRAW) {
            return ENTER;
        }
        if (decision.outcome() == IssuingOutcome.NOT_DRAWN) {
            return NOT_DRAWN;
        }
        if (decision.freesThePlace()) {
            return FREE;
        }
        return decision.holdsCoupon() || waits(decision) ? HOLD : NONE;
    }

    /** A request's WAITLISTED: the user waits for a returned coupon and keeps their place meanwhile. */
    static boolean waits(CouponDecision decision) {
        return !decision.decidesAction() && decision.outcome() == IssuingOutcome.WAITLISTED;
    }
}
