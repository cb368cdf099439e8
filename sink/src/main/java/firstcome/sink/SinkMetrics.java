package firstcome.sink;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmHeapPressureMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The sink's own meters (Prometheus names in brackets), over both topics it reads: rows written
 * ({@code sink_rows_written_total}), records found already stored
 * ({@code sink_rows_already_stored_total}), the part of both that came from {@code coupon-changes}
 * ({@code sink_changes_written_total}, {@code sink_changes_already_stored_total}), batch sizes ({@code sink_batch_records}), batch time
 * from poll to commit ({@code sink_batch_seconds}), retries by stage ({@code sink_retries_total}),
 * dead letters by reason ({@code sink_dead_letters_total}) and the consumer lag
 * ({@code sink_consumer_lag_records}, and by topic {@code sink_consumer_topic_lag_records{topic}}).
 * {@link #bindJvm} adds the JVM's: memory, GC and the heap left after it, threads and CPU ({@code jvm_*}, {@code process_*}, {@code system_*}).
 */
final class SinkMetrics {

    /** What a retry repeated: the database write, the dead-letter send, or the offset commit. */
    enum Stage { WRITE, DEAD_LETTER, COMMIT }

    private final MeterRegistry registry;
    private final Counter rowsWritten;
    private final Counter alreadyStored;
    private final Counter changesWritten;
    private final Counter changesAlreadyStored;
    private final DistributionSummary batchRecords;
    private final Timer batchTime;
    private final AtomicLong lag = new AtomicLong();
    private final Map<String, AtomicLong> lagByTopic = new ConcurrentHashMap<>();

    SinkMetrics(MeterRegistry registry) {
        this.registry = registry;
        rowsWritten = Counter.builder("sink.rows.written")
                .description("rows inserted into the coupon table, or replaced by a higher version (both topics)").register(registry);
        alreadyStored = Counter.builder("sink.rows.already.stored")
                .description("records whose row was stored already as delivered or at a later version (re-deliveries, out-of-date changes)")
                .register(registry);
        changesWritten = Counter.builder("sink.changes.written")
                .description("coupon-changes records that inserted or replaced their row").register(registry);
        changesAlreadyStored = Counter.builder("sink.changes.already.stored")
                .description("coupon-changes records whose row was at their version or a later one already").register(registry);
        batchRecords = DistributionSummary.builder("sink.batch.records")
                .description("records per batch (one poll, one transaction)")
                .serviceLevelObjectives(1, 10, 50, 100, 250, 500, 1000, 2500, 5000, 10000)
                .register(registry);
        batchTime = Timer.builder("sink.batch")
                .description("time from a batch's poll to its offset commit, retries included")
                .serviceLevelObjectives(Duration.ofMillis(5), Duration.ofMillis(25), Duration.ofMillis(100),
                        Duration.ofMillis(500), Duration.ofSeconds(2), Duration.ofSeconds(10))
                .register(registry);
        Gauge.builder("sink.consumer.lag", lag, AtomicLong::get).baseUnit("records")
                .description("records in the assigned partitions not yet committed (read_committed end offsets)")
                .register(registry);
        for (Stage stage : Stage.values()) {
            retries(stage);
        }
        for (DeadLetterReason reason : DeadLetterReason.values()) {
            deadLetters(reason);
        }
    }

    /** Binds the JVM's meters to {@code registry}; closing the answer stops the GC listeners. */
    static AutoCloseable bindJvm(MeterRegistry registry) {
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

    void batchStored(int records, CouponWriter.Result result, Duration took) {
        batchRecords.record(records);
        rowsWritten.increment(result.written());
        alreadyStored.increment(result.alreadyStored());
        changesWritten.increment(result.changes().written());
        changesAlreadyStored.increment(result.changes().alreadyStored());
        batchTime.record(took);
    }

    void retried(Stage stage) {
        retries(stage).increment();
    }

    void deadLettered(DeadLetterReason reason) {
        deadLetters(reason).increment();
    }

    /** Records not yet committed, by topic; the total is their sum. */
    void lag(Map<String, Long> byTopic) {
        long total = 0;
        for (Map.Entry<String, Long> topic : byTopic.entrySet()) {
            lagByTopic.computeIfAbsent(topic.getKey(), name -> {
                AtomicLong value = new AtomicLong();
                Gauge.builder("sink.consumer.topic.lag", value, AtomicLong::get).baseUnit("records").tag("topic", name)
                        .description("records of the topic's assigned partitions not yet committed").register(registry);
                return value;
            }).set(topic.getValue());
            total += topic.getValue();
        }
        lag.set(total);
    }

    private Counter retries(Stage stage) {
        return Counter.builder("sink.retries").tag("stage", stage.name().toLowerCase())
                .description("attempts repeated after the database or the broker failed").register(registry);
    }

    private Counter deadLetters(DeadLetterReason reason) {
        return Counter.builder("sink.dead.letters").tag("reason", reason.name())
                .description("records set aside to the dead-letter topic").register(registry);
    }
}
