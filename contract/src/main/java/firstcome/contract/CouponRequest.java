package firstcome.contract;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.UUID;

/**
 * One application that passed the ingress gate, or a draw's tick. The value of
 * {@code coupon-requests}, keyed by {@code eventId}; the record timestamp is {@code receivedAt}.
 *
 * <p>A <b>tick</b> ({@link #tick}, {@code "tick": true}, no {@code userId}) is no application: an
 * ingress publishes it into the event's partition at its draw window's end (plus
 * {@link DrawWindow#GRACE}) so that stream time passes the window even when nobody applies after it.
 * It gets no decision of its own, is never held and is never an entrant; every reader that counts
 * applications or expects a decision per request skips it. Being in the same partition as the
 * event's applications, it is read in log order with them, live, in a replay and in the audit alike.
 * An ordinary request has no {@code tick} field at all (its bytes are those it always had).
 *
 * <p>{@code eligibleAs}: what the ingress checked for an event with an {@link Eligibility} (the claim
 * and the accepted value the shopper's token carried); absent otherwise (docs/identities.md).
 */
public record CouponRequest(String requestId, String eventId,
        @JsonInclude(JsonInclude.Include.NON_NULL) String userId, Instant receivedAt,
        @JsonInclude(JsonInclude.Include.NON_NULL) @JsonProperty("tick") Boolean tick,
        @JsonInclude(JsonInclude.Include.NON_NULL) EligibleAs eligibleAs) {

    public CouponRequest {
        if (requestId == null || requestId.isBlank() || requestId.length() > 36) {
            throw new IllegalArgumentException("requestId is required (at most 36 characters)");
        }
        Ids.requireLogged("eventId", eventId);
        if (Boolean.FALSE.equals(tick)) {
            tick = null;
        }
        if (tick == null) {
            Ids.requireLogged("userId", userId);
        } else if (userId != null) {
            throw new IllegalArgumentException("a tick has no userId (got userId " + userId + ")");
        } else if (eligibleAs != null) {
            throw new IllegalArgumentException("a tick has no eligibleAs");
        }
        if (receivedAt == null) {
            throw new IllegalArgumentException("receivedAt is required");
        }
        receivedAt = receivedAt.truncatedTo(ChronoUnit.MILLIS);
    }

    /** An application or a tick, without {@code eligibleAs}. */
    public CouponRequest(String requestId, String eventId, String userId, Instant receivedAt, Boolean tick) {
        this(requestId, eventId, userId, receivedAt, tick, null);
    }

    /** An application of {@code userId} (not a tick) to an event without eligibility. */
    public CouponRequest(String requestId, String eventId, String userId, Instant receivedAt) {
        this(requestId, eventId, userId, receivedAt, null, null);
    }

    /** An application of {@code userId} that was checked as {@code eligibleAs} (null: nothing checked). */
    public static CouponRequest application(String requestId, String eventId, String userId, Instant receivedAt,
            EligibleAs eligibleAs) {
        return new CouponRequest(requestId, eventId, userId, receivedAt, null, eligibleAs);
    }

    /** The tick an ingress publishes into the event's partition at {@code at} (its record time). */
    public static CouponRequest tick(String eventId, Instant at) {
        return new CouponRequest(UUID.randomUUID().toString(), eventId, null, at, Boolean.TRUE, null);
    }

    /** Whether this is a draw's tick, not an application. */
    @JsonIgnore
    public boolean isTick() {
        return tick != null;
    }
}
