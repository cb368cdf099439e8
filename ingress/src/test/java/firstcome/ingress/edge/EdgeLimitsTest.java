package firstcome.ingress.edge;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import firstcome.ingress.IngressConfig;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The abuse bounds and the reconciler's timing as read from the environment. */
class EdgeLimitsTest {

    @Test
    void leavesTheRateLimitOffAndUsesJettysUsualBoundsByDefault() {
        IngressConfig config = IngressConfig.fromEnv(Map.of());

        assertThat(config.edge()).isEqualTo(EdgeLimits.DEFAULT);
        assertThat(config.edge().rateLimited()).isFalse();
        assertThat(config.edge().maxHeaderBytes()).isEqualTo(8192);
        assertThat(config.edge().idleTimeout()).isEqualTo(Duration.ofSeconds(30));
        assertThat(config.edge().requestReadTimeout()).isEqualTo(Duration.ofSeconds(10));
        assertThat(config.reconcileAfter()).as("delivery timeout + max block + 2 s").isEqualTo(Duration.ofMillis(5250));
    }

    @Test
    void readsEveryBound() {
        IngressConfig config = IngressConfig.fromEnv(Map.of(
                "INGRESS_RATE_LIMIT_PER_SECOND", "20",
                "INGRESS_RATE_LIMIT_BURST", "50",
                "INGRESS_TRUST_FORWARDED_FOR", "true",
                "INGRESS_MAX_HEADER_BYTES", "4096",
                "INGRESS_IDLE_TIMEOUT_MS", "15000",
                "INGRESS_REQUEST_READ_TIMEOUT_MS", "5000",
                "INGRESS_RECONCILE_AFTER_MS", "9000"));

        assertThat(config.edge()).isEqualTo(new EdgeLimits(20, 50, true, 4096, Duration.ofSeconds(15), Duration.ofSeconds(5)));
        assertThat(config.reconcileAfter()).isEqualTo(Duration.ofSeconds(9));
        assertThat(config.toString()).contains("rateLimit=20/s burst 50 by X-Forwarded-For", "reconcileAfter=9000ms");
    }

    @Test
    void allowsABurstOfTwiceTheRateWhenNoneIsGiven() {
        assertThat(IngressConfig.fromEnv(Map.of("INGRESS_RATE_LIMIT_PER_SECOND", "5")).edge().rateBurst()).isEqualTo(10);
    }

    @Test
    void derivesTheReconcileDelayFromALongerDeliveryTimeout() {
        IngressConfig config = IngressConfig.fromEnv(Map.of("INGRESS_KAFKA_DELIVERY_TIMEOUT_MS", "10000"));

        assertThat(config.reconcileAfter()).isEqualTo(Duration.ofMillis(12_250));
    }

    @Test
    void refusesAReconcileDelayALiveIngressCouldStillBeWaitingThrough() {
        assertThatThrownBy(() -> IngressConfig.fromEnv(Map.of("INGRESS_RECONCILE_AFTER_MS", "4000")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("INGRESS_RECONCILE_AFTER_MS must be at least 4250");
    }

    @Test
    void refusesNonsense() {
        assertThatThrownBy(() -> IngressConfig.fromEnv(Map.of("INGRESS_RATE_LIMIT_PER_SECOND", "-1")))
                .hasMessageContaining("INGRESS_RATE_LIMIT_PER_SECOND");
        assertThatThrownBy(() -> IngressConfig.fromEnv(Map.of("INGRESS_MAX_HEADER_BYTES", "100")))
                .hasMessageContaining("INGRESS_MAX_HEADER_BYTES");
        assertThatThrownBy(() -> IngressConfig.fromEnv(Map.of("INGRESS_REQUEST_READ_TIMEOUT_MS", "10")))
                .hasMessageContaining("INGRESS_REQUEST_READ_TIMEOUT_MS");
    }
}
