package firstcome.processor;

import firstcome.contract.CouponChange;
import firstcome.contract.CouponDecision;
import firstcome.contract.IssuedCoupon;

/**
 * One decision {@link IssuingProcessor} forwards: for {@code coupon-decisions}, with the coupon it
 * issued, for {@code coupon-issued} ({@code null} unless a coupon was issued just now; a re-delivered
 * request issues nothing), and the coupon's change, for {@code coupon-changes} ({@code null} unless
 * an action changed the coupon's state).
 */
record Decided(CouponDecision decision, IssuedCoupon coupon, CouponChange change) {

    Decided(CouponDecision decision, IssuedCoupon coupon) {
        this(decision, coupon, null);
    }

    boolean issuedCoupon() {
        return coupon != null;
    }

    boolean changedCoupon() {
        return change != null;
    }
}
