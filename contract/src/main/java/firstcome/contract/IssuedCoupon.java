package firstcome.contract;

import java.time.Instant;
import java.time.temporal.ChronoUnit;

/**
 * Coupon number {@code couponNo} of an event, given to one user for one request. The value of
 * {@code coupon-issued}, keyed by {@code eventId}; {@code issuedAt} is the request's record time.
 */
public record IssuedCoupon(String eventId, String userId, int couponNo, String requestId, Instant issuedAt) {

    public IssuedCoupon {
        Ids.requireLogged("eventId", eventId);
        Ids.requireLogged("userId", userId);
        if (couponNo < 1) {
            throw new IllegalArgumentException("couponNo must be 1 or more");
        }
        if (requestId == null || requestId.isBlank() || requestId.length() > 36) {
            throw new IllegalArgumentException("requestId is required (at most 36 characters)");
        }
        if (issuedAt == null) {
            throw new IllegalArgumentException("issuedAt is required");
        }
        issuedAt = issuedAt.truncatedTo(ChronoUnit.MILLIS);
    }
}
