package firstcome.sink;

import firstcome.contract.CouponChange;
import firstcome.contract.CouponState;
import firstcome.contract.IssuedCoupon;
import java.time.Instant;
import java.util.Objects;

/**
 * A row of the {@code coupon} table: what a record of {@code coupon-issued} (the row at version 0)
 * or {@code coupon-changes} (the row at its version) asks the table to hold, or a row as read back.
 * No checks beyond the types: whatever is stored must be comparable, even a row some other tool wrote.
 *
 * <p>The first six columns are the coupon itself and never change; {@code state}, {@code orderId},
 * {@code updatedAt} and {@code version} are its latest state, replaced only by a higher version.
 */
public record CouponRow(String eventId, String userId, int couponNo, String requestId, Instant issuedAt, Instant validUntil,
        String state, String orderId, Instant updatedAt, int version) {

    /** A coupon as issued, without expiry: version 0, {@code ISSUED}, updated when issued. */
    public CouponRow(String eventId, String userId, int couponNo, String requestId, Instant issuedAt) {
        this(eventId, userId, couponNo, requestId, issuedAt, null, CouponState.ISSUED.name(), null, issuedAt, 0);
    }

    /** The row a {@code coupon-issued} record writes: version 0, never replacing a stored row. */
    public static CouponRow of(IssuedCoupon coupon) {
        return new CouponRow(coupon.eventId(), coupon.userId(), coupon.couponNo(), coupon.requestId(), coupon.issuedAt(),
                coupon.validUntil(), CouponState.ISSUED.name(), null, coupon.issuedAt(), 0);
    }

    /** The row a {@code coupon-changes} record writes: the whole row at the change's version. */
    public static CouponRow of(CouponChange change) {
        return new CouponRow(change.eventId(), change.userId(), change.couponNo(), change.requestId(), change.issuedAt(),
                change.validUntil(), change.state().name(), change.orderId(), change.changedAt(), change.version());
    }

    /**
     * Whether {@code other} is the same coupon, whatever its state: the columns that never change
     * are equal. {@code request_id} is a {@code CHAR(36)}, which gives back its value without
     * trailing spaces (and compares without them), so those do not count.
     */
    public boolean isSameCouponAs(CouponRow other) {
        return eventId.equals(other.eventId)
                && userId.equals(other.userId)
                && couponNo == other.couponNo
                && requestId.stripTrailing().equals(other.requestId.stripTrailing())
                && issuedAt.equals(other.issuedAt)
                && Objects.equals(validUntil, other.validUntil);
    }

    /** Whether this is exactly {@code other}, state and version included. */
    public boolean isStoredAs(CouponRow other) {
        return isSameCouponAs(other) && state.equals(other.state) && Objects.equals(orderId, other.orderId)
                && updatedAt.equals(other.updatedAt) && version == other.version;
    }

    @Override
    public String toString() {
        return "coupon " + couponNo + " of event " + eventId + " for user " + userId
                + " (request " + requestId + ", issued at " + issuedAt
                + (validUntil == null ? "" : ", valid until " + validUntil)
                + ", " + state + (orderId == null ? "" : " by order " + orderId) + " at " + updatedAt + ", version " + version + ")";
    }
}
