package firstcome.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import firstcome.contract.Json;
import firstcome.testkit.Infrastructure;
import firstcome.testkit.InfrastructureExtension;
import java.net.http.HttpResponse;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The coupon lifecycle through all three services (docs/lifecycle.md): a waitlist filled past the
 * limit, redemptions at checkout, a cancelled order, returns that serve the waitlist at once, expiry;
 * checked in the shop's answers, the shoppers' status and the rows in MySQL.
 */
@ExtendWith(InfrastructureExtension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class LifecycleIT {

    private static final Duration DEADLINE = Duration.ofSeconds(60);

    @AutoClose
    private Pipeline pipeline;
    private Shoppers shoppers;
    private OperationsCommand commands;
    /** This class's events, for the operations commands' {@code --event}. */
    private final List<String> events = new ArrayList<>();

    @BeforeAll
    void startPipeline(Infrastructure infrastructure) throws Exception {
        pipeline = new Pipeline(infrastructure);
        shoppers = pipeline.shoppers();
        commands = new OperationsCommand(infrastructure);
    }

    /** After the lifecycles above: the replay decides them again byte for byte, the audit and the rebuild agree. */
    @Test
    @Order(Integer.MAX_VALUE) // the others have the default order, before this one
    void replaysAuditsAndRebuildsTheLifecyclesAsTheyWereDecided() throws Exception {
        pipeline.awaitQuiescence(DEADLINE);
        List<String> args = new ArrayList<>();
        events.forEach(event -> {
            args.add("--event");
            args.add(event);
        });

        assertThat(events).hasSize(3);
        var replay = commands.replay();
        var audit = commands.audit(args.toArray(String[]::new));
        var rebuild = commands.rebuildDatabase(args.toArray(String[]::new));

        assertThat(replay.report()).as(replay.report()).containsPattern("replay: identical \\([\\d,]+ records\\)");
        assertThat(replay.report()).doesNotContain("(0 records)");
        assertThat(replay.exitStatus()).isZero();
        assertThat(audit.report()).as(audit.report()).contains("audit: " + events.size() + " event(s), all consistent");
        assertThat(audit.exitStatus()).isZero();
        assertThat(rebuild.report()).as(rebuild.report()).contains("rebuild-db: identical");
        assertThat(rebuild.exitStatus()).isZero();
    }

    @Test
    void redeemsGivesBackAndReturnsCouponsAndServesTheWaitlistFirstCome() throws Exception {
        String event = uniqueEvent("lifecycle");
        assertThat(shoppers.defineEvent(event, "{\"limit\":3,\"waitlist\":2}").statusCode()).isEqualTo(200);
        assertThat(json(shoppers.get("/events/" + event)).path("waitlist").asInt()).isEqualTo(2);

        // One at a time, so that arrival order is u1, u2, ... : three coupons, two waiting, then sold out.
        Map<String, Shoppers.Answer> answers = new LinkedHashMap<>();
        for (int user = 1; user <= 7; user++) {
            answers.put("u" + user, shoppers.apply(event, "u" + user));
        }
        assertThat(answers.values()).extracting(Shoppers.Answer::status).containsExactly(202, 202, 202, 202, 202, 410, 410);
        for (String user : new String[] {"u1", "u2", "u3"}) {
            assertThat(Json.mapper().readTree(answers.get(user).body()).has("waitlisted")).as(user).isFalse();
        }
        for (String user : new String[] {"u4", "u5"}) {
            assertThat(Json.mapper().readTree(answers.get(user).body()).path("waitlisted").asBoolean()).as(user).isTrue();
        }
        awaitStatus(event, "u1", "{\"outcome\":\"ISSUED\",\"couponNo\":1}");
        awaitStatus(event, "u3", "{\"outcome\":\"ISSUED\",\"couponNo\":3}");
        awaitStatus(event, "u4", "{\"outcome\":\"WAITLISTED\",\"place\":1}");
        awaitStatus(event, "u5", "{\"outcome\":\"WAITLISTED\",\"place\":2}");

        // Checkout: one order redeems u1's coupon; the same call again answers the same; no other order can.
        String redeemed = "{\"outcome\":\"REDEEMED\",\"couponNo\":1,\"orderId\":\"o-1\"}";
        assertAnswer(shoppers.shop(event, "u1", "redeem", "{\"orderId\":\"o-1\"}"), 200, redeemed);
        assertAnswer(shoppers.shop(event, "u1", "redeem", "{\"orderId\":\"o-1\"}"), 200, redeemed);
        var other = shoppers.shop(event, "u1", "redeem", "{\"orderId\":\"o-2\"}");
        assertThat(other.statusCode()).isEqualTo(409);
        assertThat(json(other).path("outcome").asText()).isEqualTo("ALREADY_REDEEMED");
        assertThat(json(other).path("orderId").asText()).isEqualTo("o-1");
        assertThat(outcome(shoppers.shop(event, "u1", "return", "{}"))).isEqualTo("409 ALREADY_REDEEMED");
        assertThat(outcome(shoppers.shop(event, "u1", "unredeem", "{\"orderId\":\"o-2\"}"))).isEqualTo("409 NOT_REDEEMED");
        awaitStatus(event, "u1", redeemed);

        // The order is cancelled: the coupon is u1's again, and the same cancellation again answers the same.
        String issuedAgain = "{\"outcome\":\"ISSUED\",\"couponNo\":1}";
        assertAnswer(shoppers.shop(event, "u1", "unredeem", "{\"orderId\":\"o-1\"}"), 200, issuedAgain);
        assertAnswer(shoppers.shop(event, "u1", "unredeem", "{\"orderId\":\"o-1\"}"), 200, issuedAgain);
        awaitStatus(event, "u1", issuedAgain);

        // u2 gives the coupon back: u4, first in line, is issued coupon 4 at once; u5 moves up.
        String returned = "{\"outcome\":\"RETURNED\",\"couponNo\":2}";
        assertAnswer(shoppers.shop(event, "u2", "return", "{\"reason\":\"changed my mind\"}"), 200, returned);
        assertAnswer(shoppers.shop(event, "u2", "return", "{}"), 200, returned);
        awaitStatus(event, "u2", returned);
        awaitStatus(event, "u4", "{\"outcome\":\"ISSUED\",\"couponNo\":4}");
        awaitStatus(event, "u5", "{\"outcome\":\"WAITLISTED\",\"place\":1}");

        // One coupon per user, ever; a returned coupon cannot be redeemed; nor can a place in line.
        assertThat(shoppers.apply(event, "u2").status()).isEqualTo(409);
        assertThat(outcome(shoppers.shop(event, "u2", "redeem", "{\"orderId\":\"o-3\"}"))).isEqualTo("409 NOT_ISSUED");
        assertThat(outcome(shoppers.shop(event, "u5", "redeem", "{\"orderId\":\"o-3\"}"))).isEqualTo("409 NOT_ISSUED");
        assertThat(outcome(shoppers.shop(event, "u9", "return", "{}"))).isEqualTo("409 NOT_ISSUED");

        // The place u4 left in line is open to the next applicant, who waits behind u5.
        var late = shoppers.apply(event, "u8");
        assertThat(late.status()).isEqualTo(202);
        assertThat(Json.mapper().readTree(late.body()).path("waitlisted").asBoolean()).isTrue();
        awaitStatus(event, "u8", "{\"outcome\":\"WAITLISTED\",\"place\":2}");
        assertThat(shoppers.apply(event, "u10").status()).isEqualTo(410);

        // MySQL follows: each row shows its coupon's latest state.
        await().atMost(DEADLINE).untilAsserted(() -> assertThat(states(event)).containsExactly(
                Map.entry(1, "u1 ISSUED -"), Map.entry(2, "u2 RETURNED -"), Map.entry(3, "u3 ISSUED -"),
                Map.entry(4, "u4 ISSUED -")));
        assertAnswer(shoppers.shop(event, "u3", "redeem", "{\"orderId\":\"o-9\"}"), 200,
                "{\"outcome\":\"REDEEMED\",\"couponNo\":3,\"orderId\":\"o-9\"}");
        await().atMost(DEADLINE).untilAsserted(() -> assertThat(states(event)).containsEntry(3, "u3 REDEEMED o-9"));
    }

    @Test
    void refusesTheShopRoutesWithoutTheShopTokenAndForUnknownEvents() throws Exception {
        String event = uniqueEvent("tokens");
        shoppers.defineEvent(event, 1);
        assertThat(shoppers.apply(event, "u1").status()).isEqualTo(202);

        assertThat(outcome(shoppers.shop(event, "u1", "redeem", "{\"orderId\":\"o-1\"}", null))).isEqualTo("401 UNAUTHORIZED");
        assertThat(outcome(shoppers.shop(event, "u1", "redeem", "{\"orderId\":\"o-1\"}", Pipeline.ADMIN_TOKEN)))
                .isEqualTo("401 UNAUTHORIZED");
        assertThat(outcome(shoppers.shop(uniqueEvent("nowhere"), "u1", "return", "{}"))).isEqualTo("404 UNKNOWN_EVENT");
        assertThat(outcome(shoppers.shop(event, "u1", "redeem", "{}"))).isEqualTo("400 INVALID_REQUEST");
        awaitStatus(event, "u1", "{\"outcome\":\"ISSUED\",\"couponNo\":1}");
    }

    @Test
    void anExpiredCouponCannotBeRedeemed() throws Exception {
        String event = uniqueEvent("expiry");
        Instant validUntil = Instant.now().plusSeconds(4).truncatedTo(ChronoUnit.MILLIS);
        assertThat(shoppers.defineEvent(event, "{\"limit\":5,\"couponsValidUntil\":\"" + validUntil + "\"}").statusCode())
                .isEqualTo(200);
        assertThat(shoppers.apply(event, "u1").status()).isEqualTo(202);
        awaitStatus(event, "u1", "{\"outcome\":\"ISSUED\",\"couponNo\":1,\"validUntil\":\"" + validUntil + "\"}");

        await().atMost(DEADLINE).untilAsserted(() -> assertThat(json(shoppers.get("/events/" + event + "/applications/u1"))
                .path("outcome").asText()).isEqualTo("EXPIRED"));
        assertThat(outcome(shoppers.shop(event, "u1", "redeem", "{\"orderId\":\"o-1\"}"))).isEqualTo("410 EXPIRED");
        await().atMost(DEADLINE).untilAsserted(() -> assertThat(validity(event, 1)).isEqualTo(validUntil));
    }

    private void awaitStatus(String event, String user, String expected) {
        await().atMost(DEADLINE).untilAsserted(() -> {
            var response = shoppers.get("/events/" + event + "/applications/" + user);
            assertThat(response.statusCode()).as("status of %s", user).isEqualTo(200);
            assertThat(json(response)).as("status of %s", user).isEqualTo(Json.mapper().readTree(expected));
        });
    }

    private static void assertAnswer(HttpResponse<String> response, int status, String body) throws Exception {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
        assertThat(json(response)).isEqualTo(Json.mapper().readTree(body));
    }

    private static String outcome(HttpResponse<String> response) throws Exception {
        return response.statusCode() + " " + json(response).path("outcome").asText();
    }

    private static JsonNode json(HttpResponse<String> response) throws Exception {
        return Json.mapper().readTree(response.body());
    }

    /** coupon number → "user state order" of the event's rows. */
    private Map<Integer, String> states(String event) throws SQLException {
        Map<Integer, String> states = new LinkedHashMap<>();
        try (var db = pipeline.database();
             var statement = db.prepareStatement(
                     "SELECT coupon_no, user_id, state, order_id FROM coupon WHERE event_id = ? ORDER BY coupon_no")) {
            statement.setString(1, event);
            try (var rows = statement.executeQuery()) {
                while (rows.next()) {
                    String order = rows.getString(4);
                    states.put(rows.getInt(1), rows.getString(2) + " " + rows.getString(3) + " " + (order == null ? "-" : order));
                }
            }
        }
        return states;
    }

    private Instant validity(String event, int couponNo) throws SQLException {
        try (var db = pipeline.database();
             var statement = db.prepareStatement(
                     "SELECT DATE_FORMAT(valid_until, '%Y-%m-%dT%H:%i:%s.%fZ') FROM coupon WHERE event_id = ? AND coupon_no = ?")) {
            statement.setString(1, event);
            statement.setInt(2, couponNo);
            try (var rows = statement.executeQuery()) {
                return rows.next() && rows.getString(1) != null ? Instant.parse(rows.getString(1)) : null;
            }
        }
    }

    private String uniqueEvent(String name) {
        String event = name + "-" + UUID.randomUUID().toString().substring(0, 8);
        if (!name.equals("nowhere")) {
            events.add(event);
        }
        return event;
    }
}
