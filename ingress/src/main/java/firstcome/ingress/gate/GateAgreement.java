package firstcome.ingress.gate;

import com.fasterxml.jackson.annotation.JsonInclude;
import firstcome.contract.query.Tally;
import firstcome.ingress.api.EventId;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Whether an event's gate agrees with the authority, as the organiser's live view shows it: the
 * gate's count (places held in Redis) against the streams-processor's tally (live coupons, waiting
 * users, entrants not drawn yet). While requests are pending at the gate the two differ by design
 * (the gate counts a place before the processor decides it), and a decision the ingress has not
 * followed yet (a return) makes them differ for a moment, so they disagree only when nothing is
 * pending and the counts have differed at every look for longer than {@link #GRACE}.
 *
 * <p>Built from what the live view reads anyway (the count, the tally) plus the number of pending
 * requests, one constant-time read; it keeps only the events seen differing, and forgets an event
 * not looked at for {@link #FORGET_AFTER}, so a view opened later starts its grace afresh.
 * The full check, user by user, is {@code make audit}'s (docs/operations.md).
 */
public final class GateAgreement {

    /** How long the counts may differ with nothing pending before the view says they disagree. */
    public static final Duration GRACE = Duration.ofSeconds(5);
    /** An event not looked at for this long is looked at afresh (its grace starts again). */
    static final Duration FORGET_AFTER = Duration.ofSeconds(30);

    /** The events seen differing with nothing pending: since when, and when last seen so. */
    private final Map<EventId, Differing> differing = new ConcurrentHashMap<>();

    /**
     * The places the gate should count by the processor's {@code tally}: coupons issued and not
     * returned, users waiting, and the entrants of a draw not done yet (every one holds a place).
     */
    public static long authority(Tally tally) {
        long entrants = tally.draw() != null && !tally.draw().drawn() ? tally.draw().entrants() : 0;
        return tally.issued() - tally.returned() + tally.waitlisted() + entrants;
    }

    /** One look at the event at {@code now}: the gate's {@code count} and {@code pending} requests, and the {@code authority}. */
    public Signal observe(EventId event, long count, long authority, long pending, Instant now) {
        differing.values().removeIf(seen -> seen.lastSeen().plus(FORGET_AFTER).isBefore(now));
        if (pending > 0 || count == authority) {
            differing.remove(event);
            return new Signal(count, authority, pending, true, null);
        }
        Differing seen = differing.compute(event, (id, before) -> before == null || before.lastSeen().plus(GRACE).isBefore(now)
                ? new Differing(now, now)
                : new Differing(before.since(), now));
        boolean agrees = !now.isAfter(seen.since().plus(GRACE));
        return new Signal(count, authority, pending, agrees, seen.since());
    }

    /** How many events are seen differing now (for tests: what this keeps). */
    int tracked() {
        return differing.size();
    }

    private record Differing(Instant since, Instant lastSeen) {
    }

    /**
     * What the live view shows: the gate's {@code count}, the {@code authority}'s, the requests
     * {@code pending} at the gate; {@code since}, when the counts were first seen differing with
     * nothing pending (absent while they match or requests are pending); {@code agrees} false once
     * they have differed so for longer than {@link #GRACE}.
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Signal(long count, long authority, long pending, boolean agrees, Instant since) {
    }
}
