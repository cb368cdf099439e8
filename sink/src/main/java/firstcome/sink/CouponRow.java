package firstcome.sink;

import firstcome.contract.IssuedCoupon;
import java.time.Instant;

/**
 * A row of the {@code coupon} table as read back, without the checks of {@link IssuedCoupon}:
 * whatever is stored must be comparable, even a row some other tool wrote.
 */
public record CouponRow(String eventId, String userId, int couponNo, String requestId, Instant issuedAt) {

    static CouponRow of(IssuedCoupon coupon) {
        return new CouponRow(coupon.eventId(), coupon.userId(), coupon.couponNo(), coupon.requestId(), coupon.issuedAt());
    }

    /**
     * Whether this row is exactly what writing {@code coupon} stores. {@code request_id} is a
     * {@code CHAR(36)}, which gives back its value without trailing spaces, so those do not count.
     */
    boolean isStoredFormOf(IssuedCoupon coupon) {
        return eventId.equals(coupon.eventId())
                && userId.equals(coupon.userId())
                && couponNo == coupon.couponNo()
                && requestId.stripTrailing().equals(coupon.requestId().stripTrailing())
                && issuedAt.equals(coupon.issuedAt());
    }

    @Override
    public String toString() {
        return "coupon " + couponNo + " of event " + eventId + " for user " + userId
                + " (request " + requestId + ", issued at " + issuedAt + ")";
    }
}
