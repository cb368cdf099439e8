package firstcome.ingress.api;

import static firstcome.ingress.ApiFixture.NOW;
import static firstcome.ingress.ApiFixture.TOKEN;
import static firstcome.ingress.ApiFixture.apply;
import static firstcome.ingress.ApiFixture.assertProblem;
import static firstcome.ingress.ApiFixture.json;
import static firstcome.ingress.ApiFixture.send;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import firstcome.ingress.ApiFixture;
import io.javalin.testtools.Response;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * An event retired ({@code EVENT_RETENTION}, seven days by default, past its closing): the ingress
 * answers its status look-ups itself, keeps refusing applications as closed, and never lets its id
 * be defined again. The fixture's clock stands at {@link ApiFixture#NOW}.
 */
class RetiredEventTest {

    private static final Instant CLOSED_AT = NOW.minus(Duration.ofDays(8)).truncatedTo(ChronoUnit.MILLIS);
    private static final Instant RETIRED_AT = CLOSED_AT.plus(Duration.ofDays(7));

    private final ApiFixture fixture = new ApiFixture();

    @Test
    void answersTheStatusOfARetiredEventItselfWith410Retired() {
        fixture.define("old-sale", 10, CLOSED_AT.minus(Duration.ofDays(1)), CLOSED_AT);

        fixture.test((server, client) -> {
            Response response = client.get("/events/old-sale/applications/u-1");

            assertProblem(response, 410, "RETIRED");
            assertThat(json(response).get("message").asText()).isEqualTo("Event old-sale closed at " + CLOSED_AT
                    + " and its results were retired at " + RETIRED_AT + "; the shop's records keep its coupons.");
        });
    }

    @Test
    void stillAsksTheDecisionsOfAnEventClosedButNotRetired() {
        Instant closed = NOW.minus(Duration.ofDays(6));
        fixture.define("recent", 10, closed.minus(Duration.ofDays(1)), closed);

        fixture.test((server, client) -> assertProblem(client.get("/events/recent/applications/u-1"), 404, "NOT_APPLIED"));
    }

    @Test
    void refusesAnApplicationToARetiredEventAsClosed() {
        fixture.define("old-sale", 10, CLOSED_AT.minus(Duration.ofDays(1)), CLOSED_AT);

        fixture.test((server, client) -> assertProblem(apply(client, "old-sale", "u-1"), 410, "CLOSED"));
        assertThat(fixture.gate.admitCalls.get()).isZero();
    }

    @Test
    void showsARetiredEventFromTheCatalogWithNothingRemaining() {
        fixture.define("old-sale", 10, CLOSED_AT.minus(Duration.ofDays(1)), CLOSED_AT);

        fixture.test((server, client) -> {
            Response response = client.get("/events/old-sale");

            assertThat(response.code()).isEqualTo(200);
            JsonNode body = json(response);
            assertThat(body.get("limit").asInt()).isEqualTo(10);
            assertThat(body.get("remaining").asLong()).isZero();
        });
    }

    @Test
    void refusesToDefineARetiredEventIdAgain() {
        fixture.define("old-sale", 10, CLOSED_AT.minus(Duration.ofDays(1)), CLOSED_AT);

        fixture.test((server, client) -> {
            Response response = send(client, "/admin/events/old-sale", "PUT", "application/json", "{\"limit\": 5}",
                    Map.of("Authorization", "Bearer " + TOKEN));

            assertProblem(response, 400, "INVALID_REQUEST");
            assertThat(json(response).get("message").asText())
                    .isEqualTo("event old-sale was retired at " + RETIRED_AT + "; define a new event id");
        });
        assertThat(fixture.publisher.definitions).isEmpty();
    }

    @Test
    void refusesToDefineAnEventWhileTheCatalogIsStillLoadingSinceItCannotTellARetiredId() {
        ApiFixture loading = ApiFixture.withCatalogStillLoading();

        loading.test((server, client) -> assertProblem(send(client, "/admin/events/old-sale", "PUT", "application/json",
                "{\"limit\": 5}", Map.of("Authorization", "Bearer " + TOKEN)), 503, "UNAVAILABLE"));
        assertThat(loading.publisher.definitions).isEmpty();
    }

    @Test
    void theOrganisersViewSaysWhenAnEventRetiredAndAsksTheGateNothingForIt() {
        fixture.define("old-sale", 10, CLOSED_AT.minus(Duration.ofDays(1)), CLOSED_AT);
        fixture.defineOpen("live", 10);
        Map<String, String> admin = Map.of("Authorization", "Bearer " + TOKEN);

        fixture.test((server, client) -> {
            JsonNode list = json(send(client, "/admin/events", "GET", null, "", admin));
            JsonNode stats = json(send(client, "/admin/events/old-sale/stats", "GET", null, "", admin));

            JsonNode retiredRow = list.get("events").get(1);
            assertThat(retiredRow.get("eventId").asText()).isEqualTo("old-sale");
            assertThat(retiredRow.get("retiredAt").asText()).isEqualTo(RETIRED_AT.toString());
            assertThat(retiredRow.get("accepted").isNull()).isTrue();
            assertThat(list.get("events").get(0).get("retiredAt").isNull()).isTrue();
            assertThat(stats.get("retiredAt").asText()).isEqualTo(RETIRED_AT.toString());
            assertThat(stats.get("limit").asInt()).isEqualTo(10);
        });
    }

    @Test
    void dropsTheAnswerCountsOfARetiredEventAndStartsNoNewOnes() {
        Instant closes = NOW.plusSeconds(60);
        fixture.define("soon", 10, NOW.minusSeconds(60), closes);
        AtomicReference<Instant> now = new AtomicReference<>(NOW);
        var counts = new ApplyAnswerCounts(fixture.catalog, new Clock() {
            @Override
            public ZoneId getZone() {
                return ZoneOffset.UTC;
            }

            @Override
            public Clock withZone(ZoneId zone) {
                return this;
            }

            @Override
            public Instant instant() {
                return now.get();
            }
        });
        fixture.catalog.onRetired(counts::retire);
        counts.record("soon", Outcome.ACCEPTED);
        assertThat(counts.events()).isEqualTo(1);

        now.set(closes.plus(Duration.ofDays(7)));
        fixture.catalog.retireDue(now.get());
        counts.record("soon", Outcome.CLOSED);

        assertThat(counts.events()).isZero();
        assertThat(counts.of(new EventId("soon"))).isEmpty();
    }
}
