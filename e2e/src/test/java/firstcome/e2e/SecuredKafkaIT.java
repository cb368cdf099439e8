package firstcome.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import firstcome.contract.Json;
import firstcome.contract.KafkaConnection;
import firstcome.stackkit.FreePorts;
import firstcome.testkit.Infrastructure;
import firstcome.testkit.InfrastructureExtension;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.assertj.core.api.InstanceOfAssertFactories;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * firstcome on a Kafka whose client listener requires SASL/PLAIN over TLS, as every managed Kafka
 * does: the three services and the replay reach it through one client file
 * ({@code KAFKA_CLIENT_CONFIG}), and a wrong password or an untrusted certificate ends a service or a
 * command at once with one clear line instead of a log full of reconnects.
 */
@ExtendWith(InfrastructureExtension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class SecuredKafkaIT {

    private static final String USER = "shop";
    private static final String PASSWORD = "shop-secret";
    private static final Duration PERSIST_DEADLINE = Duration.ofSeconds(60);
    /** A refused start is over within the credentials check (10 s) plus a JVM's start; far less in practice. */
    private static final Duration REFUSAL_DEADLINE = Duration.ofSeconds(45);
    /** A refused start writes a few lines; a retry storm or a stack trace writes dozens. */
    private static final int FEW_LINES = 12;

    private final String event = "secured-" + UUID.randomUUID().toString().substring(0, 8);
    private Infrastructure infrastructure;
    private SaslSslListener listener;
    private PausableBroker broker;
    private KafkaConnection kafka;
    private Pipeline pipeline;
    private Shoppers shoppers;

    @BeforeAll
    void startTheServicesOnASecuredBroker(Infrastructure infrastructure) throws Exception {
        this.infrastructure = infrastructure;
        listener = SaslSslListener.create(Files.createTempDirectory("e2e-sasl-ssl-"), Map.of(USER, PASSWORD));
        broker = PausableBroker.startSecured("secured-broker", listener);
        kafka = listener.connection(broker.bootstrapServers(), USER, PASSWORD);
        // The topics are created through the same connection, then every service connects with the client file.
        pipeline = new Pipeline(infrastructure, kafka);
        shoppers = pipeline.shoppers();
    }

    @AfterAll
    void stop() throws Exception {
        if (pipeline != null) {
            // The table is shared with the e2e tests on the testkit's broker, whose audit would find these rows issued by nobody.
            try (var connection = pipeline.database();
                 var statement = connection.prepareStatement("DELETE FROM coupon WHERE event_id = ?")) {
                statement.setString(1, event);
                statement.executeUpdate();
            }
            pipeline.close();
        }
        if (broker != null) {
            broker.close();
        }
    }

    @Test
    @Order(1)
    void issuesACouponWhoseRowLandsInMySqlThroughTheSecuredBroker() throws Exception {
        assertThat(shoppers.defineEvent(event, 10).statusCode()).isEqualTo(200);

        assertThat(shoppers.apply(event, "u-1").status()).isEqualTo(202);

        await("u-1 ISSUED").atMost(PERSIST_DEADLINE).pollInterval(Duration.ofMillis(250)).untilAsserted(() -> {
            JsonNode status = Json.mapper().readTree(shoppers.get("/events/" + event + "/applications/u-1").body());
            assertThat(status.path("outcome").asText()).isEqualTo("ISSUED");
            assertThat(status.path("couponNo").asInt()).isEqualTo(1);
        });
        await("u-1's row in MySQL").atMost(PERSIST_DEADLINE).pollInterval(Duration.ofMillis(250))
                .untilAsserted(() -> assertThat(rows()).containsExactly(Map.entry("u-1", 1)));
    }

    @Test
    @Order(2)
    void replaysTheLogsThroughTheSameSecuredConnection() throws Exception {
        var replay = new OperationsCommand(infrastructure, kafka).replay();

        assertThat(replay.exitStatus()).as(replay.report()).isZero();
        assertThat(replay.report()).containsPattern("replay: identical \\([\\d,]+ records\\)");
    }

    @ParameterizedTest
    @ValueSource(strings = {"ingress", "streams-processor", "sink"})
    @Order(3)
    void aServiceGivenAWrongPasswordExitsAtOnceWithOneClearLine(String service) throws Exception {
        Path wrong = listener.clientConfig(USER, "not-the-password");
        Map<String, String> env = new HashMap<>(pipeline.environment());
        env.put("KAFKA_CLIENT_CONFIG", wrong.toString());
        // Its own group and port: were it to start, it would not join the pipeline's.
        int port = FreePorts.next();
        env.putAll(Map.of("INGRESS_PORT", String.valueOf(port), "PROCESSOR_PORT", String.valueOf(port),
                "SINK_PORT", String.valueOf(port), "PROCESSOR_APPLICATION_ID", "wrong-password-processor",
                "SINK_GROUP_ID", "wrong-password-sink", "PROCESSOR_STATE_DIR", Files.createTempDirectory("e2e-refused").toString()));

        try (var refused = new ServiceProcess(service, service + "-wrong-password", env, port).start()) {
            int exitStatus = refused.awaitExit(REFUSAL_DEADLINE);

            List<String> output = refused.output();
            assertThat(exitStatus).isNotZero();
            assertThat(output).as("its output").anyMatch(line -> line.endsWith("the " + service + " could not start: Kafka at "
                    + broker.bootstrapServers() + " refused the credentials from KAFKA_CLIENT_CONFIG=" + wrong
                    + ": Authentication failed: Invalid username or password"));
            assertThat(output).as("its output, without stack traces").noneMatch(line -> line.startsWith("\tat "));
            assertThat(output).as("its output").hasSizeLessThan(FEW_LINES);
        }
    }

    @Test
    @Order(4)
    void theReplayGivenAWrongPasswordExitsWithStatusTwoAndOneLine() throws Exception {
        KafkaConnection wrong = listener.connection(broker.bootstrapServers(), USER, "not-the-password");

        var replay = new OperationsCommand(infrastructure, wrong).replay();

        assertThat(replay.exitStatus()).isEqualTo(2);
        assertThat(replay.report().lines().toList()).containsExactly("replay: could not compare: Kafka at " + broker.bootstrapServers()
                + " refused the credentials from KAFKA_CLIENT_CONFIG=" + wrong.clientConfig().orElseThrow()
                + ": Authentication failed: Invalid username or password");
        assertThat(replay.progress().lines().toList()).as("its stderr").hasSizeLessThan(FEW_LINES)
                .noneMatch(line -> line.startsWith("\tat "));
    }

    @Test
    @Order(5)
    void theReplayNotTrustingTheBrokersCertificateExitsWithStatusTwoAndOneLine() throws Exception {
        Path untrusting = listener.clientConfig(USER, PASSWORD, false);
        KafkaConnection connection = KafkaConnection.fromEnv(Map.of("KAFKA_BOOTSTRAP_SERVERS", broker.bootstrapServers(),
                "KAFKA_CLIENT_CONFIG", untrusting.toString()));

        var replay = new OperationsCommand(infrastructure, connection).replay();

        assertThat(replay.exitStatus()).isEqualTo(2);
        assertThat(replay.report().lines().toList()).singleElement(InstanceOfAssertFactories.STRING).startsWith("replay: could not compare: Kafka at "
                + broker.bootstrapServers() + " failed the TLS handshake with the settings from KAFKA_CLIENT_CONFIG=" + untrusting
                + ": SSL handshake failed");
        assertThat(replay.progress().lines().toList()).as("its stderr").hasSizeLessThan(FEW_LINES)
                .noneMatch(line -> line.startsWith("\tat "));
    }

    /** The event's rows: user to coupon number. */
    private List<Map.Entry<String, Integer>> rows() throws SQLException {
        try (var connection = pipeline.database();
             var statement = connection.prepareStatement("SELECT user_id, coupon_no FROM coupon WHERE event_id = ? ORDER BY coupon_no")) {
            statement.setString(1, event);
            try (ResultSet rows = statement.executeQuery()) {
                List<Map.Entry<String, Integer>> found = new ArrayList<>();
                while (rows.next()) {
                    found.add(Map.entry(rows.getString(1), rows.getInt(2)));
                }
                return found;
            }
        }
    }
}
