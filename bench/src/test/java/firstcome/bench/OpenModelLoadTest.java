package firstcome.bench;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.ToIntFunction;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The open-model generator against a local HTTP server whose answers it controls: the figures it
 * reports are checked by lower bounds the server's delays make certain, never by how fast anything ran.
 */
class OpenModelLoadTest {

    private final ExecutorService handlers = Executors.newCachedThreadPool();
    private HttpServer server;

    @AfterEach
    void stop() {
        server.stop(0);
        handlers.shutdownNow();
    }

    @Test
    void measuresLatencyFromTheIntendedSendTimeNotFromWhenAConnectionFreedUp() throws Exception {
        String url = serve(100, body -> 202);
        try (OpenModelLoad load = new OpenModelLoad(1, 100)) {
            // Five applications due within 5 ms, one connection, each answer held 100 ms.
            OpenModelLoad.Result result = load.run("test", url, "u-", 1_000, Duration.ofMillis(5), line -> { });

            assertThat(result.planned()).isEqualTo(5);
            assertThat(result.count(202)).isEqualTo(5);
            assertThat(result.notSent()).isZero();
            // The fifth is answered at least 500 ms after the start and was due 4 ms after it.
            assertThat(result.latency().getMaxValue()).isGreaterThanOrEqualTo(TimeUnit.MILLISECONDS.toMicros(490));
            // Each after the first waited for the one connection: sent 100 ms or more after its time.
            assertThat(result.late()).isGreaterThanOrEqualTo(4);
        }
    }

    @Test
    void countsTheApplicationsDueWhileTheCapIsReachedAsNotSent() throws Exception {
        String url = serve(500, body -> 202);
        try (OpenModelLoad load = new OpenModelLoad(1, 2)) {
            // Ten due within 10 ms; the first answer comes after 500 ms: one in flight, one waiting, eight not sent.
            OpenModelLoad.Result result = load.run("test", url, "u-", 1_000, Duration.ofMillis(10), line -> { });

            assertThat(result.planned()).isEqualTo(10);
            assertThat(result.sent()).isEqualTo(2);
            assertThat(result.notSent()).isEqualTo(8);
            assertThat(result.count(202)).isEqualTo(2);
            assertThat(result.offeredRate()).isLessThan(result.rate());
        }
    }

    @Test
    void tellsA503ThatSaysWhenToRetryFromOtherAnswers() throws Exception {
        // u-0: 503 with Retry-After, u-1: 503 without, u-2: 409, the rest 202.
        String url = serve(0, body -> body.contains("\"u-0\"") || body.contains("\"u-1\"") ? 503 : body.contains("\"u-2\"") ? 409 : 202);
        try (OpenModelLoad load = new OpenModelLoad(4, 100)) {
            OpenModelLoad.Result result = load.run("test", url, "u-", 1_000, Duration.ofMillis(6), line -> { });

            assertThat(result.count(202)).isEqualTo(3);
            assertThat(result.unavailable(true)).isEqualTo(1);
            assertThat(result.unavailable(false)).isEqualTo(1);
            assertThat(result.other()).isEqualTo(2); // the 409 and the 503 without Retry-After
            assertThat(result.first503Seconds()).isNotNaN();
            assertThat(result.answered()).isEqualTo(6);
        }
    }

    @Test
    void probesTheRateOfAcceptedApplicationsInAClosedLoop() throws Exception {
        String url = serve(0, body -> body.contains("\"p-0\"") ? 503 : 202);
        try (OpenModelLoad load = new OpenModelLoad(4, 100)) {
            OpenModelLoad.Probe probe = load.probe("test", url, "p-", 100, 4, line -> { });

            assertThat(probe.accepted()).isEqualTo(99);
            assertThat(probe.statuses()).containsEntry(202, 99L).containsEntry(503, 1L);
            assertThat(probe.rate()).isPositive();
        }
    }

    /** Starts a server answering every POST after {@code delayMillis} with the status the body gives; its URL. */
    private String serve(long delayMillis, ToIntFunction<String> statusOf) throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 100);
        server.setExecutor(handlers);
        server.createContext("/apply", exchange -> answer(exchange, delayMillis, statusOf));
        server.start();
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/apply";
    }

    private static void answer(HttpExchange exchange, long delayMillis, ToIntFunction<String> statusOf) throws IOException {
        String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
        try {
            TimeUnit.MILLISECONDS.sleep(delayMillis); // the server's own pace, not a wait for a result
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        int status = statusOf.applyAsInt(body);
        if (status == 503 && body.contains("\"u-0\"") || status == 503 && body.contains("\"p-0\"")) {
            exchange.getResponseHeaders().add("Retry-After", "1");
        }
        exchange.sendResponseHeaders(status, -1);
        exchange.close();
    }
}
