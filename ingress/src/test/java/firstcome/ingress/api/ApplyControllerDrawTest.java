package firstcome.ingress.api;

import static firstcome.ingress.ApiFixture.NOW;
import static firstcome.ingress.ApiFixture.json;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import firstcome.contract.DrawWindow;
import firstcome.contract.EventDefinition;
import firstcome.contract.Json;
import firstcome.contract.query.Tally;
import firstcome.ingress.ApiFixture;
import io.javalin.testtools.Response;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** {@code GET /events/{eventId}} of an event with a draw window (docs/fair-opening.md, "The event"). */
class ApplyControllerDrawTest {

    private static final DrawWindow DRAW = DrawWindow.fresh(10, 300, new SecureRandom());
    private static final Instant DRAWN_AT = Instant.parse("2026-11-24T09:59:50Z");

    private final ApiFixture api = new ApiFixture();
    private final AtomicInteger asked = new AtomicInteger();

    @Test
    void showsTheWindowAndTheCommitmentBeforeTheDrawAndTheLimitAsRemaining() {
        // given: the window runs (opened 5 s ago, 10 s long); two entrants hold places at the gate
        api.define(new EventDefinition("fair", 100, NOW.minusSeconds(5), null, 0, null, DRAW));
        answering(Optional.empty());
        api.test((server, client) -> {
            ApiFixture.apply(client, "fair", "a");
            ApiFixture.apply(client, "fair", "b");

            Response response = client.get("/events/fair");

            assertThat(response.code()).isEqualTo(200);
            assertThat(json(response).get("remaining").asLong()).as("nothing handed out before the draw").isEqualTo(100);
            assertThat(json(response).get("draw")).isEqualTo(Json.mapper().readTree("{\"windowSeconds\":10,\"endsAt\":\""
                    + NOW.minusSeconds(5).plusSeconds(10).truncatedTo(java.time.temporal.ChronoUnit.MILLIS)
                    + "\",\"cap\":300,\"commitment\":\"" + DRAW.commitment() + "\"}"));
            assertThat(response.body().string()).doesNotContain(DRAW.seed());
            assertThat(asked).as("the processor is not asked before the window's end").hasValue(0);
        });
    }

    @Test
    void showsNoSeedAfterTheWindowUntilTheTallySaysDrawnAskingAtMostOnceASecond() {
        ended();
        answering(Optional.of(tally(new Tally.DrawSummary(7, null, null, null))));
        api.test((server, client) -> {
            Response first = client.get("/events/fair");
            Response second = client.get("/events/fair");

            for (Response response : new Response[] {first, second}) {
                assertThat(response.code()).isEqualTo(200);
                assertThat(json(response).get("draw").has("seed")).isFalse();
                assertThat(json(response).get("draw").has("entrants")).as("shown once drawn").isFalse();
                assertThat(json(response).get("remaining").asLong()).isEqualTo(100);
                assertThat(response.body().string()).doesNotContain(DRAW.seed());
            }
            assertThat(asked).as("the clock stands still: one question").hasValue(1);
        });
    }

    @Test
    void countsTheGatesPlacesAsRemainingOnceTheWindowIsOverEvenBeforeTheReveal() {
        ended();
        answering(Optional.of(tally(new Tally.DrawSummary(7, null, null, null))));
        api.test((server, client) -> {
            for (String user : new String[] {"a", "b", "c"}) {
                ApiFixture.apply(client, "fair", user);
            }

            Response response = client.get("/events/fair");

            assertThat(json(response).get("draw").has("seed")).isFalse();
            assertThat(json(response).get("remaining").asLong()).as("the gate's count after the window").isEqualTo(97);
        });
    }

    @Test
    void revealsTheSeedAndTheResultsOnceTheTallySaysDrawn() {
        ended();
        answering(Optional.of(tally(new Tally.DrawSummary(12345, DRAWN_AT, "00ff", "0fff"))));
        api.test((server, client) -> {
            ApiFixture.apply(client, "fair", "late"); // one user at the gate after the draw

            Response response = client.get("/events/fair");

            assertThat(response.code()).isEqualTo(200);
            JsonNode body = json(response);
            assertThat(body.get("draw")).isEqualTo(Json.mapper().readTree("{\"windowSeconds\":10,\"endsAt\":\"" + DRAWN_AT
                    + "\",\"cap\":300,\"commitment\":\"" + DRAW.commitment() + "\",\"seed\":\"" + DRAW.seed()
                    + "\",\"entrants\":12345,\"drawnAt\":\"" + DRAWN_AT + "\",\"issuedUpTo\":\"00ff\",\"waitlistUpTo\":\"0fff\"}"));
            assertThat(body.get("remaining").asLong()).as("the gate's count once drawn").isEqualTo(99);
            // and: anyone can check the seed against the commitment
            assertThat(DrawWindow.rankKey(body.get("draw").get("seed").asText(), "u-1")).isEqualTo(DRAW.rankKey("u-1"));
        });
    }

    @Test
    void servesTheInfoWithoutTheRevealWhenTheProcessorDoesNotAnswer() {
        ended();
        api.tallies = event -> {
            asked.incrementAndGet();
            return new CompletableFuture<>(); // never answers
        };
        api.test((server, client) -> {
            Response response = client.get("/events/fair");

            assertThat(response.code()).isEqualTo(200);
            assertThat(json(response).get("draw").get("commitment").asText()).isEqualTo(DRAW.commitment());
            assertThat(json(response).get("draw").has("seed")).isFalse();
            assertThat(json(response).get("remaining").asLong()).isEqualTo(100);
        });
    }

    @Test
    void servesTheInfoWithoutTheRevealWhenTheProcessorFails() {
        ended();
        api.tallies = event -> CompletableFuture.failedFuture(new IllegalStateException("down"));
        api.test((server, client) -> {
            Response response = client.get("/events/fair");

            assertThat(response.code()).isEqualTo(200);
            assertThat(json(response).get("draw").has("seed")).isFalse();
        });
    }

    @Test
    void asksNothingForAnEventWithoutAWindow() {
        api.defineOpen("plain", 10);
        answering(Optional.empty());
        api.test((server, client) -> {
            JsonNode body = json(client.get("/events/plain"));

            assertThat(body.has("draw")).isFalse();
            assertThat(asked).hasValue(0);
        });
    }

    /** The window opened 20 s before the clock and ended 10 s before it. */
    private void ended() {
        api.define(new EventDefinition("fair", 100, DRAWN_AT.minusSeconds(10), null, 0, null, DRAW));
    }

    private void answering(Optional<Tally> tally) {
        api.tallies = event -> {
            asked.incrementAndGet();
            return CompletableFuture.completedFuture(tally);
        };
    }

    private static Tally tally(Tally.DrawSummary draw) {
        return new Tally("fair", 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, draw);
    }
}
