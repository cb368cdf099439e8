package firstcome.processor;

import com.fasterxml.jackson.annotation.JsonInclude;
import firstcome.contract.CouponState;
import firstcome.contract.IssuingOutcome;
import java.time.Instant;

/**
 * What a user's latest application to an event came to, and what became of their coupon since, kept
 * in the decisions store under {@link #key(String, String)} so that status look-ups can answer from it.
 *
 * <p>{@code outcome}, {@code couponNo}, {@code requestId} and {@code decidedAt} are the latest decision
 * of the user's request (a re-delivered request hears it again): {@code couponNo} is set only for
 * {@link IssuingOutcome#ISSUED}, and then {@code decidedAt} is also the coupon's issue time.
 * {@code waitlistSeq} is the user's number in the event's waitlist while the outcome is
 * {@link IssuingOutcome#WAITLISTED}.
 *
 * <p>The coupon's lifecycle: {@code state} (absent in decisions stored before the lifecycle: then
 * {@link CouponState#ISSUED}), {@code validUntil}, {@code orderId} (the order that redeemed it, while
 * {@link CouponState#REDEEMED}), {@code cancelledOrderId} (the last order whose redemption was
 * cancelled, so that the same cancellation repeated answers the same) and {@code version} (how many
 * times its state changed; the issue is 0). Absent fields are left out of the stored JSON, so a
 * decision written before the lifecycle reads as it was.
 *
 * <p>A draw's entrant (docs/fair-opening.md) is stored {@link IssuingOutcome#IN_DRAW} until the draw: it
 * takes a place. The draw's result is stored as any decision, with {@code drawRank}, the user's place in
 * the drawn order (1-based), kept through the coupon's later changes and a waitlisted user's serving,
 * until the user applies again. Absent for everyone else, so their stored bytes are the same.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Decision(IssuingOutcome outcome, Integer couponNo, String requestId, Instant decidedAt,
        CouponState state, Instant validUntil, String orderId, String cancelledOrderId, Long waitlistSeq,
        @JsonInclude(JsonInclude.Include.NON_DEFAULT) int version, Integer drawRank) {

    // '/' is outside the id alphabet, so the key splits back into exactly one (event, user).
    private static final char SEPARATOR = '/';

    /** The stored form of a request's decision, before any change of its coupon. */
    public Decision(IssuingOutcome outcome, Integer couponNo, String requestId, Instant decidedAt) {
        this(outcome, couponNo, requestId, decidedAt, null, null, null, null, null, 0, null);
    }

    /** The fields of a decision outside a draw. */
    public Decision(IssuingOutcome outcome, Integer couponNo, String requestId, Instant decidedAt, CouponState state,
            Instant validUntil, String orderId, String cancelledOrderId, Long waitlistSeq, int version) {
        this(outcome, couponNo, requestId, decidedAt, state, validUntil, orderId, cancelledOrderId, waitlistSeq, version,
                null);
    }

    /** Entered the event's draw with request {@code requestId} at {@code at}. */
    public static Decision inDraw(String requestId, Instant at) {
        return new Decision(IssuingOutcome.IN_DRAW, null, requestId, at);
    }

    /** The same decision, drawn {@code rank}-th ({@code null}: not by a draw). */
    public Decision withDrawRank(Integer rank) {
        return new Decision(outcome, couponNo, requestId, decidedAt, state, validUntil, orderId, cancelledOrderId,
                waitlistSeq, version, rank);
    }

    public static Decision issued(int couponNo, String requestId, Instant at) {
        return issued(couponNo, requestId, at, null);
    }

    /** Coupon {@code couponNo} issued at {@code at}, redeemable until {@code validUntil} ({@code null}: no expiry). */
    public static Decision issued(int couponNo, String requestId, Instant at, Instant validUntil) {
        return new Decision(IssuingOutcome.ISSUED, couponNo, requestId, at, CouponState.ISSUED, validUntil, null, null,
                null, 0);
    }

    public static Decision rejected(IssuingOutcome outcome, String requestId, Instant at) {
        return new Decision(outcome, null, requestId, at);
    }

    /** Waiting in the event's waitlist under number {@code seq}. */
    public static Decision waitlisted(long seq, String requestId, Instant at) {
        return new Decision(IssuingOutcome.WAITLISTED, null, requestId, at, null, null, null, null, seq, 0);
    }

    public static String key(String eventId, String userId) {
        return eventId + SEPARATOR + userId;
    }

    /** Whether the user was issued a coupon (live or returned since). */
    public boolean wasIssued() {
        return outcome == IssuingOutcome.ISSUED;
    }

    /** The coupon's state; {@code null} for a user who was never issued one. */
    public CouponState couponState() {
        if (!wasIssued()) {
            return null;
        }
        return state == null ? CouponState.ISSUED : state;
    }

    /** Whether the user holds a live coupon (issued or redeemed, not returned). */
    public boolean holdsCoupon() {
        return wasIssued() && couponState().live();
    }

    /** Whether the user waits in the event's waitlist. */
    public boolean waiting() {
        return outcome == IssuingOutcome.WAITLISTED;
    }

    /** Whether the user is an entrant of the event's draw, not drawn yet. */
    public boolean inDraw() {
        return outcome == IssuingOutcome.IN_DRAW;
    }

    /**
     * Whether the user holds, held or waits for a coupon, or waits for the draw: any new application of
     * theirs is a duplicate.
     */
    public boolean takesAPlace() {
        return wasIssued() || waiting() || inDraw();
    }

    /** Whether the coupon can no longer be redeemed at {@code time}. */
    public boolean expiredAt(Instant time) {
        return validUntil != null && !time.isBefore(validUntil);
    }

    /** The same user's coupon in {@code newState}, one version later. */
    Decision changed(CouponState newState, String newOrderId, String newCancelledOrderId) {
        return new Decision(outcome, couponNo, requestId, decidedAt, newState, validUntil, newOrderId, newCancelledOrderId,
                waitlistSeq, version + 1, drawRank);
    }
}
