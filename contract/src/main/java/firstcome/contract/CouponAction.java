package firstcome.contract;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.time.Instant;
import java.time.temporal.ChronoUnit;

/**
 * One call of a shop route: the value of {@code coupon-actions}, keyed by {@code eventId} (so it
 * lives in its event's partition, co-partitioned with {@code coupon-requests}); the record timestamp
 * is {@code receivedAt}. {@code orderId} comes with {@link ActionType#REDEEM} and
 * {@link ActionType#UNREDEEM} and only with them; {@code reason} (optional, at most
 * {@value #MAX_REASON} characters) only with {@link ActionType#RETURN}. A draw's tick is not an
 * action: it goes to {@code coupon-requests} ({@link CouponRequest#tick}).
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record CouponAction(String actionId, String eventId, String userId, ActionType action, String orderId,
        String reason, Instant receivedAt) {

    public static final int MAX_REASON = 200;

    public CouponAction {
        if (actionId == null || actionId.isBlank() || actionId.length() > 36) {
            throw new IllegalArgumentException("actionId is required (at most 36 characters)");
        }
        Ids.requireLogged("eventId", eventId);
        if (action == null) {
            throw new IllegalArgumentException("action is required (REDEEM, UNREDEEM or RETURN)");
        }
        switch (action) {
            case RETURN -> {
                Ids.requireLogged("userId", userId);
                if (orderId != null) {
                    throw new IllegalArgumentException("a RETURN has no orderId");
                }
            }
            case REDEEM, UNREDEEM -> {
                Ids.requireLogged("userId", userId);
                Ids.requireLogged("orderId", orderId);
            }
        }
        if (reason != null && (action != ActionType.RETURN || reason.length() > MAX_REASON)) {
            throw new IllegalArgumentException("reason comes only with RETURN, at most " + MAX_REASON + " characters");
        }
        if (receivedAt == null) {
            throw new IllegalArgumentException("receivedAt is required");
        }
        receivedAt = receivedAt.truncatedTo(ChronoUnit.MILLIS);
    }
}
