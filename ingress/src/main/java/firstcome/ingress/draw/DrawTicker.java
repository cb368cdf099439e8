package firstcome.ingress.draw;

import firstcome.contract.CouponRequest;
import firstcome.contract.DrawWindow;
import firstcome.contract.EventDefinition;
import firstcome.contract.Ids;
import firstcome.contract.query.Tally;
import firstcome.ingress.RateLimitedLog;
import firstcome.ingress.api.EventId;
import firstcome.ingress.catalog.EventCatalog;
import firstcome.ingress.kafka.Publisher;
import firstcome.ingress.processor.TallyLookup;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Publishes the ticks ({@link CouponRequest#tick}) that make an event's draw happen on time
 * (docs/fair-opening.md, "The gate", Ticks): the streams-processor's stream time only moves with records,
 * so at the window's end plus {@link DrawWindow#GRACE} (and {@link #PAST_GRACE}) a tick goes into the
 * event's partition of {@code coupon-requests} (straight to the producer: not through the gate, not
 * counted among this ingress's own requests), then one every {@link #EVERY} until the processor's tally says the event is
 * drawn, for at most {@link #AT_MOST} after the window's end. It follows the catalog: an event defined,
 * changed or retired plans, moves or drops its ticks; once the catalog is loaded at start, every event
 * whose window ended less than {@link #AT_MOST} ago and is not drawn gets its ticks too. Ticks of several
 * ingresses are harmless: a tick only moves stream time.
 *
 * <p>Every step runs on the {@link Scheduler}'s one thread (the catalog's callbacks and the answers of
 * the publisher and the processor are handed over to it), so the plans need no locking.
 */
public final class DrawTicker implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(DrawTicker.class);
    private static final RateLimitedLog failures = new RateLimitedLog(log, Duration.ofSeconds(10));

    /** How long past the window's end plus the grace the first tick goes: its record time is safely past it. */
    public static final Duration PAST_GRACE = Duration.ofMillis(10);
    /** How often an event not drawn yet is ticked again. */
    public static final Duration EVERY = Duration.ofSeconds(5);
    /** How long a tick waits for this ingress's sends of the event still in flight. */
    public static final Duration SENDS_WAIT = Duration.ofMillis(500);
    /** How long after the window's end the ticks stop, drawn or not. */
    public static final Duration AT_MOST = Duration.ofMinutes(10);
    /** How often a starting ingress checks whether the catalog has read coupon-events up to its end. */
    static final Duration LOADING_CHECK = Duration.ofMillis(100);

    private final EventCatalog catalog;
    private final Publisher publisher;
    private final TallyLookup tallies;
    private final Clock clock;
    private final Scheduler scheduler;
    private final Counter published;
    private final Counter failed;
    /** Completes once this ingress's sends of the event in flight have ended (see {@link #publish}). */
    private final Function<EventId, CompletableFuture<Void>> sendsEnded;
    /** The events with ticks to come, by id; only touched on the scheduler's thread. */
    private final Map<String, Plan> plans = new HashMap<>();
    private boolean loaded;
    private long generations;

    public DrawTicker(EventCatalog catalog, Publisher publisher, TallyLookup tallies, Clock clock, Scheduler scheduler,
            MeterRegistry registry) {
        this(catalog, publisher, tallies, clock, scheduler, registry, event -> CompletableFuture.completedFuture(null));
    }

    /**
     * {@code sendsEnded}: this ingress's sends of the event still in flight ({@code OwnRequests#sendsEnded}),
     * which a tick waits for (at most {@link #SENDS_WAIT}).
     */
    public DrawTicker(EventCatalog catalog, Publisher publisher, TallyLookup tallies, Clock clock, Scheduler scheduler,
            MeterRegistry registry, Function<EventId, CompletableFuture<Void>> sendsEnded) {
        this.sendsEnded = sendsEnded;
        this.catalog = catalog;
        this.publisher = publisher;
        this.tallies = tallies;
        this.clock = clock;
        this.scheduler = scheduler;
        this.published = ticks(registry, "published");
        this.failed = ticks(registry, "failed");
    }

    private static Counter ticks(MeterRegistry registry, String result) {
        return Counter.builder("ingress.draw.ticks")
                .description("Draw ticks this ingress published to make a draw happen, by result")
                .tag("result", result)
                .register(registry);
    }

    /** Follows the catalog from now on; plans the ticks of the events it holds once it is loaded. */
    public void start() {
        catalog.onChange(event -> later(() -> follow(event), Duration.ZERO));
        catalog.onRetired(event -> later(() -> follow(event), Duration.ZERO));
        later(this::whenLoaded, Duration.ZERO);
    }

    private void whenLoaded() {
        if (!catalog.isLoaded()) {
            later(this::whenLoaded, LOADING_CHECK);
            return;
        }
        loaded = true;
        catalog.definitions().stream()
                .filter(definition -> definition.draw() != null && Ids.isValid(definition.eventId()))
                .forEach(definition -> follow(new EventId(definition.eventId())));
    }

    /** Plans, moves or drops the event's ticks after its definition changed (or it retired). */
    private void follow(EventId event) {
        if (!loaded) {
            return; // whenLoaded plans every event at once
        }
        Instant now = clock.instant();
        Instant windowEnd = catalog.find(event)
                .filter(definition -> catalog.retiredAt(event, now).isEmpty())
                .map(EventDefinition::drawEndsAt)
                .orElse(null);
        Plan plan = plans.get(event.value());
        if (plan != null && plan.windowEnd.equals(windowEnd)) {
            return;
        }
        if (plan != null) {
            plans.remove(event.value());
            plan.next.cancel(false);
        }
        if (windowEnd == null || !now.isBefore(windowEnd.plus(AT_MOST))) {
            return;
        }
        Instant first = windowEnd.plus(DrawWindow.GRACE).plus(PAST_GRACE);
        // Past the first tick's time (a start, or a window's end defined into the past): it may be drawn already.
        boolean askFirst = now.isAfter(first);
        Plan planned = new Plan(windowEnd, first, ++generations);
        plans.put(event.value(), planned);
        planned.next = later(() -> tick(event, planned.generation, askFirst), Duration.between(now, first));
        log.debug("event {}: ticks planned from {}", event, first);
    }

    private void tick(EventId event, long generation, boolean askFirst) {
        Plan plan = current(event, generation);
        if (plan == null) {
            return;
        }
        Instant now = clock.instant();
        if (now.isBefore(plan.first)) {
            // The scheduler's timer ran ahead of the wall clock: a tick is never stamped before the grace ends.
            plan.next = later(() -> tick(event, generation, askFirst), Duration.between(now, plan.first));
            return;
        }
        if (!now.isBefore(plan.windowEnd.plus(AT_MOST))) {
            plans.remove(event.value());
            log.warn("event {}: the processor's tally did not say it was drawn within {} of its window's end ({});"
                    + " no more ticks from this ingress", event, AT_MOST, plan.windowEnd);
            return;
        }
        if (!askFirst) {
            publishAndPlanNext(event, plan, now);
            return;
        }
        CompletableFuture<Optional<Tally>> asked;
        try {
            asked = tallies.find(event);
        } catch (RuntimeException e) {
            asked = CompletableFuture.completedFuture(Optional.empty());
        }
        asked.exceptionally(failure -> Optional.empty())
                .thenAccept(tally -> later(() -> afterAsking(event, generation, now, drawn(tally)), Duration.ZERO));
    }

    private void afterAsking(EventId event, long generation, Instant tickedAt, boolean drawn) {
        Plan plan = current(event, generation);
        if (plan == null) {
            return;
        }
        if (drawn) {
            plans.remove(event.value());
            log.info("event {} is drawn; no more ticks", event);
            return;
        }
        publishAndPlanNext(event, plan, tickedAt);
    }

    private void publishAndPlanNext(EventId event, Plan plan, Instant tickedAt) {
        publish(event);
        long generation = plan.generation;
        plan.next = later(() -> tick(event, generation, true), Duration.between(clock.instant(), tickedAt.plus(EVERY)));
    }

    /**
     * Publishes a tick once this ingress's requests of the event still on their way to the broker have
     * been acknowledged (or failed), waiting at most {@link #SENDS_WAIT}: an entrant stamped inside the
     * window is then in the event's partition of {@code coupon-requests} before the tick is even sent,
     * so it precedes the tick in the log and the streams-processor, a replay and the audit all read it
     * first. (An entrant of another ingress, or one acknowledged later than that, can still come after
     * the tick; it is then read after it everywhere and decided first-come: docs/fair-opening.md, "Limits".)
     */
    private void publish(EventId event) {
        CompletableFuture<Void> ended;
        try {
            ended = sendsEnded.apply(event);
        } catch (RuntimeException e) {
            ended = CompletableFuture.completedFuture(null);
        }
        var ready = new CompletableFuture<Void>();
        Future<?> timeout = later(() -> ready.complete(null), SENDS_WAIT);
        ended.whenComplete((done, failure) -> {
            timeout.cancel(false);
            ready.complete(null);
        });
        ready.whenComplete((done, failure) -> publishNow(event));
    }

    private void publishNow(EventId event) {
        Instant at = clock.instant();
        CompletableFuture<Long> sent;
        try {
            sent = publisher.publish(CouponRequest.tick(event.value(), at));
        } catch (RuntimeException e) {
            sent = CompletableFuture.failedFuture(e);
        }
        sent.whenComplete((offset, failure) -> {
            if (failure == null) {
                published.increment();
                log.debug("event {}: tick at {} published", event, at);
            } else {
                failed.increment();
                Throwable cause = failure.getCause() != null ? failure.getCause() : failure;
                failures.warn("event {}: the tick at {} could not be published ({}); the next one follows in {}",
                        event, at, cause.toString(), EVERY);
            }
        });
    }

    private static boolean drawn(Optional<Tally> tally) {
        return tally.map(Tally::draw).filter(Objects::nonNull).map(Tally.DrawSummary::drawn).orElse(false);
    }

    private Plan current(EventId event, long generation) {
        Plan plan = plans.get(event.value());
        return plan != null && plan.generation == generation ? plan : null;
    }

    /** Runs {@code task} on the scheduler's thread after {@code delay}; a failure is logged, never lost in a future. */
    private Future<?> later(Runnable task, Duration delay) {
        Runnable logged = () -> {
            try {
                task.run();
            } catch (RuntimeException e) {
                failures.error("a draw tick step failed: {}", e.toString());
            }
        };
        try {
            return scheduler.schedule(logged, delay.isNegative() ? Duration.ZERO : delay);
        } catch (RejectedExecutionException closing) {
            return CompletableFuture.completedFuture(null);
        }
    }

    /** Events with ticks to come (for tests); read on the scheduler's thread. */
    int planned() {
        return plans.size();
    }

    @Override
    public void close() {
        scheduler.close();
    }

    /** An event's ticks: its window's end, the first tick's time, and the step to come. */
    private static final class Plan {
        final Instant windowEnd;
        final Instant first;
        final long generation;
        Future<?> next = CompletableFuture.completedFuture(null);

        Plan(Instant windowEnd, Instant first, long generation) {
            this.windowEnd = windowEnd;
            this.first = first;
            this.generation = generation;
        }
    }
}
