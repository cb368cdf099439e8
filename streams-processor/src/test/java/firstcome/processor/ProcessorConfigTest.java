package firstcome.processor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import firstcome.contract.StartupFailure;
import firstcome.contract.Topics;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ProcessorConfigTest {

    @Test
    void takesTheContractDefaultsFromAnEmptyEnvironment() {
        assertThat(ProcessorConfig.fromEnv(Map.of()).eventRetention()).isEqualTo(Duration.ofDays(7));
        assertThat(ProcessorConfig.fromEnv(Map.of())).isEqualTo(new ProcessorConfig("localhost:9092", "firstcome-processor",
                Path.of(".local/streams"), 8081, "localhost", 1, Topics.ISSUED, Topics.DECISIONS));
    }

    @Test
    void keepsAStandbyOfEachTaskAndStopsWithinItsBound() {
        ProcessorConfig defaults = ProcessorConfig.fromEnv(Map.of());
        assertThat(defaults.standbyReplicas()).isEqualTo(1);
        assertThat(defaults.shutdownTimeout()).isEqualTo(Duration.ofSeconds(10));
        assertThat(StreamsSettings.of(defaults, Topics.standard()).get("num.standby.replicas")).isEqualTo(1);

        ProcessorConfig set = ProcessorConfig.fromEnv(Map.of("PROCESSOR_STANDBY_REPLICAS", "0", "PROCESSOR_SHUTDOWN_TIMEOUT_MS", "3000"));
        assertThat(StreamsSettings.of(set, Topics.standard()).get("num.standby.replicas")).isEqualTo(0);
        assertThat(set.shutdownTimeout()).isEqualTo(Duration.ofSeconds(3));
        assertThatThrownBy(() -> ProcessorConfig.fromEnv(Map.of("PROCESSOR_STANDBY_REPLICAS", "-1")))
                .hasMessage("PROCESSOR_STANDBY_REPLICAS must be 0 or more, was -1");
        assertThatThrownBy(() -> ProcessorConfig.fromEnv(Map.of("PROCESSOR_SHUTDOWN_TIMEOUT_MS", "0")))
                .hasMessage("PROCESSOR_SHUTDOWN_TIMEOUT_MS must be 1 or more, was 0");
    }

    @Test
    void readsEverySettingFromItsVariable() {
        ProcessorConfig config = ProcessorConfig.fromEnv(Map.of(
                "KAFKA_BOOTSTRAP_SERVERS", "broker:29092",
                "PROCESSOR_APPLICATION_ID", "replay-1",
                "PROCESSOR_STATE_DIR", "/var/streams",
                "PROCESSOR_PORT", " 9081 ",
                "PROCESSOR_HOST", "processor-0",
                "PROCESSOR_THREADS", "4",
                "PROCESSOR_ISSUED_TOPIC", "coupon-issued-replay",
                "PROCESSOR_DECISIONS_TOPIC", "coupon-decisions-replay",
                "EVENT_RETENTION", "PT12H"));

        assertThat(config).isEqualTo(new ProcessorConfig("broker:29092", "replay-1", Path.of("/var/streams"), 9081,
                "processor-0", 4, "coupon-issued-replay", "coupon-decisions-replay").withEventRetention(Duration.ofHours(12)));
    }

    @Test
    void bindsTheAddressHttpHostNames() {
        assertThat(ProcessorConfig.fromEnv(Map.of()).httpHost()).isEqualTo("0.0.0.0");
        assertThat(ProcessorConfig.fromEnv(Map.of("HTTP_HOST", "127.0.0.1")).httpHost()).isEqualTo("127.0.0.1");
        assertThatThrownBy(() -> ProcessorConfig.fromEnv(Map.of("HTTP_HOST", "a host"))).hasMessageContaining("HTTP_HOST");
    }

    @Test
    void refusesSettingsThatCannotWork() {
        assertThatThrownBy(() -> ProcessorConfig.fromEnv(Map.of("PROCESSOR_PORT", "eighty")))
                .hasMessageContaining("PROCESSOR_PORT must be a whole number");
        assertThatThrownBy(() -> ProcessorConfig.fromEnv(Map.of("PROCESSOR_PORT", "70000")))
                .hasMessageContaining("PROCESSOR_PORT");
        assertThatThrownBy(() -> ProcessorConfig.fromEnv(Map.of("PROCESSOR_THREADS", "0")))
                .hasMessageContaining("PROCESSOR_THREADS");
        assertThatThrownBy(() -> ProcessorConfig.fromEnv(Map.of("KAFKA_BOOTSTRAP_SERVERS", " ")))
                .hasMessageContaining("KAFKA_BOOTSTRAP_SERVERS");
        assertThatThrownBy(() -> ProcessorConfig.fromEnv(Map.of("EVENT_RETENTION", "a week")))
                .hasMessageContaining("EVENT_RETENTION");
    }

    @Test
    void runsTheStreamsClientsWithTheClientFileUnderTheirExactlyOnceSettings(@TempDir Path dir) throws IOException {
        Path file = Files.writeString(dir.resolve("kafka.properties"), "security.protocol=SSL\nproducer.linger.ms=5\n");
        ProcessorConfig config = ProcessorConfig.fromEnv(Map.of("KAFKA_BOOTSTRAP_SERVERS", "broker:29092",
                "KAFKA_CLIENT_CONFIG", file.toString()));

        Properties settings = StreamsSettings.of(config, Topics.standard());

        assertThat(settings)
                .containsEntry("bootstrap.servers", "broker:29092")
                .containsEntry("security.protocol", "SSL")
                .containsEntry("producer.linger.ms", "5")
                .containsEntry("processing.guarantee", "exactly_once_v2")
                .containsEntry("max.task.idle.ms", 500L)
                .containsEntry("application.id", "firstcome-processor");
    }

    @Test
    void refusesAClientFileThatWouldChangeTheProcessingGuarantee(@TempDir Path dir) throws IOException {
        Path file = Files.writeString(dir.resolve("kafka.properties"), "processing.guarantee=at_least_once\n");

        assertThatThrownBy(() -> ProcessorConfig.fromEnv(Map.of("KAFKA_CLIENT_CONFIG", file.toString())))
                .isInstanceOf(StartupFailure.class)
                .hasMessageContaining("KAFKA_CLIENT_CONFIG=" + file + " sets processing.guarantee");
    }
}
