package firstcome.contract;

/**
 * What the streams-processor decided, for a request or for a shop's action.
 *
 * <p>For a request ({@link #isRequestOutcome()}): {@link #ISSUED} gives a coupon, {@link #WAITLISTED}
 * a place in the event's waitlist (a coupon later, if one is returned in time); {@link #DUPLICATE}
 * means the user holds, held or waits for a coupon already; the others are the reasons a status
 * look-up gives for {@code REJECTED}. A waitlisted user who is served later gets a second decision
 * for the same request: {@link #ISSUED}.
 *
 * <p>A request inside an event's draw window is decided {@link #IN_DRAW} when read (it holds its place
 * until the draw); the draw then decides it a second time: {@link #ISSUED}, {@link #WAITLISTED} or
 * {@link #NOT_DRAWN} (a reason that can change: the user may apply again, first-come).
 *
 * <p>{@link #NOT_ELIGIBLE}: the request's {@code eligibleAs} does not satisfy the event's
 * {@link Eligibility} at that point of the log (the rule was added or changed while the request was on
 * its way); a reason that can change (docs/identities.md).
 *
 * <p>For an action ({@link #isActionOutcome()}): {@link #REDEEMED}, {@link #ISSUED} (a redemption
 * cancelled: the coupon is usable again), {@link #RETURNED} and {@link #EXPIRED} are the 200 answers
 * (EXPIRED also the 410 of a redeem); {@link #NOT_ISSUED}, {@link #ALREADY_REDEEMED},
 * {@link #NOT_REDEEMED} the 409s; {@link #UNKNOWN_EVENT} the 404.
 */
public enum IssuingOutcome {
    ISSUED,
    DUPLICATE,
    WAITLISTED,
    SOLD_OUT,
    NOT_OPEN,
    CLOSED,
    UNKNOWN_EVENT,
    REDEEMED,
    RETURNED,
    EXPIRED,
    NOT_ISSUED,
    ALREADY_REDEEMED,
    NOT_REDEEMED,
    IN_DRAW,
    NOT_DRAWN,
    NOT_ELIGIBLE;

    /** Whether a request can be decided so. */
    public boolean isRequestOutcome() {
        return switch (this) {
            case ISSUED, DUPLICATE, WAITLISTED, SOLD_OUT, NOT_OPEN, CLOSED, UNKNOWN_EVENT, IN_DRAW, NOT_DRAWN, NOT_ELIGIBLE -> true;
            default -> false;
        };
    }

    /** Whether a shop's action can be decided so. */
    public boolean isActionOutcome() {
        return switch (this) {
            case REDEEMED, ISSUED, RETURNED, EXPIRED, NOT_ISSUED, ALREADY_REDEEMED, NOT_REDEEMED, UNKNOWN_EVENT -> true;
            default -> false;
        };
    }
}
