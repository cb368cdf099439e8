package firstcome.sink;

import firstcome.contract.IssuedCoupon;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Compares a batch of issued coupons with the rows the table holds for their keys after the
 * batch's upsert. A coupon whose row is exactly its own is stored (written now or by an earlier
 * delivery); any other coupon contradicts a stored row, and says which one.
 */
public final class CouponConflicts {

    /** Coupon number {@code index} of the batch contradicts a stored row. */
    public record Conflict(int index, DeadLetterReason reason, String detail) {
    }

    private record UserKey(String eventId, String userId) {
    }

    private record NumberKey(String eventId, int couponNo) {
    }

    private CouponConflicts() {
    }

    /**
     * The batch's coupons that are not stored as they are, in batch order. {@code stored} must
     * hold every row that shares an {@code (event_id, user_id)} or {@code (event_id, coupon_no)}
     * with a coupon of the batch.
     */
    static List<Conflict> find(List<IssuedCoupon> batch, Collection<CouponRow> stored) {
        Map<UserKey, CouponRow> byUser = new HashMap<>();
        Map<NumberKey, CouponRow> byNumber = new HashMap<>();
        for (CouponRow row : stored) {
            byUser.put(new UserKey(row.eventId(), row.userId()), row);
            byNumber.put(new NumberKey(row.eventId(), row.couponNo()), row);
        }
        List<Conflict> conflicts = new ArrayList<>();
        for (int i = 0; i < batch.size(); i++) {
            IssuedCoupon coupon = batch.get(i);
            CouponRow sameUser = byUser.get(new UserKey(coupon.eventId(), coupon.userId()));
            CouponRow sameNumber = byNumber.get(new NumberKey(coupon.eventId(), coupon.couponNo()));
            if (sameUser != null && sameUser.isStoredFormOf(coupon)) {
                continue;
            }
            if (sameNumber != null && !sameNumber.userId().equals(coupon.userId())) {
                conflicts.add(new Conflict(i, DeadLetterReason.COUPON_NO_TAKEN, "the table holds " + sameNumber));
            } else if (sameUser != null && sameUser.couponNo() != coupon.couponNo()) {
                conflicts.add(new Conflict(i, DeadLetterReason.USER_HOLDS_OTHER_COUPON, "the table holds " + sameUser));
            } else if (sameUser != null) {
                conflicts.add(new Conflict(i, DeadLetterReason.DIFFERS_FROM_STORED, "the table holds " + sameUser));
            } else {
                // The upsert ran in this very transaction, so one of the two keys must have a row.
                throw new IllegalStateException("no row for " + CouponRow.of(coupon) + " right after writing it");
            }
        }
        return conflicts;
    }
}
