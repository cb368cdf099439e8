package firstcome.sink;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SinkConfigTest {

    @Test
    void takesTheContractDefaultsFromAnEmptyEnvironment() {
        SinkConfig config = SinkConfig.fromEnv(Map.of());

        assertThat(config.bootstrapServers()).isEqualTo("localhost:9092");
        assertThat(config.mysqlUrl()).isEqualTo("jdbc:mysql://localhost:3306/coupon");
        assertThat(config.mysqlUser()).isEqualTo("coupon");
        assertThat(config.mysqlPassword()).isEqualTo("coupon");
        assertThat(config.port()).isEqualTo(8082);
        assertThat(config.groupId()).isEqualTo("coupon-sink");
        assertThat(config.batchSize()).isEqualTo(500);
        assertThat(config.retryFirst()).isEqualTo(Duration.ofMillis(100));
        assertThat(config.retryMax()).isEqualTo(Duration.ofSeconds(5));
    }

    @Test
    void readsEverySettingFromItsVariable() {
        SinkConfig config = SinkConfig.fromEnv(Map.of(
                "KAFKA_BOOTSTRAP_SERVERS", "broker:29092",
                "MYSQL_URL", "jdbc:mysql://db:3307/coupon",
                "MYSQL_USER", "sink",
                "MYSQL_PASSWORD", "",
                "SINK_PORT", "0",
                "SINK_GROUP_ID", "coupon-sink-replay",
                "SINK_BATCH_SIZE", "2000",
                "SINK_RETRY_FIRST_MS", "50",
                "SINK_RETRY_MAX_MS", "800"));

        assertThat(config).isEqualTo(new SinkConfig("broker:29092", "jdbc:mysql://db:3307/coupon", "sink", "", 0,
                "coupon-sink-replay", 2000, Duration.ofMillis(50), Duration.ofMillis(800)));
    }

    @Test
    void boundsTheGracefulStop() {
        assertThat(SinkConfig.fromEnv(Map.of()).shutdownTimeout()).isEqualTo(Duration.ofSeconds(10));
        assertThat(SinkConfig.fromEnv(Map.of("SINK_SHUTDOWN_TIMEOUT_MS", "2500")).shutdownTimeout()).isEqualTo(Duration.ofMillis(2500));
        assertThatThrownBy(() -> SinkConfig.fromEnv(Map.of("SINK_SHUTDOWN_TIMEOUT_MS", "0")))
                .hasMessage("SINK_SHUTDOWN_TIMEOUT_MS must be 1 or more, was 0");
    }

    @Test
    void bindsTheAddressHttpHostNames() {
        assertThat(SinkConfig.fromEnv(Map.of()).httpHost()).isEqualTo("0.0.0.0");
        assertThat(SinkConfig.fromEnv(Map.of("HTTP_HOST", "127.0.0.1")).httpHost()).isEqualTo("127.0.0.1");
        assertThatThrownBy(() -> SinkConfig.fromEnv(Map.of("HTTP_HOST", "a host"))).hasMessageContaining("HTTP_HOST");
    }

    @Test
    void refusesSettingsThatCannotWork() {
        assertThatThrownBy(() -> SinkConfig.fromEnv(Map.of("SINK_PORT", "eighty")))
                .hasMessageContaining("SINK_PORT must be a whole number");
        assertThatThrownBy(() -> SinkConfig.fromEnv(Map.of("MYSQL_URL", "jdbc:mariadb://db/coupon")))
                .hasMessageContaining("jdbc:mysql:");
        assertThatThrownBy(() -> SinkConfig.fromEnv(Map.of("SINK_BATCH_SIZE", "0")))
                .hasMessageContaining("SINK_BATCH_SIZE");
        assertThatThrownBy(() -> SinkConfig.fromEnv(Map.of("SINK_RETRY_FIRST_MS", "500", "SINK_RETRY_MAX_MS", "100")))
                .hasMessageContaining("SINK_RETRY_MAX_MS");
    }
}
