package firstcome.ingress.gate;

import firstcome.contract.CouponRequest;
import firstcome.contract.EventDefinition;
import firstcome.ingress.RateLimitedLog;
import firstcome.ingress.api.EventId;
import firstcome.ingress.catalog.EventCatalog;
import firstcome.ingress.kafka.Publisher;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Closes the gap a crash leaves between the gate and Kafka: a request the gate let through stays
 * pending in Redis until the broker acknowledged it; one still pending {@code after} the first
 * sighting (longer than any live ingress waits for Kafka) was stranded by a dead process, and is
 * published again, byte for byte. If the first copy did reach Kafka, the streams-processor decides
 * the second as a repeat; if not, the slot gets the record it was missing, so no slot is lost.
 */
public final class GateReconciler implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(GateReconciler.class);
    private static final RateLimitedLog outageLog = new RateLimitedLog(log, Duration.ofSeconds(30));

    private final EventCatalog catalog;
    private final Gate gate;
    private final Publisher publisher;
    private final long afterNanos;
    private final Executor background;
    private final LongSupplier nanoTime;
    private final Counter republished;
    /** requestId → when a sweep first saw it pending; only the sweeping thread touches it. */
    private final Map<String, Long> firstSeen = new HashMap<>();
    /** requestIds published again and not yet acknowledged, so a slow broker does not get them twice. */
    private final Set<String> inFlight = ConcurrentHashMap.newKeySet();
    private ScheduledExecutorService timer;

    public GateReconciler(EventCatalog catalog, Gate gate, Publisher publisher, Duration after, Executor background,
            MeterRegistry registry, LongSupplier nanoTime) {
        this.catalog = catalog;
        this.gate = gate;
        this.publisher = publisher;
        this.afterNanos = after.toNanos();
        this.background = background;
        this.nanoTime = nanoTime;
        this.republished = Counter.builder("ingress.gate.republished")
                .description("Requests found pending at the gate after their ingress died, published again")
                .register(registry);
    }

    /** Sweeps every half of {@code after}, so a stranded request goes out between 1 and 1.5 times {@code after}. */
    public void start() {
        long period = Math.max(TimeUnit.MILLISECONDS.toNanos(100), afterNanos / 2);
        timer = Executors.newSingleThreadScheduledExecutor(task -> {
            Thread thread = new Thread(task, "ingress-gate-reconciler");
            thread.setDaemon(true);
            return thread;
        });
        timer.scheduleWithFixedDelay(this::sweepQuietly, period, period, TimeUnit.NANOSECONDS);
    }

    /** One pass over every known event; returns how many requests it published again. */
    int sweep() {
        long now = nanoTime.getAsLong();
        Set<String> stillPending = new HashSet<>();
        int count = 0;
        for (EventDefinition definition : catalog.definitions()) {
            for (CouponRequest request : gate.pending(new EventId(definition.eventId()))) {
                stillPending.add(request.requestId());
                Long seen = firstSeen.putIfAbsent(request.requestId(), now);
                if (seen != null && now - seen >= afterNanos && inFlight.add(request.requestId())) {
                    republish(request);
                    count++;
                }
            }
        }
        firstSeen.keySet().retainAll(stillPending);
        return count;
    }

    private void sweepQuietly() {
        try {
            int count = sweep();
            if (count > 0) {
                log.warn("published {} request(s) again that passed the gate but were never acknowledged by Kafka"
                        + " (their ingress stopped before it heard back)", count);
            }
        } catch (GateUnavailableException e) {
            outageLog.warn("could not look for stranded requests: {}", e.getMessage());
        } catch (RuntimeException e) {
            log.error("looking for stranded requests failed", e);
        }
    }

    private void republish(CouponRequest request) {
        publisher.publish(request).whenComplete((offset, failure) -> {
            if (failure != null) {
                inFlight.remove(request.requestId());
                outageLog.warn("publishing stranded request {} again failed ({}); next sweep retries",
                        request.requestId(), failure.toString());
                return;
            }
            republished.increment();
            try {
                background.execute(() -> settle(request));
            } catch (RejectedExecutionException shuttingDown) {
                inFlight.remove(request.requestId());
            }
        });
    }

    private void settle(CouponRequest request) {
        try {
            gate.settle(request);
        } catch (GateUnavailableException e) {
            // Still pending: a later sweep publishes it once more, another harmless repeat.
            outageLog.warn("could not mark stranded request {} as stored: {}", request.requestId(), e.getMessage());
        } finally {
            inFlight.remove(request.requestId());
        }
    }

    @Override
    public void close() {
        if (timer != null) {
            timer.shutdownNow();
        }
    }
}
