package firstcome.ingress;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import firstcome.contract.EventDefinition;
import firstcome.contract.Json;
import firstcome.contract.query.ApplicationStatus;
import firstcome.contract.CouponAction;
import firstcome.contract.CouponDecision;
import firstcome.ingress.api.ActionWaiters;
import firstcome.ingress.api.EventId;
import firstcome.ingress.api.UserId;
import firstcome.ingress.processor.TallyLookup;
import firstcome.ingress.catalog.EventCatalog;
import firstcome.ingress.edge.GracefulStop;
import firstcome.ingress.gate.FakeGate;
import firstcome.ingress.gate.GateRebuild;
import firstcome.ingress.gate.OwnRequests;
import firstcome.ingress.processor.HoldersLookup;
import firstcome.contract.query.CouponHolders;
import java.time.Duration;
import java.util.List;
import firstcome.ingress.kafka.FakePublisher;
import io.javalin.Javalin;
import io.javalin.testtools.HttpClient;
import io.javalin.testtools.JavalinTest;
import io.javalin.testtools.Response;
import io.javalin.testtools.TestCase;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import java.net.http.HttpRequest.BodyPublishers;
import java.nio.charset.StandardCharsets;
import java.util.Date;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * The HTTP app as {@link App#create} builds it, over an in-memory gate and publisher, a catalog
 * the test fills, and a clock standing still at {@link #NOW} unless a test moves it ({@link #now}).
 * Everything runs on the calling thread.
 */
public final class ApiFixture {

    public static final Instant NOW = Instant.parse("2026-11-24T10:00:00.123456Z");
    public static final String TOKEN = "s3cret-token";
    public static final String SHOP_TOKEN = "sh0p-token";
    /** The HS256 secret of {@link #appWithShopperIdentities()} (docs/identities.md). */
    public static final String SHOPPER_SECRET = "a-shopper-secret-of-at-least-32-bytes";

    public final FakeGate gate = new FakeGate();
    public final FakePublisher publisher = new FakePublisher();
    public final OwnRequests own = new OwnRequests();
    /** The shop calls waiting for decisions; {@link #decide} answers them as the streams-processor would. */
    public final ActionWaiters actions = new ActionWaiters(ActionWaiters.DEFAULT_MAX, Runnable::run);
    /**
     * The streams-processor's decision of each shop action the publisher acknowledged, handed to the waiting
     * call as the decision follower would; empty: no decision comes (the call times out).
     */
    public volatile Function<CouponAction, Optional<CouponDecision>> decide = action -> Optional.empty();
    /** The streams-processor's coupon holders, as a rebuild after a Redis data loss asks them; none decided unless set. */
    public volatile HoldersLookup holders = (event, requestsEnd, actionsEnd) -> Optional.of(new CouponHolders(event.value(), List.of()));
    public final EventCatalog catalog = new EventCatalog();
    public final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    public volatile boolean kafkaUp = true;
    /** The graceful stop the app's readiness and routes follow; a test moves it on (drain, refuse). */
    public final GracefulStop stop = new GracefulStop();
    /** Kafka's health probe hangs until this opens (open unless a test sets one), as with a broker that does not answer. */
    public volatile CountDownLatch kafkaAnswers = new CountDownLatch(0);
    /** The streams-processor's tallies as the live view reads them; none unless a test sets them. */
    public volatile TallyLookup tallies = event -> CompletableFuture.completedFuture(Optional.empty());
    /** What the app's clock says: {@link #NOW} until a test moves it. */
    public volatile Instant now = NOW;
    private long offsets;

    public ApiFixture() {
        this(true);
    }

    private ApiFixture(boolean loaded) {
        publisher.onAction = action -> decide.apply(action).ifPresent(actions::decided);
        if (loaded) {
            catalog.markLoaded();
        }
    }

    /** As an ingress that has not yet read coupon-events up to its end. */
    public static ApiFixture withCatalogStillLoading() {
        return new ApiFixture(false);
    }

    /** The settings of {@code env}, on any free port. */
    public static IngressConfig config(Map<String, String> env) {
        Map<String, String> settings = new HashMap<>(env);
        settings.putIfAbsent("INGRESS_PORT", "0");
        return IngressConfig.fromEnv(settings);
    }

    public Javalin app() {
        return app(config(Map.of("ADMIN_TOKEN", TOKEN, "SHOP_TOKEN", SHOP_TOKEN)));
    }

    /** The app with shopper identities on: HS256 with {@link #SHOPPER_SECRET}, verified by the app's clock. */
    public Javalin appWithShopperIdentities() {
        return app(config(Map.of("ADMIN_TOKEN", TOKEN, "SHOP_TOKEN", SHOP_TOKEN, "SHOPPER_JWT_SECRET", SHOPPER_SECRET)));
    }

    /** As {@link #test}, with shopper identities on ({@link #appWithShopperIdentities()}). */
    public void testWithShopperIdentities(TestCase testCase) {
        JavalinTest.test(appWithShopperIdentities(), testCase);
    }

    /** Claims a shop's sign-in would issue for {@code sub} at {@link #NOW}, valid for an hour. */
    public static JWTClaimsSet.Builder shopperClaims(String sub) {
        return new JWTClaimsSet.Builder().subject(sub).issueTime(Date.from(NOW.minusSeconds(60)))
                .expirationTime(Date.from(NOW.plusSeconds(3600)));
    }

    /** An HS256 token of {@code claims} signed with {@link #SHOPPER_SECRET}. */
    public static String shopperToken(JWTClaimsSet claims) {
        try {
            SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.HS256).type(JOSEObjectType.JWT).build(), claims);
            jwt.sign(new MACSigner(SHOPPER_SECRET.getBytes(StandardCharsets.UTF_8)));
            return jwt.serialize();
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A valid token for {@code sub}, signed with {@link #SHOPPER_SECRET}. */
    public static String shopperToken(String sub) {
        return shopperToken(shopperClaims(sub).build());
    }

    /** {@code Authorization: Bearer <token>}. */
    public static Map<String, String> bearer(String token) {
        return Map.of("Authorization", "Bearer " + token);
    }

    public Javalin app(IngressConfig config) {
        var deps = new App.Dependencies(catalog, gate, publisher, this::statusFromTheGate, this::kafkaProbe, registry,
                new Clock() {
                    @Override
                    public ZoneId getZone() {
                        return ZoneOffset.UTC;
                    }

                    @Override
                    public Clock withZone(ZoneId zone) {
                        return Clock.fixed(now, zone);
                    }

                    @Override
                    public Instant instant() {
                        return now;
                    }
                }, Runnable::run, event -> tallies.find(event), own,
                new GateRebuild(gate, own, event -> 0L, event -> 0L,
                        (event, requestsEnd, actionsEnd) -> holders.find(event, requestsEnd, actionsEnd),
                        Duration.ofSeconds(1), Duration.ofSeconds(1), Runnable::run), actions);
        return App.create(config, deps, App.shopperVerifier(config, deps.clock()), stop);
    }

    private boolean kafkaProbe() {
        try {
            return kafkaAnswers.await(1, TimeUnit.MINUTES) && kafkaUp;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** A streams-processor that has decided nothing yet: PENDING while the user holds a slot at the gate. */
    private CompletableFuture<Optional<ApplicationStatus>> statusFromTheGate(EventId event, UserId user) {
        return CompletableFuture.completedFuture(gate.holds(event, user) ? Optional.of(ApplicationStatus.pending()) : Optional.empty());
    }

    public void test(TestCase testCase) {
        JavalinTest.test(app(), testCase);
    }

    /** An event in the catalog, as the follower would have put it there, and primed at the gate. */
    public EventDefinition define(String eventId, int limit, Instant opensAt, Instant closesAt) {
        var definition = new EventDefinition(eventId, limit, opensAt, closesAt);
        catalog.apply(eventId, definition, offsets++);
        gate.created(new EventId(eventId));
        return definition;
    }

    /** The definition in the catalog, as the follower would have put it there, and primed at the gate. */
    public EventDefinition define(EventDefinition definition) {
        catalog.apply(definition.eventId(), definition, offsets++);
        gate.created(new EventId(definition.eventId()));
        return definition;
    }

    public EventDefinition defineOpen(String eventId, int limit) {
        return define(eventId, limit, NOW.minusSeconds(60), null);
    }

    public static Response post(HttpClient client, String path, String json) {
        return send(client, path, "POST", "application/json", json, Map.of());
    }

    public static Response send(HttpClient client, String path, String method, String contentType, String body,
            Map<String, String> headers) {
        return client.request(path, request -> {
            var publisher = BodyPublishers.ofString(body);
            switch (method) {
                case "POST" -> request.post(publisher);
                case "PUT" -> request.put(publisher);
                case "PATCH" -> request.patch(publisher);
                case "DELETE" -> request.delete(publisher);
                default -> request.get();
            }
            if (contentType != null) {
                request.header("Content-Type", contentType);
            }
            headers.forEach(request::header);
        });
    }

    public static Response apply(HttpClient client, String eventId, String userId) {
        return post(client, "/events/" + eventId + "/applications", "{\"userId\":\"" + userId + "\"}");
    }

    /** The body as JSON; fails the test when it is not. */
    public static JsonNode json(Response response) {
        try {
            return Json.mapper().readTree(response.body().string());
        } catch (Exception e) {
            throw new AssertionError("not JSON: " + response.body().string(), e);
        }
    }

    /** A contract error answer: the status, the outcome, a message, as JSON. */
    public static void assertProblem(Response response, int status, String outcome) {
        assertThat(response.code()).as("status of %s", response.body().string()).isEqualTo(status);
        JsonNode body = json(response);
        assertThat(body.get("outcome").asText()).isEqualTo(outcome);
        assertThat(body.get("message").asText()).isNotBlank();
        assertThat(response.headers().get("Content-Type").get(0)).startsWith("application/json");
    }
}
