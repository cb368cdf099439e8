package firstcome.ingress;

import static firstcome.ingress.RunningIngress.assertOutcome;
import static firstcome.ingress.RunningIngress.uniqueEventId;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import firstcome.contract.Json;
import firstcome.contract.Topics;
import firstcome.testkit.Infrastructure;
import firstcome.testkit.InfrastructureExtension;
import firstcome.testkit.StoppableBroker;
import java.net.URI;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import redis.clients.jedis.RedisClient;

/**
 * What the client hears while Redis or Kafka is away: fast 503s; nothing counted while Redis is
 * away, and a place kept pending (UNCONFIRMED) when the broker does not answer a send in time.
 */
@ExtendWith(InfrastructureExtension.class)
class OutageIT {

    @Test
    void answersUnavailableWithinASecondWhileRedisIsStoppedAndRecoversAfterwards(Infrastructure infrastructure) throws Exception {
        assumeTrue(infrastructure.canStopRedis(), "Redis is external");
        RunningIngress.createTopics(infrastructure);
        try (RunningIngress ingress = RunningIngress.start(RunningIngress.config(infrastructure))) {
            // given
            String event = uniqueEventId("redis-down");
            ingress.define(event, "{\"limit\": 10}");
            assertThat(ingress.apply(event, "before").statusCode()).isEqualTo(202);

            // when
            infrastructure.stopRedis();
            try {
                // then
                for (int i = 0; i < 5; i++) {
                    long started = System.nanoTime();
                    HttpResponse<String> response = ingress.apply(event, "during-" + i);
                    Duration took = Duration.ofNanos(System.nanoTime() - started);

                    assertOutcome(response, 503, "UNAVAILABLE");
                    assertThat(response.headers().firstValue("Retry-After")).contains("1");
                    assertThat(took).isLessThan(Duration.ofSeconds(1));
                }
                assertThat(ingress.get("/health").statusCode()).isEqualTo(503);
                // Still ready: it answers from memory and turns applications away at once; a load balancer keeps it.
                assertThat(ingress.get("/health/ready").statusCode()).isEqualTo(200);
                assertThat(ingress.get("/health/live").statusCode()).isEqualTo(200);
            } finally {
                infrastructure.startRedis();
            }

            // and then: Redis came back empty, but the catalog still knows the event
            await("applications pass again").atMost(Duration.ofSeconds(10))
                    .until(() -> ingress.apply(event, "after").statusCode() == 202);
            assertThat(ingress.get("/health").statusCode()).isEqualTo(200);
        }
    }

    @Test
    void answersWithinTheDeliveryTimeoutWhileTheBrokerIsStoppedAndKeepsThePlaceOnlyIfTheSendMayHaveReachedIt(
            Infrastructure infrastructure)
            throws Exception {
        Topics topics = Topics.standard();
        Duration deliveryTimeout = Duration.ofMillis(1500);
        try (StoppableBroker broker = StoppableBroker.start()) {
            broker.createTopics(topics);
            IngressConfig config = RunningIngress.config(broker.bootstrapServers(), infrastructure.redisUrl(),
                    Map.of("INGRESS_KAFKA_DELIVERY_TIMEOUT_MS", Long.toString(deliveryTimeout.toMillis())));
            try (RunningIngress ingress = RunningIngress.start(config)) {
                // given
                String event = uniqueEventId("kafka-down");
                ingress.define(event, "{\"limit\": 10}");
                assertThat(ingress.apply(event, "before").statusCode()).isEqualTo(202);

                // when
                broker.stop();

                // then
                long started = System.nanoTime();
                HttpResponse<String> response = ingress.apply(event, "during");
                Duration took = Duration.ofNanos(System.nanoTime() - started);

                // Once the producer has dropped the broker's metadata the send fails inside send():
                // certainly never sent, the slot goes back. If it still had metadata, the send times
                // out instead: it may have been written, so the place is kept pending.
                assertThat(response.headers().firstValue("Retry-After")).contains("1");
                assertThat(took).isLessThan(deliveryTimeout.plusSeconds(1));
                String outcome = Json.mapper().readTree(response.body()).get("outcome").asText();
                assertThat(outcome).isIn("UNAVAILABLE", "UNCONFIRMED");
                boolean kept = outcome.equals("UNCONFIRMED");
                try (RedisClient redis = RedisClient.create(URI.create(infrastructure.redisUrl()))) {
                    assertThat(redis.get("fc:{" + event + "}:count")).isEqualTo(kept ? "2" : "1");
                    assertThat(redis.sismember("fc:{" + event + "}:users", "during")).isEqualTo(kept);
                    assertThat(redis.hexists("fc:{" + event + "}:pending", "during")).isEqualTo(kept);
                }
                assertThat(ingress.get("/health").statusCode()).isEqualTo(503);
                long asked = System.nanoTime();
                HttpResponse<String> ready = ingress.get("/health/ready");
                assertThat(ready.statusCode()).isEqualTo(503);
                assertThat(ready.body()).contains("\"kafka\":\"DOWN\"");
                assertThat(Duration.ofNanos(System.nanoTime() - asked)).isLessThan(Duration.ofSeconds(5));
                assertThat(ingress.get("/health/live").statusCode()).isEqualTo(200);
            }
        }
    }
}
