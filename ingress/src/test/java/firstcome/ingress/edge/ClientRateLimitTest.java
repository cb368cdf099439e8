package firstcome.ingress.edge;

import static firstcome.ingress.ApiFixture.apply;
import static firstcome.ingress.ApiFixture.assertProblem;
import static org.assertj.core.api.Assertions.assertThat;

import firstcome.ingress.ApiFixture;
import firstcome.ingress.api.EventId;
import io.javalin.testtools.JavalinTest;
import io.javalin.testtools.Response;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** Per-client token buckets: a burst, then the rate; 429 RATE_LIMITED before anything is counted. */
class ClientRateLimitTest {

    private final AtomicLong nanos = new AtomicLong();

    @Test
    void letsABurstThroughThenOneRequestPerRefilledToken() {
        var limit = new ClientRateLimit(limits(2, 3, false), nanos::get, 100);

        assertThat(limit.take("a")).isZero();
        assertThat(limit.take("a")).isZero();
        assertThat(limit.take("a")).isZero();
        assertThat(limit.take("a")).as("burst spent: wait for the next token").isEqualTo(1);
        assertThat(limit.take("b")).as("another client has its own bucket").isZero();

        nanos.addAndGet(TimeUnit.MILLISECONDS.toNanos(500));
        assertThat(limit.take("a")).as("2 per second: one token after 500 ms").isZero();
        assertThat(limit.take("a")).isEqualTo(1);
    }

    @Test
    void saysHowManySecondsToWaitWhenTheRateIsSlow() {
        var limit = new ClientRateLimit(limits(1, 1, false), nanos::get, 100);
        limit.take("a");

        assertThat(new ClientRateLimit(new EdgeLimits(1, 1, false, 8192, Duration.ofSeconds(30), Duration.ofSeconds(10)),
                nanos::get, 100).take("x")).isZero();
        assertThat(limit.take("a")).isEqualTo(1);
    }

    @Test
    void keysClientsByTheirConnectionAndIgnoresXForwardedForUnlessTrusted() {
        var untrusted = new ClientRateLimit(limits(1, 1, false), nanos::get, 100);
        var behindProxy = new ClientRateLimit(limits(1, 1, true), nanos::get, 100);

        assertThat(untrusted.client("10.0.0.1", "1.2.3.4")).isEqualTo("10.0.0.1");
        assertThat(behindProxy.client("10.0.0.1", "6.6.6.6, 1.2.3.4")).as("the address our proxy appended").isEqualTo("1.2.3.4");
        assertThat(behindProxy.client("10.0.0.1", null)).isEqualTo("10.0.0.1");
        assertThat(behindProxy.client("10.0.0.1", " ")).isEqualTo("10.0.0.1");
    }

    @Test
    void forgetsClientsWhoseBucketsFilledUpAgainToBoundItsMemory() {
        var limit = new ClientRateLimit(limits(10, 10, false), nanos::get, 5);
        for (int client = 0; client < 20; client++) {
            limit.take("c" + client);
        }
        nanos.addAndGet(TimeUnit.SECONDS.toNanos(2));

        limit.take("newcomer");

        assertThat(limit.trackedClients()).isLessThanOrEqualTo(5);
    }

    @Test
    void answersRateLimitedWithRetryAfterAndCountsNothing() {
        var api = new ApiFixture();
        api.defineOpen("e1", 100);
        var config = ApiFixture.config(Map.of("ADMIN_TOKEN", ApiFixture.TOKEN,
                "INGRESS_RATE_LIMIT_PER_SECOND", "1", "INGRESS_RATE_LIMIT_BURST", "2"));
        JavalinTest.test(api.app(config), (server, client) -> {
            client.get("/health");
            // Ten at once against a burst of two at one per second: however slow the first answers
            // are on a cold JVM, some of these are over the rate.
            List<Response> answers = new ArrayList<>();
            for (int i = 0; i < 10; i++) {
                answers.add(apply(client, "e1", "u" + i));
            }

            List<Response> limited = answers.stream().filter(response -> response.code() == 429).toList();
            assertThat(limited).isNotEmpty();
            for (Response response : limited) {
                assertProblem(response, 429, "RATE_LIMITED");
                assertThat(Long.parseLong(response.headers().get("Retry-After").get(0))).isBetween(1L, 2L);
            }
            long accepted = answers.stream().filter(response -> response.code() == 202).count();
            assertThat(accepted + limited.size()).isEqualTo(10);
            assertThat(api.gate.count(new EventId("e1"))).isEqualTo(accepted);
            assertThat(api.publisher.requests).hasSize((int) accepted);
            assertThat(client.get("/health").code()).as("probes are never limited").isEqualTo(200);
            assertThat(client.get("/health/live").code()).as("probes are never limited").isEqualTo(200);
            assertThat(client.get("/health/ready").code()).as("probes are never limited").isEqualTo(200);
            assertThat(client.get("/metrics").code()).isEqualTo(200);
        });
    }

    @Test
    void isOffByDefault() {
        var api = new ApiFixture();
        api.defineOpen("e1", 1000);
        api.test((server, client) -> {
            for (int i = 0; i < 50; i++) {
                assertThat(apply(client, "e1", "u" + i).code()).isEqualTo(202);
            }
        });
    }

    private static EdgeLimits limits(int perSecond, int burst, boolean trustForwardedFor) {
        return new EdgeLimits(perSecond, burst, trustForwardedFor, 8192, Duration.ofSeconds(30), Duration.ofSeconds(10));
    }
}
