package firstcome.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import firstcome.testkit.Infrastructure;
import firstcome.testkit.InfrastructureExtension;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The operations commands after a spike through all three services: the replay re-decides the
 * same coupons byte for byte, the rebuild writes the same table, the audit finds the first comers
 * holding them and names a row changed by hand, and they still agree after the processor is
 * killed mid-spike. The topics and the table are shared with the e2e tests that ran before in this
 * JVM (FaultsIT's faults among them): the replay and one audit cover all of it, the checks of
 * exact numbers are limited to this class's events ({@code --event}).
 */
@ExtendWith(InfrastructureExtension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ReplayAndAuditIT {

    private static final Duration PERSIST_DEADLINE = Duration.ofSeconds(60);

    private final String spike = uniqueEvent("spike");
    private final String small = uniqueEvent("small");
    private final String undersubscribed = uniqueEvent("under");
    private Pipeline pipeline;
    private Shoppers shoppers;
    private OperationsCommand commands;

    @BeforeAll
    void spikeThreeEvents(Infrastructure infrastructure) throws Exception {
        pipeline = new Pipeline(infrastructure);
        shoppers = new Shoppers(pipeline.ingress.url());
        commands = new OperationsCommand(infrastructure);
        shoppers.defineEvent(spike, 100);
        shoppers.defineEvent(small, 10);
        shoppers.defineEvent(undersubscribed, 500);
        List<String[]> applications = new ArrayList<>();
        for (int user = 1; user <= 1000; user++) {
            applications.add(new String[] {spike, "u-" + user});
            if (user <= 60) {
                applications.add(new String[] {small, "u-" + user});
                applications.add(new String[] {small, "u-" + user});
            }
            if (user <= 80) {
                applications.add(new String[] {undersubscribed, "u-" + user});
            }
        }

        shoppers.apply(applications, 32);

        awaitRows(spike, 100);
        awaitRows(small, 10);
        awaitRows(undersubscribed, 80);
    }

    @AfterAll
    void stopPipeline() throws Exception {
        if (pipeline != null) {
            pipeline.close();
        }
    }

    /** Run with {@code -Dit.test='FaultsIT,ReplayAndAuditIT'} to replay after every fault of FaultsIT. */
    @Test
    void replaysEveryEventInTheSharedLogsIntoByteIdenticalIssuedRecords() throws Exception {
        var replay = commands.replay();

        assertThat(replay.report()).containsPattern("replay: identical \\([\\d,]+ records\\)");
        assertThat(identicalRecords(replay.report())).isGreaterThanOrEqualTo(190);
        assertThat(replay.exitStatus()).isZero();
    }

    @Test
    void rebuildsTheSpikeIntoAnIdenticalTable() throws Exception {
        var rebuild = commands.rebuildDatabase(events());

        assertThat(rebuild.report()).contains("rebuild-db: identical (190 rows");
        assertThat(rebuild.exitStatus()).isZero();
    }

    @Test
    void auditsTheSpikeAsGivenToTheFirstComers() throws Exception {
        var audit = commands.audit(events());

        assertThat(audit.report())
                .contains("OK    " + spike + ": k = 100 = min(limit 100, distinct users who applied while open, at least 100)")
                .contains("OK    " + small + ": k = 10 = min(limit 10,")
                .contains("OK    " + undersubscribed + ": k = 80 = min(limit 500, distinct users who applied while open: 80)")
                .contains("audit: 3 event(s), all consistent");
        assertThat(audit.exitStatus()).isZero();
    }

    @Test
    void failsTheAuditAndTheRebuildNamingARowDeletedByHand() throws Exception {
        try (Connection db = utcConnection()) {
            String user = userOf(db, spike, 42);
            execute(db, "CREATE TABLE e2e_deleted_row LIKE coupon");
            execute(db, "INSERT INTO e2e_deleted_row SELECT * FROM coupon WHERE event_id = '" + spike + "' AND coupon_no = 42");
            execute(db, "DELETE FROM coupon WHERE event_id = '" + spike + "' AND coupon_no = 42");
            try {
                var audit = commands.audit(events());
                var rebuild = commands.rebuildDatabase(events());

                assertThat(audit.report()).contains("FAIL  " + spike)
                        .contains("no row for coupon 42 of event " + spike + " (user " + user);
                assertThat(audit.exitStatus()).isEqualTo(1);
                assertThat(rebuild.report()).contains("rebuild-db: DIFFERENT: 1 difference(s)")
                        .contains("only in the rebuild: coupon 42 of event " + spike + " for user " + user);
                assertThat(rebuild.exitStatus()).isEqualTo(1);
            } finally {
                execute(db, "INSERT INTO coupon SELECT * FROM e2e_deleted_row");
                execute(db, "DROP TABLE e2e_deleted_row");
            }
        }
    }

    @Test
    void failsTheAuditNamingARowInsertedByHand() throws Exception {
        try (Connection db = utcConnection()) {
            execute(db, "INSERT INTO coupon (event_id, user_id, coupon_no, request_id, issued_at) VALUES ('"
                    + spike + "', 'intruder', 101, '" + UUID.randomUUID() + "', NOW(3))");
            try {
                var audit = commands.audit(events());

                assertThat(audit.report()).contains("FAIL  " + spike)
                        .containsPattern("row id \\d+ \\(coupon 101 of event " + spike + " for user intruder, .*\\) matches no record of coupon-issued");
                assertThat(audit.exitStatus()).isEqualTo(1);
            } finally {
                execute(db, "DELETE FROM coupon WHERE event_id = '" + spike + "' AND user_id = 'intruder'");
            }
        }
    }

    @Test
    void replaysAndAuditsTheSameCouponsAfterTheProcessorIsKilledMidSpike() throws Exception {
        String crash = uniqueEvent("crash");
        shoppers.defineEvent(crash, 400);
        shoppers.apply(users(crash, 1, 100), 8);
        awaitRows(crash, 1);

        CompletableFuture<List<Shoppers.Answer>> rest = CompletableFuture.supplyAsync(() -> {
            try {
                return shoppers.apply(users(crash, 101, 1000), 8);
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        pipeline.processor.kill();
        rest.join();
        pipeline.processor.restart(Duration.ofSeconds(90));
        awaitRows(crash, 400);

        var replay = commands.replay("--event", crash);
        var audit = commands.audit("--event", crash);

        assertThat(replay.report()).contains("replay: identical (400 records");
        assertThat(replay.exitStatus()).isZero();
        assertThat(audit.report()).contains("OK    " + crash + ": k = 400").contains("all consistent");
        assertThat(audit.exitStatus()).isZero();
    }

    @Test
    void auditsEveryEventInTheSharedLogsAsConsistent() throws Exception {
        var audit = commands.audit();

        assertThat(audit.report()).contains("OK    " + spike).contains("all consistent").doesNotContain("FAIL");
        assertThat(audit.exitStatus()).isZero();
    }

    private String[] events() {
        return new String[] {"--event", spike, "--event", small, "--event", undersubscribed};
    }

    private static long identicalRecords(String report) {
        var matcher = Pattern.compile("identical \\(([\\d,]+) records").matcher(report);
        assertThat(matcher.find()).as("a count in %s", report).isTrue();
        return Long.parseLong(matcher.group(1).replace(",", ""));
    }

    private Connection utcConnection() throws SQLException {
        Connection connection = pipeline.database();
        execute(connection, "SET time_zone = '+00:00'");
        return connection;
    }

    private static void execute(Connection connection, String sql) throws SQLException {
        try (var statement = connection.createStatement()) {
            statement.execute(sql);
        }
    }

    private static String userOf(Connection connection, String event, int couponNo) throws SQLException {
        try (var statement = connection.prepareStatement("SELECT user_id FROM coupon WHERE event_id = ? AND coupon_no = ?")) {
            statement.setString(1, event);
            statement.setInt(2, couponNo);
            try (var result = statement.executeQuery()) {
                assertThat(result.next()).as("coupon %d of %s", couponNo, event).isTrue();
                return result.getString(1);
            }
        }
    }

    private int rows(String event) throws SQLException {
        try (Connection connection = pipeline.database();
             var statement = connection.prepareStatement("SELECT COUNT(*) FROM coupon WHERE event_id = ?")) {
            statement.setString(1, event);
            try (var result = statement.executeQuery()) {
                result.next();
                return result.getInt(1);
            }
        }
    }

    private void awaitRows(String event, int expected) {
        await("rows of " + event).atMost(PERSIST_DEADLINE).pollInterval(Duration.ofMillis(200))
                .until(() -> rows(event) >= expected);
    }

    private static List<String[]> users(String event, int from, int to) {
        List<String[]> applications = new ArrayList<>();
        for (int user = from; user <= to; user++) {
            applications.add(new String[] {event, "u-" + user});
        }
        return applications;
    }

    private static String uniqueEvent(String name) {
        return name + "-" + UUID.randomUUID().toString().substring(0, 8);
    }
}
