package firstcome.sink;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The sink's own meters (Prometheus names in brackets): rows written
 * ({@code sink_rows_written_total}), re-deliveries found already stored
 * ({@code sink_rows_already_stored_total}), batch sizes ({@code sink_batch_records}), batch time
 * from poll to commit ({@code sink_batch_seconds}), retries by stage ({@code sink_retries_total}),
 * dead letters by reason ({@code sink_dead_letters_total}) and the consumer lag
 * ({@code sink_consumer_lag_records}).
 */
final class SinkMetrics {

    /** What a retry repeated: the database write, the dead-letter send, or the offset commit. */
    enum Stage { WRITE, DEAD_LETTER, COMMIT }

    private final MeterRegistry registry;
    private final Counter rowsWritten;
    private final Counter alreadyStored;
    private final DistributionSummary batchRecords;
    private final Timer batchTime;
    private final AtomicLong lag = new AtomicLong();

    SinkMetrics(MeterRegistry registry) {
        this.registry = registry;
        rowsWritten = Counter.builder("sink.rows.written")
                .description("rows inserted into the coupon table").register(registry);
        alreadyStored = Counter.builder("sink.rows.already.stored")
                .description("coupons found already stored exactly as delivered (re-deliveries)").register(registry);
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

    void batchStored(int records, int written, int alreadyStoredRows, Duration took) {
        batchRecords.record(records);
        rowsWritten.increment(written);
        alreadyStored.increment(alreadyStoredRows);
        batchTime.record(took);
    }

    void retried(Stage stage) {
        retries(stage).increment();
    }

    void deadLettered(DeadLetterReason reason) {
        deadLetters(reason).increment();
    }

    void lag(long records) {
        lag.set(records);
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
