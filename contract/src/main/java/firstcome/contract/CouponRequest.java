package firstcome.contract;

import java.time.Instant;
import java.time.temporal.ChronoUnit;

/**
 * One application that passed the ingress gate. The value of {@code coupon-requests}, keyed by
 * {@code eventId}; the record timestamp is {@code receivedAt}.
 */
public record CouponRequest(String requestId, String eventId, String userId, Instant receivedAt) {

    public CouponRequest {
        if (requestId == null || requestId.isBlank() || requestId.length() > 36) {
            throw new IllegalArgumentException("requestId is required (at most 36 characters)");
        }
        Ids.requireLogged("eventId", eventId);
        Ids.requireLogged("userId", userId);
        if (receivedAt == null) {
            throw new IllegalArgumentException("receivedAt is required");
        }
        receivedAt = receivedAt.truncatedTo(ChronoUnit.MILLIS);
    }
}
