package firstcome.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class CostBenchmarkTest {

    @Test
    void readsBackThePartLineAPartJvmPrints() {
        PartCost store = new PartCost("store", 100_000, sides("streams-JVM", 3.5, "kafka", 1.25));

        PartCost read = PartCost.parse(store.line());

        assertThat(read).isEqualTo(store);
        assertThat(read.microsPerOperation()).isCloseTo(47.5, within(1e-9));
        assertThat(read.sides()).isEqualTo("streams-JVM 35.0 + kafka 12.5");
        assertThat(PartCost.parse("bench: something else")).isNull();
    }

    @Test
    void dividesTheStacksCpuByThePersistedRowsAndComparesItWithTheSumOfTheParts() {
        CostBenchmark.Result result = phaseOf10000(null);

        assertThat(result.microsPerCoupon()).isCloseTo(300, within(1e-9));
        assertThat(result.partsMicros()).isCloseTo(120, within(1e-9));
        assertThat(result.acceptRate()).isCloseTo(2_000, within(1e-9));
        assertThat(result.compilerMicrosPerCoupon()).isCloseTo(60, within(1e-9));
        assertThat(result.row()[3]).isEqualTo("2.50× (goal ≤ 3×); 2.00× without the stack's JIT compiler threads' time, "
                + "counted as the parts are (at most: a compiler thread that ended meanwhile is missed)");
        assertThat(result.row()[1]).contains("300 µs per coupon (ingress 200, kafka 100 µs), of it the JIT compiler threads' at least 60 µs (kafka 60)")
                .endsWith("the generator (wrk, not counted) 36 µs per application");
        assertThat(result.html()).contains("<svg").contains("ingress 200.0 µs").contains("store (streams-JVM 20.0 + kafka 10.0) 30.0 µs");
    }

    @Test
    void setsTheHttpRequestAloneBesideThePartsNotAmongThem() {
        var http = new CostBenchmark.HttpCost(10_000, 1_950, 1.5, List.of("-Xmx512m", "-XX:TieredStopAtLevel=1"));
        CostBenchmark.Result result = phaseOf10000(http);

        assertThat(http.microsPerRequest()).isCloseTo(150, within(1e-9));
        assertThat(result.partsMicros()).isCloseTo(120, within(1e-9));
        assertThat(result.row()[3]).startsWith("2.50× (goal ≤ 3×); 2.00× without")
                .endsWith("; against the parts plus the HTTP request: 1.11×, and 0.89× without the stack's JIT compiler threads' time");
        assertThat(result.row()[2]).endsWith("not one of the parts, the HTTP request alone at this phase's rate: a bare Javalin "
                + "handler with the ingress's JVM options (-Xmx512m -XX:TieredStopAtLevel=1) at most 150.0 µs per request "
                + "(10,000 at 1,950/s, after a warm-up; its JIT compiler threads' time left out as the parts' is)");
        assertThat(result.html()).contains("parts + HTTP request")
                .contains("the HTTP request alone (a bare Javalin handler) 150.0 µs");
    }

    @Test
    void takesTheJvmOptionsOfTheServicesCommandLine() {
        assertThat(CostBenchmark.jvmOptions(List.of("java", "-Xmx512m", "-XX:TieredStopAtLevel=1", "-jar", "ingress.jar")))
                .containsExactly("-Xmx512m", "-XX:TieredStopAtLevel=1");
        assertThat(CostBenchmark.jvmOptions(List.of("java", "-jar", "ingress.jar"))).isEmpty();
        assertThat(CostBenchmark.jvmOptions(List.of("java", "-Xms256m", "-Xss1m", "-XX:+UseSerialGC", "-Dapp.name=ingress",
                "-Xlog:gc:file=gc.log", "-XX:HeapDumpPath=/var/dumps", "-XX:+HeapDumpOnOutOfMemoryError",
                "-XX:StartFlightRecording=filename=ingress.jfr", "-javaagent:agent.jar", "-jar", "ingress.jar")))
                .containsExactly("-Xms256m", "-Xss1m", "-XX:+UseSerialGC");
        assertThat(CostBenchmark.jvmOptions(List.of("java", "-cp", "x", "Main"))).containsExactly("-Xmx512m");
        assertThat(CostBenchmark.jvmOptions((String) null)).containsExactly("-Xmx512m");
    }

    @Test
    void takesTheCompilersTimeOutThreadByThread() {
        var before = new StackCpu(Map.of("kafka", 10.0, "redis", 5.0),
                Map.of("kafka", Map.of("11", 300L, "12", 100L), "redis", Map.of()));
        var after = new StackCpu(Map.of("kafka", 14.0, "redis", 6.0, "sink", 2.0),
                Map.of("kafka", Map.of("11", 450L, "13", 50L), "redis", Map.of(), "sink", Map.of("21", 100L)));

        // kafka: 4 s in all; its compilers: thread 11 150 ticks more, 13 new with 50, 12 ended (missed).
        assertThat(after.since(before)).containsEntry("kafka", 4.0).containsEntry("redis", 1.0).containsEntry("sink", 0.0);
        assertThat(after.compilersSince(before)).containsEntry("kafka", 2.0).containsEntry("redis", 0.0).containsEntry("sink", 0.0);
        assertThat(after.withoutCompilersSince(before)).containsEntry("kafka", 2.0).containsEntry("redis", 1.0)
                .containsEntry("sink", 0.0);
    }

    @Test
    void readsTheProcessesItIsGivenAndLeavesOutOneThatIsNotThere() {
        String self = Long.toString(ProcessHandle.current().pid());

        StackCpu reading = StackCpu.read(Map.of("bench", self, "gone", "999999999"));

        assertThat(reading.seconds()).containsOnlyKeys("bench");
        assertThat(reading.seconds().get("bench")).isPositive();
        assertThat(reading.compilerTicks()).containsOnlyKeys("bench");
        assertThat(reading.withoutCompilersSince(reading)).containsEntry("bench", 0.0);
    }

    @Test
    void givesNoRatioWhenAPartIsMissing() {
        CostBenchmark.Result result = new CostBenchmark.Result(10, 10, 10, 1.0, 1.0, sides("ingress", 1.0, "kafka", 1.0),
                sides("ingress", 0.0, "kafka", 0.0), List.of(new PartCost("gate", 10, sides("redis", 0.001, "redis-benchmark", 0.001))),
                "1.00", 40, null);

        assertThat(result.row()[3]).isEqualTo("— (parts missing)");
    }

    /** 10,000 coupons for 3 s of CPU (0.6 of it Kafka's compilers), four parts of 30 µs each. */
    private static CostBenchmark.Result phaseOf10000(CostBenchmark.HttpCost http) {
        return new CostBenchmark.Result(10_000, 10_000, 10_000, 5.0, 6.0,
                sides("ingress", 2.0, "kafka", 1.0), sides("ingress", 0.0, "kafka", 0.6),
                List.of(new PartCost("gate", 1_000, sides("redis", 0.02, "redis-benchmark", 0.01)),
                        new PartCost("produce", 1_000, sides("producer-JVM", 0.02, "kafka", 0.01)),
                        new PartCost("store", 1_000, sides("streams-JVM", 0.02, "kafka", 0.01)),
                        new PartCost("upsert", 1_000, sides("writer-JVM", 0.02, "mysql", 0.01))), "1.00", 36.4, http);
    }

    private static Map<String, Double> sides(String first, double firstSeconds, String second, double secondSeconds) {
        Map<String, Double> sides = new LinkedHashMap<>();
        sides.put(first, firstSeconds);
        sides.put(second, secondSeconds);
        return sides;
    }
}
