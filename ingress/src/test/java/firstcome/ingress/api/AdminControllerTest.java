package firstcome.ingress.api;

import static firstcome.ingress.ApiFixture.NOW;
import static firstcome.ingress.ApiFixture.TOKEN;
import static firstcome.ingress.ApiFixture.assertProblem;
import static firstcome.ingress.ApiFixture.json;
import static firstcome.ingress.ApiFixture.send;
import static org.assertj.core.api.Assertions.assertThat;

import firstcome.contract.EventDefinition;
import firstcome.contract.Json;
import firstcome.ingress.ApiFixture;
import firstcome.ingress.kafka.FakePublisher;
import io.javalin.testtools.HttpClient;
import io.javalin.testtools.JavalinTest;
import io.javalin.testtools.Response;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class AdminControllerTest {

    private final ApiFixture api = new ApiFixture();

    @Test
    void storesTheEventInKafkaThenInTheCatalogAndPrimesTheGate() {
        api.test((server, client) -> {
            Response response = define(client, "launch", "{\"limit\": 100, \"opensAt\": \"2026-11-24T10:00:00Z\", \"closesAt\": \"2026-11-24T11:00:00Z\"}");

            assertThat(response.code()).isEqualTo(200);
            assertThat(json(response)).isEqualTo(Json.mapper().readTree(
                    "{\"eventId\":\"launch\",\"limit\":100,\"opensAt\":\"2026-11-24T10:00:00Z\",\"closesAt\":\"2026-11-24T11:00:00Z\"}"));
            var stored = new EventDefinition("launch", 100, Instant.parse("2026-11-24T10:00:00Z"), Instant.parse("2026-11-24T11:00:00Z"));
            assertThat(api.publisher.definitions).containsExactly(new FakePublisher.Sent<>(stored, NOW));
            assertThat(api.catalog.find(new EventId("launch"))).contains(stored);
            assertThat(api.gate.primed).containsExactly(new EventId("launch"));
        });
    }

    @Test
    void opensNowAndNeverClosesWhenTheBodyOnlyHasALimit() {
        api.test((server, client) -> {
            Response response = define(client, "now", "{\"limit\": 5}");

            assertThat(response.code()).isEqualTo(200);
            assertThat(json(response).get("opensAt").asText()).isEqualTo(NOW.truncatedTo(ChronoUnit.MILLIS).toString());
            assertThat(json(response).get("closesAt").isNull()).isTrue();
            assertThat(ApiFixture.apply(client, "now", "first").code()).as("open at once").isEqualTo(202);
        });
    }

    @Test
    void takesInstantsWithAnOffset() {
        api.test((server, client) -> {
            Response response = define(client, "tz", "{\"limit\": 5, \"opensAt\": \"2026-11-24T12:00:00+02:00\"}");

            assertThat(json(response).get("opensAt").asText()).isEqualTo("2026-11-24T10:00:00Z");
        });
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "{}",
            "{\"limit\": 0}",
            "{\"limit\": -1}",
            "{\"limit\": 10000001}",
            "{\"limit\": 99999999999}",
            "{\"limit\": 1.5}",
            "{\"limit\": \"100\"}",
            "{\"limit\": null}",
            "{\"limit\": 10, \"opensAt\": \"tomorrow\"}",
            "{\"limit\": 10, \"opensAt\": 1764000000}",
            "{\"limit\": 10, \"closesAt\": \"2026-11-24\"}",
            "{\"limit\": 10, \"opensAt\": \"2026-11-24T11:00:00Z\", \"closesAt\": \"2026-11-24T10:00:00Z\"}",
            "{\"limit\": 10, \"opensAt\": \"2026-11-24T11:00:00Z\", \"closesAt\": \"2026-11-24T11:00:00Z\"}",
            "{\"limit\": 10, \"closesAt\": \"+300000000-01-01T00:00:00Z\"}",
            "{\"limit\": 10, \"closesAt\": \"+10000-01-01T00:00:00Z\"}",
            "{\"limit\": 10, \"closesAt\": \"9999-12-31T23:59:59.9991Z\"}",
            "{\"limit\": 10, \"opensAt\": \"+300000000-01-01T00:00:00Z\"}",
            "{\"limit\": 10, \"opensAt\": \"+999999999-12-31T23:59:59.999999999Z\"}",
            "[]",
            "not json",
    })
    void refusesAnInvalidDefinitionWithoutStoringIt(String body) {
        api.test((server, client) -> {
            assertProblem(define(client, "bad", body), 400, "INVALID_REQUEST");
            assertThat(api.publisher.definitions).isEmpty();
        });
    }

    @Test
    void takesInstantsUpToTheEndOfTheYear9999AndNamesTheFieldBeyond() {
        api.test((server, client) -> {
            Response latest = define(client, "far", "{\"limit\": 5, \"closesAt\": \"9999-12-31T23:59:59.999Z\"}");
            assertThat(latest.code()).isEqualTo(200);
            assertThat(json(latest).get("closesAt").asText()).isEqualTo("9999-12-31T23:59:59.999Z");
            assertThat(api.gate.knows(new EventId("far"))).isTrue();

            Response beyond = define(client, "farther", "{\"limit\": 5, \"closesAt\": \"+300000000-01-01T00:00:00Z\"}");
            assertProblem(beyond, 400, "INVALID_REQUEST");
            assertThat(json(beyond).get("message").asText())
                    .isEqualTo("closesAt must be at or before 9999-12-31T23:59:59.999Z, was +300000000-01-01T00:00:00Z");

            Response before = define(client, "ancient", "{\"limit\": 5, \"opensAt\": \"-300000000-01-01T00:00:00Z\"}");
            assertProblem(before, 400, "INVALID_REQUEST");
            assertThat(json(before).get("message").asText())
                    .isEqualTo("opensAt must be at or after 1000-01-01T00:00:00Z, was -300000000-01-01T00:00:00Z");
            assertThat(api.publisher.definitions).hasSize(1);
        });
    }

    @Test
    void refusesToChangeOrReopenAnEventThatHasClosed() {
        api.test((server, client) -> {
            Instant closesAt = NOW.minusSeconds(60).truncatedTo(ChronoUnit.MILLIS);
            String closed = "{\"limit\": 5, \"opensAt\": \"" + closesAt.minusSeconds(3600) + "\", \"closesAt\": \"" + closesAt + "\"}";
            assertThat(define(client, "over", closed).code()).as("a new event may be defined closed").isEqualTo(200);

            for (String change : new String[] {
                    "{\"limit\": 5, \"closesAt\": \"" + NOW.plusSeconds(3600) + "\"}",
                    "{\"limit\": 5}",
                    "{\"limit\": 6, \"opensAt\": \"" + closesAt.minusSeconds(3600) + "\", \"closesAt\": \"" + closesAt + "\"}"}) {
                Response response = define(client, "over", change);
                assertProblem(response, 400, "INVALID_REQUEST");
                assertThat(json(response).get("message").asText()).isEqualTo("event over closed at " + closesAt
                        + "; a closed event cannot be reopened or changed, define a new event id");
            }
            assertThat(api.publisher.definitions).hasSize(1);
            assertThat(api.catalog.find(new EventId("over")).orElseThrow().closesAt()).isEqualTo(closesAt);

            // and: the very definition repeated (a retry) is answered as stored, and nothing is written
            Response repeated = define(client, "over", closed);
            assertThat(repeated.code()).isEqualTo(200);
            assertThat(json(repeated).get("closesAt").asText()).isEqualTo(closesAt.toString());
            assertThat(api.publisher.definitions).hasSize(1);
        });
    }

    @Test
    void closesAnOpenEventNowWhenItsClosingIsMovedIntoThePast() {
        api.test((server, client) -> {
            String open = "{\"limit\": 5, \"opensAt\": \"" + NOW.minusSeconds(3600) + "\"}";
            assertThat(define(client, "ending", open).code()).isEqualTo(200);

            // when: the organiser sets a closing an hour ago
            Response response = define(client, "ending",
                    "{\"limit\": 5, \"opensAt\": \"" + NOW.minusSeconds(3600) + "\", \"closesAt\": \"" + NOW.minusSeconds(3000) + "\"}");

            // then: it closes now, so it retires EVENT_RETENTION from now, after its pending requests were decided
            assertThat(response.code()).isEqualTo(200);
            assertThat(json(response).get("closesAt").asText()).isEqualTo(NOW.truncatedTo(ChronoUnit.MILLIS).toString());
            assertThat(api.catalog.find(new EventId("ending")).orElseThrow().closesAt()).isEqualTo(NOW.truncatedTo(ChronoUnit.MILLIS));
        });
    }

    @Test
    void takesTheLargestLimit() {
        api.test((server, client) -> assertThat(define(client, "big", "{\"limit\": 10000000}").code()).isEqualTo(200));
    }

    @Test
    void refusesEveryCallWhileNoTokenIsConfigured() {
        JavalinTest.test(api.app(ApiFixture.config(Map.of())), (server, client) -> {
            Response response = define(client, "e1", "{\"limit\": 5}");

            assertProblem(response, 401, "UNAUTHORIZED");
            assertThat(json(response).get("message").asText()).contains("ADMIN_TOKEN");
            assertThat(api.publisher.definitions).isEmpty();
        });
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "Bearer", "Bearer ", "Bearer wrong", "Basic " + TOKEN, TOKEN, "Bearer " + TOKEN + "x", "Bearer s3cret"})
    void refusesAMissingOrWrongToken(String authorization) {
        api.test((server, client) -> {
            Map<String, String> headers = authorization.isEmpty() ? Map.of() : Map.of("Authorization", authorization);
            Response response = send(client, "/admin/events/e1", "PUT", "application/json", "{\"limit\": 5}", headers);

            assertProblem(response, 401, "UNAUTHORIZED");
            assertThat(api.publisher.definitions).isEmpty();
        });
    }

    @Test
    void checksTheTokenBeforeTheBody() {
        api.test((server, client) -> {
            Response response = send(client, "/admin/events/e1", "PUT", "text/plain", "nonsense", Map.of());

            assertProblem(response, 401, "UNAUTHORIZED");
        });
    }

    @Test
    void answersUnavailableWhenKafkaDoesNotTakeTheDefinition() {
        api.publisher.failing = true;
        api.test((server, client) -> {
            Response response = define(client, "e1", "{\"limit\": 5}");

            assertProblem(response, 503, "UNAVAILABLE");
            assertThat(api.catalog.find(new EventId("e1"))).isEmpty();
        });
    }

    @Test
    void answersUnavailableWhenTheGateCannotBePrimed() {
        api.gate.down = true;
        api.test((server, client) -> {
            Response response = define(client, "e1", "{\"limit\": 5}");

            assertProblem(response, 503, "UNAVAILABLE");
            assertThat(api.catalog.find(new EventId("e1"))).as("stored all the same").isPresent();
        });
    }

    @Test
    void letsMoreUsersInWhenTheLimitIsRaised() {
        api.test((server, client) -> {
            define(client, "grow", "{\"limit\": 1}");
            ApiFixture.apply(client, "grow", "a");
            assertProblem(ApiFixture.apply(client, "grow", "b"), 410, "SOLD_OUT");

            define(client, "grow", "{\"limit\": 2}");

            assertThat(ApiFixture.apply(client, "grow", "b").code()).isEqualTo(202);
        });
    }

    private static Response define(HttpClient client, String eventId, String body) {
        return send(client, "/admin/events/" + eventId, "PUT", "application/json", body,
                Map.of("Authorization", "Bearer " + TOKEN));
    }
}
