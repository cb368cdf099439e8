package firstcome.processor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import firstcome.contract.ActionType;
import firstcome.contract.CouponAction;
import firstcome.contract.CouponDecision;
import firstcome.contract.CouponRequest;
import firstcome.contract.EventDefinition;
import firstcome.contract.Topics;
import firstcome.testkit.Infrastructure;
import firstcome.testkit.InfrastructureExtension;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The order of records across the processor's input topics, against a real broker: a record appended
 * to one topic after a record of another topic stamped later is still decided before it, as a replay
 * (which reads both topics whole and merges them by time) decides it, as long as the inversion is
 * shorter than the processor's {@code max.task.idle.ms} ({@link StreamsSettings}).
 *
 * <p>The scenario, the design's example: limit 1, {@code u-1} holds coupon 1. {@code u-3} applies
 * (the requests' partition is active), then {@code u-1}'s RETURN stamped {@code T} reaches the log,
 * and only {@value #INVERSION_MS} ms later {@code u-2}'s request stamped {@code T - 10 ms} (another
 * ingress, a slower batch). In time order {@code u-2} comes first and finds the event full.
 */
@ExtendWith(InfrastructureExtension.class)
class CrossTopicOrderIT {

    private static final Instant T0 = Instant.parse("2026-11-24T10:00:00Z");
    private static final Instant T = T0.plusSeconds(60);
    /** How long after the action the earlier-stamped request reaches the log: well within the idle time. */
    private static final long INVERSION_MS = 200;
    private static final String EVENT = "order";

    private final Infrastructure infrastructure;
    private final Topics topics;

    CrossTopicOrderIT(Infrastructure infrastructure) {
        this.infrastructure = infrastructure;
        this.topics = Topics.standard().withPrefix("it-order-" + UUID.randomUUID() + "-");
    }

    @BeforeEach
    void createTopics() {
        infrastructure.createTopics(topics, 1);
    }

    @Test
    void decidesARequestAppendedAfterAnActionStampedLaterBeforeItLiveAsTheReplayDoes(@TempDir Path live, @TempDir Path replay)
            throws Exception {
        List<String> decidedLive = runInversion(StreamsSettings.of(config("it-order-live-", live), topics));

        assertThat(decidedLive).containsExactly("u-1:ISSUED#1", "u-3:SOLD_OUT", "u-2:SOLD_OUT", "u-1:RETURNED#1");
        assertThat(replay(replay)).as("a replay of the same topics").isEqualTo(decidedLive);
    }

    @Test
    void withoutIdlingTheSameInversionIsDecidedInArrivalOrderAndAReplayDecidesOtherwise(@TempDir Path live,
            @TempDir Path replay) throws Exception {
        Properties settings = StreamsSettings.of(config("it-order-unidled-", live), topics);
        settings.put(StreamsConfig.MAX_TASK_IDLE_MS_CONFIG, 0L);

        List<String> decidedLive = runInversion(settings);

        assertThat(decidedLive).containsExactly("u-1:ISSUED#1", "u-3:SOLD_OUT", "u-1:RETURNED#1", "u-2:ISSUED#2");
        assertThat(replay(replay)).containsExactly("u-1:ISSUED#1", "u-3:SOLD_OUT", "u-2:SOLD_OUT", "u-1:RETURNED#1");
    }

    private ProcessorConfig config(String applicationPrefix, Path stateDir) {
        return new ProcessorConfig(infrastructure.kafkaBootstrapServers(), applicationPrefix + UUID.randomUUID(), stateDir, 0,
                "localhost", 1);
    }

    /** Runs the processor with {@code settings} through the scenario and returns its decisions in log order. */
    private List<String> runInversion(Properties settings) throws Exception {
        try (var streams = new KafkaStreams(IssuingTopology.build(topics), settings);
                var producer = producer()) {
            streams.start();
            send(producer, topics.events().name(), topics.events().valueSerde().serializer()
                    .serialize("", new EventDefinition(EVENT, 1, T0, null)), T0);
            send(producer, topics.requests().name(), request("u-1", T0.plusMillis(1)), T0.plusMillis(1));
            awaitDecisions(topics.decisions().name(), 1);

            // Activity on the requests' partition, then the action stamped T, then the request stamped
            // before it. Each is acknowledged before the next is sent, so the log holds them in this order.
            send(producer, topics.requests().name(), request("u-3", T.minusSeconds(1)), T.minusSeconds(1));
            send(producer, topics.actions().name(), topics.actions().valueSerde().serializer().serialize("",
                    new CouponAction(UUID.randomUUID().toString(), EVENT, "u-1", ActionType.RETURN, null, null, T)), T);
            // The inversion itself: the request stamped before the action is a slower producer's batch,
            // sent INVERSION_MS after the action (scheduled input, not a wait for a result).
            ScheduledExecutorService slowProducer = Executors.newSingleThreadScheduledExecutor();
            try {
                slowProducer.schedule(() -> {
                    send(producer, topics.requests().name(), request("u-2", T.minusMillis(10)), T.minusMillis(10));
                    return null;
                }, INVERSION_MS, TimeUnit.MILLISECONDS).get(30, TimeUnit.SECONDS);
            } finally {
                slowProducer.shutdownNow();
            }

            return awaitDecisions(topics.decisions().name(), 4);
        }
    }

    /** A fresh processor on the same input topics from their start, into side topics: what {@code make replay} does. */
    private List<String> replay(Path stateDir) {
        String side = "-replay-" + UUID.randomUUID();
        Topics replayed = topics.withIssued(topics.issued().name() + side).withChanges(topics.changes().name() + side)
                .withDecisions(topics.decisions().name() + side);
        infrastructure.createTopics(replayed, 1);
        try (var streams = new KafkaStreams(IssuingTopology.build(replayed),
                StreamsSettings.of(config("it-order-replay-", stateDir), replayed))) {
            streams.start();
            return awaitDecisions(replayed.decisions().name(), 4);
        }
    }

    /** Reads the decisions with read_committed until {@code expected} arrived: {@code user:outcome[#couponNo]} in log order. */
    private List<String> awaitDecisions(String topic, int expected) {
        var deserializer = topics.decisions().valueSerde().deserializer();
        List<String> decided = new ArrayList<>();
        try (var consumer = new KafkaConsumer<byte[], byte[]>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, infrastructure.kafkaBootstrapServers(),
                ConsumerConfig.GROUP_ID_CONFIG, "it-reader-" + UUID.randomUUID(),
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed"),
                new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            consumer.subscribe(List.of(topic));
            await().atMost(Duration.ofSeconds(60)).until(() -> {
                consumer.poll(Duration.ofMillis(200)).forEach(record -> {
                    CouponDecision decision = deserializer.deserialize(topic, record.value());
                    decided.add(decision.userId() + ":" + decision.outcome()
                            + (decision.couponNo() == null ? "" : "#" + decision.couponNo()));
                });
                return decided.size() >= expected;
            });
        }
        assertThat(decided).hasSize(expected);
        return decided;
    }

    private KafkaProducer<String, byte[]> producer() {
        return new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, infrastructure.kafkaBootstrapServers(),
                ProducerConfig.ACKS_CONFIG, "all"),
                new StringSerializer(), new ByteArraySerializer());
    }

    /** Sends and waits for the broker's acknowledgement: the next record lands after this one. */
    private static void send(KafkaProducer<String, byte[]> producer, String topic, byte[] value, Instant at)
            throws InterruptedException, ExecutionException {
        producer.send(new ProducerRecord<>(topic, null, at.toEpochMilli(), EVENT, value)).get();
    }

    private byte[] request(String userId, Instant at) {
        return topics.requests().valueSerde().serializer().serialize("",
                new CouponRequest(UUID.randomUUID().toString(), EVENT, userId, at));
    }
}
