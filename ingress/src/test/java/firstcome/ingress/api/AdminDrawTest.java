package firstcome.ingress.api;

import static firstcome.ingress.ApiFixture.NOW;
import static firstcome.ingress.ApiFixture.TOKEN;
import static firstcome.ingress.ApiFixture.assertProblem;
import static firstcome.ingress.ApiFixture.json;
import static firstcome.ingress.ApiFixture.send;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import firstcome.contract.DrawWindow;
import firstcome.contract.EventDefinition;
import firstcome.contract.Json;
import firstcome.contract.query.Tally;
import firstcome.ingress.ApiFixture;
import firstcome.ingress.CapturedLogs;
import io.javalin.testtools.HttpClient;
import io.javalin.testtools.Response;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The draw window at {@code PUT /admin/events/{eventId}} (docs/fair-opening.md, "The event"): validation, the seed's rules, its secrecy. */
class AdminDrawTest {

    /** Opens an hour after the fixture's clock: every change is still allowed. */
    private static final Instant LATER = Instant.parse("2026-11-24T11:00:00Z");
    /** Opened an hour before the fixture's clock. */
    private static final Instant EARLIER = Instant.parse("2026-11-24T09:00:00Z");

    private final ApiFixture api = new ApiFixture();

    @Test
    void drawsASeedAtTheFirstDefinitionWithAWindowAndAnswersOnlyItsCommitment() {
        api.test((server, client) -> {
            Response response = define(client, "fair", "{\"limit\": 100, \"opensAt\": \"" + LATER + "\", \"drawWindowSeconds\": 10}");

            assertThat(response.code()).isEqualTo(200);
            EventDefinition stored = storedDefinition("fair");
            DrawWindow draw = stored.draw();
            assertThat(draw.windowSeconds()).isEqualTo(10);
            assertThat(draw.cap()).as("not given: the default applies").isNull();
            assertThat(draw.seed()).hasSize(2 * DrawWindow.SEED_BYTES);
            assertThat(api.publisher.definitions).extracting(sent -> sent.value()).containsExactly(stored);
            assertThat(json(response)).isEqualTo(Json.mapper().readTree("{\"eventId\":\"fair\",\"limit\":100,\"opensAt\":\"" + LATER
                    + "\",\"closesAt\":null,\"draw\":{\"windowSeconds\":10,\"endsAt\":\"2026-11-24T11:00:10Z\",\"cap\":10000,"
                    + "\"commitment\":\"" + draw.commitment() + "\"}}"));
            assertThat(response.body().string()).doesNotContain(draw.seed());
        });
    }

    @Test
    void storesTheCapWhenGivenAndShowsTheDefaultOtherwise() {
        api.test((server, client) -> {
            Response capped = define(client, "capped", "{\"limit\": 10, \"waitlist\": 5, \"opensAt\": \"" + LATER
                    + "\", \"drawWindowSeconds\": 60, \"drawCap\": 500}");
            Response uncapped = define(client, "uncapped", "{\"limit\": 10, \"waitlist\": 5, \"opensAt\": \"" + LATER
                    + "\", \"drawWindowSeconds\": 60}");

            assertThat(storedDefinition("capped").draw().cap()).isEqualTo(500);
            assertThat(json(capped).get("draw").get("cap").asInt()).isEqualTo(500);
            assertThat(storedDefinition("uncapped").draw().cap()).isNull();
            assertThat(json(uncapped).get("draw").get("cap").asInt()).as("100 x (limit + waitlist)").isEqualTo(1500);
        });
    }

    @Test
    void keepsTheSeedAtEveryLaterDefinitionWithAWindow() {
        api.test((server, client) -> {
            define(client, "kept", "{\"limit\": 100, \"opensAt\": \"" + LATER + "\", \"drawWindowSeconds\": 10}");
            String seed = storedDefinition("kept").draw().seed();

            Response changed = define(client, "kept", "{\"limit\": 50, \"opensAt\": \"" + LATER.plusSeconds(60)
                    + "\", \"drawWindowSeconds\": 30, \"drawCap\": 70}");

            assertThat(changed.code()).isEqualTo(200);
            EventDefinition stored = storedDefinition("kept");
            assertThat(stored.draw()).isEqualTo(new DrawWindow(30, 70, seed));
            assertThat(stored.limit()).isEqualTo(50);
            assertThat(api.publisher.definitions).extracting(sent -> sent.value().draw().seed()).containsExactly(seed, seed);
        });
    }

    @Test
    void dropsTheSeedWithTheWindowBeforeTheOpeningAndDrawsANewOneWhenAWindowIsSetAgain() {
        api.test((server, client) -> {
            define(client, "again", "{\"limit\": 100, \"opensAt\": \"" + LATER + "\", \"drawWindowSeconds\": 10}");
            String first = storedDefinition("again").draw().seed();

            Response removed = define(client, "again", "{\"limit\": 100, \"opensAt\": \"" + LATER + "\", \"drawWindowSeconds\": 0}");
            assertThat(removed.code()).isEqualTo(200);
            assertThat(json(removed).has("draw")).isFalse();
            assertThat(storedDefinition("again").draw()).isNull();

            define(client, "again", "{\"limit\": 100, \"opensAt\": \"" + LATER + "\", \"drawWindowSeconds\": 10}");
            String second = storedDefinition("again").draw().seed();
            assertThat(second).isNotEqualTo(first);
        });
    }

    @Test
    void takesAWindowOnAKnownEventWithoutOneBeforeItOpens() {
        api.test((server, client) -> {
            define(client, "late-window", "{\"limit\": 100, \"opensAt\": \"" + LATER + "\"}");

            Response response = define(client, "late-window", "{\"limit\": 100, \"opensAt\": \"" + LATER + "\", \"drawWindowSeconds\": 5}");

            assertThat(response.code()).isEqualTo(200);
            assertThat(storedDefinition("late-window").draw().windowSeconds()).isEqualTo(5);
        });
    }

    @Test
    void refusesToChangeTheWindowOnceTheEventHasOpenedNamingWhy() {
        EventDefinition opened = api.define(new EventDefinition("running", 100, EARLIER, null, 0, null,
                DrawWindow.fresh(10, null, new java.security.SecureRandom())));
        String window = "event running opened at " + EARLIER + " with a draw window of 10 s; ";
        api.test((server, client) -> {
            Response removed = define(client, "running", "{\"limit\": 100, \"opensAt\": \"" + EARLIER + "\"}");
            Response zero = define(client, "running", "{\"limit\": 100, \"opensAt\": \"" + EARLIER + "\", \"drawWindowSeconds\": 0}");
            Response longer = define(client, "running", "{\"limit\": 100, \"opensAt\": \"" + EARLIER + "\", \"drawWindowSeconds\": 20}");
            Response moved = define(client, "running", "{\"limit\": 100, \"opensAt\": \"" + EARLIER.plusSeconds(1)
                    + "\", \"drawWindowSeconds\": 10}");
            Response movedToNow = define(client, "running", "{\"limit\": 100, \"drawWindowSeconds\": 10}");

            for (Response response : new Response[] {removed, zero}) {
                assertProblem(response, 400, "INVALID_REQUEST");
                assertThat(json(response).get("message").asText())
                        .isEqualTo(window + "the window cannot be removed once the event has opened");
            }
            assertProblem(longer, 400, "INVALID_REQUEST");
            assertThat(json(longer).get("message").asText())
                    .isEqualTo(window + "the window cannot change once the event has opened, was asked 20 s");
            assertProblem(moved, 400, "INVALID_REQUEST");
            assertThat(json(moved).get("message").asText()).isEqualTo(window
                    + "opensAt cannot move once the event has opened (it would move the window), was asked " + EARLIER.plusSeconds(1));
            assertProblem(movedToNow, 400, "INVALID_REQUEST");
            assertThat(api.publisher.definitions).isEmpty();
            assertThat(api.catalog.find(new EventId("running"))).contains(opened);
        });
    }

    @Test
    void refusesAWindowAddedOnceTheEventHasOpened() {
        api.define("plain", 100, EARLIER, null);
        api.test((server, client) -> {
            Response response = define(client, "plain", "{\"limit\": 100, \"opensAt\": \"" + EARLIER + "\", \"drawWindowSeconds\": 10}");

            assertProblem(response, 400, "INVALID_REQUEST");
            assertThat(json(response).get("message").asText()).isEqualTo("event plain opened at " + EARLIER
                    + " without a draw window; a draw window cannot be added once the event has opened");
            assertThat(api.publisher.definitions).isEmpty();
        });
    }

    @Test
    void letsTheCapAndTheLimitChangeOnceOpenedKeepingWindowAndSeed() {
        DrawWindow draw = DrawWindow.fresh(10, null, new java.security.SecureRandom());
        api.define(new EventDefinition("recapped", 100, EARLIER, null, 0, null, draw));
        api.test((server, client) -> {
            Response response = define(client, "recapped", "{\"limit\": 120, \"opensAt\": \"" + EARLIER
                    + "\", \"drawWindowSeconds\": 10, \"drawCap\": 3000}");

            assertThat(response.code()).isEqualTo(200);
            assertThat(written()).isEqualTo(new EventDefinition("recapped", 120, EARLIER, null, 0, null,
                    new DrawWindow(10, 3000, draw.seed())));
            assertThat(json(response).get("draw").get("cap").asInt()).isEqualTo(3000);
        });
    }

    @Test
    void keepsTheDrawWhenAClosingInThePastIsMovedToNow() {
        DrawWindow draw = DrawWindow.fresh(10, null, new java.security.SecureRandom());
        api.define(new EventDefinition("ending", 100, EARLIER, null, 0, null, draw));
        api.test((server, client) -> {
            Response response = define(client, "ending", "{\"limit\": 100, \"opensAt\": \"" + EARLIER + "\", \"closesAt\": \""
                    + EARLIER.plusSeconds(60) + "\", \"drawWindowSeconds\": 10}");

            assertThat(response.code()).isEqualTo(200);
            EventDefinition stored = written();
            assertThat(stored.closesAt()).isEqualTo(NOW.truncatedTo(ChronoUnit.MILLIS));
            assertThat(stored.draw()).isEqualTo(draw);
        });
    }

    @Test
    void answersTheVeryDefinitionRepeatedOnAClosedEventAsStoredWithoutItsSeed() {
        DrawWindow draw = DrawWindow.fresh(10, 50, new java.security.SecureRandom());
        Instant closed = NOW.minusSeconds(600).truncatedTo(ChronoUnit.MILLIS);
        api.define(new EventDefinition("over", 5, EARLIER, closed, 0, null, draw));
        api.test((server, client) -> {
            Response repeated = define(client, "over", "{\"limit\": 5, \"opensAt\": \"" + EARLIER + "\", \"closesAt\": \"" + closed
                    + "\", \"drawWindowSeconds\": 10, \"drawCap\": 50}");

            assertThat(repeated.code()).isEqualTo(200);
            assertThat(json(repeated).get("draw").get("commitment").asText()).isEqualTo(draw.commitment());
            assertThat(repeated.body().string()).doesNotContain(draw.seed());
            assertThat(api.publisher.definitions).as("nothing written").isEmpty();

            Response changed = define(client, "over", "{\"limit\": 5, \"opensAt\": \"" + EARLIER + "\", \"closesAt\": \"" + closed
                    + "\", \"drawWindowSeconds\": 10, \"drawCap\": 51}");
            assertProblem(changed, 400, "INVALID_REQUEST");
            assertThat(json(changed).get("message").asText()).contains("closed at " + closed);
        });
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', textBlock = """
            {"limit": 5, "drawWindowSeconds": -1}                     | drawWindowSeconds must be a whole number from 0 to 3600, was -1
            {"limit": 5, "drawWindowSeconds": 3601}                   | drawWindowSeconds must be a whole number from 0 to 3600, was 3601
            {"limit": 5, "drawWindowSeconds": 1.5}                    | drawWindowSeconds must be a whole number from 0 to 3600, was 1.5
            {"limit": 5, "drawWindowSeconds": "10"}                   | drawWindowSeconds must be a whole number from 0 to 3600, was "10"
            {"limit": 5, "drawWindowSeconds": true}                   | drawWindowSeconds must be a whole number from 0 to 3600, was true
            {"limit": 5, "drawWindowSeconds": 99999999999}            | drawWindowSeconds must be a whole number from 0 to 3600, was 99999999999
            {"limit": 5, "drawWindowSeconds": 10, "drawCap": 0}        | drawCap must be a whole number from 1 to 1000000000, was 0
            {"limit": 5, "drawWindowSeconds": 10, "drawCap": 1000000001} | drawCap must be a whole number from 1 to 1000000000, was 1000000001
            {"limit": 5, "drawWindowSeconds": 10, "drawCap": "many"}   | drawCap must be a whole number from 1 to 1000000000, was "many"
            {"limit": 5, "drawWindowSeconds": 10, "drawCap": 2.5}      | drawCap must be a whole number from 1 to 1000000000, was 2.5
            {"limit": 5, "drawCap": 100}                               | drawCap is only taken with a draw window: give drawWindowSeconds from 1 to 3600
            {"limit": 5, "drawWindowSeconds": 0, "drawCap": 100}       | drawCap is only taken with a draw window: give drawWindowSeconds from 1 to 3600
            {"limit": 5, "opensAt": "2026-11-24T11:00:00Z", "drawWindowSeconds": 60, "closesAt": "2026-11-24T11:00:59Z"} | closesAt must be at or after the end of the draw window (opensAt + 60 s = 2026-11-24T11:01:00Z), was 2026-11-24T11:00:59Z
            {"limit": 5, "opensAt": "2026-11-24T11:00:00Z", "drawWindowSeconds": 60, "couponsValidUntil": "2026-11-24T11:00:30Z"} | couponsValidUntil must be at or after the end of the draw window (opensAt + 60 s = 2026-11-24T11:01:00Z), was 2026-11-24T11:00:30Z
            """)
    void refusesABadWindowOrCapNamingTheFieldWithoutStoringIt(String body, String message) {
        api.test((server, client) -> {
            Response response = define(client, "bad", body);

            assertProblem(response, 400, "INVALID_REQUEST");
            assertThat(json(response).get("message").asText()).isEqualTo(message);
            assertThat(api.publisher.definitions).isEmpty();
        });
    }

    @Test
    void takesTheBoundsOfWindowAndCapAndAClosingAtTheWindowsEnd() {
        api.test((server, client) -> {
            assertThat(define(client, "longest", "{\"limit\": 5, \"opensAt\": \"" + LATER
                    + "\", \"drawWindowSeconds\": 3600, \"drawCap\": 1000000000}").code()).isEqualTo(200);
            assertThat(define(client, "shortest", "{\"limit\": 5, \"opensAt\": \"" + LATER
                    + "\", \"drawWindowSeconds\": 1, \"drawCap\": 1, \"closesAt\": \"" + LATER.plusSeconds(1) + "\"}").code()).isEqualTo(200);
            assertThat(define(client, "none", "{\"limit\": 5, \"drawWindowSeconds\": null, \"drawCap\": null}").code()).isEqualTo(200);
            assertThat(storedDefinition("longest").draw()).extracting(DrawWindow::windowSeconds, DrawWindow::cap)
                    .containsExactly(3600, 1_000_000_000);
            assertThat(storedDefinition("shortest").drawEndsAt()).isEqualTo(LATER.plusSeconds(1));
            assertThat(storedDefinition("none").draw()).isNull();
        });
    }

    @Test
    void neverLogsTheSeed() {
        try (var logs = new CapturedLogs()) {
            api.test((server, client) -> {
                define(client, "logged", "{\"limit\": 5, \"opensAt\": \"" + LATER + "\", \"drawWindowSeconds\": 10}");

                DrawWindow draw = storedDefinition("logged").draw();
                assertThat(logs.lines()).anySatisfy(line -> assertThat(line).contains("event logged defined")
                        .contains("draw window 10 s to 2026-11-24T11:00:10Z, cap 500, commitment " + draw.commitment()));
                assertThat(logs.lines()).noneSatisfy(line -> assertThat(line).contains(draw.seed()));
            });
        }
    }

    @Test
    void showsTheDrawInTheAdminListAndStatsWithoutTheSeedUntilDrawnThenWithIt() {
        DrawWindow draw = DrawWindow.fresh(10, null, new java.security.SecureRandom());
        api.define(new EventDefinition("watched", 100, EARLIER, null, 0, null, draw));
        var entrantsSoFar = new Tally("watched", 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, new Tally.DrawSummary(42, null, null, null));
        api.tallies = event -> CompletableFuture.completedFuture(Optional.of(entrantsSoFar));
        api.test((server, client) -> {
            Response list = admin(client, "/admin/events");
            Response stats = admin(client, "/admin/events/watched/stats");

            assertThat(list.body().string()).doesNotContain(draw.seed());
            assertThat(stats.body().string()).doesNotContain(draw.seed());
            assertThat(json(list).get("events").get(0).get("draw")).isEqualTo(Json.mapper().readTree("{\"windowSeconds\":10,"
                    + "\"endsAt\":\"2026-11-24T09:00:10Z\",\"cap\":10000,\"commitment\":\"" + draw.commitment() + "\"}"));
            assertThat(json(stats).get("draw")).isEqualTo(Json.mapper().readTree("{\"windowSeconds\":10,"
                    + "\"endsAt\":\"2026-11-24T09:00:10Z\",\"cap\":10000,\"commitment\":\"" + draw.commitment() + "\",\"entrants\":42}"));

            // when: the processor has drawn
            var drawn = new Tally("watched", 100, 0, 0, 0, 0, 0, 100, 0, 0, 0,
                    new Tally.DrawSummary(42, Instant.parse("2026-11-24T09:00:10Z"), "0abc", null));
            api.tallies = event -> CompletableFuture.completedFuture(Optional.of(drawn));

            JsonNode revealed = json(admin(client, "/admin/events/watched/stats")).get("draw");
            assertThat(revealed.get("seed").asText()).isEqualTo(draw.seed());
            assertThat(revealed.get("entrants").asLong()).isEqualTo(42);
            assertThat(revealed.get("drawnAt").asText()).isEqualTo("2026-11-24T09:00:10Z");
            assertThat(revealed.get("issuedUpTo").asText()).isEqualTo("0abc");
            assertThat(revealed.has("waitlistUpTo")).isFalse();
        });
    }

    @Test
    void leavesTheDrawOutOfTheAnswersOfAnEventWithoutOne() {
        api.test((server, client) -> {
            Response response = define(client, "plain", "{\"limit\": 5}");

            assertThat(json(response).has("draw")).isFalse();
            assertThat(json(client.get("/events/plain")).has("draw")).isFalse();
            assertThat(json(admin(client, "/admin/events")).get("events").get(0).has("draw")).isFalse();
            assertThat(json(admin(client, "/admin/events/plain/stats")).has("draw")).isFalse();
        });
    }

    /** The last definition written to coupon-events (an event the test put in the catalog keeps its offset there). */
    private EventDefinition written() {
        assertThat(api.publisher.definitions).isNotEmpty();
        return api.publisher.definitions.get(api.publisher.definitions.size() - 1).value();
    }

    private EventDefinition storedDefinition(String eventId) {
        return api.catalog.find(new EventId(eventId)).orElseThrow();
    }

    private static Response define(HttpClient client, String eventId, String body) {
        return send(client, "/admin/events/" + eventId, "PUT", "application/json", body, Map.of("Authorization", "Bearer " + TOKEN));
    }

    private static Response admin(HttpClient client, String path) {
        return send(client, path, "GET", null, "", Map.of("Authorization", "Bearer " + TOKEN));
    }
}
