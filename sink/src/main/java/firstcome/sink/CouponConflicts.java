package firstcome.sink;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Compares a batch's rows with the rows the table holds for their keys after the batch's upsert.
 * A row whose stored row is the same coupon, at its version or a later one, is stored (written now,
 * by an earlier delivery, or superseded by a later change); any other contradicts a stored row, and
 * says which one.
 */
public final class CouponConflicts {

    /** Row number {@code index} of the batch contradicts a stored row. */
    public record Conflict(int index, DeadLetterReason reason, String detail) {
    }

    private record UserKey(String eventId, String userId) {
    }

    private record NumberKey(String eventId, int couponNo) {
    }

    private CouponConflicts() {
    }

    /**
     * The batch's rows that are not stored, in batch order. {@code stored} must hold every row
     * that shares an {@code (event_id, user_id)} or {@code (event_id, coupon_no)} with a row of the batch.
     */
    static List<Conflict> find(List<CouponRow> batch, Collection<CouponRow> stored) {
        Map<UserKey, CouponRow> byUser = new HashMap<>();
        Map<NumberKey, CouponRow> byNumber = new HashMap<>();
        for (CouponRow row : stored) {
            byUser.put(new UserKey(row.eventId(), row.userId()), row);
            byNumber.put(new NumberKey(row.eventId(), row.couponNo()), row);
        }
        List<Conflict> conflicts = new ArrayList<>();
        for (int i = 0; i < batch.size(); i++) {
            CouponRow row = batch.get(i);
            CouponRow sameUser = byUser.get(new UserKey(row.eventId(), row.userId()));
            CouponRow sameNumber = byNumber.get(new NumberKey(row.eventId(), row.couponNo()));
            if (sameUser != null && sameUser.isSameCouponAs(row)) {
                if (sameUser.version() < row.version()) {
                    // The upsert replaces a row of the same coupon by any higher version, in this very transaction.
                    throw new IllegalStateException("the table holds " + sameUser + " right after writing " + row);
                }
                continue;
            }
            if (sameNumber != null && !sameNumber.userId().equals(row.userId())) {
                conflicts.add(new Conflict(i, DeadLetterReason.COUPON_NO_TAKEN, "the table holds " + sameNumber));
            } else if (sameUser != null && sameUser.couponNo() != row.couponNo()) {
                conflicts.add(new Conflict(i, DeadLetterReason.USER_HOLDS_OTHER_COUPON, "the table holds " + sameUser));
            } else if (sameUser != null) {
                conflicts.add(new Conflict(i, DeadLetterReason.DIFFERS_FROM_STORED, "the table holds " + sameUser));
            } else {
                // The upsert ran in this very transaction, so one of the two keys must have a row.
                throw new IllegalStateException("no row for " + row + " right after writing it");
            }
        }
        return conflicts;
    }
}
