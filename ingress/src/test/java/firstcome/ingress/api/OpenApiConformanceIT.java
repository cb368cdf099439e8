package firstcome.ingress.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.nimbusds.jwt.JWTClaimsSet;
import firstcome.contract.IssuingOutcome;
import firstcome.contract.Json;
import firstcome.contract.query.ApplicationStatus;
import firstcome.contract.query.CouponHolders;
import firstcome.contract.query.QueryRoutes;
import firstcome.contract.query.Tally;
import firstcome.ingress.ApiFixture;
import firstcome.ingress.OpenApiDescription;
import firstcome.ingress.RunningIngress;
import firstcome.testkit.Infrastructure;
import firstcome.testkit.InfrastructureExtension;
import io.javalin.Javalin;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Every route of a real ingress (real Kafka and Redis), driven with good and bad requests, and every
 * answer (status, headers, body) checked against the OpenAPI description it serves
 * ({@link OpenApiDescription}: swagger-parser and a JSON Schema 2020-12 validator), so that the
 * description cannot drift from the code. Three ingresses: the plain one (last with Redis stopped); one
 * with shopper identities on and a short shop-action timeout; one with a per-client rate limit. The streams-processor's part
 * is played by stand-ins: its query routes answer the contract's own {@link ApplicationStatus} and
 * {@link Tally} records, and {@link FakeLifecycleProcessor} decides the shop's actions through Kafka.
 * At the end, every operation of the description must have been exercised.
 */
@ExtendWith(InfrastructureExtension.class)
class OpenApiConformanceIT {

    private static final OpenApiDescription DESCRIPTION = OpenApiDescription.fromClasspath();
    private static final Instant FAR = Instant.parse("2099-01-01T00:00:00Z");
    private static final String BEARER_ADMIN = "Bearer " + RunningIngress.TOKEN;
    private static final String BEARER_SHOP = "Bearer " + RunningIngress.SHOP_TOKEN;
    private static final String BIG = "{\"userId\":\"u-1\",\"pad\":\"" + "x".repeat(5000) + "\"}";

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    /** What the stand-in streams-processor answers to a status look-up, by "eventId/userId"; absent: 404 NOT_APPLIED. */
    private static final Map<String, ApplicationStatus> STATUSES = new ConcurrentHashMap<>();
    /** What it answers to a tally look-up, by event; absent: nothing decided yet. */
    private static final Map<String, Tally> TALLIES = new ConcurrentHashMap<>();

    private static Javalin processorQueries;
    private static FakeLifecycleProcessor decisions;
    private static RunningIngress plain;
    private static RunningIngress identities;
    private static RunningIngress limited;

    @BeforeAll
    static void start(Infrastructure infrastructure) {
        RunningIngress.createTopics(infrastructure);
        String kafka = infrastructure.kafkaBootstrapServers();
        processorQueries = Javalin.create(cfg -> {
            cfg.startup.showJavalinBanner = false;
            cfg.jetty.host = "127.0.0.1";
            cfg.jetty.port = 0;
            cfg.routes.get(QueryRoutes.STATUS, ctx -> {
                ApplicationStatus status = STATUSES.get(ctx.pathParam("eventId") + "/" + ctx.pathParam("userId"));
                ctx.status(status == null ? 404 : 200).contentType("application/json")
                        .result(Json.mapper().writeValueAsBytes(status == null ? ApplicationStatus.notApplied() : status));
            });
            cfg.routes.get(QueryRoutes.TALLY, ctx -> {
                String event = ctx.pathParam("eventId");
                ctx.contentType("application/json").result(Json.mapper().writeValueAsBytes(
                        TALLIES.getOrDefault(event, new Tally(event, 0, 0, 0, 0, 0, 0, 0))));
            });
            cfg.routes.get(QueryRoutes.HOLDERS, ctx -> ctx.contentType("application/json")
                    .result(Json.mapper().writeValueAsBytes(new CouponHolders(ctx.pathParam("eventId"), List.of()))));
        }).start();
        String processorUrl = "http://127.0.0.1:" + processorQueries.port();
        decisions = new FakeLifecycleProcessor(kafka);
        plain = RunningIngress.start(RunningIngress.config(kafka, infrastructure.redisUrl(),
                Map.of("PROCESSOR_URL", processorUrl, "INGRESS_ACTION_TIMEOUT_MS", "20000")));
        identities = RunningIngress.start(RunningIngress.config(kafka, infrastructure.redisUrl(),
                Map.of("PROCESSOR_URL", processorUrl, "SHOPPER_JWT_SECRET", ApiFixture.SHOPPER_SECRET,
                        "INGRESS_ACTION_TIMEOUT_MS", "500")));
        limited = RunningIngress.start(RunningIngress.config(kafka, infrastructure.redisUrl(),
                Map.of("PROCESSOR_URL", processorUrl, "INGRESS_RATE_LIMIT_PER_SECOND", "1", "INGRESS_RATE_LIMIT_BURST", "1")));
    }

    @AfterAll
    static void stop() throws Exception {
        for (AutoCloseable closeable : new AutoCloseable[] {limited, identities, plain, decisions}) {
            if (closeable != null) {
                closeable.close();
            }
        }
        if (processorQueries != null) {
            processorQueries.stop();
        }
    }

    @Test
    void everyAnswerOfEveryRouteConformsToTheDescription(Infrastructure infrastructure) throws Exception {
        adminRoutes();
        applications();
        statuses();
        shop();
        shopperIdentities();
        operationsAndPages();
        rateLimit();
        redisAway(infrastructure);

        var answered = OpenApiDescription.byOperation(DESCRIPTION.answered());
        System.out.println("answers checked against the OpenAPI description:");
        answered.forEach((operation, statuses) -> System.out.println("  " + operation + " " + statuses));
        var unreached = new TreeSet<>(DESCRIPTION.describedAnswers());
        unreached.removeAll(DESCRIPTION.answered());
        System.out.println("described, not reached here (their schemas are checked by OpenApiDescriptionTest): "
                + OpenApiDescription.byOperation(unreached));
        assertThat(new TreeSet<>(DESCRIPTION.exercised())).as("the operations exercised")
                .isEqualTo(new TreeSet<>(DESCRIPTION.operations()));
    }

    private void adminRoutes() throws Exception {
        String event = RunningIngress.uniqueEventId("oas-admin");
        String definition = "{\"limit\": 2, \"waitlist\": 1, \"closesAt\": \"" + FAR + "\", \"couponsValidUntil\": \"" + FAR + "\"}";
        assertOk(send(plain, "PUT", "/admin/events/" + event, admin(), definition), 200);
        assertProblem(send(plain, "PUT", "/admin/events/" + event, Map.of(), definition), 401, "UNAUTHORIZED");
        assertProblem(send(plain, "PUT", "/admin/events/" + event, Map.of("Authorization", BEARER_SHOP), definition), 401, "UNAUTHORIZED");
        assertProblem(send(plain, "PUT", "/admin/events/" + event, admin(), "{\"limit\": 0}"), 400, "INVALID_REQUEST");
        assertProblem(send(plain, "PUT", "/admin/events/" + event, admin(), "{\"limit\": "), 400, "INVALID_REQUEST");
        assertProblem(send(plain, "PUT", "/admin/events/bad!id", admin(), "{\"limit\": 1}"), 400, "INVALID_REQUEST");
        assertProblem(send(plain, "PUT", "/admin/events/" + event, admin(), "text/plain", "limit=1"), 415, "INVALID_REQUEST");
        assertProblem(send(plain, "PUT", "/admin/events/" + event, admin(), "{\"limit\":1,\"pad\":\"" + "x".repeat(40_000) + "\"}"),
                413, "INVALID_REQUEST");
        String draw = RunningIngress.uniqueEventId("oas-draw");
        JsonNode drawn = assertOk(send(plain, "PUT", "/admin/events/" + draw, admin(),
                "{\"limit\": 1, \"opensAt\": \"" + Instant.now().plus(1, ChronoUnit.HOURS) + "\", \"drawWindowSeconds\": 10}"), 200);
        assertThat(drawn.path("draw").path("commitment").asText()).hasSize(64);

        assertOk(send(plain, "GET", "/admin/events", admin(), null), 200);
        assertProblem(send(plain, "GET", "/admin/events", Map.of(), null), 401, "UNAUTHORIZED");
        TALLIES.put(event, new Tally(event, 2, 1, 1, 0, 0, 0, 4, 1, 0, 1));
        JsonNode stats = assertOk(send(plain, "GET", "/admin/events/" + event + "/stats", admin(), null), 200);
        assertThat(stats.path("decided").path("issued").asLong()).isEqualTo(2);
        TALLIES.put(draw, new Tally(draw, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, new Tally.DrawSummary(3, null, null, null)));
        assertThat(assertOk(send(plain, "GET", "/admin/events/" + draw + "/stats", admin(), null), 200)
                .path("draw").path("entrants").asLong()).isEqualTo(3);
        assertProblem(send(plain, "GET", "/admin/events/" + RunningIngress.uniqueEventId("ghost") + "/stats", admin(), null),
                404, "UNKNOWN_EVENT");
        assertProblem(send(plain, "GET", "/admin/events/bad!id/stats", admin(), null), 400, "INVALID_REQUEST");
        assertProblem(send(plain, "GET", "/admin/events/" + event + "/stats", Map.of(), null), 401, "UNAUTHORIZED");
    }

    private void applications() throws Exception {
        String event = define(plain, "oas-apply", "{\"limit\": 2, \"waitlist\": 1}");
        assertOk(send(plain, "GET", "/events/" + event, Map.of(), null), 200);
        assertProblem(send(plain, "GET", "/events/" + RunningIngress.uniqueEventId("ghost"), Map.of(), null), 404, "UNKNOWN_EVENT");
        assertProblem(send(plain, "GET", "/events/bad!id", Map.of(), null), 400, "INVALID_REQUEST");

        assertThat(assertOk(apply(plain, event, "{\"userId\": \"u-1\"}"), 202).path("position").asInt()).isEqualTo(1);
        assertProblem(apply(plain, event, "{\"userId\": \"u-1\"}"), 409, "ALREADY_APPLIED");
        assertOk(apply(plain, event, "{\"userId\": 42}"), 202);
        assertThat(assertOk(apply(plain, event, "{\"userId\": \"u-3\"}"), 202).path("waitlisted").asBoolean()).isTrue();
        assertProblem(apply(plain, event, "{\"userId\": \"u-4\"}"), 410, "SOLD_OUT");
        assertProblem(apply(plain, RunningIngress.uniqueEventId("ghost"), "{\"userId\": \"u-1\"}"), 404, "UNKNOWN_EVENT");
        assertProblem(apply(plain, event, "{\"userId\": "), 400, "INVALID_REQUEST");
        assertProblem(apply(plain, event, "{}"), 400, "INVALID_REQUEST");
        assertProblem(apply(plain, event, "{\"userId\": \"no spaces\"}"), 400, "INVALID_REQUEST");
        assertProblem(send(plain, "POST", "/events/bad!id/applications", Map.of(), "{\"userId\": \"u-1\"}"), 400, "INVALID_REQUEST");
        assertProblem(send(plain, "POST", "/events/" + event + "/applications", Map.of(), "text/plain", "u-1"), 415, "INVALID_REQUEST");
        assertProblem(apply(plain, event, BIG), 413, "INVALID_REQUEST");

        String later = define(plain, "oas-later", "{\"limit\": 1, \"opensAt\": \"" + Instant.now().plus(1, ChronoUnit.HOURS) + "\"}");
        assertProblem(apply(plain, later, "{\"userId\": \"u-1\"}"), 409, "NOT_OPEN");
        // A closing moved into the past closes the event now.
        String closed = define(plain, "oas-closed", "{\"limit\": 1}");
        assertOk(send(plain, "PUT", "/admin/events/" + closed, admin(), "{\"limit\": 1, \"opensAt\": \"" + Instant.now().minusSeconds(60)
                + "\", \"closesAt\": \"" + Instant.now().minusSeconds(30) + "\"}"), 200);
        assertProblem(apply(plain, closed, "{\"userId\": \"u-1\"}"), 410, "CLOSED");

        // A draw window open now: an entrant; one over and drawn: the event info reveals the seed.
        String open = define(plain, "oas-window", "{\"limit\": 1, \"drawWindowSeconds\": 3600}");
        assertThat(assertOk(apply(plain, open, "{\"userId\": \"u-1\"}"), 202).path("inDraw").asBoolean()).isTrue();
        assertOk(send(plain, "GET", "/events/" + open, Map.of(), null), 200);
        Instant opened = Instant.now().minusSeconds(120).truncatedTo(ChronoUnit.MILLIS);
        String over = define(plain, "oas-drawn", "{\"limit\": 1, \"opensAt\": \"" + opened + "\", \"drawWindowSeconds\": 10}");
        TALLIES.put(over, new Tally(over, 1, 0, 0, 0, 0, 0, 1, 0, 0, 0,
                new Tally.DrawSummary(1, opened.plusSeconds(10), "0".repeat(64), null)));
        // The info waits a moment for the processor's word on the draw, and goes without the reveal past it.
        await("the seed revealed").atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(
                assertOk(send(plain, "GET", "/events/" + over, Map.of(), null), 200).path("draw").path("seed").asText()).hasSize(64));
    }

    private void statuses() throws Exception {
        String event = define(plain, "oas-status", "{\"limit\": 5, \"waitlist\": 2, \"couponsValidUntil\": \"" + FAR + "\"}");
        Map<String, ApplicationStatus> answers = Map.of(
                "issued", ApplicationStatus.issued(1, FAR),
                "drawn", ApplicationStatus.issued(2).withDraw(1, 4),
                "redeemed", ApplicationStatus.redeemed(3, "o-1"),
                "returned", ApplicationStatus.returned(4),
                "expired", ApplicationStatus.expired(5, Instant.parse("2021-01-01T00:00:00Z")),
                "waitlisted", ApplicationStatus.waitlisted(2),
                "in-draw", ApplicationStatus.inDraw(FAR),
                "rejected", ApplicationStatus.rejected(IssuingOutcome.SOLD_OUT),
                "not-drawn", ApplicationStatus.rejected(IssuingOutcome.NOT_DRAWN).withDraw(4, 4));
        answers.forEach((user, status) -> STATUSES.put(event + "/" + user, status));
        for (String user : answers.keySet()) {
            JsonNode status = assertOk(send(plain, "GET", "/events/" + event + "/applications/" + user, Map.of(), null), 200);
            assertThat(status.path("outcome").asText()).isEqualTo(answers.get(user).outcome().name());
        }
        assertOk(apply(plain, event, "{\"userId\": \"waiting\"}"), 202);
        assertThat(assertOk(send(plain, "GET", "/events/" + event + "/applications/waiting", Map.of(), null), 200)
                .path("outcome").asText()).isEqualTo("PENDING");
        assertProblem(send(plain, "GET", "/events/" + event + "/applications/nobody", Map.of(), null), 404, "NOT_APPLIED");
        assertProblem(send(plain, "GET", "/events/" + RunningIngress.uniqueEventId("ghost") + "/applications/u-1", Map.of(), null),
                404, "UNKNOWN_EVENT");
        assertProblem(send(plain, "GET", "/events/" + event + "/applications/bad!id", Map.of(), null), 400, "INVALID_REQUEST");
    }

    private void shop() throws Exception {
        String event = define(plain, "oas-shop", "{\"limit\": 5}");
        decisions.issue(event, "c-1", 1, FAR);
        decisions.issue(event, "c-old", 2, Instant.parse("2020-01-01T00:00:00Z"));
        String coupon = "/shop/events/" + event + "/coupons/c-1/";
        assertThat(assertOk(send(plain, "POST", coupon + "redeem", shopAuth(), "{\"orderId\": \"o-1\"}"), 200)
                .path("outcome").asText()).isEqualTo("REDEEMED");
        JsonNode elsewhere = assertProblem(send(plain, "POST", coupon + "redeem", shopAuth(), "{\"orderId\": \"o-2\"}"), 409, "ALREADY_REDEEMED");
        assertThat(elsewhere.path("orderId").asText()).isEqualTo("o-1");
        assertProblem(send(plain, "POST", coupon + "return", shopAuth(), "{}"), 409, "ALREADY_REDEEMED");
        assertProblem(send(plain, "POST", coupon + "unredeem", shopAuth(), "{\"orderId\": \"o-2\"}"), 409, "NOT_REDEEMED");
        assertThat(assertOk(send(plain, "POST", coupon + "unredeem", shopAuth(), "{\"orderId\": \"o-1\"}"), 200)
                .path("outcome").asText()).isEqualTo("ISSUED");
        assertThat(assertOk(send(plain, "POST", coupon + "return", shopAuth(), "{\"reason\": \"order cancelled\"}"), 200)
                .path("outcome").asText()).isEqualTo("RETURNED");
        String nobody = "/shop/events/" + event + "/coupons/nobody/";
        assertProblem(send(plain, "POST", nobody + "redeem", shopAuth(), "{\"orderId\": \"o-3\"}"), 409, "NOT_ISSUED");
        assertProblem(send(plain, "POST", nobody + "return", shopAuth(), "{}"), 409, "NOT_ISSUED");
        assertProblem(send(plain, "POST", "/shop/events/" + event + "/coupons/c-old/redeem", shopAuth(), "{\"orderId\": \"o-4\"}"),
                410, "EXPIRED");

        String ghost = "/shop/events/" + RunningIngress.uniqueEventId("ghost") + "/coupons/c-1/";
        for (String action : List.of("redeem", "unredeem", "return")) {
            String body = action.equals("return") ? "{}" : "{\"orderId\": \"o-1\"}";
            assertProblem(send(plain, "POST", ghost + action, shopAuth(), body), 404, "UNKNOWN_EVENT");
            assertProblem(send(plain, "POST", coupon + action, Map.of(), body), 401, "UNAUTHORIZED");
            assertProblem(send(plain, "POST", coupon + action, admin(), body), 401, "UNAUTHORIZED");
            assertProblem(send(plain, "POST", coupon + action, shopAuth(), "text/plain", "o-1"), 415, "INVALID_REQUEST");
            assertProblem(send(plain, "POST", coupon + action, shopAuth(), "{\"orderId\":\"o-1\",\"reason\":\"" + "x".repeat(40_000) + "\"}"),
                    413, "INVALID_REQUEST");
            assertProblem(send(plain, "POST", "/shop/events/" + event + "/coupons/bad!id/" + action, shopAuth(), body), 400, "INVALID_REQUEST");
        }
        assertProblem(send(plain, "POST", coupon + "redeem", shopAuth(), "{}"), 400, "INVALID_REQUEST");
        assertProblem(send(plain, "POST", coupon + "return", shopAuth(), "{\"reason\": 7}"), 400, "INVALID_REQUEST");

        // No decision within the action timeout (500 ms on this ingress): the action will be decided, repeating it is safe.
        String silent = define(identities, "oas-silent", "{\"limit\": 5}");
        decisions.issue(silent, "c-1", 1, FAR);
        decisions.silence(silent);
        for (String action : List.of("redeem", "unredeem", "return")) {
            String body = action.equals("return") ? "{}" : "{\"orderId\": \"o-1\"}";
            assertProblem(send(identities, "POST", "/shop/events/" + silent + "/coupons/c-1/" + action, shopAuth(), body),
                    503, "UNCONFIRMED");
        }
    }

    private void shopperIdentities() throws Exception {
        String event = define(identities, "oas-identities", "{\"limit\": 5}");
        String token = shopperToken("j-1");
        Map<String, String> signedIn = Map.of("Authorization", "Bearer " + token);
        JsonNode shopper = assertOk(send(identities, "GET", "/shopper", signedIn, null), 200);
        assertThat(shopper.path("userId").asText()).isEqualTo("j-1");
        assertOk(send(identities, "GET", "/shopper", Map.of("Cookie", "firstcome_token=" + token), null), 200);
        assertProblem(send(identities, "GET", "/shopper", Map.of(), null), 401, "UNAUTHENTICATED");
        assertProblem(send(identities, "GET", "/shopper", Map.of("Authorization", "Bearer not-a-token"), null), 401, "UNAUTHENTICATED");
        assertProblem(send(plain, "GET", "/shopper", signedIn, null), 404, "NOT_FOUND");

        assertProblem(apply(identities, event, "{\"userId\": \"j-1\"}"), 401, "UNAUTHENTICATED");
        assertProblem(send(identities, "POST", "/events/" + event + "/applications", signedIn, "{\"userId\": \"someone-else\"}"),
                403, "FORBIDDEN");
        assertThat(assertOk(send(identities, "POST", "/events/" + event + "/applications", signedIn, ""), 202)
                .path("userId").asText()).isEqualTo("j-1");

        String mine = "/events/" + event + "/applications/j-1";
        assertThat(assertOk(send(identities, "GET", mine, signedIn, null), 200).path("outcome").asText()).isEqualTo("PENDING");
        assertOk(send(identities, "GET", mine, shopAuth(), null), 200);
        assertProblem(send(identities, "GET", mine, Map.of(), null), 401, "UNAUTHENTICATED");
        assertProblem(send(identities, "GET", "/events/" + event + "/applications/someone-else", signedIn, null), 403, "FORBIDDEN");
    }

    private void operationsAndPages() throws Exception {
        assertOk(send(plain, "GET", "/health", Map.of(), null), 200);
        assertOk(send(plain, "GET", "/health/live", Map.of(), null), 200);
        assertOk(send(plain, "GET", "/health/ready", Map.of(), null), 200);
        HttpResponse<String> metrics = send(plain, "GET", "/metrics", Map.of(), null);
        assertThat(metrics.statusCode()).isEqualTo(200);
        assertThat(metrics.body()).contains("# TYPE");
        HttpResponse<String> description = send(plain, "GET", "/openapi.json", Map.of(), null);
        assertThat(description.statusCode()).isEqualTo(200);
        assertThat(description.body()).isEqualTo(DESCRIPTION.text);
        String etag = description.headers().firstValue("ETag").orElseThrow();
        assertThat(send(plain, "GET", "/openapi.json", Map.of("If-None-Match", etag), null).statusCode()).isEqualTo(304);

        assertOk(send(plain, "GET", "/featured-event", Map.of(), null), 200);
        for (String page : List.of("/", "/e/any-event", "/admin")) {
            HttpResponse<String> served = send(plain, "GET", page, Map.of(), null);
            assertThat(served.statusCode()).as(page).isEqualTo(200);
            assertThat(send(plain, "GET", page, Map.of("If-None-Match", served.headers().firstValue("ETag").orElseThrow()), null)
                    .statusCode()).as(page + " revalidated").isEqualTo(304);
        }
        for (String asset : List.of("/assets/event.js", "/assets/admin.js", "/assets/firstcome.css")) {
            HttpResponse<String> served = send(plain, "GET", asset, Map.of(), null);
            assertThat(served.statusCode()).as(asset).isEqualTo(200);
            assertThat(send(plain, "GET", asset, Map.of("If-None-Match", served.headers().firstValue("ETag").orElseThrow()), null)
                    .statusCode()).as(asset + " revalidated").isEqualTo(304);
        }
        assertProblem(send(plain, "GET", "/assets/nothing.js", Map.of(), null), 404, "NOT_FOUND");
        assertProblem(send(plain, "GET", "/assets/event.html", Map.of(), null), 404, "NOT_FOUND");
    }

    private void rateLimit() throws Exception {
        // One request a second, a burst of one: the second of two at once is refused (the probes are never limited).
        HttpResponse<String> first = send(limited, "GET", "/openapi.json", Map.of(), null);
        HttpResponse<String> second = send(limited, "GET", "/openapi.json", Map.of(), null);
        HttpResponse<String> refused = first.statusCode() == 429 ? first : second;
        assertProblem(refused, 429, "RATE_LIMITED");
        assertOk(send(limited, "GET", "/health/live", Map.of(), null), 200);
    }

    /** Redis stopped: the gate's refusals and the live view's nulls (last: Redis comes back empty). */
    private void redisAway(Infrastructure infrastructure) throws Exception {
        if (!infrastructure.canStopRedis()) {
            System.out.println("Redis is external: its outage's answers are not checked here");
            return;
        }
        String event = define(plain, "oas-redis-away", "{\"limit\": 5}");
        infrastructure.stopRedis();
        try {
            assertProblem(apply(plain, event, "{\"userId\": \"u-1\"}"), 503, "UNAVAILABLE");
            assertProblem(send(plain, "GET", "/events/" + event, Map.of(), null), 503, "UNAVAILABLE");
            assertProblem(send(plain, "PUT", "/admin/events/" + RunningIngress.uniqueEventId("oas-unprimed"), admin(), "{\"limit\": 1}"),
                    503, "UNAVAILABLE");
            assertThat(assertOk(send(plain, "GET", "/admin/events/" + event + "/stats", admin(), null), 200).path("accepted").isNull())
                    .as("the gate's count while Redis is away").isTrue();
            assertOk(send(plain, "GET", "/admin/events", admin(), null), 200);
            assertThat(assertOk(send(plain, "GET", "/health", Map.of(), null), 503).path("redis").asText()).isEqualTo("DOWN");
            assertOk(send(plain, "GET", "/health/ready", Map.of(), null), 200);
        } finally {
            infrastructure.startRedis();
        }
        await("Redis back").atMost(Duration.ofSeconds(30))
                .until(() -> send(plain, "GET", "/health", Map.of(), null).statusCode() == 200);
    }

    // --- the requests, each answer checked against the description ---

    private static String define(RunningIngress ingress, String name, String definition) throws Exception {
        String event = RunningIngress.uniqueEventId(name);
        assertOk(send(ingress, "PUT", "/admin/events/" + event, admin(), definition), 200);
        return event;
    }

    private static HttpResponse<String> apply(RunningIngress ingress, String event, String body) {
        return send(ingress, "POST", "/events/" + event + "/applications", Map.of(), body);
    }

    private static Map<String, String> admin() {
        return Map.of("Authorization", BEARER_ADMIN);
    }

    private static Map<String, String> shopAuth() {
        return Map.of("Authorization", BEARER_SHOP);
    }

    /** A shopper's HS256 token for {@code sub}, valid for an hour from now. */
    private static String shopperToken(String sub) {
        Instant now = Instant.now();
        return ApiFixture.shopperToken(new JWTClaimsSet.Builder().subject(sub).issueTime(Date.from(now.minusSeconds(5)))
                .expirationTime(Date.from(now.plusSeconds(3600))).build());
    }

    private static HttpResponse<String> send(RunningIngress ingress, String method, String path, Map<String, String> headers, String body) {
        return send(ingress, method, path, headers, "application/json", body);
    }

    /** Sends the request and checks the answer against the description (status, headers, body). */
    private static HttpResponse<String> send(RunningIngress ingress, String method, String path, Map<String, String> headers,
            String contentType, String body) {
        HttpRequest.Builder request = HttpRequest.newBuilder(ingress.uri(path)).timeout(Duration.ofSeconds(30))
                .method(method, body == null ? BodyPublishers.noBody() : BodyPublishers.ofString(body));
        if (body != null) {
            request.header("Content-Type", contentType);
        }
        headers.forEach(request::header);
        HttpResponse<String> response;
        try {
            response = HTTP.send(request.build(), BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
        String withoutQuery = path.contains("?") ? path.substring(0, path.indexOf('?')) : path;
        return DESCRIPTION.check(method, withoutQuery, response);
    }

    private static JsonNode assertOk(HttpResponse<String> response, int status) throws Exception {
        assertThat(response.statusCode()).as(response.request().method() + " " + response.uri() + ": " + response.body()).isEqualTo(status);
        return Json.mapper().readTree(response.body());
    }

    private static JsonNode assertProblem(HttpResponse<String> response, int status, String outcome) throws Exception {
        JsonNode body = assertOk(response, status);
        assertThat(body.path("outcome").asText()).as(response.request().method() + " " + response.uri() + ": " + response.body())
                .isEqualTo(outcome);
        return body;
    }
}
