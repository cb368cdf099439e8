package firstcome.ingress.api;

import static firstcome.ingress.RunningIngress.assertOutcome;
import static firstcome.ingress.RunningIngress.uniqueEventId;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import firstcome.contract.Json;
import firstcome.ingress.RunningIngress;
import firstcome.testkit.Infrastructure;
import firstcome.testkit.InfrastructureExtension;
import java.net.URI;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import redis.clients.jedis.RedisClient;

/**
 * A real ingress with the least {@code EVENT_RETENTION}, one minute (and a republication short enough
 * for it): an event's gate keys carry its retirement instant
 * and are gone after it, its status look-ups then answer 410 RETIRED, and its id cannot be defined again.
 */
@ExtendWith(InfrastructureExtension.class)
class RetiredEventIT {

    private static final Duration RETENTION = Duration.ofMinutes(1);

    private static RunningIngress ingress;
    private static RedisClient redis;

    @BeforeAll
    static void startIngress(Infrastructure infrastructure) {
        RunningIngress.createTopics(infrastructure);
        redis = RedisClient.create(URI.create(infrastructure.redisUrl()));
        ingress = RunningIngress.start(RunningIngress.config(infrastructure.kafkaBootstrapServers(),
                infrastructure.redisUrl(), Map.of("EVENT_RETENTION", RETENTION.toString(),
                        "INGRESS_RECONCILE_AFTER_MS", "2500", "INGRESS_KAFKA_DELIVERY_TIMEOUT_MS", "1000")));
    }

    @AfterAll
    static void stopIngress() {
        if (ingress != null) {
            ingress.close();
        }
        if (redis != null) {
            redis.close();
        }
    }

    @Test
    void anEventRetiresTheRetentionAfterItsClosing() throws Exception {
        // given: an event closing in three seconds, one user through the gate
        String event = uniqueEventId("retiring");
        Instant closesAt = Instant.now().plusSeconds(3).truncatedTo(ChronoUnit.MILLIS);
        Instant retiresAt = closesAt.plus(RETENTION);
        assertThat(ingress.define(event, "{\"limit\": 5, \"closesAt\": \"" + closesAt + "\"}").statusCode()).isEqualTo(200);
        assertThat(ingress.apply(event, "u-1").statusCode()).isEqualTo(202);
        List<String> keys = List.of("fc:{" + event + "}:users", "fc:{" + event + "}:count");
        for (String key : keys) {
            assertThat(redis.pexpireTime(key)).as("expiry of %s", key).isEqualTo(retiresAt.toEpochMilli());
        }

        // when: the retirement instant passes
        await("the event retired").atMost(RETENTION.plusSeconds(30)).pollInterval(Duration.ofMillis(200))
                .until(() -> ingress.get("/events/" + event + "/applications/u-1").statusCode() == 410);

        // then
        HttpResponse<String> status = ingress.get("/events/" + event + "/applications/u-1");
        assertOutcome(status, 410, "RETIRED");
        JsonNode body = Json.mapper().readTree(status.body());
        assertThat(body.get("message").asText()).isEqualTo("Event " + event + " closed at " + closesAt
                + " and its results were retired at " + retiresAt + "; the shop's records keep its coupons.");
        assertThat(Instant.now()).isAfterOrEqualTo(retiresAt);
        await("the gate keys expired").atMost(Duration.ofSeconds(10)).until(() -> keys.stream().noneMatch(redis::exists));
        assertOutcome(ingress.apply(event, "u-2"), 410, "CLOSED");
        HttpResponse<String> redefined = ingress.define(event, "{\"limit\": 5}");
        assertOutcome(redefined, 400, "INVALID_REQUEST");
        assertThat(redefined.body()).contains("was retired at " + retiresAt).contains("define a new event id");
        assertThat(ingress.get("/events/" + event).statusCode()).as("the event info still answers").isEqualTo(200);
    }

    @Test
    void theKeysExpiryMovesWithTheClosingAndGoesWhenTheEventNoLongerCloses() throws Exception {
        String event = uniqueEventId("moved");
        Instant opensAt = Instant.now().truncatedTo(ChronoUnit.MILLIS);
        Instant closesAt = opensAt.plus(Duration.ofHours(1));
        ingress.define(event, "{\"limit\": 5, \"opensAt\": \"" + opensAt + "\", \"closesAt\": \"" + closesAt + "\"}");
        assertThat(ingress.apply(event, "u-1").statusCode()).isEqualTo(202);
        String users = "fc:{" + event + "}:users";
        String count = "fc:{" + event + "}:count";
        assertThat(redis.pexpireTime(users)).isEqualTo(closesAt.plus(RETENTION).toEpochMilli());

        Instant later = closesAt.plus(Duration.ofDays(1));
        assertThat(ingress.define(event, "{\"limit\": 5, \"opensAt\": \"" + opensAt + "\", \"closesAt\": \"" + later + "\"}")
                .statusCode()).isEqualTo(200);
        assertThat(redis.pexpireTime(users)).isEqualTo(later.plus(RETENTION).toEpochMilli());
        assertThat(redis.pexpireTime(count)).isEqualTo(later.plus(RETENTION).toEpochMilli());

        assertThat(ingress.define(event, "{\"limit\": 5, \"opensAt\": \"" + opensAt + "\"}").statusCode()).isEqualTo(200);
        assertThat(redis.pttl(users)).as("never expires").isEqualTo(-1);
        assertThat(redis.pttl(count)).as("never expires").isEqualTo(-1);
    }
}
