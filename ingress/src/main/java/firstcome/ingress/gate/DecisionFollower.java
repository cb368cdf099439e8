package firstcome.ingress.gate;

import firstcome.contract.CouponDecision;
import firstcome.contract.KafkaConnection;
import firstcome.contract.Topic;
import firstcome.ingress.RateLimitedLog;
import firstcome.ingress.api.EventId;
import firstcome.ingress.kafka.FollowerThread;
import firstcome.ingress.kafka.TopicAssignment;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import java.util.function.Predicate;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndTimestamp;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.InterruptException;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Closes the loop from the authority back to the gate: reads every decision of coupon-decisions
 * (committed ones only) and applies them to Redis, one script call per event and batch
 * ({@link Gate#follow}). Every ingress follows every partition on its own, without a consumer
 * group: the corrections are idempotent, so several ingresses applying the same decision is
 * harmless, and no ingress depends on another being alive (see ingress/README.md).
 *
 * <p>At start it reads from {@code lookback} before now (by record time), which covers an ordinary
 * restart; a decision missed before that is healed by the reconciler: the request is still pending,
 * is published again, and the streams-processor emits its decision once more. While Redis does not
 * answer, the batch is retried and nothing further is read; the decisions of an event whose state
 * Redis lost are kept aside and applied again until it is rebuilt ({@link DecisionApplier}).
 */
public final class DecisionFollower implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(DecisionFollower.class);
    private static final RateLimitedLog failureLog = new RateLimitedLog(log, Duration.ofSeconds(30));
    private static final Duration POLL = Duration.ofMillis(100);
    private static final long FAILURE_BACKOFF_MIN_MS = 100;
    private static final long FAILURE_BACKOFF_MAX_MS = 2000;
    private static final Duration METADATA_WAIT = Duration.ofSeconds(2);
    /**
     * Decisions kept aside at most while events' states are lost (a few MB). They only accumulate
     * until the reconciler's sweep rebuilds the events.
     */
    private static final int MAX_HELD = 50_000;

    private final Topic<CouponDecision> topic;
    private final DecisionApplier applier;
    private final Duration lookback;
    private final Clock clock;
    private final KafkaConsumer<byte[], byte[]> consumer;
    private final FollowerThread follower;
    private final Counter read;
    private final Consumer<CouponDecision> actionDecisions;
    private final AuthorityProgress progress;

    public DecisionFollower(KafkaConnection kafka, Topic<CouponDecision> topic, Gate gate, OwnRequests own,
            Duration lookback, Clock clock, MeterRegistry registry) {
        this(kafka, topic, gate, own, event -> false, lookback, clock, registry);
    }

    /** {@code retired}: the events retired by now, whose decisions are only forgotten (see {@link DecisionApplier}). */
    public DecisionFollower(KafkaConnection kafka, Topic<CouponDecision> topic, Gate gate, OwnRequests own,
            Predicate<EventId> retired, Duration lookback, Clock clock, MeterRegistry registry) {
        this(kafka, topic, gate, own, retired, lookback, clock, registry, decision -> { });
    }

    /**
     * {@code actionDecisions} hears every decision of a shop's action once its batch was applied to the
     * gate (so a shop call answered from it finds the gate already following it, e.g. a returned place).
     */
    public DecisionFollower(KafkaConnection kafka, Topic<CouponDecision> topic, Gate gate, OwnRequests own,
            Predicate<EventId> retired, Duration lookback, Clock clock, MeterRegistry registry,
            Consumer<CouponDecision> actionDecisions) {
        this(kafka, topic, gate, own, retired, lookback, clock, registry, actionDecisions,
                new AuthorityProgress(topic, System::nanoTime));
    }

    /**
     * {@code progress} hears how far each partition's decisions came once their batch was applied to
     * the gate (the reconciler reads it).
     */
    public DecisionFollower(KafkaConnection kafka, Topic<CouponDecision> topic, Gate gate, OwnRequests own,
            Predicate<EventId> retired, Duration lookback, Clock clock, MeterRegistry registry,
            Consumer<CouponDecision> actionDecisions, AuthorityProgress progress) {
        this.topic = topic;
        this.progress = progress;
        this.actionDecisions = actionDecisions;
        this.lookback = lookback;
        this.clock = clock;
        this.consumer = new KafkaConsumer<>(kafka.settings(Map.of(
                ConsumerConfig.CLIENT_ID_CONFIG, "firstcome-ingress-decisions",
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false,
                // The processor writes decisions in its exactly-once transactions: an aborted one never happened.
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, IsolationLevel.READ_COMMITTED.toString().toLowerCase(),
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "latest",
                ConsumerConfig.RECONNECT_BACKOFF_MAX_MS_CONFIG, 1000)),
                new ByteArrayDeserializer(), new ByteArrayDeserializer());
        this.follower = new FollowerThread("ingress-decisions", "decision follower", consumer, this::follow);
        this.applier = new DecisionApplier(gate, own, MAX_HELD, follower::running, retired, registry);
        this.read = Counter.builder("ingress.decisions.read")
                .description("Decisions of the streams-processor read from coupon-decisions")
                .register(registry);
    }

    public void start() {
        follower.start();
    }

    /**
     * Follows until closed. An unexpected failure is logged and, after a short pause, following goes
     * on from the consumer's current position (a decision lost that way is healed by the reconciler
     * like any missed one): without the follower the gate would stop settling.
     */
    private void follow(BooleanSupplier running) throws InterruptedException {
        boolean positioned = false;
        long backoff = FAILURE_BACKOFF_MIN_MS;
        while (running.getAsBoolean()) {
            try {
                if (!positioned) {
                    List<TopicPartition> partitions = TopicAssignment.assignAll(consumer, topic.name(), running);
                    seekToLookback(partitions);
                    progress.following(partitions.size());
                    positioned = true;
                    log.info("following {} ({} partitions) from {} ago", topic.name(), partitions.size(), lookback);
                }
                ConsumerRecords<byte[], byte[]> records = consumer.poll(POLL);
                Map<EventId, List<CouponDecision>> batch = decisions(records);
                applier.apply(batch);
                for (TopicPartition partition : records.partitions()) {
                    long upTo = Long.MIN_VALUE;
                    for (ConsumerRecord<byte[], byte[]> record : records.records(partition)) {
                        upTo = Math.max(upTo, record.timestamp());
                    }
                    progress.decided(partition.partition(), upTo);
                }
                handOnActions(batch);
                backoff = FAILURE_BACKOFF_MIN_MS;
            } catch (WakeupException | InterruptException e) {
                throw e;
            } catch (RuntimeException e) {
                failureLog.error("decision follower failed; following {} on in {} ms", topic.name(), backoff, e);
                TimeUnit.MILLISECONDS.sleep(backoff);
                backoff = Math.min(FAILURE_BACKOFF_MAX_MS, backoff * 2);
            }
        }
    }

    private void handOnActions(Map<EventId, List<CouponDecision>> batch) {
        for (List<CouponDecision> decisions : batch.values()) {
            for (CouponDecision decision : decisions) {
                if (decision.decidesAction()) {
                    try {
                        actionDecisions.accept(decision);
                    } catch (RuntimeException e) {
                        failureLog.error("handing on the decision of action {} failed", decision.requestId(), e);
                    }
                }
            }
        }
    }

    /** The records as decisions grouped by event, in log order; unreadable records are skipped. */
    private Map<EventId, List<CouponDecision>> decisions(Iterable<ConsumerRecord<byte[], byte[]>> records) {
        Map<EventId, List<CouponDecision>> byEvent = new LinkedHashMap<>();
        for (ConsumerRecord<byte[], byte[]> record : records) {
            read.increment();
            if (record.value() == null) {
                continue;
            }
            try {
                CouponDecision decision = topic.valueSerde().deserializer().deserialize(topic.name(), record.value());
                byEvent.computeIfAbsent(new EventId(decision.eventId()), e -> new ArrayList<>()).add(decision);
            } catch (SerializationException | IllegalArgumentException e) {
                log.warn("skipping {} record at {}-{}: {}", topic.name(), record.partition(), record.offset(), e.getMessage());
            }
        }
        return byEvent;
    }

    /**
     * From the first record stamped {@code lookback} before now; partitions without one start at the
     * end they had before that look-up. Taken before, not resolved lazily at the first poll: a
     * decision written between the look-up and the first poll is then read, not skipped.
     */
    private void seekToLookback(List<TopicPartition> partitions) {
        long since = clock.instant().minus(lookback).toEpochMilli();
        Map<TopicPartition, Long> query = new HashMap<>();
        partitions.forEach(partition -> query.put(partition, since));
        Map<TopicPartition, Long> ends;
        Map<TopicPartition, OffsetAndTimestamp> found;
        try {
            ends = consumer.endOffsets(partitions, METADATA_WAIT);
            found = consumer.offsetsForTimes(query, METADATA_WAIT);
        } catch (TimeoutException e) {
            log.warn("could not look up where {} was {} ago; following from its end", topic.name(), lookback);
            consumer.seekToEnd(partitions);
            return;
        }
        for (TopicPartition partition : partitions) {
            OffsetAndTimestamp offset = found.get(partition);
            Long end = ends.get(partition);
            if (offset != null) {
                consumer.seek(partition, offset.offset());
            } else if (end != null) {
                consumer.seek(partition, end);
            } else {
                consumer.seekToEnd(List.of(partition));
            }
        }
    }

    @Override
    public void close() {
        follower.close();
    }
}
