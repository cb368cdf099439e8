package firstcome.ingress.api;

import static firstcome.ingress.ApiFixture.NOW;
import static firstcome.ingress.ApiFixture.apply;
import static firstcome.ingress.ApiFixture.assertProblem;
import static firstcome.ingress.ApiFixture.json;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import firstcome.contract.CouponRequest;
import firstcome.contract.DrawWindow;
import firstcome.contract.EventDefinition;
import firstcome.contract.query.CouponHolders;
import java.util.List;
import java.util.Optional;
import firstcome.contract.Json;
import firstcome.ingress.ApiFixture;
import firstcome.ingress.gate.FakeGate;
import io.javalin.testtools.JavalinTest;
import io.javalin.testtools.Response;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ApplyControllerTest {

    private final ApiFixture api = new ApiFixture();

    @Test
    void acceptsAnApplicationOnlyAfterItWasPublishedWithItsReceiveTime() {
        api.defineOpen("spring-sale", 100);
        api.test((server, client) -> {
            Response response = apply(client, "spring-sale", "u-42");

            assertThat(response.code()).isEqualTo(202);
            assertThat(json(response)).isEqualTo(Json.mapper().readTree(
                    "{\"outcome\":\"ACCEPTED\",\"eventId\":\"spring-sale\",\"userId\":\"u-42\",\"position\":1}"));
            assertThat(api.publisher.requests).hasSize(1);
            CouponRequest request = api.publisher.requests.get(0).value();
            assertThat(request.eventId()).isEqualTo("spring-sale");
            assertThat(request.userId()).isEqualTo("u-42");
            assertThat(request.requestId()).hasSize(36);
            assertThat(request.receivedAt()).isEqualTo(NOW.truncatedTo(ChronoUnit.MILLIS));
            assertThat(api.publisher.requests.get(0).timestamp()).isEqualTo(request.receivedAt());
        });
    }

    @Test
    void admitsTheWaitlistPastTheLimitAndSaysSoOnlyToThem() {
        // given: limit 2, waitlist 1
        var definition = new EventDefinition("wl", 2, NOW.minusSeconds(60), null, 1, null);
        api.catalog.apply("wl", definition, 0);
        api.gate.created(new EventId("wl"));
        api.test((server, client) -> {
            // when / then: the first two as before, without the field
            assertThat(json(apply(client, "wl", "a"))).isEqualTo(Json.mapper().readTree(
                    "{\"outcome\":\"ACCEPTED\",\"eventId\":\"wl\",\"userId\":\"a\",\"position\":1}"));
            assertThat(json(apply(client, "wl", "b")).has("waitlisted")).isFalse();
            // the third waits
            Response third = apply(client, "wl", "c");
            assertThat(third.code()).isEqualTo(202);
            assertThat(json(third)).isEqualTo(Json.mapper().readTree(
                    "{\"outcome\":\"ACCEPTED\",\"eventId\":\"wl\",\"userId\":\"c\",\"position\":3,\"waitlisted\":true}"));
            // past limit + waitlist: sold out
            assertProblem(apply(client, "wl", "d"), 410, "SOLD_OUT");
            assertThat(api.publisher.requests).hasSize(3);
        });
    }

    // ---- the draw window (docs/fair-opening.md) ----

    @Test
    void admitsEntrantsUpToTheDrawsCapInsideTheWindowAndSaysInDrawNeverWaitlisted() {
        // given: limit 1 + waitlist 1, a 10 s window that opened a second ago, a draw's cap of 3
        defineWithDraw("drop", 1, 1, NOW.minusSeconds(1), 3);
        api.test((server, client) -> {
            // when / then: three entrants pass, past the limit and the waitlist, each told they are in the draw
            assertThat(json(apply(client, "drop", "a"))).isEqualTo(Json.mapper().readTree(
                    "{\"outcome\":\"ACCEPTED\",\"eventId\":\"drop\",\"userId\":\"a\",\"position\":1,\"inDraw\":true}"));
            assertThat(json(apply(client, "drop", "b"))).isEqualTo(Json.mapper().readTree(
                    "{\"outcome\":\"ACCEPTED\",\"eventId\":\"drop\",\"userId\":\"b\",\"position\":2,\"inDraw\":true}"));
            assertThat(json(apply(client, "drop", "c"))).isEqualTo(Json.mapper().readTree(
                    "{\"outcome\":\"ACCEPTED\",\"eventId\":\"drop\",\"userId\":\"c\",\"position\":3,\"inDraw\":true}"));
            // past the cap: sold out
            assertProblem(apply(client, "drop", "d"), 410, "SOLD_OUT");
            assertProblem(apply(client, "drop", "a"), 409, "ALREADY_APPLIED");
            assertThat(api.publisher.requests).extracting(sent -> sent.value().receivedAt())
                    .containsOnly(NOW.truncatedTo(ChronoUnit.MILLIS));
        });
    }

    @Test
    void admitsTheLimitPlusTheWaitlistFromTheWindowsEndOnWithoutInDraw() {
        // given: the window ended at NOW exactly (an application at its end is no entrant)
        defineWithDraw("after", 1, 1, NOW.truncatedTo(ChronoUnit.MILLIS).minusSeconds(10), 50);
        api.test((server, client) -> {
            assertThat(json(apply(client, "after", "a"))).isEqualTo(Json.mapper().readTree(
                    "{\"outcome\":\"ACCEPTED\",\"eventId\":\"after\",\"userId\":\"a\",\"position\":1}"));
            assertThat(json(apply(client, "after", "b"))).isEqualTo(Json.mapper().readTree(
                    "{\"outcome\":\"ACCEPTED\",\"eventId\":\"after\",\"userId\":\"b\",\"position\":2,\"waitlisted\":true}"));
            assertProblem(apply(client, "after", "c"), 410, "SOLD_OUT");
        });
    }

    @Test
    void movesFromTheDrawsCapToTheLimitWhenTheWindowEnds() {
        // given: limit 1, window 10 s from NOW, cap 4
        defineWithDraw("moving", 1, 0, NOW, 4);
        api.test((server, client) -> {
            // when: two entrants inside the window, its last millisecond included
            assertThat(json(apply(client, "moving", "a")).get("inDraw").asBoolean()).isTrue();
            api.now = NOW.plusSeconds(10).minusNanos(1_000_000);
            assertThat(json(apply(client, "moving", "b")).get("inDraw").asBoolean()).isTrue();

            // then: from the window's end on, the two hold more places than the limit: nobody else passes
            api.now = NOW.plusSeconds(10);
            assertProblem(apply(client, "moving", "c"), 410, "SOLD_OUT");
            assertProblem(apply(client, "moving", "a"), 409, "ALREADY_APPLIED");
        });
    }

    @Test
    void neitherAnswersFromNorFeedsTheSoldOutShortcutInsideTheWindow() {
        // given: limit 5, a draw's cap of 2 (smaller than the limit), the window open
        defineWithDraw("small-cap", 5, 0, NOW.minusSeconds(1), 2);
        api.test((server, client) -> {
            apply(client, "small-cap", "a");
            apply(client, "small-cap", "b");

            // when: the cap is reached, and asked again and again inside the window
            assertProblem(apply(client, "small-cap", "c"), 410, "SOLD_OUT");
            assertProblem(apply(client, "small-cap", "d"), 410, "SOLD_OUT");
            assertProblem(apply(client, "small-cap", "a"), 409, "ALREADY_APPLIED");

            // then: every one asked the gate
            assertThat(api.gate.admitCalls).hasValue(5);
            assertThat(api.registry.scrape()).doesNotContainPattern("ingress_soldout_shortcut_answers_total [1-9]");

            // and after the window, the limit has room: no copy made inside the window refuses anyone
            api.now = NOW.plusSeconds(10);
            assertThat(apply(client, "small-cap", "c").code()).isEqualTo(202);
            assertThat(apply(client, "small-cap", "d").code()).isEqualTo(202);
            assertThat(apply(client, "small-cap", "e").code()).isEqualTo(202);
            assertProblem(apply(client, "small-cap", "f"), 410, "SOLD_OUT");
        });
    }

    @Test
    void copiesAnEventSoldOutAfterItsWindowWithEveryEntrantStillHoldingAPlace() {
        // given: limit 1; three entrants inside the window (cap 10)
        defineWithDraw("copied", 1, 0, NOW, 10);
        api.test((server, client) -> {
            for (String user : List.of("e1", "e2", "e3")) {
                assertThat(apply(client, "copied", user).code()).isEqualTo(202);
            }

            // when: after the window, the gate says sold out once
            api.now = NOW.plusSeconds(11);
            assertProblem(apply(client, "copied", "late-1"), 410, "SOLD_OUT");
            int gateCalls = api.gate.admitCalls.get();

            // then: answered from memory as the gate would answer: every entrant is applied
            assertProblem(apply(client, "copied", "late-2"), 410, "SOLD_OUT");
            assertProblem(apply(client, "copied", "e2"), 409, "ALREADY_APPLIED");
            assertProblem(apply(client, "copied", "e3"), 409, "ALREADY_APPLIED");
            assertThat(api.gate.admitCalls).as("answered without the gate").hasValue(gateCalls);
        });
    }

    /** An event with a draw window of 10 s opening at {@code opensAt}, in the catalog and primed at the gate. */
    private void defineWithDraw(String eventId, int limit, int waitlist, Instant opensAt, int cap) {
        var definition = new EventDefinition(eventId, limit, opensAt, null, waitlist, null)
                .withDraw(new DrawWindow(10, cap, "5eed".repeat(16)));
        api.catalog.apply(eventId, definition, 0);
        api.gate.created(new EventId(eventId));
    }

    @Test
    void takesAJsonIntegerUserIdAsItsDecimalString() {
        api.defineOpen("ints", 10);
        api.test((server, client) -> {
            Response response = ApiFixture.post(client, "/events/ints/applications", "{\"userId\": 12345678901234567890}");

            assertThat(response.code()).isEqualTo(202);
            assertThat(json(response).get("userId").asText()).isEqualTo("12345678901234567890");
        });
    }

    @Test
    void keepsThePlaceAndSaysUnconfirmedWhenTheGatesReplyCameTooLateButItLetTheRequestThrough() {
        api.defineOpen("e1", 10);
        api.gate.nextAdmitReplyLost = FakeGate.ReplyLost.RAN;
        api.test((server, client) -> {
            Response response = apply(client, "e1", "alice");

            assertProblem(response, 503, "UNCONFIRMED");
            assertThat(api.gate.count(new EventId("e1"))).as("the place is kept").isEqualTo(1);
            assertThat(api.gate.pending(new EventId("e1"))).as("pending, so the reconciler publishes it").hasSize(1);
        });
    }

    @Test
    void saysNothingWasCountedOnlyOnceTheGateConfirmsItDidNotLetTheRequestThrough() {
        api.defineOpen("e1", 10);
        api.gate.nextAdmitReplyLost = FakeGate.ReplyLost.DID_NOT_RUN;
        api.test((server, client) -> {
            Response response = apply(client, "e1", "alice");

            assertProblem(response, 503, "UNAVAILABLE");
            assertThat(api.gate.count(new EventId("e1"))).isZero();
            assertThat(apply(client, "e1", "alice").code()).as("the retry passes").isEqualTo(202);
        });
    }

    @Test
    void neverSaysNothingWasCountedWhenTheGateCannotTellWhetherItCountedTheRequest() {
        api.defineOpen("e1", 10);
        api.gate.nextAdmitReplyLost = FakeGate.ReplyLost.RAN;
        api.gate.downAfterLostReply = true;
        api.test((server, client) -> {
            Response response = apply(client, "e1", "alice");

            assertProblem(response, 503, "UNCONFIRMED");
            assertThat(json(response).get("message").asText()).doesNotContain("nothing was counted");
        });
    }

    @Test
    void answersAlreadyAppliedToASecondApplicationOfTheSameUser() {
        api.defineOpen("e1", 10);
        api.test((server, client) -> {
            apply(client, "e1", "alice");

            Response again = apply(client, "e1", "alice");

            assertProblem(again, 409, "ALREADY_APPLIED");
            assertThat(api.publisher.requests).hasSize(1);
        });
    }

    @Test
    void answersSoldOutOnceTheLimitIsReached() {
        api.defineOpen("tiny", 2);
        api.test((server, client) -> {
            apply(client, "tiny", "a");
            apply(client, "tiny", "b");

            Response third = apply(client, "tiny", "c");

            assertProblem(third, 410, "SOLD_OUT");
            assertThat(api.publisher.requests).hasSize(2);
        });
    }

    @Test
    void answersNotOpenBeforeTheOpeningWithoutAskingTheGate() {
        api.define("later", 10, NOW.plusSeconds(60), null);
        api.test((server, client) -> {
            assertProblem(apply(client, "later", "a"), 409, "NOT_OPEN");
            assertThat(api.gate.admitCalls).hasValue(0);
        });
    }

    @Test
    void answersClosedFromTheClosingOnWithoutAskingTheGate() {
        api.define("over", 10, NOW.minusSeconds(120), NOW.minusSeconds(60));
        api.test((server, client) -> {
            assertProblem(apply(client, "over", "a"), 410, "CLOSED");
            assertThat(api.gate.admitCalls).hasValue(0);
        });
    }

    @Test
    void namesTheInstantThatClosedTheApplications() {
        // "early" expires before it closes; "expired" never closes, its coupons expired; "closed" closed first
        var validUntil = NOW.minusSeconds(30).truncatedTo(ChronoUnit.MILLIS);
        var closesAt = NOW.minusSeconds(60).truncatedTo(ChronoUnit.MILLIS);
        api.catalog.apply("early", new EventDefinition("early", 10, NOW.minusSeconds(120), NOW.plusSeconds(3600), 0, validUntil), 0);
        api.catalog.apply("expired", new EventDefinition("expired", 10, NOW.minusSeconds(120), null, 0, validUntil), 1);
        api.catalog.apply("closed", new EventDefinition("closed", 10, NOW.minusSeconds(120), closesAt, 0, validUntil), 2);
        api.test((server, client) -> {
            for (String event : List.of("early", "expired")) {
                Response response = apply(client, event, "a");
                assertProblem(response, 410, "CLOSED");
                assertThat(json(response).get("message").asText()).isEqualTo("applications closed at " + validUntil);
            }
            Response closed = apply(client, "closed", "a");
            assertProblem(closed, 410, "CLOSED");
            assertThat(json(closed).get("message").asText()).isEqualTo("applications closed at " + closesAt);
            assertThat(api.gate.admitCalls).hasValue(0);
        });
    }

    @Test
    void answersUnknownEventForAnEventNotInTheCatalog() {
        api.test((server, client) -> {
            assertProblem(apply(client, "nope", "a"), 404, "UNKNOWN_EVENT");
            assertThat(api.gate.admitCalls).hasValue(0);
        });
    }

    @Test
    void answersUnavailableWhileTheCatalogIsStillBeingRead() {
        var loading = ApiFixture.withCatalogStillLoading();
        loading.test((server, client) -> {
            Response response = apply(client, "any", "a");

            assertProblem(response, 503, "UNAVAILABLE");
            assertThat(response.headers().get("Retry-After")).containsExactly("1");
        });
    }

    @Test
    void answersUnavailableWithRetryAfterWhenRedisDoesNotAnswer() {
        api.defineOpen("e1", 10);
        api.gate.down = true;
        api.test((server, client) -> {
            Response response = apply(client, "e1", "a");

            assertProblem(response, 503, "UNAVAILABLE");
            assertThat(response.headers().get("Retry-After")).containsExactly("1");
            assertThat(api.publisher.requests).isEmpty();
        });
    }

    @Test
    void returnsTheSlotToTheGateWhenKafkaRejectsTheRecord() {
        api.defineOpen("e1", 1);
        api.publisher.failing = true;
        api.test((server, client) -> {
            Response response = apply(client, "e1", "a");

            assertProblem(response, 503, "UNAVAILABLE");
            assertThat(response.headers().get("Retry-After")).containsExactly("1");
            assertThat(api.gate.count(new EventId("e1"))).isZero();

            api.publisher.failing = false;
            assertThat(apply(client, "e1", "b").code()).as("the slot is free again").isEqualTo(202);
        });
    }

    @Test
    void keepsThePlaceAndAnswersUnconfirmedWhenKafkaMayHaveTheRecord() {
        api.defineOpen("e1", 1);
        api.publisher.timingOut = true;
        api.test((server, client) -> {
            Response response = apply(client, "e1", "a");

            assertProblem(response, 503, "UNCONFIRMED");
            assertThat(response.headers().get("Retry-After")).containsExactly("1");
            assertThat(api.gate.count(new EventId("e1"))).as("the place is kept").isEqualTo(1);
            assertThat(api.gate.pending(new EventId("e1"))).extracting(CouponRequest::userId).containsExactly("a");
            assertThat(api.own.undecided(new EventId("e1"))).as("undecided, no longer in flight").hasSize(1)
                    .allSatisfy(request -> assertThat(api.own.inFlight(request.requestId())).isFalse());

            api.publisher.timingOut = false;
            assertProblem(apply(client, "e1", "a"), 409, "ALREADY_APPLIED");
            assertProblem(apply(client, "e1", "b"), 410, "SOLD_OUT");
            assertThat(client.get("/events/e1/applications/a").body().string()).contains("PENDING");
        });
    }

    @Test
    void answersUnavailableAfterARedisDataLossAndRebuildsTheEventFromTheHoldersBeforeAdmittingAnyone() {
        api.defineOpen("e1", 3);
        api.holders = (event, requestsEnd, actionsEnd) -> Optional.of(new CouponHolders("e1", List.of("h1", "h2")));
        api.test((server, client) -> {
            assertThat(apply(client, "e1", "h1").code()).isEqualTo(202);
            api.gate.loseEverything();

            Response during = apply(client, "e1", "newcomer");

            assertProblem(during, 503, "UNAVAILABLE");
            assertThat(during.headers().get("Retry-After")).containsExactly("1");
            assertThat(api.gate.count(new EventId("e1"))).as("the holders, and h1's undecided request").isEqualTo(2);
            assertThat(api.gate.pending(new EventId("e1"))).extracting(CouponRequest::userId).containsExactly("h1");
            assertProblem(apply(client, "e1", "h2"), 409, "ALREADY_APPLIED");
            assertThat(json(apply(client, "e1", "newcomer")).get("position").asLong()).isEqualTo(3);
            assertProblem(apply(client, "e1", "late"), 410, "SOLD_OUT");
        });
    }

    @Test
    void answersTheSecondApplicationsOfASoldOutEventFromMemory() {
        api.defineOpen("hot", 1);
        api.test((server, client) -> {
            apply(client, "hot", "winner");
            assertProblem(apply(client, "hot", "late-1"), 410, "SOLD_OUT");
            int gateCallsWhenSoldOut = api.gate.admitCalls.get();

            assertProblem(apply(client, "hot", "late-2"), 410, "SOLD_OUT");
            assertProblem(apply(client, "hot", "winner"), 409, "ALREADY_APPLIED");

            assertThat(api.gate.admitCalls).as("answered without the gate").hasValue(gateCallsWhenSoldOut);
        });
    }

    @Test
    void asksTheGateEveryTimeWhenTheShortcutIsOff() {
        api.defineOpen("hot", 1);
        var config = ApiFixture.config(Map.of("INGRESS_SOLD_OUT_SHORTCUT", "false"));
        JavalinTest.test(api.app(config), (server, client) -> {
            apply(client, "hot", "winner");
            apply(client, "hot", "late-1");
            apply(client, "hot", "late-2");

            assertThat(api.gate.admitCalls).hasValue(3);
        });
    }

    @Test
    void countsEveryAnswerOfTheApplyRouteByOutcomeOnceAndOnlyThoseOfTheApplyRoute() {
        api.defineOpen("e1", 1);
        api.defineOpen("e2", 5);
        api.test((server, client) -> {
            apply(client, "e1", "winner");
            apply(client, "e1", "winner");
            apply(client, "e1", "late");
            apply(client, "ghost", "u1");
            api.publisher.failing = true;
            apply(client, "e2", "unlucky");
            api.publisher.failing = false;
            api.publisher.timingOut = true;
            apply(client, "e2", "unconfirmed");
            api.publisher.timingOut = false;
            api.gate.down = true;
            apply(client, "e2", "u2");
            api.gate.down = false;
            client.get("/events/e1/applications/winner");
            client.get("/events/e1");

            String metrics = client.get("/metrics").body().string();

            assertThat(metrics)
                    .contains("ingress_applications_total{outcome=\"ACCEPTED\"} 1.0")
                    .contains("ingress_applications_total{outcome=\"ALREADY_APPLIED\"} 1.0")
                    .contains("ingress_applications_total{outcome=\"SOLD_OUT\"} 1.0")
                    .contains("ingress_applications_total{outcome=\"UNKNOWN_EVENT\"} 1.0")
                    .contains("ingress_applications_total{outcome=\"UNAVAILABLE\"} 2.0")
                    .contains("ingress_applications_total{outcome=\"UNCONFIRMED\"} 1.0")
                    .contains("ingress_applications_total{outcome=\"PENDING\"} 0.0")
                    .contains("ingress_apply_seconds_count{outcome=\"UNAVAILABLE\"} 2");
        });
    }

    @Test
    void keepsThePlaceAndAnswersUnconfirmedWhenKafkaRefusedAndTheReleaseFailed() {
        api.defineOpen("e1", 5);
        api.publisher.failing = true;
        api.publisher.onPublish = () -> api.gate.down = true;
        api.test((server, client) -> {
            assertProblem(apply(client, "e1", "u1"), 503, "UNCONFIRMED");

            api.gate.down = false;
            EventId event = new EventId("e1");
            assertThat(api.gate.holds(event, new UserId("u1"))).as("the place is kept").isTrue();
            assertThat(api.gate.pending(event)).extracting(CouponRequest::userId).containsExactly("u1");
            assertThat(api.own.undecided(event)).as("still undecided here, so a rebuild restores it")
                    .extracting(CouponRequest::userId).containsExactly("u1");
        });
    }

    @Test
    void describesAnEventWithWhatRemains() {
        api.define("info", 5, NOW.minusSeconds(60), NOW.plusSeconds(3600));
        api.test((server, client) -> {
            apply(client, "info", "a");
            apply(client, "info", "b");

            Response response = client.get("/events/info");

            assertThat(response.code()).isEqualTo(200);
            JsonNode body = json(response);
            assertThat(body.get("eventId").asText()).isEqualTo("info");
            assertThat(body.get("limit").asInt()).isEqualTo(5);
            assertThat(body.get("opensAt").asText()).isEqualTo("2026-11-24T09:59:00.123Z");
            assertThat(body.get("closesAt").asText()).isEqualTo("2026-11-24T11:00:00.123Z");
            assertThat(body.get("remaining").asInt()).isEqualTo(3);
        });
    }

    @Test
    void describesAnEventWithoutClosingAsClosingNever() {
        api.defineOpen("open-ended", 5);
        api.test((server, client) -> {
            JsonNode body = json(client.get("/events/open-ended"));

            assertThat(body.has("closesAt")).isTrue();
            assertThat(body.get("closesAt").isNull()).isTrue();
        });
    }

    @Test
    void answersUnknownEventForTheInfoOfAnEventNotInTheCatalog() {
        api.test((server, client) -> assertProblem(client.get("/events/ghost"), 404, "UNKNOWN_EVENT"));
    }

    @Test
    void reportsAnAcceptedApplicationAsPendingUntilItIsDecided() {
        api.defineOpen("e1", 10);
        api.test((server, client) -> {
            apply(client, "e1", "alice");

            Response alice = client.get("/events/e1/applications/alice");
            Response bob = client.get("/events/e1/applications/bob");

            assertThat(alice.code()).isEqualTo(200);
            assertThat(json(alice)).isEqualTo(Json.mapper().readTree("{\"outcome\":\"PENDING\"}"));
            assertProblem(bob, 404, "NOT_APPLIED");
        });
    }
}
