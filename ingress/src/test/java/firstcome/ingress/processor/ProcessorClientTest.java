package firstcome.ingress.processor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import firstcome.contract.CouponRequest;
import firstcome.contract.IssuingOutcome;
import firstcome.contract.query.ApplicationStatus;
import firstcome.contract.query.CouponHolders;
import firstcome.contract.query.Tally;
import firstcome.ingress.api.ApiException;
import firstcome.ingress.api.EventId;
import firstcome.ingress.api.Outcome;
import firstcome.ingress.api.UserId;
import firstcome.ingress.FrozenProcessor;
import firstcome.ingress.gate.FakeGate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import io.javalin.Javalin;
import java.net.URI;
import java.time.Instant;
import static org.awaitility.Awaitility.await;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class ProcessorClientTest {

    private static final EventId EVENT = new EventId("e");
    private static final UserId USER = new UserId("u-1");

    /** The user holds a slot at the gate: PENDING as long as the processor has not decided. */
    private final FakeGate gate = new FakeGate();
    private Javalin processor;

    @BeforeEach
    void userPassedTheGate() {
        gate.created(EVENT);
        gate.admit(EVENT, USER, 10, new CouponRequest("r-1", EVENT.value(), USER.value(), Instant.parse("2026-11-24T10:00:00Z")));
    }

    @AfterEach
    void stopProcessor() {
        if (processor != null) {
            processor.stop();
        }
    }

    private URI processorAnswering(int status, String json) {
        processor = Javalin.create(cfg -> {
            cfg.startup.showJavalinBanner = false;
            cfg.jetty.port = 0;
            cfg.routes.get("/events/{eventId}/applications/{userId}",
                    ctx -> ctx.status(status).contentType("application/json").result(json));
            cfg.routes.get("/events/{eventId}/tally",
                    ctx -> ctx.status(status).contentType("application/json").result(json));
        }).start();
        return URI.create("http://localhost:" + processor.port());
    }

    @Test
    void passesOnTheCouponNumberTheProcessorHolds() {
        var lookup = new ProcessorClient(processorAnswering(200, "{\"outcome\":\"ISSUED\",\"couponNo\":17}"), gate);

        assertThat(lookup.find(EVENT, USER).join()).contains(ApplicationStatus.issued(17));
    }

    @Test
    void passesOnARejectionWithItsReason() {
        var lookup = new ProcessorClient(processorAnswering(200, "{\"outcome\":\"REJECTED\",\"reason\":\"SOLD_OUT\"}"), gate);

        assertThat(lookup.find(EVENT, new UserId("refused")).join()).as("no request of theirs at the gate")
                .contains(ApplicationStatus.rejected(IssuingOutcome.SOLD_OUT));
    }

    @Test
    void passesOnARequestTheProcessorFoundNotEligibleAsARejection() {
        var lookup = new ProcessorClient(processorAnswering(200, "{\"outcome\":\"REJECTED\",\"reason\":\"NOT_ELIGIBLE\"}"), gate);

        assertThat(lookup.find(EVENT, new UserId("refused")).join()).contains(ApplicationStatus.rejected(IssuingOutcome.NOT_ELIGIBLE));
        assertThat(lookup.find(EVENT, USER).join()).as("applied again: a new request undecided at the gate")
                .contains(ApplicationStatus.pending());
    }

    @Test
    void answersPendingForARejectedUserWhoAppliedAgainUntilTheNewRequestIsDecided() {
        // the processor still holds the user's earlier refusal; the gate holds their new request, undecided
        var lookup = new ProcessorClient(processorAnswering(200, "{\"outcome\":\"REJECTED\",\"reason\":\"NOT_DRAWN\"}"), gate);

        assertThat(lookup.find(EVENT, USER).join()).contains(ApplicationStatus.pending());
    }

    @Test
    void passesOnEveryStateOfTheCouponLifecycle() {
        Instant validUntil = Instant.parse("2026-12-24T18:00:00Z");
        Map<String, ApplicationStatus> answers = Map.of(
                "{\"outcome\":\"ISSUED\",\"couponNo\":17,\"validUntil\":\"2026-12-24T18:00:00Z\"}", ApplicationStatus.issued(17, validUntil),
                "{\"outcome\":\"REDEEMED\",\"couponNo\":17,\"orderId\":\"o-1\"}", ApplicationStatus.redeemed(17, "o-1"),
                "{\"outcome\":\"RETURNED\",\"couponNo\":17}", ApplicationStatus.returned(17),
                "{\"outcome\":\"EXPIRED\",\"couponNo\":17,\"validUntil\":\"2026-12-24T18:00:00Z\"}", ApplicationStatus.expired(17, validUntil),
                "{\"outcome\":\"WAITLISTED\",\"place\":3}", ApplicationStatus.waitlisted(3));
        answers.forEach((body, expected) -> {
            var lookup = new ProcessorClient(processorAnswering(200, body), gate);

            assertThat(lookup.find(EVENT, USER).join()).as(body).contains(expected);
            processor.stop();
            processor = null;
        });
    }

    @Test
    void answersUnavailableForAPendingStatusWhichOnlyTheIngressGives() {
        var lookup = new ProcessorClient(processorAnswering(200, "{\"outcome\":\"PENDING\"}"), gate);

        assertThatThrownBy(() -> lookup.find(EVENT, USER).join()).cause()
                .isInstanceOfSatisfying(ApiException.class, e -> assertThat(e.status()).isEqualTo(503));
    }

    @Test
    void asksTheGateWhenTheProcessorHasNotDecidedYet() {
        var lookup = new ProcessorClient(processorAnswering(404, "{\"outcome\":\"NOT_APPLIED\"}"), gate);

        assertThat(lookup.find(EVENT, USER).join()).contains(ApplicationStatus.pending());
        assertThat(lookup.find(EVENT, new UserId("stranger")).join()).as("not at the gate either").isEmpty();
    }

    @Test
    void answersUnavailableWhileTheProcessorRestoresItsState() {
        var lookup = new ProcessorClient(processorAnswering(503, "{\"outcome\":\"UNAVAILABLE\"}"), gate);

        assertThatThrownBy(() -> lookup.find(EVENT, USER).join()).cause()
                .isInstanceOfSatisfying(ApiException.class, e -> assertThat(e.status()).isEqualTo(503));
    }

    @Test
    void passesOnTheProcessorsRetiredAnswer() {
        String message = "Event e closed at 2026-11-24T10:00:00Z and its results were retired at 2026-12-01T10:00:00Z;"
                + " the shop's records keep its coupons.";
        var lookup = new ProcessorClient(processorAnswering(410, "{\"outcome\":\"RETIRED\",\"message\":\"" + message + "\"}"), gate);

        assertThatThrownBy(() -> lookup.find(EVENT, USER).join()).cause()
                .isInstanceOfSatisfying(ApiException.class, e -> {
                    assertThat(e.status()).isEqualTo(410);
                    assertThat(e.outcome()).isEqualTo(Outcome.RETIRED);
                    assertThat(e.getMessage()).isEqualTo(message);
                });
    }

    @Test
    void answersUnavailableForA410OutsideTheContract() {
        var lookup = new ProcessorClient(processorAnswering(410, "{\"outcome\":\"GONE\"}"), gate);

        assertThatThrownBy(() -> lookup.find(EVENT, USER).join()).cause()
                .isInstanceOfSatisfying(ApiException.class, e -> assertThat(e.status()).isEqualTo(503));
    }

    @Test
    void answersUnavailableWhenTheProcessorDoesNotAnswer() {
        var lookup = new ProcessorClient(URI.create("http://localhost:1"), gate);

        assertThatThrownBy(() -> lookup.find(EVENT, USER).join()).cause()
                .isInstanceOfSatisfying(ApiException.class, e -> assertThat(e.status()).isEqualTo(503));
    }

    @Test
    void answersUnavailableForAnAnswerOutsideTheContract() {
        var lookup = new ProcessorClient(processorAnswering(200, "{\"outcome\":\"REJECTED\",\"reason\":\"BORED\"}"), gate);

        assertThatThrownBy(() -> lookup.find(EVENT, USER).join()).cause()
                .isInstanceOfSatisfying(ApiException.class, e -> assertThat(e.status()).isEqualTo(503));
    }

    @Test
    void readsTheEventsTallyAsTheProcessorServesIt() {
        var lookup = new ProcessorClient(processorAnswering(200, "{\"eventId\":\"e\",\"issued\":1,\"duplicates\":0,"
                + "\"soldOut\":1,\"notOpen\":0,\"closed\":0,\"unknownEvent\":0,\"decided\":2}"), gate);

        assertThat(lookup.find(EVENT).join()).contains(new Tally("e", 1, 0, 1, 0, 0, 0, 2));
    }

    @Test
    void asksForTheHoldersUpToTheEndsOfRequestsAndActionsAndReadsTheReturnedUsers() {
        List<String> asked = new java.util.concurrent.CopyOnWriteArrayList<>();
        processor = Javalin.create(cfg -> {
            cfg.startup.showJavalinBanner = false;
            cfg.jetty.port = 0;
            cfg.routes.get("/events/{eventId}/holders", ctx -> {
                asked.add(ctx.queryParam("requestsEnd") + "/" + ctx.queryParam("actionsEnd"));
                ctx.contentType("application/json").result("{\"eventId\":\"e\",\"users\":[\"h\",\"w\"],\"returned\":[\"r\"]}");
            });
        }).start();
        var lookup = new ProcessorClient(URI.create("http://localhost:" + processor.port()), gate);

        assertThat(lookup.find(EVENT, 12, 3)).contains(new CouponHolders("e", List.of("h", "w"), List.of("r")));
        assertThat(asked).containsExactly("12/3");
    }

    @Test
    void hasNoTallyWhenTheProcessorCannotGiveOne() {
        assertThat(new ProcessorClient(processorAnswering(503, "{\"outcome\":\"UNAVAILABLE\"}"), gate).find(EVENT).join()).isEmpty();
        assertThat(new ProcessorClient(URI.create("http://localhost:1"), gate).find(EVENT).join()).isEmpty();
    }

    @Test
    void stopsAskingAFrozenProcessorAfterAFewTimeoutsAndFailsFastMeanwhile() throws Exception {
        try (FrozenProcessor frozen = new FrozenProcessor(); var lookup = new ProcessorClient(URI.create(frozen.url()), gate)) {
            List<CompletableFuture<Optional<ApplicationStatus>>> first = new ArrayList<>();
            for (int i = 0; i < ProcessorClient.FAILURES_TO_OPEN; i++) {
                first.add(lookup.find(EVENT, USER));
            }
            await().atMost(Duration.ofSeconds(10)).until(() -> first.stream().allMatch(CompletableFuture::isDone));
            assertThat(lookup.stoppedAsking()).isTrue();

            var whileOpen = lookup.find(EVENT, USER);

            assertThat(whileOpen).as("answered without waiting for the processor").isDone();
            assertThatThrownBy(whileOpen::join).cause()
                    .isInstanceOfSatisfying(ApiException.class, e -> assertThat(e.status()).isEqualTo(503));
            assertThat(lookup.find(EVENT).join()).as("no tally either, at once").isEmpty();
        }
    }

    @Test
    void keepsAtMostItsBoundOfLookUpsWaitingAndRefusesTheRestAtOnce() throws Exception {
        try (FrozenProcessor frozen = new FrozenProcessor(); var lookup = new ProcessorClient(URI.create(frozen.url()), gate)) {
            List<CompletableFuture<Optional<ApplicationStatus>>> asked = new ArrayList<>();
            for (int i = 0; i < ProcessorClient.MAX_IN_FLIGHT + 50; i++) {
                asked.add(lookup.find(EVENT, USER));
            }

            assertThat(asked.subList(ProcessorClient.MAX_IN_FLIGHT, asked.size()))
                    .as("past the bound: refused without asking").allMatch(CompletableFuture::isCompletedExceptionally);
            assertThat(asked.subList(0, ProcessorClient.MAX_IN_FLIGHT)).as("waiting for the processor")
                    .noneMatch(CompletableFuture::isDone);
            await().atMost(Duration.ofSeconds(10)).until(() -> asked.stream().allMatch(CompletableFuture::isDone));
        }
    }

    @Test
    void sendsTheShopTokenWithEveryLookUpAndNoHeaderWithoutOne() {
        List<String> heard = new java.util.concurrent.CopyOnWriteArrayList<>();
        processor = Javalin.create(cfg -> {
            cfg.startup.showJavalinBanner = false;
            cfg.jetty.port = 0;
            cfg.routes.get("/events/{eventId}/applications/{userId}", ctx -> {
                heard.add("status " + ctx.header("Authorization"));
                ctx.contentType("application/json").result("{\"outcome\":\"ISSUED\",\"couponNo\":1}");
            });
            cfg.routes.get("/events/{eventId}/tally", ctx -> {
                heard.add("tally " + ctx.header("Authorization"));
                ctx.contentType("application/json").result("{\"eventId\":\"e\",\"issued\":1,\"duplicates\":0,"
                        + "\"soldOut\":1,\"notOpen\":0,\"closed\":0,\"unknownEvent\":0,\"decided\":2}");
            });
            cfg.routes.get("/events/{eventId}/holders", ctx -> {
                heard.add("holders " + ctx.header("Authorization"));
                ctx.contentType("application/json").result("{\"eventId\":\"e\",\"users\":[],\"returned\":[]}");
            });
        }).start();
        URI url = URI.create("http://localhost:" + processor.port());

        try (var lookup = new ProcessorClient(url, gate, Optional.of("shop-secret"))) {
            assertThat(lookup.find(EVENT, USER).join()).isPresent();
            assertThat(lookup.find(EVENT).join()).isPresent();
            assertThat(lookup.find(EVENT, 1, 0)).isPresent();
        }
        assertThat(heard).containsExactly("status Bearer shop-secret", "tally Bearer shop-secret", "holders Bearer shop-secret");

        heard.clear();
        try (var lookup = new ProcessorClient(url, gate, Optional.of("  "))) {
            assertThat(lookup.find(EVENT, USER).join()).isPresent();
        }
        assertThat(heard).as("a blank SHOP_TOKEN is no token").containsExactly("status null");
    }
}
