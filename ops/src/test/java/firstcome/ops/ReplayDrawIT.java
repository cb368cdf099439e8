package firstcome.ops;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import firstcome.contract.ActionType;
import firstcome.contract.CouponAction;
import firstcome.contract.CouponRequest;
import firstcome.contract.DrawWindow;
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
 * {@code replay} of a fair opening (docs/fair-opening.md), against topics of this test's own, with the
 * production topology running as the live processor: the ticks in {@code coupon-actions} are input
 * records like any other, so the replay draws again exactly what the live processor drew, and
 * decides the held requests and a late entrant the same, byte for byte. Waits for the processor's
 * draw (streams-processor).
 */
@ExtendWith(InfrastructureExtension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ReplayDrawIT {

    private static final int PARTITIONS = 3;
    private static final Instant OPENS = Instant.parse("2026-01-05T10:00:00Z");
    /** The window's end; the draw is due at {@code WINDOW_END + GRACE}. */
    private static final Instant WINDOW_END = OPENS.plusSeconds(1);

    private final String prefix = "replay-draw-it-" + UUID.randomUUID().toString().substring(0, 8) + "-";
    private final Topics topics = Topics.standard().withPrefix(prefix);
    private final String liveGroup = prefix + "live";
    private final String event = "drawn-" + UUID.randomUUID().toString().substring(0, 8);
    private Infrastructure infrastructure;
    private KafkaProducer<byte[], byte[]> producer;
    private KafkaStreams live;

    @BeforeAll
    void drawASaleLive(Infrastructure infrastructure) throws Exception {
        this.infrastructure = infrastructure;
        infrastructure.createTopics(topics, PARTITIONS);
        producer = new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, infrastructure.kafkaBootstrapServers()),
                new ByteArraySerializer(), new ByteArraySerializer());
        Path stateDir = Files.createTempDirectory("replay-draw-it-");
        var config = new ProcessorConfig(KafkaConnection.plain(infrastructure.kafkaBootstrapServers()), liveGroup, stateDir, 0,
                "localhost", 1, topics.issued().name(), topics.decisions().name());
        var settings = StreamsSettings.of(config, topics);
        settings.remove(StreamsConfig.APPLICATION_SERVER_CONFIG);
        live = new KafkaStreams(IssuingTopology.build(topics, config.eventRetention()), settings);
        live.start();

        // limit 2, waitlist 1, a one-second window: five entrants, one request held for the draw, the
        // ingress's tick at the window's end plus the grace, a request after the draw, then a late entrant
        // (stamped inside the window, appended after the draw), then a return that serves the drawn waitlist
        send(topics.events(), new EventDefinition(event, 2, OPENS, null, 1, null).withDraw(DrawWindow.fresh(1, null,
                new java.security.SecureRandom())), OPENS.minusSeconds(60));
        for (int user = 1; user <= 5; user++) {
            Instant at = OPENS.plusMillis(100L * user);
            send(topics.requests(), new CouponRequest("r-" + user, event, "u-" + user, at), at);
        }
        send(topics.requests(), new CouponRequest("r-6", event, "u-6", WINDOW_END.plusMillis(100)), WINDOW_END.plusMillis(100));
        Instant due = WINDOW_END.plus(DrawWindow.GRACE);
        send(topics.requests(), CouponRequest.tick(event, due), due);
        send(topics.requests(), new CouponRequest("r-8", event, "u-8", due.plusMillis(50)), due.plusMillis(50));
        send(topics.requests(), new CouponRequest("r-7", event, "u-7", OPENS.plusMillis(900)), OPENS.plusMillis(900));
        for (int user = 1; user <= 5; user++) {
            Instant at = due.plusMillis(100L + user);
            send(topics.actions(), new CouponAction("x-" + user, event, "u-" + user, ActionType.RETURN, null, null, at), at);
        }
        try (var positions = new LogPositions(KafkaConnection.plain(infrastructure.kafkaBootstrapServers()), "replay-draw-it")) {
            await("the live processor decides the sale").atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(250))
                    .until(() -> positions.behind(liveGroup, positions.ends(topics.requests().name())) == 0
                            && positions.behind(liveGroup, positions.ends(topics.actions().name())) == 0
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
    void drawsTheSameAgainFromTheTicksAndRequestsInTheLog() {
        var out = new ByteArrayOutputStream();
        int status = Replay.run(env(), new String[] {"--event", event, "--live-group", liveGroup, "--wait", "60"},
                new PrintStream(out, true, UTF_8), new PrintStream(new ByteArrayOutputStream(), true, UTF_8), topics);
        String report = out.toString(UTF_8);
        System.out.println("---- replay --event " + event + " -> exit " + status + "\n" + report);

        // coupons: 2 drawn, 1 served to the drawn waitlist at the first return of a coupon; decisions: 5 IN_DRAW,
        // 5 by the draw, then the held u-6, u-8, the late u-7 (SOLD_OUT all three), 5 returns, 1 served
        assertThat(status).as(report).isEqualTo(Replay.IDENTICAL);
        assertThat(report).contains("replay: identical (3 records of event(s) " + event + ")")
                .contains("replay: " + topics.decisions().name() + " identical (19 records of event(s) " + event + ")");
    }

    private Map<String, String> env() {
        return Map.of("KAFKA_BOOTSTRAP_SERVERS", infrastructure.kafkaBootstrapServers());
    }

    private <T> void send(Topic<T> topic, T value, Instant timestamp) throws Exception {
        byte[] key = event.getBytes(UTF_8);
        int partition = Utils.toPositive(Utils.murmur2(key)) % PARTITIONS;
        producer.send(new ProducerRecord<>(topic.name(), partition, timestamp.toEpochMilli(), key,
                topic.valueSerde().serializer().serialize(topic.name(), value))).get();
    }
}
