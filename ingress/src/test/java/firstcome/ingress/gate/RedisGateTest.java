package firstcome.ingress.gate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import firstcome.contract.CouponRequest;
import firstcome.ingress.IngressConfig;
import firstcome.ingress.api.EventId;
import firstcome.ingress.api.UserId;
import firstcome.stackkit.FreePorts;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The gate's client before any Redis answers: it starts as the ingress must, and each call fails fast. */
class RedisGateTest {

    @Test
    void startsWhileNoSeedOfTheClusterAnswersAndFailsEachCallWithinAboutTheTimeout() {
        // given: seed nodes nobody listens on
        IngressConfig config = IngressConfig.fromEnv(Map.of(
                "REDIS_URL", "redis://127.0.0.1:" + FreePorts.next() + ",127.0.0.1:" + FreePorts.next(),
                "REDIS_CLUSTER", "true",
                "INGRESS_REDIS_TIMEOUT_MS", "200"));

        // when
        try (RedisGate gate = RedisGate.connect(config)) {

            // then
            assertThat(gate.ping()).isFalse();
            EventId event = new EventId("nowhere");
            long began = System.nanoTime();
            assertThatThrownBy(() -> gate.admit(event, new UserId("u"), 1,
                    new CouponRequest("r-1", event.value(), "u", Instant.parse("2026-11-30T10:00:00Z"))))
                    .isInstanceOfSatisfying(GateUnavailableException.class, e -> assertThat(e.maybeApplied()).isFalse());
            assertThat(Duration.ofNanos(System.nanoTime() - began)).isLessThan(Duration.ofSeconds(2));
        }
    }

    @Test
    void startsWhileTheOneRedisDoesNotAnswer() {
        IngressConfig config = IngressConfig.fromEnv(Map.of("REDIS_URL", "redis://127.0.0.1:" + FreePorts.next(),
                "INGRESS_REDIS_TIMEOUT_MS", "200"));

        try (RedisGate gate = RedisGate.connect(config)) {
            assertThat(gate.ping()).isFalse();
            assertThatThrownBy(() -> gate.count(new EventId("nowhere"))).isInstanceOf(GateUnavailableException.class);
        }
    }
}
