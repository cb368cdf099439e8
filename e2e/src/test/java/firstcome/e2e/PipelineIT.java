package firstcome.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import firstcome.contract.Json;
import firstcome.loadkit.CouponRow;
import firstcome.testkit.Infrastructure;
import firstcome.testkit.InfrastructureExtension;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;

/** The seed's scenarios through all three services, checked where it matters: the rows in MySQL. */
@ExtendWith(InfrastructureExtension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class PipelineIT {

    private static final Duration PERSIST_DEADLINE = Duration.ofSeconds(60);

    @AutoClose
    private Pipeline pipeline;
    private Shoppers shoppers;

    @BeforeAll
    void startPipeline(Infrastructure infrastructure) throws Exception {
        pipeline = new Pipeline(infrastructure);
        shoppers = pipeline.shoppers();
    }

    @Test
    void issuesExactlyTheLimitToAThousandShoppersOnThirtyTwoThreads() throws Exception {
        String event = uniqueEvent("seed");
        assertThat(shoppers.defineEvent(event, 100).statusCode()).isEqualTo(200);

        List<Shoppers.Answer> answers = shoppers.apply(users(event, 1000, 1), 32);

        assertThat(countByStatus(answers)).containsEntry(202, 100L).containsEntry(410, 900L);
        awaitCoupons(event, 100);
        assertThat(rows(event)).extracting(CouponRow::couponNo)
                .containsExactlyElementsOf(IntStream.rangeClosed(1, 100).boxed().toList());
        assertThat(rows(event)).extracting(CouponRow::userId).doesNotHaveDuplicates();
        assertThat(acceptedUsers(answers)).containsExactlyInAnyOrderElementsOf(
                rows(event).stream().map(CouponRow::userId).toList());
    }

    @Test
    void givesOneCouponPerUserWhenEveryUserAppliesThreeTimes() throws Exception {
        String event = uniqueEvent("thrice");
        assertThat(shoppers.defineEvent(event, 100).statusCode()).isEqualTo(200);

        List<Shoppers.Answer> answers = shoppers.apply(users(event, 1000, 3), 32);

        assertThat(answers).extracting(Shoppers.Answer::status).containsOnly(202, 409, 410);
        assertThat(countByStatus(answers)).containsEntry(202, 100L);
        awaitCoupons(event, 100);
        assertThat(rows(event)).extracting(CouponRow::couponNo)
                .containsExactlyElementsOf(IntStream.rangeClosed(1, 100).boxed().toList());
        assertThat(rows(event)).extracting(CouponRow::userId).doesNotHaveDuplicates();
    }

    @Test
    void keepsThreeEventsHitAtOnceToTheirOwnLimits() throws Exception {
        String small = uniqueEvent("ten");
        String medium = uniqueEvent("fifty");
        String large = uniqueEvent("thousand");
        shoppers.defineEvent(small, 10);
        shoppers.defineEvent(medium, 50);
        shoppers.defineEvent(large, 1000);
        List<String[]> applications = new ArrayList<>();
        for (int user = 1; user <= 600; user++) {
            for (String event : List.of(small, medium, large)) {
                applications.add(new String[] {event, "u-" + user});
            }
        }

        shoppers.apply(applications, 32);

        awaitCoupons(small, 10);
        awaitCoupons(medium, 50);
        awaitCoupons(large, 600);
        for (String event : List.of(small, medium, large)) {
            List<CouponRow> rows = rows(event);
            assertThat(rows).extracting(CouponRow::couponNo)
                    .containsExactlyElementsOf(IntStream.rangeClosed(1, rows.size()).boxed().toList());
            assertThat(rows).extracting(CouponRow::userId).doesNotHaveDuplicates();
        }
    }

    @Test
    void answersTheStatusWithTheCouponNumberMySqlHoldsAndNotAppliedForAStranger() throws Exception {
        String event = uniqueEvent("status");
        shoppers.defineEvent(event, 2);
        assertThat(shoppers.apply(users(event, 3, 1), 1)).extracting(Shoppers.Answer::status)
                .containsExactly(202, 202, 410);
        awaitCoupons(event, 2);
        Map<String, Integer> couponOfUser = rows(event).stream()
                .collect(Collectors.toMap(CouponRow::userId, CouponRow::couponNo));

        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            for (var entry : couponOfUser.entrySet()) {
                var response = shoppers.get("/events/" + event + "/applications/" + entry.getKey());
                assertThat(response.statusCode()).isEqualTo(200);
                JsonNode body = Json.mapper().readTree(response.body());
                assertThat(body.get("outcome").asText()).isEqualTo("ISSUED");
                assertThat(body.get("couponNo").asInt()).isEqualTo(entry.getValue());
            }
        });
        // u-3 was turned away at the gate (410) and never reached Kafka: nothing holds an
        // application of theirs, and the gate keeps no memory of refusals (bounded by the limit).
        var turnedAway = shoppers.get("/events/" + event + "/applications/u-3");
        assertThat(turnedAway.statusCode()).isEqualTo(404);
        var stranger = shoppers.get("/events/" + event + "/applications/nobody");
        assertThat(stranger.statusCode()).isEqualTo(404);
        assertThat(Json.mapper().readTree(stranger.body()).get("outcome").asText()).isEqualTo("NOT_APPLIED");
    }

    private List<CouponRow> rows(String event) throws SQLException {
        try (var connection = pipeline.database()) {
            return CouponRow.ofEvent(connection, event);
        }
    }

    /**
     * Waits until the event has {@code expected} rows and the pipeline is quiet, then checks that it
     * has exactly that many: nothing is left in the logs that could add one.
     */
    private void awaitCoupons(String event, int expected) throws SQLException {
        await("coupons of " + event).atMost(PERSIST_DEADLINE).pollInterval(Duration.ofMillis(200))
                .until(() -> rows(event).size() >= expected);
        pipeline.awaitQuiescence(PERSIST_DEADLINE);
        assertThat(rows(event)).as("coupons of %s once the pipeline is quiet", event).hasSize(expected);
    }

    private static List<String[]> users(String event, int count, int timesEach) {
        List<String[]> applications = new ArrayList<>();
        for (int round = 0; round < timesEach; round++) {
            for (int user = 1; user <= count; user++) {
                applications.add(new String[] {event, "u-" + user});
            }
        }
        return applications;
    }

    private static Map<Integer, Long> countByStatus(List<Shoppers.Answer> answers) {
        return answers.stream().collect(Collectors.groupingBy(Shoppers.Answer::status, HashMap::new, Collectors.counting()));
    }

    private static List<String> acceptedUsers(List<Shoppers.Answer> answers) {
        return answers.stream().filter(a -> a.status() == 202).map(Shoppers.Answer::userId).toList();
    }

    private static String uniqueEvent(String name) {
        return name + "-" + UUID.randomUUID().toString().substring(0, 8);
    }
}
