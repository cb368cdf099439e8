package firstcome.processor;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import firstcome.contract.ActionType;
import firstcome.contract.CouponAction;
import firstcome.contract.CouponRequest;
import firstcome.contract.EventDefinition;
import firstcome.contract.IssuedCoupon;
import firstcome.contract.Topics;
import firstcome.testkit.Infrastructure;
import firstcome.testkit.InfrastructureExtension;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** The processor's App against a real broker, under exactly_once_v2, reading with read_committed. */
@ExtendWith(InfrastructureExtension.class)
class IssuingProcessorIT {

    private static final int PARTITIONS = 3;
    private static final Instant T0 = Instant.parse("2026-11-24T10:00:00Z");

    private final Infrastructure infrastructure;
    private final Topics topics;
    private App app;

    IssuingProcessorIT(Infrastructure infrastructure) {
        this.infrastructure = infrastructure;
        this.topics = Topics.standard().withPrefix("it-" + UUID.randomUUID() + "-");
    }

    @BeforeEach
    void createTopics() {
        infrastructure.createTopics(topics, PARTITIONS);
    }

    @AfterEach
    void stopProcessor() {
        if (app != null) {
            app.close();
        }
    }

    private void startProcessor(Path stateDir) {
        var config = new ProcessorConfig(infrastructure.kafkaBootstrapServers(),
                "it-processor-" + UUID.randomUUID(), stateDir, 0, "localhost", 1);
        app = App.start(config, topics);
    }

    @Test
    void keepsARetiredEventRetiredAfterARestartRestoresTheStoresFromTheirChangelogs(@TempDir Path stateDir,
            @TempDir Path freshStateDir) {
        var config = new ProcessorConfig(infrastructure.kafkaBootstrapServers(), "it-retire-" + UUID.randomUUID(), stateDir,
                0, "localhost", 1).withEventRetention(Duration.ofMinutes(1));
        app = App.start(config, topics);
        Instant closes = T0.plus(Duration.ofMinutes(1));
        try (var producer = producer()) {
            send(producer, topics.events().name(), "old", topics.events().valueSerde().serializer()
                    .serialize("", new EventDefinition("old", 2, T0, closes)), T0);
            send(producer, topics.events().name(), "open", definition("open", 5), T0);
            send(producer, topics.requests().name(), "old", request("old", "u-1", T0.plusMillis(1)), T0.plusMillis(1));
            send(producer, topics.requests().name(), "open", request("open", "u-1", T0.plusMillis(2)), T0.plusMillis(2));
            // An hour later: past the retirement of "old" in every partition's stream time.
            for (String event : List.of("old", "open")) {
                Instant late = T0.plus(Duration.ofHours(1));
                send(producer, topics.requests().name(), event, request(event, "u-2", late), late);
            }
        }
        awaitRecords(topics.decisions().name(), 4);
        app.close();

        // The same application on an empty state directory: every store comes back from its changelog.
        app = App.start(new ProcessorConfig(config.bootstrapServers(), config.applicationId(), freshStateDir, 0, "localhost", 1)
                .withEventRetention(config.eventRetention()), topics);
        Instant later = T0.plus(Duration.ofHours(2));
        try (var producer = producer()) {
            send(producer, topics.events().name(), "old", definition("old", 100), later);
            send(producer, topics.requests().name(), "old", request("old", "u-3", later.plusMillis(1)), later.plusMillis(1));
            send(producer, topics.requests().name(), "open", request("open", "u-3", later.plusMillis(2)), later.plusMillis(2));
        }

        var decisions = topics.decisions().valueSerde().deserializer();
        assertThat(awaitRecords(topics.decisions().name(), 6).stream()
                        .map(r -> decisions.deserialize("", r.value()))
                        .map(d -> d.eventId() + "/" + d.userId() + ":" + d.outcome()))
                .containsExactlyInAnyOrder("old/u-1:ISSUED", "open/u-1:ISSUED", "old/u-2:CLOSED", "open/u-2:ISSUED",
                        "old/u-3:CLOSED", "open/u-3:ISSUED");
    }

    @Test
    void issuesExactlyTheLimitToTheFirstRequestsUnderExactlyOnce(@TempDir Path stateDir) {
        startProcessor(stateDir);
        try (var producer = producer()) {
            send(producer, topics.events().name(), "seed", definition("seed", 100), T0);
            for (int user = 1; user <= 1000; user++) {
                send(producer, topics.requests().name(), "seed", request("seed", "u-" + user, T0.plusMillis(user)),
                        T0.plusMillis(user));
            }
        }

        List<IssuedCoupon> coupons = awaitIssued(100);

        assertThat(coupons).extracting(IssuedCoupon::couponNo)
                .containsExactlyElementsOf(java.util.stream.IntStream.rangeClosed(1, 100).boxed().toList());
        assertThat(coupons).extracting(IssuedCoupon::userId)
                .containsExactlyElementsOf(java.util.stream.IntStream.rangeClosed(1, 100).mapToObj(n -> "u-" + n).toList());
    }

    @Test
    void decidesADefinitionBeforeTheRequestsStampedAfterItEvenWhenTheyWereWrittenFirst(@TempDir Path stateDir) {
        // The requests land in the log before the definition, but carry later timestamps: the
        // task must pick records across its two partitions by timestamp, not by arrival.
        try (var producer = producer()) {
            for (int user = 1; user <= 10; user++) {
                send(producer, topics.requests().name(), "late-def", request("late-def", "u-" + user, T0.plusSeconds(user)),
                        T0.plusSeconds(user));
            }
            producer.flush();
            send(producer, topics.events().name(), "late-def", definition("late-def", 5), T0);
        }
        startProcessor(stateDir);

        List<IssuedCoupon> coupons = awaitIssued(5);

        assertThat(coupons).extracting(IssuedCoupon::userId).containsExactly("u-1", "u-2", "u-3", "u-4", "u-5");
    }

    @Test
    void setsAsideAnUnreadableRequestAndIssuesTheNextUnderExactlyOnce(@TempDir Path stateDir) {
        startProcessor(stateDir);
        byte[] garbage = {(byte) 0xff, 0x00, 0x42};
        try (var producer = producer()) {
            send(producer, topics.events().name(), "poison", definition("poison", 5), T0);
            producer.send(new ProducerRecord<>(topics.requests().name(), null, T0.plusMillis(1).toEpochMilli(),
                    "poison", garbage));
            send(producer, topics.requests().name(), "poison", request("poison", "u-1", T0.plusMillis(2)), T0.plusMillis(2));
        }

        List<IssuedCoupon> coupons = awaitIssued(1);
        List<ConsumerRecord<byte[], byte[]>> dead = awaitRecords(topics.requestsDeadLetters(), 1);

        assertThat(coupons).extracting(IssuedCoupon::userId).containsExactly("u-1");
        assertThat(dead.get(0).value()).isEqualTo(garbage);
        assertThat(new String(dead.get(0).headers().lastHeader("__streams.errors.topic").value(), UTF_8))
                .isEqualTo(topics.requests().name());
        assertThat(new String(dead.get(0).headers().lastHeader("__streams.errors.message").value(), UTF_8))
                .contains("not a valid CouponRequest");
    }

    @Test
    void servesTheWaitlistFromReturnsUnderExactlyOnceAndAfterARestartFromTheChangelogs(@TempDir Path stateDir,
            @TempDir Path freshStateDir) {
        var config = new ProcessorConfig(infrastructure.kafkaBootstrapServers(), "it-lifecycle-" + UUID.randomUUID(), stateDir,
                0, "localhost", 1);
        app = App.start(config, topics);
        try (var producer = producer()) {
            send(producer, topics.events().name(), "wl", topics.events().valueSerde().serializer()
                    .serialize("", new EventDefinition("wl", 1, T0, null, 2, null)), T0);
            for (int user = 1; user <= 3; user++) {
                send(producer, topics.requests().name(), "wl", request("wl", "u-" + user, T0.plusMillis(user)), T0.plusMillis(user));
            }
            send(producer, topics.actions().name(), "wl", action("wl", "u-1", T0.plusMillis(10)), T0.plusMillis(10));
        }
        awaitRecords(topics.changes().name(), 1);
        app.close();

        // An empty state directory: the waitlist comes back from its changelog with the rest.
        app = App.start(new ProcessorConfig(config.bootstrapServers(), config.applicationId(), freshStateDir, 0, "localhost", 1),
                topics);
        try (var producer = producer()) {
            send(producer, topics.actions().name(), "wl", action("wl", "u-2", T0.plusMillis(20)), T0.plusMillis(20));
        }

        assertThat(awaitIssued(3)).extracting(c -> c.userId() + "#" + c.couponNo()).containsExactly("u-1#1", "u-2#2", "u-3#3");
        var changes = topics.changes().valueSerde().deserializer();
        assertThat(awaitRecords(topics.changes().name(), 2).stream()
                        .map(r -> changes.deserialize("", r.value()))
                        .map(c -> c.userId() + ":" + c.state() + ":" + c.version()))
                .containsExactly("u-1:RETURNED:1", "u-2:RETURNED:1");
    }

    private byte[] action(String eventId, String userId, Instant at) {
        return topics.actions().valueSerde().serializer().serialize("",
                new CouponAction(UUID.randomUUID().toString(), eventId, userId, ActionType.RETURN, null, null, at));
    }

    private List<IssuedCoupon> awaitIssued(int expected) {
        var deserializer = topics.issued().valueSerde().deserializer();
        List<ConsumerRecord<byte[], byte[]>> records = awaitRecords(topics.issued().name(), expected);
        List<IssuedCoupon> coupons = new ArrayList<>();
        for (var record : records) {
            coupons.add(deserializer.deserialize(topics.issued().name(), record.value()));
        }
        coupons.sort(java.util.Comparator.comparing(IssuedCoupon::couponNo));
        return coupons;
    }

    /** Reads the topic with read_committed until {@code expected} records arrived, then checks no more follow. */
    private List<ConsumerRecord<byte[], byte[]>> awaitRecords(String topic, int expected) {
        List<ConsumerRecord<byte[], byte[]>> records = new ArrayList<>();
        try (var consumer = new KafkaConsumer<byte[], byte[]>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, infrastructure.kafkaBootstrapServers(),
                ConsumerConfig.GROUP_ID_CONFIG, "it-reader-" + UUID.randomUUID(),
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed"),
                new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            consumer.subscribe(List.of(topic));
            await().atMost(Duration.ofSeconds(45)).until(() -> {
                consumer.poll(Duration.ofMillis(200)).forEach(records::add);
                return records.size() >= expected;
            });
            // Anything beyond the expected count would break the promise: give it a moment to show.
            consumer.poll(Duration.ofMillis(500)).forEach(records::add);
        }
        assertThat(records).hasSize(expected);
        return records;
    }

    private KafkaProducer<String, byte[]> producer() {
        return new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, infrastructure.kafkaBootstrapServers(),
                ProducerConfig.ACKS_CONFIG, "all"),
                new StringSerializer(), new ByteArraySerializer());
    }

    private static void send(KafkaProducer<String, byte[]> producer, String topic, String key, byte[] value, Instant at) {
        producer.send(new ProducerRecord<>(topic, null, at.toEpochMilli(), key, value));
    }

    private byte[] definition(String eventId, int limit) {
        return topics.events().valueSerde().serializer().serialize("", new EventDefinition(eventId, limit, T0, null));
    }

    private byte[] request(String eventId, String userId, Instant at) {
        return topics.requests().valueSerde().serializer().serialize("",
                new CouponRequest(UUID.randomUUID().toString(), eventId, userId, at));
    }
}
