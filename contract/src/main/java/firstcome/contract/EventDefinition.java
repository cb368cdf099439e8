package firstcome.contract;

import java.time.Instant;
import java.time.temporal.ChronoUnit;

/**
 * An event as defined by the organiser: at most {@code limit} coupons, handed out to
 * applications whose time lies in {@code [opensAt, closesAt)}. {@code closesAt} null means never.
 * The value of {@code coupon-events}, keyed by {@code eventId}.
 */
public record EventDefinition(String eventId, int limit, Instant opensAt, Instant closesAt) {

    public static final int MAX_LIMIT = 10_000_000;

    public EventDefinition {
        Ids.requireLogged("eventId", eventId);
        if (limit < 1 || limit > MAX_LIMIT) {
            throw new IllegalArgumentException("limit must be between 1 and " + MAX_LIMIT);
        }
        if (opensAt == null) {
            throw new IllegalArgumentException("opensAt is required");
        }
        // Record timestamps are milliseconds: keep instants at that precision so that a decision
        // made from a record's timestamp and one made from this value always agree.
        opensAt = opensAt.truncatedTo(ChronoUnit.MILLIS);
        closesAt = closesAt == null ? null : closesAt.truncatedTo(ChronoUnit.MILLIS);
        if (closesAt != null && !closesAt.isAfter(opensAt)) {
            throw new IllegalArgumentException("closesAt must be after opensAt");
        }
    }

    /** Whether an application made at {@code time} falls before the opening. */
    public boolean notYetOpenAt(Instant time) {
        return time.isBefore(opensAt);
    }

    /** Whether an application made at {@code time} falls at or after the closing. */
    public boolean closedAt(Instant time) {
        return closesAt != null && !time.isBefore(closesAt);
    }
}
