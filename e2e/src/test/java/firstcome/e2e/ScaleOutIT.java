package firstcome.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import firstcome.contract.Topics;
import firstcome.stackkit.DirectoryTree;
import firstcome.testkit.Infrastructure;
import firstcome.testkit.InfrastructureExtension;
import firstcome.testkit.KafkaCluster;
import firstcome.testkit.RedisCluster;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * firstcome scaled out as production runs it, and everything under it taken away in turn while a
 * spike goes on: a three-node Kafka cluster with the production topic settings, a Redis Cluster
 * for the gate, two instances of every service (two ingresses behind a round-robin client, each
 * asking its own processor). Six events, one per partition, one of them hot with most of the
 * shoppers, who come in two waves. In the first the broker leading the hot event's partition of
 * {@code coupon-requests} is killed ({@code kill -9}) and later started again; in the second every
 * service is rolled one instance at a time (SIGTERM, started again with the same settings,
 * healthy, the next), the hot event still giving out coupons. Throughout, shoppers ask
 * both ingresses for the status of their application. In the end: exactly {@code limit} coupons per
 * event, numbered 1..limit, no user twice, every 202 issued, no 5xx but 503 with
 * {@code Retry-After} to applications or look-ups, and look-ups answered by each ingress. Figures
 * are printed, never asserted. Runs with {@code make test-scale} (docs/scaling.md, "The scale-out proof").
 */
@ExtendWith(InfrastructureExtension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ScaleOutIT {

    /**
     * The hot event: a few of its shoppers come while the broker dies, most while the services roll,
     * so that coupons are still being given out then; it sells out late in the second wave.
     */
    private static final int HOT_LIMIT = 1_000;
    private static final int HOT_FIRST_WAVE = 300;
    private static final int HOT_SECOND_WAVE = 900;
    /** The other events sell out in the first wave; their second wave hears "sold out". */
    private static final int LIMIT = 50;
    private static final int FIRST_WAVE = 100;
    private static final int SECOND_WAVE = 50;
    private static final Duration PACE = Duration.ofMillis(40);
    private static final Duration SECOND_WAVE_PACE = Duration.ofMillis(50);
    private static final Duration START = TwoOfEach.START;

    private Path clusterDir;
    private KafkaCluster cluster;
    private TwoOfEach services;
    private Pipeline pipeline;
    private final List<String> figures = new ArrayList<>();
    private final List<String> crashes = new ArrayList<>();

    @BeforeAll
    void startTheClustersAndTwoOfEach(Infrastructure infrastructure) throws Exception {
        long started = System.nanoTime();
        // Beside the services' logs, kept after the run: the brokers' logs tell what a failure needs to know.
        clusterDir = Path.of(System.getProperty("firstcome.logs", "target/service-logs")).resolve("scale-out-kafka");
        DirectoryTree.delete(clusterDir);
        cluster = KafkaCluster.start(clusterDir);
        // With the production replication before the pipeline starts: it only creates what is missing.
        cluster.createTopics(Topics.standard(), Topics.DEFAULT_PARTITIONS);
        RedisCluster redis = infrastructure.redisCluster();
        Map<String, String> settings = new LinkedHashMap<>(TwoOfEach.STOP_BOUNDS);
        settings.put("REDIS_URL", redis.url());
        settings.put("REDIS_CLUSTER", "true");
        services = TwoOfEach.beside(new Pipeline(infrastructure, cluster.bootstrapServers(), settings), "scale-");
        pipeline = services.pipeline;
        figures.add(String.format("  three brokers, a Redis Cluster and two of each service ready in %,d ms", millisSince(started)));
    }

    @AfterAll
    void stopEverything() {
        System.out.println("Scale-out under a spike (ScaleOutIT):");
        figures.forEach(System.out::println);
        if (services != null) {
            services.close();
        }
        if (cluster != null) {
            cluster.close();
        }
    }

    @Test
    void keepsEveryPromiseWhileABrokerDiesAndEveryServiceIsRolled() throws Exception {
        // given: six events, one per partition, the first one hot
        List<String> events = ProcessorInstances.onePerPartition("scale");
        String hot = events.get(0);
        Map<String, Integer> limits = new LinkedHashMap<>();
        Map<String, Integer> firstWave = new LinkedHashMap<>();
        Map<String, Integer> secondWave = new LinkedHashMap<>();
        for (String event : events) {
            limits.put(event, event.equals(hot) ? HOT_LIMIT : LIMIT);
            firstWave.put(event, event.equals(hot) ? HOT_FIRST_WAVE : FIRST_WAVE);
            secondWave.put(event, event.equals(hot) ? HOT_SECOND_WAVE : SECOND_WAVE);
            define(event, limits.get(event));
        }
        ProcessorInstances.awaitShared(pipeline.processor, services.secondProcessor, events, START);
        List<String> ingresses = services.ingressUrls();
        List<String[]> whileTheBrokerDies = Crowd.applications(firstWave, 19);
        List<String[]> whileTheServicesRoll = Crowd.applications(secondWave, HOT_FIRST_WAVE + FIRST_WAVE + 1, 20);
        figures.add(String.format("  6 events (the hot one: limit %,d, %,d + %,d applicants; the others: limit %d, %d + %d"
                + " applicants), a third of the users pressing twice: %,d applications one every %d ms while the broker"
                + " dies, %,d one every %d ms while the services roll", HOT_LIMIT, HOT_FIRST_WAVE, HOT_SECOND_WAVE, LIMIT,
                FIRST_WAVE, SECOND_WAVE, whileTheBrokerDies.size(), PACE.toMillis(), whileTheServicesRoll.size(),
                SECOND_WAVE_PACE.toMillis()));

        try (RoundRobinShoppers shoppers = new RoundRobinShoppers(ingresses, 16).start(whileTheBrokerDies, PACE);
                StatusLookups lookups = new StatusLookups(ingresses, shoppers::acceptedUsers).start(Duration.ofMillis(20))) {
            long spikeStarted = System.nanoTime();
            awaitAccepted(shoppers, 100);

            // when: the broker leading the hot event's partition dies, and comes back later
            String requests = Topics.standard().requests().name();
            int partition = ProcessorInstances.partition(hot);
            int leader = cluster.leaderOf(requests, partition);
            int acceptedBefore = shoppers.accepted();
            long killed = System.nanoTime();
            cluster.kill(leader);
            await("a new leader for " + requests + "-" + partition).atMost(Duration.ofSeconds(60))
                    .pollInterval(Duration.ofMillis(100)).ignoreExceptions()
                    .until(() -> cluster.leaderOf(requests, partition) != leader);
            long newLeader = millisSince(killed);
            awaitAccepted(shoppers, acceptedBefore + 100);
            int acceptedWhileGone = shoppers.accepted() - acceptedBefore;
            cluster.start(leader, Duration.ofMinutes(3));
            figures.add(String.format("  broker %d (leader of %s-%d, the hot event's) killed %,d ms into the spike: a new leader"
                    + " after %,d ms, %d applications accepted meanwhile, the broker serving again %,d ms after the kill",
                    leader, requests, partition, TimeUnit.NANOSECONDS.toMillis(killed - spikeStarted), newLeader,
                    acceptedWhileGone, millisSince(killed)));

            // and: every service rolled, one instance at a time, while the second wave comes
            shoppers.start(whileTheServicesRoll, SECOND_WAVE_PACE);
            long rollStarted = System.nanoTime();
            int acceptedBeforeTheRolls = shoppers.accepted();
            roll("ingress 1", pipeline.ingress);
            roll("ingress 2", services.secondIngress);
            roll("streams-processor 1", pipeline.processor);
            roll("streams-processor 2", services.secondProcessor);
            roll("sink 1", pipeline.sink);
            roll("sink 2", services.secondSink);
            figures.add(String.format("  every service rolled in %,d ms (the second wave scheduled over %,d ms), %d applications"
                    + " accepted meanwhile", millisSince(rollStarted), SECOND_WAVE_PACE.toMillis() * whileTheServicesRoll.size(),
                    shoppers.accepted() - acceptedBeforeTheRolls));

            await("every shopper has a final answer").atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(200))
                    .until(shoppers::done);
            lookups.close();

            // then: the shoppers heard no 5xx but 503 with Retry-After, from applications or look-ups
            figures.add("  applications, answers by status: " + shoppers.answers() + "; connections refused " + shoppers.refused()
                    + ", dropped with a request on them " + shoppers.dropped() + "; " + shoppers.acceptedUsers().size()
                    + " users told 202");
            assertThat(shoppers.answers().keySet()).as("no 5xx but 503: %s", shoppers.answers())
                    .allMatch(status -> status < 500 || status == 503);
            assertThat(shoppers.unavailableWithoutRetryAfter()).as("503s to applications without Retry-After").isZero();
            for (String ingress : ingresses) {
                Map<Integer, Long> answers = lookups.answers(ingress);
                figures.add("  status look-ups through " + ingress + ", answers by status (-1: none): " + answers);
                assertThat(answers.keySet()).as("look-ups through %s: %s", ingress, answers)
                        .allMatch(status -> Set.of(200, 404, 503, StatusLookups.NO_ANSWER).contains(status));
                assertThat(answers.getOrDefault(200, 0L) + answers.getOrDefault(404, 0L))
                        .as("look-ups answered by %s", ingress).isPositive();
            }
            assertThat(lookups.unavailableWithoutRetryAfter()).as("503s to look-ups without Retry-After").isZero();

            // and: exactly the limit of every event, once each, and every 202 issued, as either ingress tells
            Promises promises = new Promises(pipeline);
            for (String event : events) {
                promises.assertExactlyTheLimitOnce(event, limits.get(event));
            }
            promises.assertEveryAcceptedUserIssued(shoppers.acceptedUsers(), ingresses);
            for (ServiceProcess service : List.of(pipeline.ingress, services.secondIngress, pipeline.processor,
                    services.secondProcessor, pipeline.sink, services.secondSink)) {
                if (!service.alive()) {
                    crashes.add(service.url() + " exited by itself after its roll (see its log)");
                }
            }
            assertThat(crashes).as("instances that exited by themselves").isEmpty();
        }
    }

    /**
     * A graceful stop (SIGTERM, exit 0 asserted), a start with the same settings, and the wait until
     * it is healthy. An instance found already exited by itself is started again, as its supervisor
     * would, and counted in {@link #crashes}: the promises are checked first, then the test fails on it.
     */
    private void roll(String name, ServiceProcess service) {
        if (!service.alive()) {
            int status = service.terminate(Duration.ofSeconds(1));
            crashes.add(String.format("%s exited by itself with status %d before its roll (see its log)", name, status));
            figures.add("  " + crashes.get(crashes.size() - 1) + "; started again");
            service.restart(START);
            return;
        }
        noteReplacedThreads(name, service);
        long signalled = System.nanoTime();
        int status = service.terminate(Duration.ofSeconds(30));
        long stopped = millisSince(signalled);
        long starting = System.nanoTime();
        service.restart(START);
        figures.add(String.format("  %s: SIGTERM -> exit %d after %,d ms; started again, healthy after %,d ms", name, status,
                stopped, millisSince(starting)));
        assertThat(status).as("%s's exit status after SIGTERM", name).isZero();
    }

    /**
     * A processor that met a transaction the brokers aborted (a broker killed or back) replaces its
     * stream thread instead of exiting (StreamThreadFailures); the test shows how often that happened.
     */
    private void noteReplacedThreads(String name, ServiceProcess service) {
        try {
            long replaced = service.output().stream()
                    .filter(line -> line.contains("stream thread failed on a transaction the brokers aborted")).count();
            if (replaced > 0) {
                figures.add(String.format("  %s replaced its stream thread %d time(s) after a transaction the brokers aborted", name, replaced));
            }
        } catch (IOException e) {
            figures.add("  " + name + ": its log could not be read (" + e.getMessage() + ")");
        }
    }

    /**
     * Defines the event as an organiser's client does: a 503 (the ingress's producer has no metadata
     * yet on a busy machine, say) is asked again after a moment, any other answer is final.
     */
    private void define(String event, int limit) {
        int[] status = {0};
        await("the definition of " + event + " accepted").atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofSeconds(1))
                .until(() -> {
                    status[0] = pipeline.shoppers().defineEvent(event, limit).statusCode();
                    return status[0] != 503;
                });
        assertThat(status[0]).as("the definition of %s", event).isEqualTo(200);
    }

    private static void awaitAccepted(RoundRobinShoppers shoppers, int count) {
        await(count + " applications accepted").atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(20))
                .until(() -> shoppers.accepted() >= count);
    }

    private static long millisSince(long nanos) {
        return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - nanos);
    }
}
