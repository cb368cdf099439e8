package firstcome.ingress;

import firstcome.contract.EventDefinition;
import io.javalin.Javalin;
import io.javalin.testtools.HttpClient;
import io.javalin.testtools.JavalinTest;
import io.javalin.testtools.Response;
import io.javalin.testtools.TestCase;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.net.http.HttpRequest.BodyPublishers;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;

/**
 * The HTTP app as {@link App#create} builds it, over an in-memory gate and publisher, a catalog
 * the test fills, and a clock standing still at {@link #NOW}. Everything runs on the calling thread.
 */
final class ApiFixture {

    static final Instant NOW = Instant.parse("2026-11-24T10:00:00.123456Z");
    static final String TOKEN = "s3cret-token";

    final FakeGate gate = new FakeGate();
    final FakePublisher publisher = new FakePublisher();
    final EventCatalog catalog = new EventCatalog();
    final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    volatile boolean kafkaUp = true;
    private long offsets;

    ApiFixture() {
        this(true);
    }

    private ApiFixture(boolean loaded) {
        if (loaded) {
            catalog.markLoaded();
        }
    }

    /** As an ingress that has not yet read coupon-events up to its end. */
    static ApiFixture withCatalogStillLoading() {
        return new ApiFixture(false);
    }

    static IngressConfig config(Map<String, String> env) {
        return IngressConfig.fromEnv(env).withPort(0);
    }

    Javalin app() {
        return app(config(Map.of("ADMIN_TOKEN", TOKEN)));
    }

    Javalin app(IngressConfig config) {
        var deps = new App.Dependencies(catalog, gate, publisher, new GateStatusLookup(gate), () -> kafkaUp, registry,
                Clock.fixed(NOW, ZoneOffset.UTC), Runnable::run);
        return App.create(config, deps);
    }

    void test(TestCase testCase) {
        JavalinTest.test(app(), testCase);
    }

    /** An event in the catalog, as the follower would have put it there. */
    EventDefinition define(String eventId, int limit, Instant opensAt, Instant closesAt) {
        var definition = new EventDefinition(eventId, limit, opensAt, closesAt);
        catalog.apply(eventId, definition, offsets++);
        return definition;
    }

    EventDefinition defineOpen(String eventId, int limit) {
        return define(eventId, limit, NOW.minusSeconds(60), null);
    }

    static Response post(HttpClient client, String path, String json) {
        return send(client, path, "POST", "application/json", json, Map.of());
    }

    static Response send(HttpClient client, String path, String method, String contentType, String body,
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

    static Response apply(HttpClient client, String eventId, String userId) {
        return post(client, "/events/" + eventId + "/applications", "{\"userId\":\"" + userId + "\"}");
    }
}
