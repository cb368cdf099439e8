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
 * With a {@code draw} ({@link DrawWindow}), the applications of the window's first seconds are entrants
 * of a draw instead of first-come (docs/fair-opening.md). With an {@code eligibility}
 * ({@link Eligibility}), only shoppers whose token carries the claim may apply (docs/identities.md).
 * The value of {@code coupon-events}, keyed by {@code eventId}; {@code waitlist},
 * {@code couponsValidUntil}, {@code draw} and {@code eligibility} appear in the JSON only when set, so a
 * definition without them reads and writes as it did before.
 */
public record EventDefinition(String eventId, int limit, Instant opensAt, Instant closesAt,
        @JsonInclude(JsonInclude.Include.NON_DEFAULT) int waitlist,
        @JsonInclude(JsonInclude.Include.NON_NULL) Instant couponsValidUntil,
        @JsonInclude(JsonInclude.Include.NON_NULL) DrawWindow draw,
        @JsonInclude(JsonInclude.Include.NON_NULL) Eligibility eligibility) {

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
        if (draw != null) {
            Instant drawEnd = draw.endsAt(opensAt);
            if (closesAt != null && closesAt.isBefore(drawEnd) || couponsValidUntil != null && couponsValidUntil.isBefore(drawEnd)) {
                throw new IllegalArgumentException("closesAt and couponsValidUntil must be at or after the draw window's end ("
                        + drawEnd + ")");
            }
        }
    }

    /** An event open to every shopper (no eligibility). */
    public EventDefinition(String eventId, int limit, Instant opensAt, Instant closesAt, int waitlist,
            Instant couponsValidUntil, DrawWindow draw) {
        this(eventId, limit, opensAt, closesAt, waitlist, couponsValidUntil, draw, null);
    }

    /** An event without a draw window. */
    public EventDefinition(String eventId, int limit, Instant opensAt, Instant closesAt, int waitlist,
            Instant couponsValidUntil) {
        this(eventId, limit, opensAt, closesAt, waitlist, couponsValidUntil, null, null);
    }

    /** An event without waitlist and without expiry of its coupons. */
    public EventDefinition(String eventId, int limit, Instant opensAt, Instant closesAt) {
        this(eventId, limit, opensAt, closesAt, 0, null, null, null);
    }

    /** The same event with {@code closesAt} and {@code couponsValidUntil} replaced (its draw and eligibility kept). */
    public EventDefinition withClosing(Instant newClosesAt, Instant newCouponsValidUntil) {
        return new EventDefinition(eventId, limit, opensAt, newClosesAt, waitlist, newCouponsValidUntil, draw, eligibility);
    }

    /** The same event with {@code newDraw} as its draw window ({@code null}: none). */
    public EventDefinition withDraw(DrawWindow newDraw) {
        return new EventDefinition(eventId, limit, opensAt, closesAt, waitlist, couponsValidUntil, newDraw, eligibility);
    }

    /** The same event with {@code newEligibility} as its rule of who may apply ({@code null}: everyone). */
    public EventDefinition withEligibility(Eligibility newEligibility) {
        return new EventDefinition(eventId, limit, opensAt, closesAt, waitlist, couponsValidUntil, draw, newEligibility);
    }

    /**
     * Whether a request that carried {@code checked} ({@code CouponRequest.eligibleAs}, null: nothing)
     * may be decided on its merits: always without an eligibility, else when it satisfies the rule.
     */
    public boolean admits(EligibleAs checked) {
        return eligibility == null || eligibility.accepts(checked);
    }

    /** When the draw window ends; {@code null} for an event without one. */
    public Instant drawEndsAt() {
        return draw == null ? null : draw.endsAt(opensAt);
    }

    /** Whether an application made at {@code time} is an entrant of the draw: in {@code [opensAt, drawEndsAt)}. */
    public boolean inDrawWindowAt(Instant time) {
        return draw != null && !time.isBefore(opensAt) && time.isBefore(drawEndsAt());
    }

    /**
     * How many entrants the draw takes (the gate admits, the processor keeps): the window's {@code cap},
     * else {@value DrawWindow#DEFAULT_CAP_FACTOR} × (limit + waitlist), at most {@link DrawWindow#MAX_CAP};
     * 0 without a draw.
     */
    public int drawCap() {
        if (draw == null) {
            return 0;
        }
        if (draw.cap() != null) {
            return draw.cap();
        }
        return (int) Math.min((long) DrawWindow.DEFAULT_CAP_FACTOR * (limit + (long) waitlist), DrawWindow.MAX_CAP);
    }

    /**
     * How many users the gate lets hold a place for an application made at {@code time}: inside the draw
     * window the {@link #drawCap()}, else the limit plus the waitlist.
     */
    public int capacityAt(Instant time) {
        return inDrawWindowAt(time) ? drawCap() : limit + waitlist;
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
