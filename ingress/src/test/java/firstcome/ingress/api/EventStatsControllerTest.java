package firstcome.ingress.api;

import static firstcome.ingress.ApiFixture.NOW;
import static firstcome.ingress.ApiFixture.TOKEN;
import static firstcome.ingress.ApiFixture.assertProblem;
import static firstcome.ingress.ApiFixture.json;
import static firstcome.ingress.ApiFixture.send;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import firstcome.contract.EventDefinition;
import firstcome.contract.query.Tally;
import firstcome.ingress.ApiFixture;
import io.javalin.testtools.HttpClient;
import io.javalin.testtools.Response;
import io.javalin.testtools.TestCase;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class EventStatsControllerTest {

    private final ApiFixture api = new ApiFixture();
    private volatile Optional<Tally> tally = Optional.empty();

    @Test
    void refusesTheLiveViewWithoutTheToken() {
        api.defineOpen("launch", 10);
        test((server, client) -> {
            assertProblem(client.get("/admin/events"), 401, "UNAUTHORIZED");
            assertProblem(client.get("/admin/events/launch/stats"), 401, "UNAUTHORIZED");
            assertProblem(get(client, "/admin/events", "Bearer wrong"), 401, "UNAUTHORIZED");
        });
    }

    @Test
    void listsTheEventsMostRecentlyOpenedFirstWithTheirGateCounts() {
        api.define("older", 5, NOW.minusSeconds(600), null);
        api.define("newer", 3, NOW.minusSeconds(60), null);
        test((server, client) -> {
            ApiFixture.apply(client, "newer", "u-1");

            Response response = get(client, "/admin/events", "Bearer " + TOKEN);

            assertThat(response.code()).isEqualTo(200);
            JsonNode events = json(response).get("events");
            assertThat(events).hasSize(2);
            assertThat(events.get(0).get("eventId").asText()).isEqualTo("newer");
            assertThat(events.get(0).get("accepted").asLong()).isEqualTo(1);
            assertThat(events.get(0).get("remaining").asLong()).isEqualTo(2);
            assertThat(events.get(1).get("eventId").asText()).isEqualTo("older");
            assertThat(json(response).get("total").asInt()).isEqualTo(2);
        });
    }

    @Test
    void reportsAcceptedIssuedAndThisIngresssAnswersByOutcome() {
        api.defineOpen("launch", 2);
        tally = Optional.of(new Tally("launch", 2, 0, 0, 0, 0, 0, 2));
        test((server, client) -> {
            ApiFixture.apply(client, "launch", "u-1");
            ApiFixture.apply(client, "launch", "u-2");
            ApiFixture.apply(client, "launch", "u-2");
            ApiFixture.apply(client, "launch", "u-3");
            ApiFixture.apply(client, "launch", "u-4");
            ApiFixture.apply(client, "ghost", "u-1");

            Response response = get(client, "/admin/events/launch/stats", "Bearer " + TOKEN);

            assertThat(response.code()).isEqualTo(200);
            JsonNode stats = json(response);
            assertThat(stats.get("accepted").asLong()).isEqualTo(2);
            assertThat(stats.get("remaining").asLong()).isZero();
            assertThat(stats.get("issued").asLong()).isEqualTo(2);
            assertThat(stats.get("decided").get("issued").asLong()).isEqualTo(2);
            assertThat(stats.get("decided")).isEqualTo(parse(
                    "{\"issued\":2,\"duplicates\":0,\"soldOut\":0,\"notOpen\":0,\"closed\":0,\"unknownEvent\":0}"));
            assertThat(stats.get("answers")).isEqualTo(parse("{\"ACCEPTED\":2,\"ALREADY_APPLIED\":1,\"SOLD_OUT\":2}"));
            assertThat(stats.get("at").asText()).isEqualTo(NOW.toString());
        });
    }

    @Test
    void reportsTheCouponsRedeemedReturnedAndTheUsersWaitingBesideTheDefinitionsWaitlistAndValidity() {
        Instant validUntil = NOW.plusSeconds(3600).truncatedTo(java.time.temporal.ChronoUnit.SECONDS);
        api.catalog.apply("launch", new EventDefinition("launch", 2, NOW.minusSeconds(60), null, 5, validUntil), 0);
        api.gate.created(new EventId("launch"));
        tally = Optional.of(new Tally("launch", 3, 0, 0, 0, 0, 0, 5, 1, 1, 2));
        test((server, client) -> {
            Response stats = get(client, "/admin/events/launch/stats", "Bearer " + TOKEN);
            Response list = get(client, "/admin/events", "Bearer " + TOKEN);

            assertThat(stats.code()).isEqualTo(200);
            JsonNode body = json(stats);
            assertThat(body.get("issued").asLong()).isEqualTo(3);
            assertThat(body.get("redeemed").asLong()).isEqualTo(1);
            assertThat(body.get("returned").asLong()).isEqualTo(1);
            assertThat(body.get("waitlisted").asLong()).isEqualTo(2);
            assertThat(body.get("waitlist").asInt()).isEqualTo(5);
            assertThat(body.get("couponsValidUntil").asText()).isEqualTo(validUntil.toString());
            assertThat(body.get("decided")).isEqualTo(parse(
                    "{\"issued\":3,\"duplicates\":0,\"soldOut\":0,\"notOpen\":0,\"closed\":0,\"unknownEvent\":0}"));
            JsonNode row = json(list).get("events").get(0);
            assertThat(row.get("waitlist").asInt()).isEqualTo(5);
            assertThat(row.get("couponsValidUntil").asText()).isEqualTo(validUntil.toString());
        });
    }

    @Test
    void showsNoLifecycleCountsWhileTheProcessorDoesNotAnswer() {
        api.defineOpen("launch", 2);
        test((server, client) -> {
            JsonNode stats = json(get(client, "/admin/events/launch/stats", "Bearer " + TOKEN));

            assertThat(stats.get("redeemed").isNull()).isTrue();
            assertThat(stats.get("returned").isNull()).isTrue();
            assertThat(stats.get("waitlisted").isNull()).isTrue();
            assertThat(stats.has("waitlist")).as("no waitlist: no field, as in the public event info").isFalse();
        });
    }

    @Test
    void showsWhatItHasWhenTheProcessorOrRedisDoesNotAnswer() {
        api.defineOpen("launch", 2);
        test((server, client) -> {
            api.gate.down = true;

            Response response = get(client, "/admin/events/launch/stats", "Bearer " + TOKEN);

            assertThat(response.code()).isEqualTo(200);
            JsonNode stats = json(response);
            assertThat(stats.get("accepted").isNull()).isTrue();
            assertThat(stats.get("remaining").isNull()).isTrue();
            assertThat(stats.get("issued").isNull()).isTrue();
            assertThat(stats.get("limit").asInt()).isEqualTo(2);
        });
    }

    @Test
    void saysTheGateDisagreesOnceItsCountDiffersFromTheTallyWithNothingPendingForLongerThanTheGrace() {
        api.defineOpen("drop", 5);
        // The gate holds three places, nothing pending; the processor counts two live coupons.
        api.gate.restore(new EventId("drop"), java.util.List.of("u-1", "u-2", "u-3"), java.util.List.of());
        tally = Optional.of(new Tally("drop", 2, 0, 0, 0, 0, 0, 2));
        test((server, client) -> {
            JsonNode first = json(get(client, "/admin/events/drop/stats", "Bearer " + TOKEN)).get("gate");
            api.now = NOW.plusSeconds(3);
            JsonNode withinTheGrace = json(get(client, "/admin/events/drop/stats", "Bearer " + TOKEN)).get("gate");
            api.now = NOW.plusSeconds(6);
            JsonNode past = json(get(client, "/admin/events/drop/stats", "Bearer " + TOKEN)).get("gate");

            assertThat(first).isEqualTo(parse("{\"count\":3,\"authority\":2,\"pending\":0,\"agrees\":true,\"since\":\"" + NOW + "\"}"));
            assertThat(withinTheGrace.get("agrees").asBoolean()).isTrue();
            assertThat(past).isEqualTo(parse("{\"count\":3,\"authority\":2,\"pending\":0,\"agrees\":false,\"since\":\"" + NOW + "\"}"));

            tally = Optional.of(new Tally("drop", 3, 0, 0, 0, 0, 0, 3));
            api.now = NOW.plusSeconds(7);
            assertThat(json(get(client, "/admin/events/drop/stats", "Bearer " + TOKEN)).get("gate"))
                    .isEqualTo(parse("{\"count\":3,\"authority\":3,\"pending\":0,\"agrees\":true}"));
        });
    }

    @Test
    void agreesWhileRequestsArePendingAtTheGate() {
        api.defineOpen("busy", 5);
        tally = Optional.of(new Tally("busy", 0, 0, 0, 0, 0, 0, 0));
        test((server, client) -> {
            ApiFixture.apply(client, "busy", "u-1");
            ApiFixture.apply(client, "busy", "u-2");
            get(client, "/admin/events/busy/stats", "Bearer " + TOKEN);
            api.now = NOW.plusSeconds(60);

            JsonNode gate = json(get(client, "/admin/events/busy/stats", "Bearer " + TOKEN)).get("gate");

            assertThat(gate).isEqualTo(parse("{\"count\":2,\"authority\":0,\"pending\":2,\"agrees\":true}"));
        });
    }

    @Test
    void leavesTheGateSignalOutWhileRedisOrTheProcessorDoesNotAnswer() {
        api.defineOpen("launch", 2);
        test((server, client) -> {
            assertThat(json(get(client, "/admin/events/launch/stats", "Bearer " + TOKEN)).has("gate"))
                    .as("no tally").isFalse();
            tally = Optional.of(new Tally("launch", 0, 0, 0, 0, 0, 0, 0));
            api.gate.down = true;
            assertThat(json(get(client, "/admin/events/launch/stats", "Bearer " + TOKEN)).has("gate"))
                    .as("no gate").isFalse();
        });
    }

    @Test
    void saysUnknownEventForAnEventNotInTheCatalog() {
        test((server, client) -> assertProblem(get(client, "/admin/events/nope/stats", "Bearer " + TOKEN), 404, "UNKNOWN_EVENT"));
    }

    /** The app as {@link ApiFixture} builds it, with a tally lookup this test controls. */
    private void test(TestCase testCase) {
        api.tallies = event -> java.util.concurrent.CompletableFuture.completedFuture(tally);
        api.test(testCase);
    }

    private static Response get(HttpClient client, String path, String authorization) {
        return send(client, path, "GET", null, "", Map.of("Authorization", authorization));
    }

    private static JsonNode parse(String text) throws Exception {
        return firstcome.contract.Json.mapper().readTree(text);
    }
}
