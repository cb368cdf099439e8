package firstcome.contract;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.time.Instant;
import java.time.temporal.ChronoUnit;

/**
 * Coupon number {@code couponNo} of an event, given to one user for one request. The value of
 * {@code coupon-issued}, keyed by {@code eventId}; {@code issuedAt} is the request's record time
 * (for a waitlisted user served later, the time of the record that freed the coupon).
 * {@code validUntil} is the coupon's validity, the event's {@code couponsValidUntil} when it was
 * issued (absent: no expiry).
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record IssuedCoupon(String eventId, String userId, int couponNo, String requestId, Instant issuedAt,
        Instant validUntil) {

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
        validUntil = validUntil == null ? null : validUntil.truncatedTo(ChronoUnit.MILLIS);
    }

    /** A coupon without expiry. */
    public IssuedCoupon(String eventId, String userId, int couponNo, String requestId, Instant issuedAt) {
        this(eventId, userId, couponNo, requestId, issuedAt, null);
    }
}
