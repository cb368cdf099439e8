package firstcome.contract;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.time.DateTimeException;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;

/**
 * An event as defined by the organiser: at most {@code limit} live coupons, handed out to
 * applications whose time lies in {@code [opensAt, closesAt)}. {@code closesAt} null means never.
 * Up to {@code waitlist} applicants past the limit wait, in arrival order, for a returned coupon.
 * Coupons issued while {@code couponsValidUntil} is set can be redeemed until then (null: no expiry);
 * applications from then on are refused as closed, since a coupon issued then could not be used.
 * The value of {@code coupon-events}, keyed by {@code eventId}; {@code waitlist} and
 * {@code couponsValidUntil} appear in the JSON only when set, so a definition without them reads and
 * writes as it did before the coupon lifecycle.
 */
public record EventDefinition(String eventId, int limit, Instant opensAt, Instant closesAt,
        @JsonInclude(JsonInclude.Include.NON_DEFAULT) int waitlist,
        @JsonInclude(JsonInclude.Include.NON_NULL) Instant couponsValidUntil) {

    public static final int MAX_LIMIT = 10_000_000;
    public static final int MAX_WAITLIST = 1_000_000;

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
        if (waitlist < 0 || waitlist > MAX_WAITLIST) {
            throw new IllegalArgumentException("waitlist must be between 0 and " + MAX_WAITLIST);
        }
        couponsValidUntil = couponsValidUntil == null ? null : couponsValidUntil.truncatedTo(ChronoUnit.MILLIS);
        if (couponsValidUntil != null && !couponsValidUntil.isAfter(opensAt)) {
            throw new IllegalArgumentException("couponsValidUntil must be after opensAt");
        }
    }

    /** An event without waitlist and without expiry of its coupons. */
    public EventDefinition(String eventId, int limit, Instant opensAt, Instant closesAt) {
        this(eventId, limit, opensAt, closesAt, 0, null);
    }

    /** Whether a coupon of this event, issued now, can no longer be redeemed at {@code time}. */
    public boolean expiredAt(Instant time) {
        return couponsValidUntil != null && !time.isBefore(couponsValidUntil);
    }

    /** Whether an application made at {@code time} falls before the opening. */
    public boolean notYetOpenAt(Instant time) {
        return time.isBefore(opensAt);
    }

    /**
     * Whether an application made at {@code time} falls at or after the closing, or at or after the
     * coupons' expiry (a coupon issued then could never be used).
     */
    public boolean closedAt(Instant time) {
        return closesAt != null && !time.isBefore(closesAt) || expiredAt(time);
    }

    /**
     * When applications end for good: the earlier of {@code closesAt} and {@code couponsValidUntil}
     * (an application at or after it is refused {@code CLOSED}, {@link #closedAt}); {@code null}: never.
     */
    public Instant applicationsCloseAt() {
        if (closesAt == null || couponsValidUntil == null) {
            return closesAt == null ? couponsValidUntil : closesAt;
        }
        return closesAt.isBefore(couponsValidUntil) ? closesAt : couponsValidUntil;
    }

    /**
     * When the event is over: the later of {@code closesAt} (no application after it) and
     * {@code couponsValidUntil} (no redemption after it); either may be missing, and with both
     * missing ({@code null}) it never ends. Until then its coupons may still be redeemed, given back
     * or returned, so its working state must be kept.
     */
    public Instant endsAt() {
        if (closesAt == null) {
            return couponsValidUntil;
        }
        return couponsValidUntil == null || closesAt.isAfter(couponsValidUntil) ? closesAt : couponsValidUntil;
    }

    /**
     * The instant the event retires, {@code retention} ({@code EVENT_RETENTION}) past its
     * {@link #endsAt() end}: from then on its working state (the processor's stores, the gate's keys)
     * is gone. {@code null} when it never ends, and when that instant cannot be told in epoch
     * milliseconds (an end so far off that the event never retires: record times never reach it).
     * The one function every process judges retirement by, so that they cannot drift apart.
     */
    public Instant retiresAt(Duration retention) {
        Instant end = endsAt();
        if (end == null) {
            return null;
        }
        try {
            Instant at = end.plus(retention);
            at.toEpochMilli(); // what record times, Redis and the clocks compare: must fit in milliseconds
            return at;
        } catch (DateTimeException | ArithmeticException never) {
            return null;
        }
    }

    /** Whether the event has retired at {@code time}: its {@link #retiresAt retirement instant} is at or before it. */
    public boolean retiredAt(Duration retention, Instant time) {
        Instant at = retiresAt(retention);
        return at != null && !time.isBefore(at);
    }
}
