package firstcome.ingress.gate;

import firstcome.contract.CouponRequest;
import firstcome.contract.EventDefinition;
import firstcome.ingress.RateLimitedLog;
import firstcome.ingress.api.EventId;
import firstcome.ingress.catalog.EventCatalog;
import firstcome.ingress.kafka.Publisher;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Makes sure every request that passed the gate gets decided. A request stays pending in Redis
 * until its decision comes back ({@link DecisionFollower}); one still pending {@code after} the
 * first sighting was stranded (its ingress died before Kafka had it, its send's outcome was
 * unknown, or its decision was missed) and is published again, byte for byte, and again until its
 * decision removes it, each time waiting twice as long as the time before (from {@code after} up
 * to {@value #MAX_BACKOFF} times it), so a streams-processor that is down for long is not sent
 * every undecided request again and again; never while a send of it from this ingress may still be
 * in flight, nor while the authority's decisions on its partition keep coming but have not passed
 * its record time yet ({@link AuthorityProgress}: it waits in Kafka behind a backlog). If an
 * earlier copy did reach Kafka, the streams-processor decides the repeat exactly as before and
 * emits that decision again; if not, the place gets the record it
 * was missing, so no place is lost. An entrant of a draw is decided by its {@code IN_DRAW}: it waits
 * for the draw with its place, no longer pending, so it is never published again.
 */
public final class GateReconciler implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(GateReconciler.class);
    private static final RateLimitedLog outageLog = new RateLimitedLog(log, Duration.ofSeconds(30));

    private final EventCatalog catalog;
    private final Gate gate;
    private final Publisher publisher;
    private final OwnRequests own;
    private final Consumer<EventId> onLost;
    private final long afterNanos;
    private final Duration after;
    private final LongSupplier nanoTime;
    private final Clock clock;
    private final Counter republished;
    private final Counter heldBack;
    /** How far the authority's decisions have come: a request it is still working its way to is not stranded. */
    private final AuthorityProgress progress;
    /** How far Redis's clock may run ahead of this one: keys gone this close to their retirement are not a loss. */
    static final Duration CLOCK_SKEW = Duration.ofSeconds(5);
    /** The longest wait between two publications of one request, in multiples of {@code after}. */
    public static final int MAX_BACKOFF = 16;

    /**
     * The live events found with state at the last sweep, and those found without. An event without
     * state is called lost when a sweep had found it with state, or when the sweep before found it
     * without state too: between an event's definition reaching the catalog (the admin call, or the
     * catalog follower, which may read the record first) and the gate's priming of it, its state is
     * missing without being lost, and rebuilding it then would count a release that never happened.
     * Both sets hold live events only (pruned at each sweep).
     */
    private final Set<EventId> known = ConcurrentHashMap.newKeySet();
    private final Set<EventId> missing = ConcurrentHashMap.newKeySet();
    /** requestId → when it may be published (again) and how many times it was; set at the first sighting and at each publication. */
    private final Map<String, Due> due = new ConcurrentHashMap<>();
    private ScheduledExecutorService timer;

    /**
     * {@code onLost} is told of every event whose state the gate lost (Redis lost its data), so it is
     * rebuilt within two sweeps even when nobody applies to it (its {@code remaining} and the audit
     * read the gate too).
     */
    public GateReconciler(EventCatalog catalog, Gate gate, Publisher publisher, OwnRequests own, Consumer<EventId> onLost,
            Duration after, MeterRegistry registry, LongSupplier nanoTime) {
        this(catalog, gate, publisher, own, onLost, after, registry, nanoTime, Clock.systemUTC());
    }

    /** {@code clock} tells which events have retired (never swept again). */
    public GateReconciler(EventCatalog catalog, Gate gate, Publisher publisher, OwnRequests own, Consumer<EventId> onLost,
            Duration after, MeterRegistry registry, LongSupplier nanoTime, Clock clock) {
        this(catalog, gate, publisher, own, onLost, after, registry, nanoTime, clock, null);
    }

    /**
     * {@code progress} is fed by the decision follower: a due request that the authority's decisions
     * have not passed yet, while they keep coming, waits for them ({@link AuthorityProgress});
     * null: every due request is published again.
     */
    public GateReconciler(EventCatalog catalog, Gate gate, Publisher publisher, OwnRequests own, Consumer<EventId> onLost,
            Duration after, MeterRegistry registry, LongSupplier nanoTime, Clock clock, AuthorityProgress progress) {
        this.clock = clock;
        this.progress = progress;
        this.catalog = catalog;
        this.gate = gate;
        this.publisher = publisher;
        this.own = own;
        this.onLost = onLost;
        this.after = after;
        this.afterNanos = after.toNanos();
        this.nanoTime = nanoTime;
        this.republished = Counter.builder("ingress.gate.republished")
                .description("Requests still undecided long after they passed the gate, published again")
                .register(registry);
        this.heldBack = Counter.builder("ingress.gate.republish.held")
                .description("Undecided requests found due at a sweep but held back: "
                        + "the authority's decisions were still on their way to them")
                .register(registry);
    }

    /**
     * Sweeps every half of {@code after}, so a stranded request goes out between 1 and 1.5 times
     * {@code after} (unless held back while the authority's decisions are on their way to it: then at
     * most {@link #MAX_BACKOFF} times {@code after} after its first sighting or last publication).
     */
    public void start() {
        long period = Math.max(TimeUnit.MILLISECONDS.toNanos(100), afterNanos / 2);
        timer = Executors.newSingleThreadScheduledExecutor(task -> {
            Thread thread = new Thread(task, "ingress-gate-reconciler");
            thread.setDaemon(true);
            return thread;
        });
        timer.scheduleWithFixedDelay(this::sweepQuietly, period, period, TimeUnit.NANOSECONDS);
    }

    /**
     * One pass; returns how many requests it published again. It looks only at the events that can
     * have pending requests, those not retired: a retired event's keys, its pending requests with
     * them, expired by design, so it is never rebuilt nor swept again. That set is bounded by the
     * events defined or closed within the last {@code EVENT_RETENTION}, not by every event ever
     * defined; an event without pending requests costs one check of its count and one empty read per
     * sweep, and no memory here ({@code due} holds only requests seen pending). Each event found
     * with state also gets its keys' expiry set again ({@link Gate#expire}), one call per sweep.
     */
    int sweep() {
        long now = nanoTime.getAsLong();
        Instant wallNow = clock.instant();
        Set<String> stillPending = new HashSet<>();
        Set<EventId> stillKnown = new HashSet<>();
        Set<EventId> stillMissing = new HashSet<>();
        int count = 0;
        for (EventDefinition definition : catalog.live(wallNow)) {
            EventId event = new EventId(definition.eventId());
            if (!gate.knows(event)) {
                // Redis's clock may reach the retirement instant, and expire the keys, a moment before
                // this one does: that is no loss to rebuild.
                if (catalog.retiresAt(event).map(at -> wallNow.plus(CLOCK_SKEW).isBefore(at)).orElse(true)) {
                    stillMissing.add(event);
                    if (known.contains(event) || missing.contains(event)) {
                        onLost.accept(event);
                    }
                }
                continue;
            }
            stillKnown.add(event);
            // Puts the keys' expiry where the catalog says, once per sweep: an admission that read the
            // expiry before a concurrent move wrote the old one back, and a count primed without its
            // expiry (a failure between the two calls), heal here.
            gate.expire(event);
            for (CouponRequest request : gate.pending(event)) {
                String id = request.requestId();
                stillPending.add(id);
                Due at = due.putIfAbsent(id, new Due(now + afterNanos, 0, now));
                if (at != null && now - at.at() >= 0 && !own.inFlight(id)) {
                    if (progress != null && now - at.since() < afterNanos * MAX_BACKOFF
                            && progress.approaching(event, request.receivedAt(), after)) {
                        // Still in Kafka behind a backlog the processor is deciding: its decision comes.
                        // Held at most as long as the longest backoff, so the republication horizon holds.
                        heldBack.increment();
                        continue;
                    }
                    due.put(id, at.published(now, afterNanos));
                    republish(request);
                    count++;
                }
            }
        }
        due.keySet().retainAll(stillPending);
        known.retainAll(stillKnown);
        known.addAll(stillKnown);
        missing.retainAll(stillMissing);
        missing.addAll(stillMissing);
        return count;
    }

    private void sweepQuietly() {
        try {
            int count = sweep();
            if (count > 0) {
                log.warn("published {} request(s) again that passed the gate but are still undecided", count);
            }
        } catch (GateUnavailableException e) {
            outageLog.warn("could not look for undecided requests: {}", e.getMessage());
        } catch (RuntimeException e) {
            log.error("looking for undecided requests failed", e);
        }
    }

    private void republish(CouponRequest request) {
        own.send(request, () -> publisher.publish(request)).whenComplete((offset, failure) -> {
            if (failure != null) {
                // Not published: due again at the next sweep rather than a full period later.
                due.computeIfPresent(request.requestId(),
                        (id, at) -> new Due(nanoTime.getAsLong(), at.publications() - 1, at.since()));
                outageLog.warn("publishing undecided request {} again failed ({}); next sweep retries",
                        request.requestId(), failure.toString());
                return;
            }
            republished.increment();
        });
    }

    /**
     * When a request may be published next, how many times it was published again so far, and since
     * when it waits (its first sighting or its last publication).
     */
    private record Due(long at, int publications, long since) {

        /** Published once more at {@code now}: the next time waits twice as long as this one, up to the cap. */
        Due published(long now, long afterNanos) {
            long factor = 1L << Math.min(publications, Integer.numberOfTrailingZeros(MAX_BACKOFF));
            return new Due(now + afterNanos * factor, publications + 1, now);
        }
    }

    @Override
    public void close() {
        if (timer != null) {
            timer.shutdownNow();
        }
    }
}
