package firstcome.ingress.api;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmHeapPressureMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * What {@code /metrics} shows about the API: applications by outcome with their latency
 * ({@code ingress_applications_total}, {@code ingress_apply_seconds}), every HTTP request by route
 * and status ({@code ingress_http_requests_seconds}), how often the sold-out short-cut answered
 * ({@code ingress_soldout_shortcut_answers_total}) and slots given back after a failed hand-off
 * ({@code ingress_gate_releases_total{result="released|failed"}}).
 *
 * <p>{@link #bindJvm} adds the JVM's: memory, GC and the heap left after it, threads and CPU ({@code jvm_*}, {@code process_*},
 * {@code system_*}), once per process.
 *
 * <p>No meter has an event label (routes are their templates, {@code /events/{eventId}/...}), so
 * the meters do not grow with the number of events, retired or not.
 */
public final class IngressMetrics {

    private final MeterRegistry registry;
    private final Map<Outcome, Counter> applications = new EnumMap<>(Outcome.class);
    private final Map<Outcome, Timer> applyLatency = new EnumMap<>(Outcome.class);
    private final Counter shortcutAnswers;
    private final Counter slotsReleased;
    private final Counter slotsLeaked;
    /**
     * The request timers, resolved once per method, route template and status: a registry look-up by
     * tags costs a builder, tag sorting and a map search on every request. Bounded like the meters: the
     * routes are templates, and the statuses the few the routes answer.
     */
    private final Map<RequestKey, Timer> requests = new ConcurrentHashMap<>();

    private record RequestKey(String method, String route, int status) {
    }

    public IngressMetrics(MeterRegistry registry) {
        this.registry = registry;
        for (Outcome outcome : Outcome.values()) {
            applications.put(outcome, Counter.builder("ingress.applications")
                    .description("Applications answered, by outcome")
                    .tag("outcome", outcome.name())
                    .register(registry));
            applyLatency.put(outcome, Timer.builder("ingress.apply")
                    .description("Time from request to answer of an application, by outcome")
                    .tag("outcome", outcome.name())
                    .publishPercentileHistogram()
                    .minimumExpectedValue(Duration.ofMillis(1))
                    .maximumExpectedValue(Duration.ofSeconds(10))
                    .register(registry));
        }
        shortcutAnswers = Counter.builder("ingress.soldout.shortcut.answers")
                .description("Applications answered from the sold-out memory instead of Redis")
                .register(registry);
        slotsReleased = Counter.builder("ingress.gate.releases")
                .description("Slots given back to the gate because Kafka did not take the request")
                .tag("result", "released")
                .register(registry);
        slotsLeaked = Counter.builder("ingress.gate.releases")
                .description("Slots given back to the gate because Kafka did not take the request")
                .tag("result", "failed")
                .register(registry);
    }

    /** Binds the JVM's meters to {@code registry}; closing the answer stops the GC listeners. */
    public static AutoCloseable bindJvm(MeterRegistry registry) {
        new JvmMemoryMetrics().bindTo(registry);
        new JvmThreadMetrics().bindTo(registry);
        new ProcessorMetrics().bindTo(registry);
        JvmGcMetrics gc = new JvmGcMetrics();
        gc.bindTo(registry);
        JvmHeapPressureMetrics heapPressure = new JvmHeapPressureMetrics();
        heapPressure.bindTo(registry);
        return () -> {
            gc.close();
            heapPressure.close();
        };
    }

    /** A slot given back after a failed hand-off; {@code false}: Redis failed too, the slot stays taken. */
    void released(boolean ok) {
        (ok ? slotsReleased : slotsLeaked).increment();
    }

    void application(Outcome outcome, long nanos) {
        applications.get(outcome).increment();
        applyLatency.get(outcome).record(nanos, TimeUnit.NANOSECONDS);
    }

    void shortcutAnswered() {
        shortcutAnswers.increment();
    }

    public void request(String method, String route, int status, long nanos) {
        requests.computeIfAbsent(new RequestKey(method, route, status), key -> Timer.builder("ingress.http.requests")
                        .description("HTTP requests by route and status")
                        .tag("method", key.method())
                        .tag("route", key.route())
                        .tag("status", Integer.toString(key.status()))
                        .register(registry))
                .record(nanos, TimeUnit.NANOSECONDS);
    }
}
