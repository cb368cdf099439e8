package firstcome.processor;

import static firstcome.processor.TopologyFixture.T0;
import static org.assertj.core.api.Assertions.assertThat;

import firstcome.contract.ActionType;
import firstcome.contract.Topics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.nio.file.Path;
import java.util.Properties;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What the streams-processor's {@code /metrics} says of its decisions, its state and its JVM. */
class StreamsProcessorMetricsTest {

    @TempDir
    Path stateDir;

    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final StreamsProcessorMetrics metrics = new StreamsProcessorMetrics(registry);

    @AfterEach
    void close() {
        metrics.close();
        registry.close();
    }

    @Test
    void countsEachDecisionWrittenToCouponDecisionsByKindAndOutcome() {
        try (var fixture = new TopologyFixture(stateDir, metrics.observer())) {
            fixture.define("e", 1);
            fixture.apply("e", "u-1", T0.plusMillis(1));
            fixture.apply("e", "u-2", T0.plusMillis(2));
            fixture.apply("e", "u-1", T0.plusMillis(3));
            fixture.apply("nowhere", "u-3", T0.plusMillis(4));
            fixture.act("e", "u-1", ActionType.REDEEM, "o-1", T0.plusMillis(5));
            fixture.act("e", "u-2", ActionType.REDEEM, "o-2", T0.plusMillis(6));

            assertThat(fixture.decisionsPublished()).hasSize(6);
        }

        assertThat(decisions("request", "ISSUED")).isEqualTo(1);
        assertThat(decisions("request", "SOLD_OUT")).isEqualTo(1);
        assertThat(decisions("request", "DUPLICATE")).isEqualTo(1);
        assertThat(decisions("request", "UNKNOWN_EVENT")).isEqualTo(1);
        assertThat(decisions("action", "REDEEMED")).isEqualTo(1);
        assertThat(decisions("action", "NOT_ISSUED")).isEqualTo(1);
        assertThat(decisions("request", "WAITLISTED")).isZero();
        assertThat(decisions("action", "ISSUED")).isZero();
    }

    @Test
    void showsEveryOutcomeOfItsKindFromTheStartAndNoOtherPairs() {
        String scrape = registry.scrape();

        assertThat(scrape).contains("processor_decisions_total{kind=\"request\",outcome=\"NOT_DRAWN\"} 0.0")
                .contains("processor_decisions_total{kind=\"action\",outcome=\"RETURNED\"} 0.0")
                .doesNotContain("processor_decisions_total{kind=\"action\",outcome=\"SOLD_OUT\"}")
                .doesNotContain("processor_decisions_total{kind=\"request\",outcome=\"REDEEMED\"}");
    }

    @Test
    void showsTheClientsStateAsOneForTheStateItIsInAndZeroForTheOthers() {
        Properties settings = StreamsSettings.of(
                new ProcessorConfig("localhost:1", "metrics-test", stateDir, 0, "localhost", 1), Topics.standard());
        settings.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.AT_LEAST_ONCE);
        try (var streams = new KafkaStreams(IssuingTopology.build(Topics.standard()), settings)) {
            metrics.watch(streams);

            assertThat(state("CREATED")).isEqualTo(1);
            assertThat(state("RUNNING")).isZero();
            assertThat(state("ERROR")).isZero();
        }
    }

    @Test
    void exportsTheJvmsMemoryGcThreadsAndCpu() {
        assertThat(registry.scrape()).contains("jvm_memory_used_bytes{", "jvm_gc_memory_allocated_bytes_total",
                "jvm_gc_overhead", "jvm_threads_live_threads", "process_cpu_usage");
    }

    private double decisions(String kind, String outcome) {
        return registry.get("processor.decisions").tag("kind", kind).tag("outcome", outcome).counter().count();
    }

    private double state(String state) {
        return registry.get("processor.streams.state").tag("state", state).gauge().value();
    }
}
