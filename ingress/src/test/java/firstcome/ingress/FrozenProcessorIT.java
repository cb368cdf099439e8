package firstcome.ingress;

import static firstcome.ingress.RunningIngress.uniqueEventId;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import firstcome.contract.Json;
import firstcome.testkit.Infrastructure;
import firstcome.testkit.InfrastructureExtension;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A streams-processor that is frozen (SIGSTOP: connections accepted, nothing answered) while
 * shoppers poll their status as the event page does: their look-ups get the contract's 503
 * UNAVAILABLE, and applications and /health go on as if nothing were wrong. The bounds are
 * generous (a noisy machine); the measured figures are in BENCHMARKS.md.
 */
@ExtendWith(InfrastructureExtension.class)
class FrozenProcessorIT {

    private static final int SHOPPERS_POLLING = 200;
    private static final Duration POLL_EVERY = Duration.ofMillis(400);

    @Test
    void applicationsAndHealthStayFastWhileShoppersPollAFrozenProcessor(Infrastructure infrastructure) throws Exception {
        RunningIngress.createTopics(infrastructure);
        ScheduledExecutorService ticks = Executors.newScheduledThreadPool(2);
        try (FrozenProcessor frozen = new FrozenProcessor();
             RunningIngress ingress = RunningIngress.start(RunningIngress.config(infrastructure.kafkaBootstrapServers(),
                     infrastructure.redisUrl(), Map.of("PROCESSOR_URL", frozen.url())))) {
            String event = uniqueEventId("frozen");
            assertThat(ingress.define(event, "{\"limit\": 100000}").statusCode()).isEqualTo(200);
            HttpClient pollers = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
            Queue<HttpResponse<String>> statuses = new ConcurrentLinkedQueue<>();
            for (int shopper = 0; shopper < SHOPPERS_POLLING; shopper++) {
                var poll = HttpRequest.newBuilder(ingress.uri("/events/" + event + "/applications/shopper-" + shopper))
                        .timeout(Duration.ofSeconds(30)).GET().build();
                ticks.scheduleAtFixedRate(() -> pollers.sendAsync(poll, HttpResponse.BodyHandlers.ofString()).thenAccept(statuses::add),
                        shopper * POLL_EVERY.toMillis() / SHOPPERS_POLLING, POLL_EVERY.toMillis(), TimeUnit.MILLISECONDS);
            }
            await("the shoppers polling").atMost(Duration.ofSeconds(30)).until(() -> statuses.size() >= 2 * SHOPPERS_POLLING);

            List<Long> applyMillis = new ArrayList<>();
            for (int buyer = 0; buyer < 100; buyer++) {
                long started = System.nanoTime();
                HttpResponse<String> answer = ingress.apply(event, "buyer-" + buyer);
                applyMillis.add(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started));
                assertThat(answer.statusCode()).as(answer.body()).isEqualTo(202);
            }
            long healthStarted = System.nanoTime();
            HttpResponse<String> health = ingress.get("/health");
            long healthMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - healthStarted);

            Collections.sort(applyMillis);
            // Before the look-ups left the request threads: a median of 2 s, a maximum near 4 s.
            assertThat(applyMillis.get(applyMillis.size() / 2)).as("median apply (ms)").isLessThan(500);
            assertThat(applyMillis.get(applyMillis.size() - 1)).as("slowest apply (ms)").isLessThan(2_000);
            assertThat(health.statusCode()).isEqualTo(200);
            assertThat(healthMillis).as("/health (ms)").isLessThan(2_000);
            assertThat(statuses).allSatisfy(status -> {
                assertThat(status.statusCode()).isEqualTo(503);
                assertThat(status.headers().firstValue("Retry-After")).isPresent();
                assertThat(Json.mapper().readTree(status.body()).get("outcome").asText()).isEqualTo("UNAVAILABLE");
            });
        } finally {
            ticks.shutdownNow();
        }
    }
}
