package firstcome.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import firstcome.contract.Json;
import firstcome.loadkit.CouponRow;
import firstcome.testkit.Infrastructure;
import firstcome.testkit.InfrastructureExtension;
import java.io.IOException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.UUID;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The promise under faults injected mid-spike, over the three service jars: a crashed processor or
 * ingress, Redis forgetting everything, MySQL away. {@code make chaos} runs the full matrix, with the
 * broker outage too; these are the cells that fit in the test run.
 */
@ExtendWith(InfrastructureExtension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class FaultsIT {

    private static final int LIMIT = 100;
    private static final Duration PACE = Duration.ofMillis(10);
    private static final Duration RESTART = Duration.ofSeconds(90);

    private Infrastructure infrastructure;
    @AutoClose
    private Pipeline pipeline;
    private Shoppers admin;

    @BeforeAll
    void startPipeline(Infrastructure infrastructure) throws Exception {
        this.infrastructure = infrastructure;
        pipeline = new Pipeline(infrastructure);
        admin = pipeline.shoppers();
    }

    @Test
    void issuesExactlyTheLimitWhenTheProcessorIsKilledMidSpikeAndRestarted() throws Exception {
        assertExactlyTheLimitWhenKilledMidSpikeAndRestarted(pipeline.processor, "processor-killed");
    }

    @Test
    void issuesExactlyTheLimitWhenTheIngressIsKilledMidSpikeAndRestarted() throws Exception {
        // Slots taken by requests in flight at the kill get their records from the
        // restarted ingress's reconciler, so none is lost.
        assertExactlyTheLimitWhenKilledMidSpikeAndRestarted(pipeline.ingress, "ingress-killed");
    }

    @Test
    void tellsNobody202ForACouponTheyDoNotGetWhenRedisForgetsEverythingMidSpike() throws Exception {
        String event = defineEvent("redis-flushed");
        try (PatientShoppers shoppers = spike(event)) {
            awaitAccepted(shoppers, LIMIT * 3 / 10);

            flushRedis();

            awaitSpikeOver(shoppers);
            // The gate rebuilds the event from the streams-processor's decisions before it admits
            // anyone again: no more than the limit hear 202, and every one of them gets a coupon.
            assertThat(shoppers.acceptedUsers()).hasSizeLessThanOrEqualTo(LIMIT);
            assertExactlyTheLimitOnce(event);
            assertEveryAcceptedUserDecided(event, shoppers.acceptedUsers());
        }
    }

    @Test
    void storesEveryCouponExactlyOnceWhenMySqlIsStoppedMidStream() throws Exception {
        assumeTrue(infrastructure.canStopMysql(), "MySQL is external");
        String event = defineEvent("mysql-stopped");
        try (PatientShoppers shoppers = spike(event)) {
            awaitAccepted(shoppers, LIMIT * 3 / 10);

            infrastructure.stopMysql();
            try {
                // The sink's /health bounds its own checks (1.5 s), so it says 503 rather than hanging.
                await("the sink reports the database down").atMost(Duration.ofSeconds(30))
                        .until(() -> pipeline.sink.healthStatus() == 503);
            } finally {
                infrastructure.startMysql();
            }

            awaitSpikeOver(shoppers);
            assertExactlyTheLimitOnce(event);
        }
    }

    /** The spike at a fresh event; the service killed once a third of the limit is accepted, then restarted. */
    private void assertExactlyTheLimitWhenKilledMidSpikeAndRestarted(ServiceProcess service, String eventName)
            throws Exception {
        String event = defineEvent(eventName);
        try (PatientShoppers shoppers = spike(event)) {
            awaitAccepted(shoppers, LIMIT * 3 / 10);

            service.kill();
            service.restart(RESTART);

            awaitSpikeOver(shoppers);
            assertExactlyTheLimitOnce(event);
            assertEveryAcceptedUserDecided(event, shoppers.acceptedUsers());
        }
    }

    // ---- the spike ----

    /** 250 users, a third of them pressing twice, one every 10 ms: demand is 2.5 times the limit. */
    private PatientShoppers spike(String event) {
        List<String> users = new ArrayList<>();
        Random random = new Random(event.hashCode());
        for (int i = 1; i <= LIMIT * 5 / 2; i++) {
            users.add("u-" + i);
            if (random.nextInt(3) == 0) {
                users.add("u-" + i);
            }
        }
        Collections.shuffle(users, random);
        return new PatientShoppers(pipeline.ingress.url(), 16).start(event, users, PACE);
    }

    private static void awaitAccepted(PatientShoppers shoppers, int count) {
        await("a third of the limit accepted").atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(20))
                .until(() -> shoppers.acceptedUsers().size() >= count);
    }

    private static void awaitSpikeOver(PatientShoppers shoppers) {
        await("every shopper has a final answer").atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(200))
                .until(shoppers::done);
        assertThat(shoppers.answers().keySet()).as("no 5xx but 503: %s", shoppers.answers())
                .allMatch(status -> status < 500 || status == 503);
    }

    // ---- the checks ----

    /**
     * The limit in MySQL, once the pipeline is quiet: the wait for the rows also covers requests a
     * restarted ingress publishes late (its reconciler), which quiescence alone would not wait for.
     */
    private void assertExactlyTheLimitOnce(String event) throws SQLException {
        await("the limit in MySQL").atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(250))
                .until(() -> rows(event).size() >= LIMIT);
        pipeline.awaitQuiescence(Duration.ofSeconds(90));
        List<CouponRow> rows = rows(event);
        assertThat(rows).extracting(CouponRow::couponNo)
                .containsExactlyElementsOf(IntStream.rangeClosed(1, LIMIT).boxed().toList());
        assertThat(rows).extracting(CouponRow::userId).doesNotHaveDuplicates();
    }

    /**
     * Every user told 202 ends ISSUED, with a row in MySQL: nothing accepted is left undecided, and
     * no 202 turns into a refusal later (the gate follows the authority).
     */
    private void assertEveryAcceptedUserDecided(String event, Set<String> accepted) {
        Set<String> issued = Set.copyOf(rows(event).stream().map(CouponRow::userId).toList());
        await("every 202 decided").atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofSeconds(1)).untilAsserted(() -> {
            for (String user : accepted) {
                JsonNode status = Json.mapper().readTree(admin.get("/events/" + event + "/applications/" + user).body());
                assertThat(status.path("outcome").asText()).as("status of %s: %s", user, status).isEqualTo("ISSUED");
                assertThat(issued).as("%s holds a row in MySQL", user).contains(user);
            }
        });
    }

    private String defineEvent(String name) throws Exception {
        String event = name + "-" + UUID.randomUUID().toString().substring(0, 8);
        assertThat(admin.defineEvent(event, LIMIT).statusCode()).isEqualTo(200);
        return event;
    }

    private void flushRedis() throws IOException {
        try (Socket redis = new Socket(infrastructure.redisHost(), infrastructure.redisPort())) {
            redis.setSoTimeout(5000);
            redis.getOutputStream().write("*1\r\n$8\r\nFLUSHALL\r\n".getBytes(StandardCharsets.US_ASCII));
            assertThat(new String(redis.getInputStream().readNBytes(3), StandardCharsets.US_ASCII)).isEqualTo("+OK");
        }
    }

    private List<CouponRow> rows(String event) {
        try (var connection = pipeline.database()) {
            return CouponRow.ofEvent(connection, event);
        } catch (SQLException e) {
            return List.of(); // MySQL is away: the caller keeps polling
        }
    }
}
