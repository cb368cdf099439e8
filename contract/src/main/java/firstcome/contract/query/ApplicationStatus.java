package firstcome.contract.query;

import com.fasterxml.jackson.annotation.JsonInclude;
import firstcome.contract.IssuingOutcome;
import java.time.Instant;

/**
 * The answer to "what became of my application?": what the streams-processor serves from its
 * decisions and the ingress passes on to the shopper, in the contract's JSON —
 * {@code {"outcome":"ISSUED","couponNo":17}} (plus {@code validUntil} when the coupon expires),
 * {@code {"outcome":"REDEEMED","couponNo":17,"orderId":"o-1"}}, {@code {"outcome":"RETURNED","couponNo":17}},
 * {@code {"outcome":"EXPIRED","couponNo":17}}, {@code {"outcome":"WAITLISTED","place":3}},
 * {@code {"outcome":"REJECTED","reason":"SOLD_OUT"}}, {@code {"outcome":"PENDING"}} (accepted at the
 * gate, not decided yet: only the ingress knows) and {@code {"outcome":"NOT_APPLIED"}} (the processor's 404).
 * An entrant of a draw reads {@code {"outcome":"IN_DRAW","drawAt":"<window end>"}} until the draw, then
 * its result with {@code "drawRank"} and {@code "entrants"} (docs/fair-opening.md).
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ApplicationStatus(State outcome, Integer couponNo, IssuingOutcome reason, Instant validUntil,
        String orderId, Long place, Instant drawAt, Integer drawRank, Integer entrants) {

    public enum State {
        ISSUED,
        REDEEMED,
        RETURNED,
        EXPIRED,
        WAITLISTED,
        PENDING,
        IN_DRAW,
        REJECTED,
        NOT_APPLIED;

        /** Whether the user has (or had) a coupon in this state: it comes with its number. */
        public boolean hasCoupon() {
            return this == ISSUED || this == REDEEMED || this == RETURNED || this == EXPIRED;
        }
    }

    public ApplicationStatus {
        if (outcome == null) {
            throw new IllegalArgumentException("outcome is required");
        }
        if (outcome.hasCoupon() != (couponNo != null) || (couponNo != null && couponNo < 1)) {
            throw new IllegalArgumentException("couponNo (1 or more) comes with ISSUED, REDEEMED, RETURNED and EXPIRED, and only with them");
        }
        if ((outcome == State.REJECTED) != (reason != null)) {
            throw new IllegalArgumentException("reason comes with REJECTED, and only with it");
        }
        if ((outcome == State.REDEEMED) != (orderId != null)) {
            throw new IllegalArgumentException("orderId comes with REDEEMED, and only with it");
        }
        if ((outcome == State.WAITLISTED) != (place != null) || (place != null && place < 1)) {
            throw new IllegalArgumentException("place (1 or more) comes with WAITLISTED, and only with it");
        }
        if (validUntil != null && outcome != State.ISSUED && outcome != State.REDEEMED && outcome != State.EXPIRED) {
            throw new IllegalArgumentException("validUntil comes only with ISSUED, REDEEMED or EXPIRED");
        }
        if ((outcome == State.IN_DRAW) != (drawAt != null)) {
            throw new IllegalArgumentException("drawAt comes with IN_DRAW, and only with it");
        }
        if ((drawRank == null) != (entrants == null) || drawRank != null && (drawRank < 1 || drawRank > entrants)) {
            throw new IllegalArgumentException("drawRank (1..entrants) and entrants come together");
        }
        if (drawRank != null && (outcome == State.IN_DRAW || outcome == State.PENDING || outcome == State.NOT_APPLIED)) {
            throw new IllegalArgumentException("drawRank comes only with a draw's result");
        }
    }

    /** A status without anything of a draw. */
    public ApplicationStatus(State outcome, Integer couponNo, IssuingOutcome reason, Instant validUntil, String orderId,
            Long place) {
        this(outcome, couponNo, reason, validUntil, orderId, place, null, null, null);
    }

    /** In the draw of the event, which is decided when its window ends at {@code drawAt}. */
    public static ApplicationStatus inDraw(Instant drawAt) {
        return new ApplicationStatus(State.IN_DRAW, null, null, null, null, null, drawAt, null, null);
    }

    /** The same status with the user's place in a draw's order among {@code entrants}. */
    public ApplicationStatus withDraw(int drawRank, int entrants) {
        return new ApplicationStatus(outcome, couponNo, reason, validUntil, orderId, place, drawAt, drawRank, entrants);
    }

    public static ApplicationStatus issued(int couponNo) {
        return issued(couponNo, null);
    }

    public static ApplicationStatus issued(int couponNo, Instant validUntil) {
        return new ApplicationStatus(State.ISSUED, couponNo, null, validUntil, null, null);
    }

    public static ApplicationStatus redeemed(int couponNo, String orderId) {
        return new ApplicationStatus(State.REDEEMED, couponNo, null, null, orderId, null);
    }

    public static ApplicationStatus returned(int couponNo) {
        return new ApplicationStatus(State.RETURNED, couponNo, null, null, null, null);
    }

    public static ApplicationStatus expired(int couponNo, Instant validUntil) {
        return new ApplicationStatus(State.EXPIRED, couponNo, null, validUntil, null, null);
    }

    public static ApplicationStatus waitlisted(long place) {
        return new ApplicationStatus(State.WAITLISTED, null, null, null, null, place);
    }

    public static ApplicationStatus rejected(IssuingOutcome reason) {
        return new ApplicationStatus(State.REJECTED, null, reason, null, null, null);
    }

    public static ApplicationStatus pending() {
        return new ApplicationStatus(State.PENDING, null, null, null, null, null);
    }

    public static ApplicationStatus notApplied() {
        return new ApplicationStatus(State.NOT_APPLIED, null, null, null, null, null);
    }
}
