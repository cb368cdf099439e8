package firstcome.ingress.api;

import static firstcome.ingress.ApiFixture.NOW;
import static firstcome.ingress.ApiFixture.TOKEN;
import static firstcome.ingress.ApiFixture.assertProblem;
import static firstcome.ingress.ApiFixture.json;
import static firstcome.ingress.ApiFixture.send;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import firstcome.contract.DrawWindow;
import firstcome.contract.Eligibility;
import firstcome.contract.EventDefinition;
import firstcome.contract.Json;
import firstcome.ingress.ApiFixture;
import io.javalin.testtools.HttpClient;
import io.javalin.testtools.Response;
import java.security.SecureRandom;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * What the organiser's page does during a drop: it takes the listed body that repeats an event as
 * stored ({@code definition} in {@code GET /admin/events}) and sends it back through
 * {@code PUT /admin/events/{eventId}} with one field changed, {@code closesAt} (close now) or {@code limit}.
 */
class AdminDuringADropTest {

    /** Opened an hour before the fixture's clock. */
    private static final Instant EARLIER = Instant.parse("2026-11-24T09:00:00Z");
    private static final Instant VALID_UNTIL = Instant.parse("2026-12-24T09:00:00Z");

    private final ApiFixture api = new ApiFixture();

    @Test
    void listsTheBodyThatRepeatsEachEventAsStoredWithoutTheSeed() {
        DrawWindow draw = DrawWindow.fresh(10, 500, new SecureRandom());
        api.define(new EventDefinition("fair", 100, EARLIER, null, 20, VALID_UNTIL, draw));
        api.define(new EventDefinition("plain", 5, EARLIER, EARLIER.plusSeconds(86_400)));
        api.define(new EventDefinition("gold", 3, EARLIER, null, 0, null, null, new Eligibility("tier", List.of("gold"))));
        api.test((server, client) -> {
            Response list = admin(client, "/admin/events");

            assertThat(definitionOf(list, "fair")).isEqualTo(Json.mapper().readTree("{\"limit\":100,\"opensAt\":\"" + EARLIER
                    + "\",\"waitlist\":20,\"couponsValidUntil\":\"" + VALID_UNTIL + "\",\"drawWindowSeconds\":10,\"drawCap\":500}"));
            assertThat(definitionOf(list, "plain")).isEqualTo(Json.mapper().readTree("{\"limit\":5,\"opensAt\":\"" + EARLIER
                    + "\",\"closesAt\":\"" + EARLIER.plusSeconds(86_400) + "\",\"waitlist\":0}"));
            assertThat(definitionOf(list, "gold").get("eligibility"))
                    .isEqualTo(Json.mapper().readTree("{\"claim\":\"tier\",\"anyOf\":[\"gold\"]}"));
            assertThat(list.body().string()).doesNotContain(draw.seed());
        });
    }

    @Test
    void closesAnOpenDrawEventNowKeepingItsWindowSeedDefaultCapWaitlistAndValidity() {
        DrawWindow draw = DrawWindow.fresh(10, null, new SecureRandom());
        EventDefinition stored = api.define(new EventDefinition("fair", 100, EARLIER, null, 20, VALID_UNTIL, draw));
        api.test((server, client) -> {
            ObjectNode body = definitionOf(admin(client, "/admin/events"), "fair");
            body.put("closesAt", NOW.toString());

            Response response = define(client, "fair", body);

            assertThat(response.code()).isEqualTo(200);
            EventDefinition written = written();
            assertThat(written).isEqualTo(stored.withClosing(written.closesAt(), VALID_UNTIL));
            assertThat(written.closesAt()).isBetween(NOW.minusMillis(1), NOW);
            assertThat(written.draw()).as("the same window, seed, and a cap that still follows the limit").isEqualTo(draw);
        });
    }

    @Test
    void closesNowWhenThePagesClockIsBehindTheIngresss() {
        api.define(new EventDefinition("late-clock", 5, EARLIER, null));
        api.test((server, client) -> {
            ObjectNode body = definitionOf(admin(client, "/admin/events"), "late-clock");
            body.put("closesAt", NOW.minusSeconds(30).toString());

            Response response = define(client, "late-clock", body);

            assertThat(response.code()).isEqualTo(200);
            assertThat(written().closesAt()).as("a closing in the past closes now").isEqualTo(NOW.truncatedTo(ChronoUnit.MILLIS));
        });
    }

    @Test
    void refusesToCloseInsideTheDrawWindowNamingItsEnd() {
        DrawWindow draw = DrawWindow.fresh(60, null, new SecureRandom());
        Instant opensAt = NOW.minusSeconds(10).truncatedTo(ChronoUnit.SECONDS);
        api.define(new EventDefinition("drawing", 100, opensAt, null, 0, null, draw));
        api.test((server, client) -> {
            ObjectNode body = definitionOf(admin(client, "/admin/events"), "drawing");
            body.put("closesAt", NOW.toString());

            Response response = define(client, "drawing", body);

            assertProblem(response, 400, "INVALID_REQUEST");
            assertThat(json(response).get("message").asText()).isEqualTo("closesAt must be at or after the end of the draw window"
                    + " (opensAt + 60 s = " + opensAt.plusSeconds(60) + "), was " + NOW.truncatedTo(ChronoUnit.MILLIS));
            assertThat(api.publisher.definitions).isEmpty();
        });
    }

    @Test
    void changesTheLimitKeepingEveryOtherFieldTheCapGivenIncluded() {
        DrawWindow draw = DrawWindow.fresh(10, 500, new SecureRandom());
        Instant closesAt = NOW.plusSeconds(3600).truncatedTo(ChronoUnit.SECONDS);
        EventDefinition stored = api.define(new EventDefinition("fair", 100, EARLIER, closesAt, 20, VALID_UNTIL, draw));
        api.test((server, client) -> {
            ObjectNode body = definitionOf(admin(client, "/admin/events"), "fair");
            body.put("limit", 40);

            Response response = define(client, "fair", body);

            assertThat(response.code()).isEqualTo(200);
            assertThat(written()).isEqualTo(new EventDefinition("fair", 40, EARLIER, closesAt, 20, VALID_UNTIL, draw));
            assertThat(json(response).get("limit").asInt()).isEqualTo(40);
            assertThat(stored.limit()).isEqualTo(100);
        });
    }

    @Test
    void refusesAnyChangeOfAClosedEventSayingWhy() {
        Instant closed = NOW.minusSeconds(60).truncatedTo(ChronoUnit.MILLIS);
        api.define(new EventDefinition("over", 5, EARLIER, closed));
        api.test((server, client) -> {
            ObjectNode body = definitionOf(admin(client, "/admin/events"), "over");
            body.put("limit", 10);

            Response response = define(client, "over", body);

            assertProblem(response, 400, "INVALID_REQUEST");
            assertThat(json(response).get("message").asText()).isEqualTo("event over closed at " + closed
                    + "; a closed event cannot be reopened or changed, define a new event id");
        });
    }

    private EventDefinition written() {
        assertThat(api.publisher.definitions).isNotEmpty();
        return api.publisher.definitions.get(api.publisher.definitions.size() - 1).value();
    }

    private static ObjectNode definitionOf(Response list, String eventId) throws Exception {
        for (JsonNode row : json(list).get("events")) {
            if (row.get("eventId").asText().equals(eventId)) {
                return (ObjectNode) row.get("definition");
            }
        }
        throw new AssertionError("no row for " + eventId);
    }

    private static Response define(HttpClient client, String eventId, JsonNode body) {
        return send(client, "/admin/events/" + eventId, "PUT", "application/json", body.toString(),
                Map.of("Authorization", "Bearer " + TOKEN));
    }

    private static Response admin(HttpClient client, String path) {
        return send(client, path, "GET", null, "", Map.of("Authorization", "Bearer " + TOKEN));
    }
}
