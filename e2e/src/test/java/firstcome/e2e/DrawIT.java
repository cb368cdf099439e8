package firstcome.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import firstcome.contract.DrawWindow;
import firstcome.contract.Json;
import firstcome.testkit.Infrastructure;
import firstcome.testkit.InfrastructureExtension;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A fair opening through all three services (docs/fair-opening.md): shoppers who apply inside the
 * draw window are equal, the streams-processor draws their order from the committed seed when the
 * window ends (a tick of the ingress triggers it when nobody applies after), coupons and the waitlist
 * follow the drawn order, and the public info lets every shopper check the result; checked in the
 * answers, the statuses, the rows in MySQL, the replay and the audit.
 */
@ExtendWith(InfrastructureExtension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class DrawIT {

    private static final Duration DEADLINE = Duration.ofSeconds(60);
    /** The draw follows the window's end within a second (a tick at end + GRACE); the next tick 5 s later. */
    private static final Duration DRAW_AFTER_THE_WINDOW = Duration.ofSeconds(7);
    private static final HexFormat HEX = HexFormat.of();

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
        // A first burst at a cold ingress (its JIT, the client's connections) can take longer than a
        // 3 s window on a busy machine: an event of its own takes it first.
        String warmUp = "warm-" + UUID.randomUUID().toString().substring(0, 8);
        assertThat(shoppers.defineEvent(warmUp, 1000).statusCode()).isEqualTo(200);
        shoppers.apply(IntStream.rangeClosed(1, 600).mapToObj(user -> new String[] {warmUp, "w-" + user}).toList(), 32);
    }

    @Test
    @Order(1)
    void drawsTheWindowsEntrantsInTheCommittedOrderThenServesFirstCome() throws Exception {
        // Given an event with limit 20, waitlist 5 and a 3 s window opening a moment from now.
        String event = uniqueEvent("draw");
        Instant opensAt = Instant.now().plusSeconds(2).truncatedTo(ChronoUnit.MILLIS);
        Instant endsAt = opensAt.plusSeconds(3);
        var defined = shoppers.defineEvent(event, "{\"limit\":20,\"waitlist\":5,\"opensAt\":\"" + opensAt
                + "\",\"drawWindowSeconds\":3}");
        assertThat(defined.statusCode()).as(defined.body()).isEqualTo(200);
        assertThat(json(defined).path("draw").has("seed")).as("the admin answer shows no seed: %s", defined.body()).isFalse();

        // Before the draw the public info commits to the seed without showing it.
        JsonNode before = info(event);
        String commitment = before.path("draw").path("commitment").asText();
        assertThat(commitment).matches("[0-9a-f]{64}");
        assertThat(before.path("draw").path("windowSeconds").asInt()).isEqualTo(3);
        assertThat(Instant.parse(before.path("draw").path("endsAt").asText())).isEqualTo(endsAt);
        assertThat(before.path("draw").path("cap").asInt()).isEqualTo(DrawWindow.DEFAULT_CAP_FACTOR * 25);
        assertThat(before.path("draw").has("seed")).isFalse();
        assertThat(before.path("remaining").asInt()).isEqualTo(20);

        // When 300 shoppers apply at once inside the window: every one is an entrant.
        await("the opening").atMost(DEADLINE).pollInterval(Duration.ofMillis(10)).until(() -> !Instant.now().isBefore(opensAt));
        List<String[]> applications = new ArrayList<>();
        List<String> entrants = IntStream.rangeClosed(1, 300).mapToObj(user -> "e-" + user).toList();
        entrants.forEach(user -> applications.add(new String[] {event, user}));
        List<Shoppers.Answer> answers = shoppers.apply(applications, 32);
        assertThat(Instant.now()).as("the 300 applications were answered only after the window's end: too slow for a 3 s window")
                .isBefore(endsAt);
        assertThat(answers).hasSize(300).allSatisfy(answer -> {
            assertThat(answer.status()).as(answer.body()).isEqualTo(202);
            JsonNode body = Json.mapper().readTree(answer.body());
            assertThat(body.path("inDraw").asBoolean()).as(answer.body()).isTrue();
            assertThat(body.has("waitlisted")).as(answer.body()).isFalse();
        });

        // ... and, after the window, the ones who come late find everything taken (first-come, nothing left).
        await("the window's end").atMost(DEADLINE).pollInterval(Duration.ofMillis(10)).until(() -> !Instant.now().isBefore(endsAt));
        for (int user = 1; user <= 5; user++) {
            assertThat(outcome(shoppers.apply(event, "late-" + user))).isEqualTo("410 SOLD_OUT");
        }

        // Then the public info reveals the seed the commitment promised.
        JsonNode draw = await("the draw").atMost(DEADLINE).until(() -> info(event).path("draw"), d -> d.has("seed"));
        String seed = draw.path("seed").asText();
        assertThat(HEX.formatHex(MessageDigest.getInstance("SHA-256").digest(HEX.parseHex(seed)))).isEqualTo(commitment);
        assertThat(draw.path("entrants").asInt()).isEqualTo(300);
        assertThat(Instant.parse(draw.path("drawnAt").asText())).isEqualTo(endsAt);

        // The drawn order is the rank keys' order, as every shopper can compute theirs.
        List<String> drawn = new ArrayList<>(entrants);
        drawn.sort(Comparator.comparing(user -> DrawWindow.rankKey(seed, user)));
        assertThat(DrawWindow.rankKey(seed, drawn.get(0))).isEqualTo(shopperComputedValue(seed, drawn.get(0)));
        assertThat(draw.path("issuedUpTo").asText()).isEqualTo(DrawWindow.rankKey(seed, drawn.get(19)));
        assertThat(draw.path("waitlistUpTo").asText()).isEqualTo(DrawWindow.rankKey(seed, drawn.get(24)));

        // The 20 lowest hold coupons 1..20 in that order, the next 5 wait in that order, the rest were not drawn.
        Map<String, JsonNode> expected = new LinkedHashMap<>();
        for (int rank = 1; rank <= drawn.size(); rank++) {
            ObjectNode status = Json.mapper().createObjectNode();
            if (rank <= 20) {
                status.put("outcome", "ISSUED").put("couponNo", rank);
            } else if (rank <= 25) {
                status.put("outcome", "WAITLISTED").put("place", rank - 20);
            } else {
                status.put("outcome", "REJECTED").put("reason", "NOT_DRAWN");
            }
            expected.put(drawn.get(rank - 1), status.put("drawRank", rank).put("entrants", 300));
        }
        await("every entrant's status").atMost(DEADLINE).untilAsserted(() -> assertThat(statuses(event, drawn)).isEqualTo(expected));

        // A shopper who was not drawn and applies again finds everything taken.
        String notDrawn = drawn.get(299);
        await("the gate learns that " + notDrawn + " was not drawn").atMost(DEADLINE)
                .untilAsserted(() -> assertThat(outcome(shoppers.apply(event, notDrawn))).isEqualTo("410 SOLD_OUT"));
        assertThat(status(event, notDrawn)).isEqualTo(expected.get(notDrawn));

        // A coupon given back goes to the first on the waitlist; the others move up.
        var returned = shoppers.shop(event, drawn.get(0), "return", "{}");
        assertThat(returned.statusCode()).as(returned.body()).isEqualTo(200);
        assertThat(json(returned).path("outcome").asText()).isEqualTo("RETURNED");
        assertThat(json(returned).path("couponNo").asInt()).isEqualTo(1);
        await("the first on the waitlist served").atMost(DEADLINE).untilAsserted(() -> {
            JsonNode served = status(event, drawn.get(20));
            assertThat(served.path("outcome").asText()).as(served.toString()).isEqualTo("ISSUED");
            assertThat(served.path("couponNo").asInt()).as(served.toString()).isEqualTo(21);
        });
        for (int rank = 22; rank <= 25; rank++) {
            JsonNode waiting = status(event, drawn.get(rank - 1));
            assertThat(waiting.path("outcome").asText()).as(waiting.toString()).isEqualTo("WAITLISTED");
            assertThat(waiting.path("place").asInt()).as(waiting.toString()).isEqualTo(rank - 21);
        }

        // MySQL holds exactly the 20 drawn coupons and the one served from the waitlist.
        Map<Integer, String> rows = new LinkedHashMap<>();
        for (int rank = 1; rank <= 21; rank++) {
            rows.put(rank, drawn.get(rank - 1) + " " + (rank == 1 ? "RETURNED" : "ISSUED"));
        }
        pipeline.awaitQuiescence(DEADLINE);
        await("the rows in MySQL").atMost(DEADLINE).untilAsserted(() -> assertThat(states(event)).isEqualTo(rows));
    }

    @Test
    @Order(2)
    void drawsWhenTheWindowEndsWithoutAnyApplicationAfterIt() throws Exception {
        // Given three entrants of a window of an event with two coupons, and nobody applying after the window.
        String event = uniqueEvent("tick");
        Instant opensAt = Instant.now().plusSeconds(1).truncatedTo(ChronoUnit.MILLIS);
        Instant endsAt = opensAt.plusSeconds(5);
        var defined = shoppers.defineEvent(event, "{\"limit\":2,\"opensAt\":\"" + opensAt + "\",\"drawWindowSeconds\":5}");
        assertThat(defined.statusCode()).as(defined.body()).isEqualTo(200);
        await("the opening").atMost(DEADLINE).pollInterval(Duration.ofMillis(10)).until(() -> !Instant.now().isBefore(opensAt));
        for (String user : List.of("t-1", "t-2", "t-3")) {
            var answer = shoppers.apply(event, user);
            assertThat(answer.status()).as(answer.body()).isEqualTo(202);
            assertThat(Json.mapper().readTree(answer.body()).path("inDraw").asBoolean()).isTrue();
        }
        JsonNode inDraw = await("t-1 in the draw").atMost(DEADLINE)
                .until(() -> status(event, "t-1"), s -> !s.path("outcome").asText().equals("PENDING"));
        assertThat(Instant.now()).as("the status was read only after the window").isBefore(endsAt);
        assertThat(inDraw).isEqualTo(Json.mapper().readTree("{\"outcome\":\"IN_DRAW\",\"drawAt\":\"" + endsAt + "\"}"));

        // When the window ends, the ingress's tick alone moves the processor's stream time past it.
        Duration untilDrawn = Duration.between(Instant.now(), endsAt.plus(DRAW_AFTER_THE_WINDOW));
        JsonNode drawnStatus = await("t-1's status no longer IN_DRAW").atMost(untilDrawn)
                .until(() -> status(event, "t-1"), s -> !s.path("outcome").asText().equals("IN_DRAW"));

        // Then the draw is the window's, stamped with its end, and each entrant learns their rank.
        assertThat(drawnStatus.path("entrants").asInt()).as(drawnStatus.toString()).isEqualTo(3);
        JsonNode draw = await("the drawn event's info").atMost(DEADLINE)
                .until(() -> info(event).path("draw"), d -> d.has("drawnAt"));
        assertThat(Instant.parse(draw.path("drawnAt").asText())).isEqualTo(endsAt);
        assertThat(draw.path("entrants").asInt()).isEqualTo(3);
        List<String> drawn = new ArrayList<>(List.of("t-1", "t-2", "t-3"));
        drawn.sort(Comparator.comparing(user -> DrawWindow.rankKey(draw.path("seed").asText(), user)));
        assertThat(status(event, drawn.get(0))).isEqualTo(Json.mapper().readTree(
                "{\"outcome\":\"ISSUED\",\"couponNo\":1,\"drawRank\":1,\"entrants\":3}"));
        assertThat(status(event, drawn.get(1))).isEqualTo(Json.mapper().readTree(
                "{\"outcome\":\"ISSUED\",\"couponNo\":2,\"drawRank\":2,\"entrants\":3}"));
        assertThat(status(event, drawn.get(2))).isEqualTo(Json.mapper().readTree(
                "{\"outcome\":\"REJECTED\",\"reason\":\"NOT_DRAWN\",\"drawRank\":3,\"entrants\":3}"));
        assertThat(draw.has("waitlistUpTo")).as("nobody was put on a waitlist: %s", draw).isFalse();
    }

    /** After the draws above: the replay decides them again byte for byte, the audit recomputes them, the rebuild agrees. */
    @Test
    @Order(Integer.MAX_VALUE)
    void replaysAuditsAndRebuildsTheDrawsAsTheyWereDecided() throws Exception {
        pipeline.awaitQuiescence(DEADLINE);
        List<String> args = new ArrayList<>();
        events.forEach(event -> {
            args.add("--event");
            args.add(event);
        });

        assertThat(events).hasSize(2);
        var replay = commands.replay();
        var audit = commands.audit(args.toArray(String[]::new));
        var rebuild = commands.rebuildDatabase(args.toArray(String[]::new));

        assertThat(replay.report()).as(replay.report()).containsPattern("replay: identical \\([\\d,]+ records\\)");
        assertThat(replay.report()).doesNotContain("(0 records)");
        assertThat(replay.exitStatus()).isZero();
        assertThat(audit.report()).as(audit.report()).contains("audit: " + events.size() + " event(s), all consistent")
                .contains("300 entrant(s) ranked, 20 issued, 5 waitlisted, 275 not drawn")
                .contains("3 entrant(s) ranked, 2 issued, 0 waitlisted, 1 not drawn");
        assertThat(audit.exitStatus()).isZero();
        assertThat(rebuild.report()).as(rebuild.report()).contains("rebuild-db: identical");
        assertThat(rebuild.exitStatus()).isZero();
    }

    /** What a shopper runs (docs/fair-opening.md): SHA-256 of the seed's bytes followed by their user id. */
    private static String shopperComputedValue(String seedHex, String userId) throws Exception {
        MessageDigest digest = MessageDigest.getInstance("SHA-256");
        digest.update(HEX.parseHex(seedHex));
        return HEX.formatHex(digest.digest(userId.getBytes(StandardCharsets.UTF_8)));
    }

    /** Every user's status, asked 16 at a time (one after the other, 300 look-ups take longer than a poll should). */
    private Map<String, JsonNode> statuses(String event, List<String> users) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(16);
        try {
            List<Future<JsonNode>> pending = new ArrayList<>();
            for (String user : users) {
                pending.add(pool.submit(() -> status(event, user)));
            }
            Map<String, JsonNode> statuses = new LinkedHashMap<>();
            for (int i = 0; i < users.size(); i++) {
                statuses.put(users.get(i), pending.get(i).get());
            }
            return statuses;
        } finally {
            pool.shutdownNow();
        }
    }

    private JsonNode status(String event, String user) throws Exception {
        var response = answered("/events/" + event + "/applications/" + user);
        assertThat(response.statusCode()).as("status of %s: %s", user, response.body()).isEqualTo(200);
        return json(response);
    }

    private JsonNode info(String event) throws Exception {
        var response = answered("/events/" + event);
        assertThat(response.statusCode()).as("info of %s: %s", event, response.body()).isEqualTo(200);
        return json(response);
    }

    /**
     * {@code GET path}, asked again while it answers 503 {@code UNAVAILABLE}: the ingress sheds its
     * look-ups at the streams-processor with it (busy, or its circuit breaker open) and the shopper's
     * page asks again, as the contract says.
     */
    private HttpResponse<String> answered(String path) {
        return await("an answer other than 503 to GET " + path).atMost(DEADLINE).pollInterval(Duration.ofMillis(200))
                .until(() -> shoppers.get(path), response -> response.statusCode() != 503);
    }

    private static String outcome(Shoppers.Answer answer) throws Exception {
        return answer.status() + " " + Json.mapper().readTree(answer.body()).path("outcome").asText();
    }

    private static JsonNode json(HttpResponse<String> response) throws Exception {
        return Json.mapper().readTree(response.body());
    }

    /** coupon number → "user state" of the event's rows. */
    private Map<Integer, String> states(String event) throws SQLException {
        Map<Integer, String> states = new LinkedHashMap<>();
        try (var db = pipeline.database();
             var statement = db.prepareStatement("SELECT coupon_no, user_id, state FROM coupon WHERE event_id = ? ORDER BY coupon_no")) {
            statement.setString(1, event);
            try (var rows = statement.executeQuery()) {
                while (rows.next()) {
                    states.put(rows.getInt(1), rows.getString(2) + " " + rows.getString(3));
                }
            }
        }
        return states;
    }

    private String uniqueEvent(String name) {
        String event = name + "-" + UUID.randomUUID().toString().substring(0, 8);
        events.add(event);
        return event;
    }
}
