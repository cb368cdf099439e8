package firstcome.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import firstcome.testkit.Infrastructure;
import firstcome.testkit.InfrastructureExtension;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Every service stopped with SIGTERM, as a supervisor or a rolling restart stops it, while
 * applications stream in through two ingresses behind a round-robin balancer: two of each service
 * run, and one of each is stopped in turn (an ingress, a processor, a sink). Each exits 0 within its
 * bound (the figures are printed), nothing accepted is lost, the shoppers hear no 5xx but 503 with
 * {@code Retry-After}, and the other processor answers the stopped one's events soon after.
 * Runs with {@code make test-scale} (docs/scaling.md, "Graceful shutdown").
 */
@ExtendWith(InfrastructureExtension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class GracefulShutdownIT {

    private static final int LIMIT = 100;
    private static final Duration PACE = Duration.ofMillis(6);
    private static final Map<String, String> BOUNDS = TwoOfEach.STOP_BOUNDS;
    private static final Duration START = TwoOfEach.START;
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();

    private TwoOfEach services;
    private Pipeline pipeline;
    private ServiceProcess secondProcessor;
    private ServiceProcess secondSink;
    private ServiceProcess secondIngress;
    private final List<String> figures = new ArrayList<>();

    @BeforeAll
    void startTwoOfEach(Infrastructure infrastructure) throws Exception {
        services = TwoOfEach.beside(new Pipeline(infrastructure, BOUNDS), "");
        pipeline = services.pipeline;
        secondProcessor = services.secondProcessor;
        secondSink = services.secondSink;
        secondIngress = services.secondIngress;
    }

    @AfterAll
    void stopEverything() {
        figures.forEach(System.out::println);
        if (services != null) {
            services.close();
        }
    }

    @Test
    void stopsAnIngressAProcessorAndASinkMidStreamWithinTheirBoundsLosingNothing() throws Exception {
        List<String> events = ProcessorInstances.onePerPartition("graceful");
        for (String event : events) {
            assertThat(pipeline.shoppers().defineEvent(event, LIMIT).statusCode()).isEqualTo(200);
        }
        ProcessorInstances.awaitShared(pipeline.processor, secondProcessor, events, START);

        try (RoundRobinShoppers shoppers = new RoundRobinShoppers(services.ingressUrls(), 16)
                .start(applications(events), PACE)) {
            awaitAccepted(shoppers, events.size() * LIMIT / 10);

            // An ingress: readiness down at once, a drain, then 503 + Retry-After while those in flight are answered.
            assertThat(stop(secondIngress, "ingress", BOUNDS.get("INGRESS_SHUTDOWN_TIMEOUT_MS"), () -> {
                await("readiness down during the drain").atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(50))
                        .until(() -> readiness(secondIngress) == 503);
                figures.add("  ingress readiness answered 503 during the drain");
            })).as("the ingress's exit status").isZero();

            // A processor: its tasks move to the other one at once (it leaves the group), measured until
            // every one of its events' look-ups is answered by the other again.
            Set<String> moved = ProcessorInstances.ownedBy(secondProcessor.url(), events);
            assertThat(moved).as("the second processor holds tasks").isNotEmpty();
            CompletableFuture<long[]> processorExit = ProcessorInstances.signal(() -> secondProcessor.terminate(Duration.ofSeconds(30)));
            await("the other processor answers the moved events").atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(50))
                    .until(() -> moved.stream().allMatch(event ->
                            ProcessorInstances.answered(ProcessorInstances.status(pipeline.processor.url(), event, "nobody", false))));
            long takenOverAt = System.nanoTime();
            long[] processorEnded = processorExit.get(60, TimeUnit.SECONDS);
            int processorStatus = (int) processorEnded[0];
            long takenOver = TimeUnit.NANOSECONDS.toMillis(takenOverAt - processorEnded[2]);
            long processorStopped = TimeUnit.NANOSECONDS.toMillis(processorEnded[1] - processorEnded[2]);
            figures.add(String.format("  streams-processor: SIGTERM -> exit %d (bound %s ms); its %d event(s) answered by the other"
                    + " instance %d ms after the signal", processorStatus, BOUNDS.get("PROCESSOR_SHUTDOWN_TIMEOUT_MS"),
                    moved.size(), takenOver));
            figures.add(String.format("  streams-processor exited %d ms after the signal", processorStopped));
            assertThat(processorStatus).as("the processor's exit status").isZero();

            // A sink: the batch in hand written and committed, the consumer leaving the group.
            assertThat(stop(secondSink, "sink", BOUNDS.get("SINK_SHUTDOWN_TIMEOUT_MS"), () -> { })).as("the sink's exit status").isZero();

            await("every shopper has a final answer").atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(200))
                    .until(shoppers::done);
            figures.add("  answers by status: " + shoppers.answers() + "; connections refused " + shoppers.refused()
                    + ", dropped with a request on them " + shoppers.dropped());
            assertThat(shoppers.answers().keySet()).as("no 5xx but 503: %s", shoppers.answers())
                    .allMatch(status -> status < 500 || status == 503);
            assertThat(shoppers.unavailableWithoutRetryAfter()).as("503s without Retry-After").isZero();

            Promises promises = new Promises(pipeline);
            for (String event : events) {
                promises.assertExactlyTheLimitOnce(event, LIMIT);
            }
            // Asked through the ingress that still runs.
            promises.assertEveryAcceptedUserIssued(shoppers.acceptedUsers(), List.of(pipeline.ingress.url()));
        }
    }

    /** SIGTERM to {@code service}, {@code meanwhile} run while it stops; returns its exit status and records the time it took. */
    private int stop(ServiceProcess service, String name, String boundMillis, Runnable meanwhile) throws Exception {
        CompletableFuture<long[]> exit = ProcessorInstances.signal(() -> service.terminate(Duration.ofSeconds(30)));
        meanwhile.run();
        long[] ended = exit.get(60, TimeUnit.SECONDS);
        figures.add(String.format("  %s: SIGTERM -> exit %d after %d ms (bound %s ms)", name, ended[0],
                TimeUnit.NANOSECONDS.toMillis(ended[1] - ended[2]), boundMillis));
        return (int) ended[0];
    }

    private static int readiness(ServiceProcess service) {
        try {
            return HTTP.send(HttpRequest.newBuilder(URI.create(service.url() + "/health/ready")).timeout(Duration.ofSeconds(2)).build(),
                    HttpResponse.BodyHandlers.discarding()).statusCode();
        } catch (IOException e) {
            return -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
    }

    /** 250 users per event, a third of them pressing twice, shuffled over all the events: 2.5 times the demand. */
    private static List<String[]> applications(List<String> events) {
        Map<String, Integer> applicants = new HashMap<>();
        events.forEach(event -> applicants.put(event, LIMIT * 5 / 2));
        return Crowd.applications(applicants, 42);
    }

    private static void awaitAccepted(RoundRobinShoppers shoppers, int count) {
        await("a tenth of the coupons accepted").atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(20))
                .until(() -> shoppers.acceptedUsers().size() >= count);
    }
}
