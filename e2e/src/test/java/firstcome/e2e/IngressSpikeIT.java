package firstcome.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import firstcome.testkit.Infrastructure;
import firstcome.testkit.InfrastructureExtension;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.ToDoubleFunction;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The same spike against one ingress and against two behind a round-robin balancer, in one run on
 * one pipeline: each round a fresh event of limit 1,000 and 20,000 applications from distinct users
 * over 64 connections in a closed loop, the rounds interleaved (one, two, one, two, ...) so that
 * whatever else the machine does falls on both alike. Prints a markdown table (answers per second
 * in the accept phase and over the whole spike, latency p50 and p99, per round and the median of
 * each) for BENCHMARKS.md, "Scale-out"; asserts only that each round issued exactly its limit.
 * Runs with {@code make test-scale}; {@code -Dspike.applications=n}, {@code -Dspike.rounds=n}
 * (rounds per ingress count) scale it.
 */
@ExtendWith(InfrastructureExtension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class IngressSpikeIT {

    private static final int APPLICATIONS = Integer.getInteger("spike.applications", 20_000);
    private static final int ROUNDS = Integer.getInteger("spike.rounds", 3);
    private static final int CONNECTIONS = 64;
    private static final int LIMIT = 1_000;
    private static final Duration START = Duration.ofSeconds(90);

    private record Round(int number, int ingresses, ClosedLoopSpike.Result result) {
    }

    private Pipeline pipeline;
    private ServiceProcess secondIngress;
    private final List<Round> rounds = new ArrayList<>();

    @BeforeAll
    void startAPipelineWithTwoIngresses(Infrastructure infrastructure) throws Exception {
        pipeline = new Pipeline(infrastructure);
        secondIngress = ProcessorInstances.another(pipeline, "ingress", "spike-ingress-2", Map.of());
        secondIngress.awaitHealthy(START);
    }

    @AfterAll
    void printTheTableAndStop() {
        printTable();
        if (secondIngress != null) {
            secondIngress.close();
        }
        if (pipeline != null) {
            pipeline.close();
        }
    }

    @Test
    void issuesExactlyTheLimitBehindOneIngressAndBehindTwo() throws Exception {
        Promises promises = new Promises(pipeline);
        for (int round = 1; round <= 2 * ROUNDS; round++) {
            List<String> ingresses = round % 2 == 1 ? List.of(pipeline.ingress.url())
                    : List.of(pipeline.ingress.url(), secondIngress.url());
            String event = "spike-" + UUID.randomUUID().toString().substring(0, 8);
            assertThat(pipeline.shoppers().defineEvent(event, LIMIT).statusCode()).isEqualTo(200);

            ClosedLoopSpike.Result result = new ClosedLoopSpike(ingresses, CONNECTIONS).run(event, APPLICATIONS);
            rounds.add(new Round(round, ingresses.size(), result));
            System.out.printf("spike round %d, %d ingress(es): %s%n", round, ingresses.size(), result.statuses());

            assertThat(result.answers().counts().keySet()).as("no 5xx but 503 in round %d: %s", round, result.statuses())
                    .allMatch(status -> status < 500 || status == 503);
            // A 202 the shopper never heard (a timeout) is a place all the same: at most the limit heard, and some.
            assertThat(result.answers().acceptedUsers()).as("users told 202 in round %d", round)
                    .isNotEmpty().hasSizeLessThanOrEqualTo(LIMIT);
            promises.assertExactlyTheLimitOnce(event, LIMIT);
            promises.assertEveryAcceptedUserIssued(result.answers().acceptedUsers(), ingresses);
        }
    }

    private void printTable() {
        if (rounds.isEmpty()) {
            return;
        }
        System.out.printf("The spike behind one ingress and behind two (%,d applications from distinct users, %d connections"
                + " in a closed loop, limit %,d; load average %.2f at the end):%n", APPLICATIONS, CONNECTIONS, LIMIT,
                ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
        System.out.println("| round | ingresses | answers/s, accept phase | answers/s, whole spike | p50 | p99 | answers by status |");
        System.out.println("|---:|---:|---:|---:|---:|---:|---|");
        for (Round round : rounds) {
            ClosedLoopSpike.Result result = round.result();
            System.out.printf("| %d | %d | %,.0f | %,.0f | %.1f ms | %.1f ms | %s |%n", round.number(), round.ingresses(),
                    result.acceptPhaseRate(), result.rate(), result.latencyMillis(50), result.latencyMillis(99), result.statuses());
        }
        for (int ingresses = 1; ingresses <= 2; ingresses++) {
            int count = ingresses;
            List<ClosedLoopSpike.Result> results = rounds.stream().filter(round -> round.ingresses() == count)
                    .map(Round::result).toList();
            System.out.printf("| median | %d | %,.0f | %,.0f | %.1f ms | %.1f ms | |%n", ingresses,
                    median(results, ClosedLoopSpike.Result::acceptPhaseRate), median(results, ClosedLoopSpike.Result::rate),
                    median(results, result -> result.latencyMillis(50)), median(results, result -> result.latencyMillis(99)));
        }
    }

    private static double median(List<ClosedLoopSpike.Result> results, ToDoubleFunction<ClosedLoopSpike.Result> figure) {
        List<Double> sorted = results.stream().map(figure::applyAsDouble).sorted(Comparator.naturalOrder()).toList();
        if (sorted.isEmpty()) {
            return Double.NaN;
        }
        int middle = sorted.size() / 2;
        return sorted.size() % 2 == 1 ? sorted.get(middle) : (sorted.get(middle - 1) + sorted.get(middle)) / 2;
    }
}
