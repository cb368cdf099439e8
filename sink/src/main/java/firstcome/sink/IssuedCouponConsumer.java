package firstcome.sink;

import firstcome.contract.CouponChange;
import firstcome.contract.IssuedCoupon;
import firstcome.contract.Topic;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.CommitFailedException;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.InterruptException;
import org.apache.kafka.common.errors.RebalanceInProgressException;
import org.apache.kafka.common.errors.WakeupException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The sink's poll loop over {@code coupon-issued} and {@code coupon-changes} (one consumer, one
 * group, both topics): each poll's records, of either topic, become one batch, written in one transaction, then
 * any record that can never be written is set aside on the dead-letter topic, then the offsets
 * are committed. Nothing is committed that is not in the table or the dead-letter topic, so a
 * crash anywhere means re-delivery, which the writer makes harmless.
 *
 * <p>When the database or the broker fails, the same batch is retried after an exponential
 * back-off, and meanwhile every assigned partition is paused and {@code poll()} keeps being called:
 * the back-off wait <em>is</em> that poll, so the consumer stays in its group (max.poll.interval.ms
 * is never exceeded) without fetching more, and the lag grows until the database returns.
 *
 * <p>A batch is abandoned as a whole, never committed in part: when the group takes one of its
 * partitions away (the new owner reads it again), or when {@link #stop()} is called while it waits
 * to retry. A batch being written when {@link #stop()} is called is finished and committed.
 */
public final class IssuedCouponConsumer implements Runnable {

    /** What the loop is doing, for {@code /health}. */
    public enum State { STARTING, POLLING, RETRYING, STOPPED }

    private static final Logger log = LoggerFactory.getLogger(IssuedCouponConsumer.class);
    private static final Duration POLL_TIMEOUT = Duration.ofMillis(500);
    private static final Duration COMMIT_TIMEOUT = Duration.ofSeconds(15);
    private static final Duration LAG_INTERVAL = Duration.ofSeconds(1);
    private static final Duration LAG_QUERY_TIMEOUT = Duration.ofMillis(500);
    private static final Duration REPEAT_WARNING_AFTER = Duration.ofSeconds(30);

    private final Consumer<byte[], byte[]> consumer;
    private final Topic<IssuedCoupon> issued;
    private final Topic<CouponChange> changes;
    private final CouponWriter writer;
    private final DeadLetters deadLetters;
    private final Backoff backoff;
    private final SinkMetrics metrics;

    private final CountDownLatch finished = new CountDownLatch(1);
    private volatile boolean stopping;
    private volatile State state = State.STARTING;

    // Touched only by the polling thread: rebalance callbacks run inside poll().
    private final Set<TopicPartition> takenAwayDuringBatch = new HashSet<>();
    private long lagRefreshedAt = System.nanoTime() - LAG_INTERVAL.toNanos();

    IssuedCouponConsumer(Consumer<byte[], byte[]> consumer, Topic<IssuedCoupon> issued, Topic<CouponChange> changes,
            CouponWriter writer, DeadLetters deadLetters, Backoff backoff, SinkMetrics metrics) {
        this.consumer = consumer;
        this.issued = issued;
        this.changes = changes;
        this.writer = writer;
        this.deadLetters = deadLetters;
        this.backoff = backoff;
        this.metrics = metrics;
    }

    @Override
    public void run() {
        try {
            // Both topics in one subscription: an event's issues and changes share a partition number,
            // which the default (range) assignment gives to one member; correctness never depends on it.
            consumer.subscribe(List.of(issued.name(), changes.name()), new Rebalance());
            metrics.lag(Map.of(issued.name(), 0L, changes.name(), 0L));
            state = State.POLLING;
            while (!stopping) {
                ConsumerRecords<byte[], byte[]> records = consumer.poll(POLL_TIMEOUT);
                if (!records.isEmpty()) {
                    long polledAt = System.nanoTime();
                    store(CouponBatch.decode(records, issued, changes), polledAt);
                }
                refreshLag(Optional.empty());
            }
        } catch (WakeupException e) {
            if (!stopping) {
                throw e;
            }
        } finally {
            state = State.STOPPED;
            try {
                // Auto-commit is off: closing commits nothing, so an abandoned batch is read again by the next owner.
                consumer.close();
            } finally {
                finished.countDown();
                log.info("consumer of {} and {} stopped", issued.name(), changes.name());
            }
        }
    }

    /** Asks the loop to end: it finishes a batch being written, abandons one waiting to be retried, and closes the consumer. */
    public void stop() {
        stopping = true;
        consumer.wakeup();
    }

    public boolean awaitStopped(Duration timeout) throws InterruptedException {
        return finished.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    public State state() {
        return state;
    }

    /** Writes, sets aside and commits the batch, retrying each step until it succeeds or the batch is abandoned. */
    private void store(CouponBatch batch, long polledAt) {
        takenAwayDuringBatch.clear();
        CouponWriter.Result written = null;
        List<CouponBatch.Rejection> toSetAside = List.of();
        long warnedAt = 0;
        for (int attempt = 1; ; attempt++) {
            SinkMetrics.Stage stage = SinkMetrics.Stage.WRITE;
            try {
                if (written == null) {
                    written = writer.writeRows(batch.rows());
                    toSetAside = new ArrayList<>(batch.unreadable());
                    for (CouponConflicts.Conflict conflict : written.conflicts()) {
                        toSetAside.add(batch.reject(conflict.index(), conflict.reason(), conflict.detail()));
                    }
                }
                stage = SinkMetrics.Stage.DEAD_LETTER;
                try {
                    deadLetters.send(toSetAside);
                    toSetAside = List.of();
                } catch (DeadLetters.NotAcknowledged e) {
                    toSetAside = e.unsent();
                    throw e;
                }
                stage = SinkMetrics.Stage.COMMIT;
                commit(batch);
                metrics.batchStored(batch.size(), written, Duration.ofNanos(System.nanoTime() - polledAt));
                if (attempt > 1) {
                    log.info("batch of {} records stored after {} retries ({} ms); resuming", batch.size(), attempt - 1,
                            (System.nanoTime() - polledAt) / 1_000_000);
                    resumeAll();
                }
                return;
            } catch (WakeupException | InterruptException e) {
                throw e;
            } catch (CommitFailedException | RebalanceInProgressException e) {
                log.info("group rebalanced before the batch of {} records was committed; its new owner reads it again", batch.size());
                abandon(batch);
                return;
            } catch (SQLException | KafkaException e) {
                metrics.retried(stage);
                Duration delay = backoff.delayAfter(attempt);
                long now = System.nanoTime();
                if (attempt == 1 || now - warnedAt >= REPEAT_WARNING_AFTER.toNanos()) {
                    warnedAt = now;
                    log.warn("{} of a batch of {} records failed (attempt {}); consumption paused, retrying in {} ms: {}",
                            stage.name().toLowerCase(), batch.size(), attempt, delay.toMillis(), e.toString());
                }
                if (!waitToRetry(batch, delay)) {
                    log.info("batch of {} records abandoned uncommitted ({}); it will be read again",
                            batch.size(), stopping ? "shutting down" : "partitions taken away");
                    abandon(batch);
                    return;
                }
            }
        }
    }

    private void commit(CouponBatch batch) {
        try {
            consumer.commitSync(batch.nextOffsets(), COMMIT_TIMEOUT);
        } catch (WakeupException e) {
            // stop() was called while the batch was being written. The batch is in the table, so
            // finish it: a wakeup is delivered once, and the loop ends after this batch.
            consumer.commitSync(batch.nextOffsets(), COMMIT_TIMEOUT);
        }
    }

    /**
     * The back-off: polls the paused consumer until the delay has passed. False if the batch must
     * be abandoned instead of retried (shutting down, or the group took one of its partitions).
     */
    private boolean waitToRetry(CouponBatch batch, Duration delay) {
        state = State.RETRYING;
        consumer.pause(consumer.assignment());
        long deadline = System.nanoTime() + delay.toNanos();
        while (!stopping) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                return true;
            }
            ConsumerRecords<byte[], byte[]> unexpected = consumer.poll(Duration.ofNanos(Math.min(left, POLL_TIMEOUT.toNanos())));
            readAgainLater(unexpected);
            if (!Collections.disjoint(takenAwayDuringBatch, batch.partitions())) {
                return false;
            }
            refreshLag(Optional.of(batch));
        }
        return false;
    }

    /** Paused partitions return nothing; should a record arrive anyway, it must not be skipped. */
    private void readAgainLater(ConsumerRecords<byte[], byte[]> records) {
        for (TopicPartition partition : records.partitions()) {
            consumer.seek(partition, records.records(partition).get(0).offset());
            consumer.pause(List.of(partition));
        }
    }

    /** Rewinds the partitions still ours to the batch's first records, so nothing after them is skipped. */
    private void abandon(CouponBatch batch) {
        Set<TopicPartition> assigned = consumer.assignment();
        for (TopicPartition partition : batch.partitions()) {
            if (assigned.contains(partition)) {
                batch.firstOffset(partition).ifPresent(offset -> consumer.seek(partition, offset));
            }
        }
        resumeAll();
    }

    private void resumeAll() {
        // Only partitions still assigned: resuming one the group has taken away throws.
        Set<TopicPartition> paused = new HashSet<>(consumer.paused());
        paused.retainAll(consumer.assignment());
        consumer.resume(paused);
        state = State.POLLING;
    }

    /**
     * Lag = end offset (the last stable offset, under read_committed) minus where consumption must
     * resume: the first record of a batch still in flight, else the consumer's position. Asked of
     * the broker at most once a second, because while paused the consumer fetches nothing and its
     * own lag metrics stand still.
     */
    private void refreshLag(Optional<CouponBatch> inFlight) {
        long now = System.nanoTime();
        if (now - lagRefreshedAt < LAG_INTERVAL.toNanos()) {
            return;
        }
        lagRefreshedAt = now;
        Map<String, Long> lag = new LinkedHashMap<>();
        lag.put(issued.name(), 0L);
        lag.put(changes.name(), 0L);
        Set<TopicPartition> assigned = consumer.assignment();
        if (assigned.isEmpty()) {
            metrics.lag(lag);
            return;
        }
        try {
            Map<TopicPartition, Long> ends = consumer.endOffsets(assigned, LAG_QUERY_TIMEOUT);
            for (Map.Entry<TopicPartition, Long> end : ends.entrySet()) {
                TopicPartition partition = end.getKey();
                Optional<Long> batchStart = inFlight.flatMap(batch -> batch.firstOffset(partition));
                long from = batchStart.isPresent() ? batchStart.get() : consumer.position(partition, LAG_QUERY_TIMEOUT);
                lag.merge(partition.topic(), Math.max(0, end.getValue() - from), Long::sum);
            }
            metrics.lag(lag);
        } catch (WakeupException | InterruptException e) {
            throw e;
        } catch (KafkaException e) {
            log.debug("lag not refreshed: {}", e.toString());
        }
    }

    /** Remembers partitions taken away while a batch is in flight; keeps new ones paused while retrying. */
    private final class Rebalance implements ConsumerRebalanceListener {

        @Override
        public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
            takenAwayDuringBatch.addAll(partitions);
        }

        @Override
        public void onPartitionsLost(Collection<TopicPartition> partitions) {
            takenAwayDuringBatch.addAll(partitions);
        }

        @Override
        public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
            if (state == State.RETRYING) {
                consumer.pause(partitions);
            }
        }
    }
}
