package firstcome.contract;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.time.Instant;
import java.time.temporal.ChronoUnit;

/**
 * A coupon's row as it is after one change of its state: the value of {@code coupon-changes}, keyed by
 * {@code eventId}, written by the streams-processor in the same transaction as the decision that made
 * the change (a redemption, its cancellation, a return). It carries the whole row, so the sink can
 * write it whether or not the coupon's {@code coupon-issued} record reached MySQL first.
 * {@code version} counts the coupon's changes (its issue is version 0, the first change 1, ...): the
 * sink keeps the row with the highest, so a re-delivered or older change never moves a row back.
 * {@code orderId} is set exactly when {@code state} is {@link CouponState#REDEEMED};
 * {@code changedAt} is the record time of the action that made the change.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record CouponChange(String eventId, String userId, int couponNo, String requestId, Instant issuedAt,
        Instant validUntil, CouponState state, String orderId, int version, Instant changedAt) {

    public CouponChange {
        Ids.requireLogged("eventId", eventId);
        Ids.requireLogged("userId", userId);
        if (couponNo < 1) {
            throw new IllegalArgumentException("couponNo must be 1 or more");
        }
        if (requestId == null || requestId.isBlank() || requestId.length() > 36) {
            throw new IllegalArgumentException("requestId is required (at most 36 characters)");
        }
        if (issuedAt == null || changedAt == null) {
            throw new IllegalArgumentException("issuedAt and changedAt are required");
        }
        if (state == null) {
            throw new IllegalArgumentException("state is required");
        }
        if ((state == CouponState.REDEEMED) != (orderId != null)) {
            throw new IllegalArgumentException("orderId comes with REDEEMED, and only with it");
        }
        if (orderId != null) {
            Ids.requireLogged("orderId", orderId);
        }
        if (version < 1) {
            throw new IllegalArgumentException("version must be 1 or more (the issue itself is version 0)");
        }
        issuedAt = issuedAt.truncatedTo(ChronoUnit.MILLIS);
        changedAt = changedAt.truncatedTo(ChronoUnit.MILLIS);
        validUntil = validUntil == null ? null : validUntil.truncatedTo(ChronoUnit.MILLIS);
    }
}
