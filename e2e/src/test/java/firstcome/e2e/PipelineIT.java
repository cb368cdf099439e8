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
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
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

    /**
     * An organiser postpones an event while applications flow: requests that passed the gate just
     * before the ingress heard of it are decided NOT_OPEN by the streams-processor. The gate follows
     * that decision and gives their places back, so once the event opens again those shoppers can
     * apply again, and the event still issues exactly its limit.
     */
    @Test
    void letsShoppersTurnedAwayByAPostponementApplyAgainAndStillIssuesExactlyTheLimit() throws Exception {
        String event = uniqueEvent("postponed");
        Set<String> accepted = new HashSet<>();
        Set<String> turnedAway = new HashSet<>();
        int nextUser = 1;
        // A request turned away this way is one stamped in the moment between the new definition
        // and the ingress's catalog taking it: postpone mid-flood until that has happened.
        for (int round = 1; round <= 8 && turnedAway.isEmpty(); round++) {
            assertThat(shoppers.defineEvent(event, definition(1000, Instant.now().minusSeconds(1))).statusCode()).isEqualTo(200);
            List<String> users = IntStream.range(nextUser, nextUser + 60).mapToObj(i -> "p-" + i).toList();
            nextUser += 60;
            try (PatientShoppers flood = new PatientShoppers(pipeline.ingress.url(), 16).start(event, users, Duration.ofMillis(1))) {
                await("a first few accepted").atMost(PERSIST_DEADLINE).pollInterval(Duration.ofMillis(5))
                        .until(() -> flood.acceptedUsers().size() >= 5);
                assertThat(shoppers.defineEvent(event, definition(1000, Instant.now().plusSeconds(3600))).statusCode())
                        .isEqualTo(200);
                await("the flood's last answers").atMost(PERSIST_DEADLINE).until(flood::done);
                accepted.addAll(flood.acceptedUsers());
            }
            Map<String, String> outcomes = decided(event, accepted);
            outcomes.forEach((user, outcome) -> {
                if (outcome.equals("REJECTED:NOT_OPEN")) {
                    turnedAway.add(user);
                }
            });
            assertThat(outcomes.values()).as("every 202 ends issued, or turned away by the postponement")
                    .allMatch(outcome -> outcome.equals("ISSUED") || outcome.equals("REJECTED:NOT_OPEN"));
        }
        assertThat(turnedAway).as("shoppers told 202 and then NOT_OPEN in 8 postponements").isNotEmpty();
        int issued = accepted.size() - turnedAway.size();
        // the gate gave the turned-away places back: it counts only the coupons issued
        assertThat(remaining(event)).isEqualTo(1000 - issued);

        // when: the event opens again, with room for the turned-away shoppers and ten more
        int limit = issued + turnedAway.size() + 10;
        assertThat(shoppers.defineEvent(event, definition(limit, Instant.now().minusSeconds(1))).statusCode()).isEqualTo(200);
        for (String user : turnedAway) {
            assertThat(shoppers.apply(event, user).status()).as("%s applies again", user).isEqualTo(202);
        }
        List<String[]> latecomers = IntStream.range(nextUser, nextUser + 40).mapToObj(i -> new String[] {event, "p-" + i}).toList();
        List<Shoppers.Answer> late = shoppers.apply(latecomers, 8);

        // then
        assertThat(acceptedUsers(late)).hasSize(10);
        awaitCoupons(event, limit);
        List<CouponRow> rows = rows(event);
        assertThat(rows).extracting(CouponRow::couponNo)
                .containsExactlyElementsOf(IntStream.rangeClosed(1, limit).boxed().toList());
        assertThat(rows).extracting(CouponRow::userId).doesNotHaveDuplicates().containsAll(turnedAway);
        assertThat(remaining(event)).isZero();
    }

    private static String definition(int limit, Instant opensAt) {
        return "{\"limit\":" + limit + ",\"opensAt\":\"" + opensAt.truncatedTo(ChronoUnit.MILLIS) + "\"}";
    }

    /** Each user's final status once decided: ISSUED or REJECTED:reason. */
    private Map<String, String> decided(String event, Set<String> users) {
        Map<String, String> outcomes = new HashMap<>();
        await("every 202 decided").atMost(PERSIST_DEADLINE).pollInterval(Duration.ofMillis(250)).untilAsserted(() -> {
            for (String user : users) {
                if (!outcomes.containsKey(user)) {
                    JsonNode status = Json.mapper().readTree(shoppers.get("/events/" + event + "/applications/" + user).body());
                    String outcome = status.path("outcome").asText();
                    if (outcome.equals("ISSUED") || outcome.equals("REJECTED")) {
                        outcomes.put(user, outcome.equals("ISSUED") ? outcome : outcome + ":" + status.path("reason").asText());
                    }
                }
            }
            assertThat(outcomes.keySet()).containsAll(users);
        });
        return outcomes;
    }

    private long remaining(String event) throws Exception {
        return Json.mapper().readTree(shoppers.get("/events/" + event).body()).path("remaining").asLong();
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
