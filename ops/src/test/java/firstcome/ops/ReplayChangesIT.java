package firstcome.ops;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import firstcome.contract.CouponChange;
import firstcome.contract.CouponRequest;
import firstcome.contract.CouponState;
import firstcome.contract.EventDefinition;
import firstcome.contract.KafkaConnection;
import firstcome.contract.Topic;
import firstcome.contract.Topics;
import firstcome.processor.IssuingTopology;
import firstcome.processor.ProcessorConfig;
import firstcome.processor.StreamsSettings;
import firstcome.testkit.Infrastructure;
import firstcome.testkit.InfrastructureExtension;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.utils.Utils;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * {@code replay} against topics of this test's own (so no other test's records are decided), with
 * the production topology running as the live processor: the replay compares all three output
 * topics, {@code coupon-changes} among them, and names a change that only the live log has.
 */
@ExtendWith(InfrastructureExtension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ReplayChangesIT {

    private static final int PARTITIONS = 3;
    private static final Instant OPENS = Instant.parse("2026-01-05T10:00:00Z");

    private final String prefix = "replay-it-" + UUID.randomUUID().toString().substring(0, 8) + "-";
    private final Topics topics = Topics.standard().withPrefix(prefix);
    private final String liveGroup = prefix + "live";
    private final String event = "replayed-" + UUID.randomUUID().toString().substring(0, 8);
    private Infrastructure infrastructure;
    private KafkaProducer<byte[], byte[]> producer;
    private KafkaStreams live;
    private Path stateDir;

    @BeforeAll
    void decideASaleLive(Infrastructure infrastructure) throws Exception {
        this.infrastructure = infrastructure;
        infrastructure.createTopics(topics, PARTITIONS);
        producer = new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, infrastructure.kafkaBootstrapServers()),
                new ByteArraySerializer(), new ByteArraySerializer());
        stateDir = Files.createTempDirectory("replay-it-");
        var config = new ProcessorConfig(KafkaConnection.plain(infrastructure.kafkaBootstrapServers()), liveGroup, stateDir, 0,
                "localhost", 1, topics.issued().name(), topics.decisions().name());
        var settings = StreamsSettings.of(config, topics);
        settings.remove(StreamsConfig.APPLICATION_SERVER_CONFIG);
        live = new KafkaStreams(IssuingTopology.build(topics, config.eventRetention()), settings);
        live.start();

        send(topics.events(), new EventDefinition(event, 3, OPENS, null), OPENS.minusSeconds(60));
        for (int user = 1; user <= 5; user++) {
            Instant at = OPENS.plusMillis(user);
            send(topics.requests(), new CouponRequest("r-" + user, event, "u-" + user, at), at);
        }
        try (var positions = new LogPositions(KafkaConnection.plain(infrastructure.kafkaBootstrapServers()), "replay-it")) {
            await("the live processor decides the sale").atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(250))
                    .until(() -> positions.behind(liveGroup, positions.ends(topics.requests().name())) == 0
                            && LogPositions.span(Map.of(), positions.ends(topics.issued().name())) >= 3);
        }
    }

    @AfterAll
    void stop() {
        if (live != null) {
            live.close(Duration.ofSeconds(30));
            live.cleanUp();
        }
        if (producer != null) {
            producer.close();
        }
    }

    @Test
    void decidesTheSameCouponsChangesAndDecisionsAgain() {
        var replay = replay();

        assertThat(replay).contains("replay: identical (3 records of event(s) " + event + ")")
                .contains("replay: " + topics.changes().name() + " identical (0 records of event(s) " + event + ")")
                .contains("replay: " + topics.decisions().name() + " identical (5 records of event(s) " + event + ")");
    }

    @Test
    void namesAChangeOnlyTheLiveLogHas() throws Exception {
        // given: a change nobody decided (no action asked for it), written into the live coupon-changes
        String other = "tampered-" + UUID.randomUUID().toString().substring(0, 8);
        RecordMetadata written = send(topics.changes(), new CouponChange(other, "u-1", 1, "r-1", OPENS, null, CouponState.REDEEMED, "o-1", 1,
                OPENS.plusSeconds(1)), OPENS.plusSeconds(1));

        // when
        var out = new ByteArrayOutputStream();
        int status = Replay.run(env(), new String[] {"--event", other, "--live-group", liveGroup, "--wait", "60"},
                new PrintStream(out, true, UTF_8), new PrintStream(new ByteArrayOutputStream(), true, UTF_8), topics);
        String report = out.toString(UTF_8);
        System.out.println("---- replay --event " + other + " -> exit " + status + "\n" + report);

        // then
        assertThat(report).contains("replay: " + topics.changes().name() + " DIFFERENT: 1 difference(s), 0 records identical")
                .contains("partition " + written.partition() + ": live offset " + written.offset() + " was not changed so by the replay");
        assertThat(status).isEqualTo(Replay.DIFFERENT);
    }

    private String replay() {
        var out = new ByteArrayOutputStream();
        int status = Replay.run(env(), new String[] {"--event", event, "--live-group", liveGroup, "--wait", "60"},
                new PrintStream(out, true, UTF_8), new PrintStream(new ByteArrayOutputStream(), true, UTF_8), topics);
        String report = out.toString(UTF_8);
        System.out.println("---- replay --event " + event + " -> exit " + status + "\n" + report);
        assertThat(status).as(report).isEqualTo(Replay.IDENTICAL);
        return report;
    }

    private Map<String, String> env() {
        return Map.of("KAFKA_BOOTSTRAP_SERVERS", infrastructure.kafkaBootstrapServers());
    }

    private <T> RecordMetadata send(Topic<T> topic, T value, Instant timestamp) throws Exception {
        byte[] key = (value instanceof CouponChange change ? change.eventId() : event).getBytes(UTF_8);
        int partition = Utils.toPositive(Utils.murmur2(key)) % PARTITIONS;
        return producer.send(new ProducerRecord<>(topic.name(), partition, timestamp.toEpochMilli(), key,
                topic.valueSerde().serializer().serialize(topic.name(), value))).get();
    }
}
