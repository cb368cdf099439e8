package firstcome.ops;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import firstcome.contract.IssuedCoupon;
import firstcome.contract.Json;
import firstcome.contract.Topics;
import firstcome.sink.App;
import firstcome.sink.SinkConfig;
import firstcome.testkit.Infrastructure;
import firstcome.testkit.InfrastructureExtension;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * {@code dead-letters} against the live sink, a real broker and MariaDB: the sink sets aside a coupon
 * whose number a row nobody issued holds, and an unreadable record; the listing shows both with why and
 * the original; the re-drive is refused while the row is there, writes the coupon once it is gone, and
 * sends nothing the second time.
 */
@ExtendWith(InfrastructureExtension.class)
class DeadLettersIT {

    private static final Instant ISSUED_AT = Instant.parse("2026-11-24T10:00:00.123Z");
    private static final Duration PATIENCE = Duration.ofSeconds(60);

    private final String name = "dlq-" + UUID.randomUUID().toString().substring(0, 8);
    private final Topics topics = Topics.standard().withPrefix(name + "-");
    private final String redriven = name + "-coupon-dlq-redriven";
    private Infrastructure infrastructure;
    private Map<String, String> env;
    private App sink;

    @BeforeEach
    void startTheLiveSink(Infrastructure infrastructure) {
        this.infrastructure = infrastructure;
        infrastructure.createTopics(topics, 3);
        env = Map.of(
                "KAFKA_BOOTSTRAP_SERVERS", infrastructure.kafkaBootstrapServers(),
                "MYSQL_URL", infrastructure.mysqlJdbcUrl(),
                "MYSQL_USER", infrastructure.mysqlUser(),
                "MYSQL_PASSWORD", infrastructure.mysqlPassword(),
                "SINK_PORT", "0",
                "SINK_GROUP_ID", name + "-sink");
        sink = App.start(SinkConfig.fromEnv(env), topics, () -> {
            throw new AssertionError("the sink's poll loop died");
        });
    }

    @AfterEach
    void stopTheSink() {
        if (sink != null) {
            sink.close();
        }
    }

    @Test
    void listsWhatTheSinkSetAsideAndReDrivesACouponOnceItsCauseIsFixed() throws Exception {
        // given: a row nobody issued holds coupon 1, so the sink sets u1's coupon 1 aside; and bytes that are no coupon at all
        String event = name + "-e";
        await().atMost(PATIENCE).until(this::tableExists);
        execute("INSERT INTO coupon (event_id, user_id, coupon_no, request_id, issued_at) VALUES ('" + event
                + "', 'intruder', 1, 'r-intruder', '2026-11-24 09:00:00.000')");
        IssuedCoupon coupon = new IssuedCoupon(event, "u1", 1, "r1", ISSUED_AT, null);
        byte[] couponBytes = topics.issued().valueSerde().serializer().serialize(topics.issued().name(), coupon);
        byte[] notUtf8 = {(byte) 0xff, (byte) 0xfe, 0x00, 0x41};
        try (var producer = new KafkaProducer<>(Map.<String, Object>of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, infrastructure.kafkaBootstrapServers(), ProducerConfig.ACKS_CONFIG, "all"),
                new ByteArraySerializer(), new ByteArraySerializer())) {
            producer.send(new ProducerRecord<>(topics.issued().name(), null, ISSUED_AT.toEpochMilli(), utf8(event), couponBytes)).get();
            producer.send(new ProducerRecord<>(topics.issued().name(), null, ISSUED_AT.toEpochMilli(), utf8(event), notUtf8)).get();
        }
        await().atMost(PATIENCE).until(() -> run("list", "--event", event).out().contains("2 dead letter(s)"));

        // when: listed
        Run listed = run("list", "--event", event, "--fail-if-any");

        // then: why, where from and the original, each
        assertThat(listed.status()).as(listed.out()).isEqualTo(DeadLetters.FOUND);
        assertThat(listed.out())
                .contains("COUPON_NO_TAKEN (set aside by the sink)", "UNREADABLE (set aside by the sink)")
                .contains("why:   ", "for user intruder")
                .contains("from:  " + topics.issued().name() + "/")
                .contains("key:   " + event)
                .contains("value: " + new String(couponBytes, StandardCharsets.UTF_8))
                .contains("value: base64:" + Base64.getEncoder().encodeToString(notUtf8))
                .contains("dead-letters: 2 dead letter(s) (event(s) " + event + ")");
        assertThat(run("list", "--event", event).status()).isEqualTo(DeadLetters.OK);
        assertThat(run("list", "--event", "no-such-event").out()).contains("dead-letters: no dead letters");

        List<JsonNode> json = jsonLines(run("list", "--event", event, "--json").out());
        assertThat(json).hasSize(3);
        JsonNode taken = json.stream().filter(node -> node.path("reason").asText().equals("COUPON_NO_TAKEN")).findFirst().orElseThrow();
        assertThat(taken.path("topic").asText()).isEqualTo(topics.issuedDeadLetters());
        assertThat(taken.path("source").path("topic").asText()).isEqualTo(topics.issued().name());
        assertThat(taken.path("value").asText()).isEqualTo(new String(couponBytes, StandardCharsets.UTF_8));
        assertThat(taken.path("timestamp").asText()).isEqualTo(ISSUED_AT.toString());
        JsonNode unreadable = json.stream().filter(node -> node.path("reason").asText().equals("UNREADABLE")).findFirst().orElseThrow();
        assertThat(unreadable.path("value").path("base64").asText()).isEqualTo(Base64.getEncoder().encodeToString(notUtf8));
        assertThat(json.get(2).path("counts").path(topics.issuedDeadLetters()).path("COUPON_NO_TAKEN").asLong()).isEqualTo(1);
        assertThat(json.get(2).path("total").asLong()).isEqualTo(2);
        String takenId = taken.path("id").asText();
        String unreadableId = unreadable.path("id").asText();

        // and when re-driven while the row nobody issued is still there: refused, nothing recorded
        Run early = run("redrive", "--dead-letter", takenId);
        assertThat(early.status()).as(early.out()).isEqualTo(DeadLetters.FOUND);
        assertThat(early.out()).contains(takenId + ": REFUSED: it still conflicts with the table: COUPON_NO_TAKEN");
        assertThat(users(event)).containsExactly("intruder");

        // and when the cause is fixed and it is re-driven: u1 holds coupon 1
        execute("DELETE FROM coupon WHERE event_id = '" + event + "' AND user_id = 'intruder'");
        Matcher coordinates = Pattern.compile("(.+)/(\\d+)/(\\d+)").matcher(takenId);
        assertThat(coordinates.matches()).isTrue();
        Run redrive = run("redrive", "--topic", coordinates.group(1), "--partition", coordinates.group(2), "--offset", coordinates.group(3));
        assertThat(redrive.status()).as(redrive.out()).isEqualTo(DeadLetters.OK);
        assertThat(redrive.out()).contains(takenId + ": re-driven into table coupon: coupon 1 of event " + event + " for user u1 written");
        assertThat(users(event)).containsExactly("u1");

        // and a second re-drive sends nothing, says when the first was, and the table is unchanged
        Run again = run("redrive", "--dead-letter", takenId);
        assertThat(again.status()).as(again.out()).isEqualTo(DeadLetters.OK);
        assertThat(again.out()).contains(takenId + ": already re-driven at ", "into table coupon (WRITTEN), not sent again");
        assertThat(users(event)).containsExactly("u1");

        // and a forced one finds it stored: nothing changes
        Run forced = run("redrive", "--dead-letter", takenId, "--force");
        assertThat(forced.status()).as(forced.out()).isEqualTo(DeadLetters.OK);
        assertThat(forced.out()).contains("was there already (or a later version of it): nothing changed");
        assertThat(users(event)).containsExactly("u1");

        // and the unreadable record cannot be re-driven: the sink would set it aside again
        Run all = run("redrive", "--all", "--event", event);
        assertThat(all.status()).as(all.out()).isEqualTo(DeadLetters.FOUND);
        assertThat(all.out()).contains(unreadableId + ": REFUSED: the sink would set it aside again: UNREADABLE")
                .contains(takenId + ": already re-driven at ")
                .contains("1 of 2 dead letter(s) re-driven (now or before), 1 refused");

        // and the listing says which one was re-driven
        assertThat(run("list", "--event", event).out()).contains("re-driven: at ", "into table coupon (ALREADY_STORED, forced)");
        assertThat(users(event)).containsExactly("u1");
    }

    @Test
    void aDeadLetterThatIsNotThereIsRefusedAndBadOptionsAreNamed() {
        Run missing = run("redrive", "--dead-letter", topics.issuedDeadLetters() + "/0/999");
        assertThat(missing.status()).isEqualTo(DeadLetters.FOUND);
        assertThat(missing.out()).contains(topics.issuedDeadLetters() + "/0/999: REFUSED: no dead letter there");

        Run badTopic = run("redrive", "--dead-letter", topics.issued().name() + "/0/1");
        assertThat(badTopic.status()).isEqualTo(DeadLetters.CANNOT);
        assertThat(badTopic.out()).contains("--dead-letter must name a dead-letter topic");
    }

    private record Run(int status, String out) {
    }

    private Run run(String... args) {
        var out = new ByteArrayOutputStream();
        var err = new ByteArrayOutputStream();
        int status = DeadLetters.run(env, args, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8), topics, redriven, Clock.systemUTC());
        return new Run(status, out.toString(StandardCharsets.UTF_8) + err.toString(StandardCharsets.UTF_8));
    }

    private static List<JsonNode> jsonLines(String out) throws Exception {
        List<JsonNode> nodes = new ArrayList<>();
        for (String line : out.split("\n")) {
            if (line.startsWith("{")) {
                nodes.add(Json.mapper().readTree(line));
            }
        }
        return nodes;
    }

    private static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    private boolean tableExists() throws SQLException {
        try (Connection db = connect(); ResultSet tables = db.getMetaData().getTables(null, null, "coupon", null)) {
            return tables.next();
        }
    }

    private List<String> users(String event) throws SQLException {
        try (Connection db = connect();
             PreparedStatement query = db.prepareStatement("SELECT user_id FROM coupon WHERE event_id = ? ORDER BY coupon_no")) {
            query.setString(1, event);
            List<String> users = new ArrayList<>();
            try (ResultSet result = query.executeQuery()) {
                while (result.next()) {
                    users.add(result.getString(1));
                }
            }
            return users;
        }
    }

    private void execute(String sql) throws SQLException {
        try (Connection db = connect()) {
            db.createStatement().execute(sql);
        }
    }

    private Connection connect() throws SQLException {
        return DriverManager.getConnection(infrastructure.mysqlJdbcUrl(), infrastructure.mysqlUser(), infrastructure.mysqlPassword());
    }
}
