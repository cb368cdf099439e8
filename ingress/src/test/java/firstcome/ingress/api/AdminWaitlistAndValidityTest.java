package firstcome.ingress.api;

import static firstcome.ingress.ApiFixture.NOW;
import static firstcome.ingress.ApiFixture.TOKEN;
import static firstcome.ingress.ApiFixture.assertProblem;
import static firstcome.ingress.ApiFixture.json;
import static firstcome.ingress.ApiFixture.send;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import firstcome.contract.EventDefinition;
import firstcome.contract.Json;
import firstcome.ingress.ApiFixture;
import io.javalin.testtools.HttpClient;
import io.javalin.testtools.Response;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The event's {@code waitlist} and {@code couponsValidUntil} (docs/lifecycle.md) at the admin route and in the event info. */
class AdminWaitlistAndValidityTest {

    private static final Instant OPENS = Instant.parse("2026-11-24T09:00:00Z");

    private final ApiFixture api = new ApiFixture();

    @Test
    void storesTheWaitlistAndTheValidityAndShowsThemInTheEventInfo() {
        api.test((server, client) -> {
            Response response = define(client, "sale", "{\"limit\": 100, \"waitlist\": 20, \"opensAt\": \"" + OPENS
                    + "\", \"couponsValidUntil\": \"2026-12-31T23:00:00+01:00\"}");

            assertThat(response.code()).isEqualTo(200);
            assertThat(json(response)).isEqualTo(Json.mapper().readTree("{\"eventId\":\"sale\",\"limit\":100,\"opensAt\":\"" + OPENS
                    + "\",\"closesAt\":null,\"waitlist\":20,\"couponsValidUntil\":\"2026-12-31T22:00:00Z\"}"));
            var stored = new EventDefinition("sale", 100, OPENS, null, 20, Instant.parse("2026-12-31T22:00:00Z"));
            assertThat(api.publisher.definitions).extracting(sent -> sent.value()).containsExactly(stored);
            assertThat(api.catalog.find(new EventId("sale"))).contains(stored);

            JsonNode info = json(client.get("/events/sale"));
            assertThat(info.get("waitlist").asInt()).isEqualTo(20);
            assertThat(info.get("couponsValidUntil").asText()).isEqualTo("2026-12-31T22:00:00Z");
            JsonNode stats = json(send(client, "/admin/events/sale/stats", "GET", null, "", Map.of("Authorization", "Bearer " + TOKEN)));
            assertThat(stats.get("waitlist").asInt()).isEqualTo(20);
            assertThat(stats.get("couponsValidUntil").asText()).isEqualTo("2026-12-31T22:00:00Z");
        });
    }

    @Test
    void leavesBothOutOfTheAnswersWhenTheEventHasNeither() {
        api.test((server, client) -> {
            Response response = define(client, "plain", "{\"limit\": 5, \"waitlist\": 0}");

            assertThat(json(response).has("waitlist")).isFalse();
            assertThat(json(response).has("couponsValidUntil")).isFalse();
            JsonNode info = json(client.get("/events/plain"));
            assertThat(info.has("waitlist")).isFalse();
            assertThat(info.has("couponsValidUntil")).isFalse();
            assertThat(info.get("remaining").asInt()).isEqualTo(5);
            JsonNode row = json(send(client, "/admin/events", "GET", null, "", Map.of("Authorization", "Bearer " + TOKEN)))
                    .get("events").get(0);
            assertThat(row.has("waitlist")).isFalse();
            assertThat(row.has("couponsValidUntil")).isFalse();
        });
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', textBlock = """
            {"limit": 5, "waitlist": -1}                                                   | waitlist must be a whole number from 0 to 1000000, was -1
            {"limit": 5, "waitlist": 1000001}                                              | waitlist must be a whole number from 0 to 1000000, was 1000001
            {"limit": 5, "waitlist": 1.5}                                                  | waitlist must be a whole number from 0 to 1000000, was 1.5
            {"limit": 5, "waitlist": "20"}                                                 | waitlist must be a whole number from 0 to 1000000, was "20"
            {"limit": 5, "waitlist": 99999999999}                                          | waitlist must be a whole number from 0 to 1000000, was 99999999999
            {"limit": 5, "couponsValidUntil": "next month"}                               | couponsValidUntil must be an ISO-8601 instant such as 2026-11-24T10:00:00Z
            {"limit": 5, "couponsValidUntil": 1764000000}                                 | couponsValidUntil must be an ISO-8601 instant such as 2026-11-24T10:00:00Z
            {"limit": 5, "couponsValidUntil": "+10000-01-01T00:00:00Z"}                   | couponsValidUntil must be at or before 9999-12-31T23:59:59.999Z, was +10000-01-01T00:00:00Z
            {"limit": 5, "couponsValidUntil": "0999-12-31T23:59:59Z"}                     | couponsValidUntil must be at or after 1000-01-01T00:00:00Z, was 0999-12-31T23:59:59Z
            {"limit": 5, "opensAt": "2026-11-24T09:00:00Z", "couponsValidUntil": "2026-11-24T09:00:00Z"} | couponsValidUntil must be after opensAt (2026-11-24T09:00:00Z), was 2026-11-24T09:00:00Z
            {"limit": 5, "opensAt": "2026-11-24T09:00:00Z", "couponsValidUntil": "2026-11-24T08:00:00Z"} | couponsValidUntil must be after opensAt (2026-11-24T09:00:00Z), was 2026-11-24T08:00:00Z
            """)
    void refusesABadWaitlistOrValidityNamingTheField(String body, String message) {
        api.test((server, client) -> {
            Response response = define(client, "bad", body);

            assertProblem(response, 400, "INVALID_REQUEST");
            assertThat(json(response).get("message").asText()).isEqualTo(message);
            assertThat(api.publisher.definitions).isEmpty();
        });
    }

    @Test
    void keepsTheWaitlistAndValidityWhenAClosingInThePastIsMovedToNow() {
        api.test((server, client) -> {
            define(client, "ending", "{\"limit\": 5, \"opensAt\": \"" + OPENS + "\"}");

            Response response = define(client, "ending", "{\"limit\": 5, \"waitlist\": 3, \"opensAt\": \"" + OPENS
                    + "\", \"closesAt\": \"" + OPENS.plusSeconds(60) + "\", \"couponsValidUntil\": \"" + OPENS.plusSeconds(120) + "\"}");

            assertThat(response.code()).isEqualTo(200);
            Instant now = NOW.truncatedTo(ChronoUnit.MILLIS);
            assertThat(api.catalog.find(new EventId("ending"))).contains(new EventDefinition("ending", 5, OPENS, now, 3, now));
        });
    }

    @Test
    void refusesToChangeAnEventWhoseCouponsExpiredSinceItIsClosed() {
        api.test((server, client) -> {
            Instant expired = NOW.minusSeconds(60).truncatedTo(ChronoUnit.MILLIS);
            String definition = "{\"limit\": 5, \"opensAt\": \"" + OPENS + "\", \"couponsValidUntil\": \"" + expired + "\"}";
            assertThat(define(client, "spent", definition).code()).as("a new event may be defined expired").isEqualTo(200);

            Response changed = define(client, "spent", "{\"limit\": 5, \"opensAt\": \"" + OPENS + "\", \"couponsValidUntil\": \""
                    + NOW.plusSeconds(3600) + "\"}");
            Response repeated = define(client, "spent", definition);

            assertProblem(changed, 400, "INVALID_REQUEST");
            assertThat(json(changed).get("message").asText()).isEqualTo("event spent closed at " + expired
                    + "; a closed event cannot be reopened or changed, define a new event id");
            assertThat(repeated.code()).as("the very definition repeated is answered as stored").isEqualTo(200);
            assertThat(api.publisher.definitions).hasSize(1);
        });
    }

    private static Response define(HttpClient client, String eventId, String body) {
        return send(client, "/admin/events/" + eventId, "PUT", "application/json", body, Map.of("Authorization", "Bearer " + TOKEN));
    }
}
