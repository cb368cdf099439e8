package firstcome.processor;

import firstcome.contract.CouponDecision;
import firstcome.contract.IssuedCoupon;

/**
 * What {@link IssuingProcessor} forwards for one request: its decision, for {@code coupon-decisions},
 * and the coupon it issued, for {@code coupon-issued} ({@code null} unless the request was issued a
 * coupon just now; a re-delivered request issues nothing).
 */
record Decided(CouponDecision decision, IssuedCoupon coupon) {

    boolean issuedCoupon() {
        return coupon != null;
    }
}
