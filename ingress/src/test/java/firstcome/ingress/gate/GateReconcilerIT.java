package firstcome.ingress.gate;

import static firstcome.ingress.RunningIngress.assertOutcome;
import static firstcome.ingress.RunningIngress.uniqueEventId;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import firstcome.contract.CouponDecision;
import firstcome.contract.CouponRequest;
import firstcome.contract.IssuingOutcome;
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

/** A stranded request published again by a live ingress, and pending until its decision comes back. */
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
            CouponRequest live = values(infrastructure, event).get(0);
            RunningIngress.decide(infrastructure.kafkaBootstrapServers(), decision(live, IssuingOutcome.ISSUED, 1));

            // then: the live ingress publishes exactly that record, and it stays pending until decided
            await("the stranded request in coupon-requests").atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(500))
                    .until(() -> values(infrastructure, event).contains(stranded));
            assertThat(pendingCount(infrastructure, event)).as("published, not decided").isEqualTo(1);
            RunningIngress.decide(infrastructure.kafkaBootstrapServers(), decision(stranded, IssuingOutcome.ISSUED, 2));
            await("nothing left pending once decided").atMost(Duration.ofSeconds(5))
                    .until(() -> pendingCount(infrastructure, event) == 0);
            List<CouponRequest> records = values(infrastructure, event);
            assertThat(records).filteredOn(r -> r.userId().equals("u-stranded")).containsExactly(stranded);
            assertThat(records).filteredOn(r -> r.userId().equals("u-live")).as("a decided request stays single").hasSize(1);
            assertOutcome(ingress.apply(event, "u-stranded"), 409, "ALREADY_APPLIED");
            assertThat(ingress.get("/events/" + event).body()).contains("\"remaining\":1");
        }
    }

    private static CouponDecision decision(CouponRequest request, IssuingOutcome outcome, Integer couponNo) {
        return new CouponDecision(request.requestId(), request.eventId(), request.userId(), outcome, couponNo,
                request.receivedAt());
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
