package firstcome.ingress.gate;

import static firstcome.ingress.RunningIngress.assertOutcome;
import static firstcome.ingress.RunningIngress.uniqueEventId;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import firstcome.contract.CouponRequest;
import firstcome.ingress.IngressConfig;
import firstcome.ingress.RunningIngress;
import firstcome.ingress.api.EventId;
import firstcome.ingress.api.Outcome;
import firstcome.ingress.api.UserId;
import firstcome.testkit.Infrastructure;
import firstcome.testkit.InfrastructureExtension;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import redis.clients.jedis.RedisClient;

/** The gate's pending requests in real Redis, and a stranded one published again by a live ingress. */
@ExtendWith(InfrastructureExtension.class)
class GateReconcilerIT {

    @Test
    void publishesTheRequestADeadIngressLeftPendingAtTheGateExactlyOnce(Infrastructure infrastructure) throws Exception {
        RunningIngress.createTopics(infrastructure);
        IngressConfig config = RunningIngress.config(infrastructure.kafkaBootstrapServers(), infrastructure.redisUrl(),
                Map.of("INGRESS_KAFKA_DELIVERY_TIMEOUT_MS", "1000", "INGRESS_RECONCILE_AFTER_MS", "2300"));
        String event = uniqueEventId("stranded");
        try (RunningIngress ingress = RunningIngress.start(config)) {
            ingress.define(event, "{\"limit\": 3}");
            // given: an ingress passed the gate for this request and died before Kafka heard of it
            CouponRequest stranded = new CouponRequest(UUID.randomUUID().toString(), event, "u-stranded", Instant.now());
            try (RedisGate deadIngress = RedisGate.connect(config)) {
                assertThat(deadIngress.admit(new EventId(event), new UserId("u-stranded"), 3, stranded).outcome())
                        .isEqualTo(Outcome.ACCEPTED);
            }
            assertOutcome(ingress.apply(event, "u-live"), 202, "ACCEPTED");

            // then: the live ingress publishes exactly that record, once
            await("the stranded request in coupon-requests").atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(500))
                    .until(() -> values(infrastructure, event).contains(stranded));
            await("nothing left pending").atMost(Duration.ofSeconds(5))
                    .until(() -> pendingCount(infrastructure, event) == 0);
            List<CouponRequest> records = values(infrastructure, event);
            assertThat(records).filteredOn(r -> r.userId().equals("u-stranded")).containsExactly(stranded);
            assertThat(records).filteredOn(r -> r.userId().equals("u-live")).as("an acknowledged request stays single").hasSize(1);
            assertOutcome(ingress.apply(event, "u-stranded"), 409, "ALREADY_APPLIED");
            assertThat(ingress.get("/events/" + event).body()).contains("\"remaining\":1");
        }
    }

    @Test
    void forgetsAPendingRequestWithItsSlotAndSettlesOnlyTheSameRequest(Infrastructure infrastructure) {
        IngressConfig config = RunningIngress.config(infrastructure);
        EventId event = new EventId(uniqueEventId("pending"));
        CouponRequest first = new CouponRequest(UUID.randomUUID().toString(), event.value(), "a", Instant.now());
        CouponRequest other = new CouponRequest(UUID.randomUUID().toString(), event.value(), "a", Instant.now());
        try (RedisGate gate = RedisGate.connect(config)) {
            gate.admit(event, new UserId("a"), 5, first);
            assertThat(gate.pending(event)).containsExactly(first);

            gate.settle(other);
            assertThat(gate.pending(event)).as("another request of the same user settles nothing").containsExactly(first);

            gate.release(event, new UserId("a"));
            assertThat(gate.pending(event)).isEmpty();
            assertThat(gate.count(event)).isZero();

            gate.admit(event, new UserId("a"), 5, other);
            gate.settle(other);
            assertThat(gate.pending(event)).isEmpty();
            assertThat(gate.count(event)).isEqualTo(1);
        }
    }

    private static List<CouponRequest> values(Infrastructure infrastructure, String event) {
        return RunningIngress.requestRecords(infrastructure.kafkaBootstrapServers(), event).stream()
                .map(ConsumerRecord::value).toList();
    }

    private static long pendingCount(Infrastructure infrastructure, String event) {
        try (RedisClient redis = RedisClient.create(URI.create(infrastructure.redisUrl()))) {
            return redis.hlen("fc:{" + event + "}:pending");
        }
    }
}
