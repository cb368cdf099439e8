package firstcome.processor;

import firstcome.contract.CouponDecision;
import firstcome.contract.IssuingOutcome;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmHeapPressureMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import java.util.EnumMap;
import java.util.Map;
import java.util.function.Consumer;
import org.apache.kafka.streams.KafkaStreams;

/**
 * The streams-processor's own meters on {@code /metrics} (Prometheus names in brackets), beside Kafka
 * Streams' client metrics ({@code kafka_stream_*}, {@code kafka_consumer_*}, bound by Micrometer's
 * {@code KafkaStreamsMetrics}: the input lag per partition is {@code kafka_consumer_fetch_manager_records_lag} of the
 * {@code ...-StreamThread-n-consumer} clients, the records set aside to the dead-letter topic
 * {@code kafka_stream_task_dropped_records_total}):
 * <ul>
 *   <li>decisions by kind ({@code request}, {@code action}) and outcome
 *       ({@code processor_decisions_total{kind,outcome}}), counted as each decision goes to
 *       {@code coupon-decisions} ({@link #decided}). Under exactly-once this counts attempts: a
 *       transaction aborted (a crash, a fenced producer, a rebalance mid-transaction) is decided again
 *       from its last commit and counted again, while the topic holds each decision once. For a rate
 *       on a dashboard that is close enough; for the exact figures read the topic ({@code make audit});</li>
 *   <li>the client's state ({@code processor_streams_state{state}}: 1 for the state it is in, 0 for every other);</li>
 *   <li>the JVM: memory, GC and the heap left after it, threads and CPU ({@code jvm_*}, {@code process_*}, {@code system_*}).</li>
 * </ul>
 * Closing it stops the GC and heap-pressure listeners.
 */
final class StreamsProcessorMetrics implements AutoCloseable {

    private final Map<IssuingOutcome, Counter> requests = new EnumMap<>(IssuingOutcome.class);
    private final Map<IssuingOutcome, Counter> actions = new EnumMap<>(IssuingOutcome.class);
    private final JvmGcMetrics gc = new JvmGcMetrics();
    private final JvmHeapPressureMetrics heapPressure = new JvmHeapPressureMetrics();
    private final MeterRegistry registry;

    StreamsProcessorMetrics(MeterRegistry registry) {
        this.registry = registry;
        // Every series from the start, at 0: a rate and an alert see an outcome before its first decision.
        for (IssuingOutcome outcome : IssuingOutcome.values()) {
            if (outcome.isRequestOutcome()) {
                requests.put(outcome, decisions(registry, "request", outcome));
            }
            if (outcome.isActionOutcome()) {
                actions.put(outcome, decisions(registry, "action", outcome));
            }
        }
        new JvmMemoryMetrics().bindTo(registry);
        new JvmThreadMetrics().bindTo(registry);
        new ProcessorMetrics().bindTo(registry);
        gc.bindTo(registry);
        heapPressure.bindTo(registry);
    }

    /** Shows {@code streams}' state: the client is made after the topology, which takes {@link #observer()}. */
    void watch(KafkaStreams streams) {
        for (KafkaStreams.State state : KafkaStreams.State.values()) {
            Gauge.builder("processor.streams.state", streams, s -> s.state() == state ? 1 : 0)
                    .description("1 for the state the Kafka Streams client is in (RUNNING when deciding), 0 for the others")
                    .tag("state", state.name())
                    .register(registry);
        }
    }

    private static Counter decisions(MeterRegistry registry, String kind, IssuingOutcome outcome) {
        return Counter.builder("processor.decisions")
                .description("Decisions written to coupon-decisions, by kind and outcome; counts attempts: "
                        + "a transaction aborted under exactly-once and decided again is counted again")
                .tag("kind", kind)
                .tag("outcome", outcome.name())
                .register(registry);
    }

    /** Counts {@code decision}: the topology's observer of what goes to {@code coupon-decisions}. */
    void decided(CouponDecision decision) {
        Counter counter = (decision.decidesAction() ? actions : requests).get(decision.outcome());
        if (counter != null) {
            counter.increment();
        }
    }

    /** {@link #decided} as the observer {@link IssuingTopology#build(firstcome.contract.Topics, java.time.Duration, Consumer)} takes. */
    Consumer<CouponDecision> observer() {
        return this::decided;
    }

    @Override
    public void close() {
        gc.close();
        heapPressure.close();
    }
}
