package firstcome.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import firstcome.contract.CouponRequest;
import firstcome.contract.Json;
import firstcome.contract.Topic;
import firstcome.contract.Topics;
import firstcome.testkit.Infrastructure;
import firstcome.testkit.InfrastructureExtension;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * How long the events of a streams-processor instance go unanswered when it goes away, with and
 * without standby replicas ({@code PROCESSOR_STANDBY_REPLICAS}): two instances share six events (one
 * per partition, so three tasks each) holding sizeable state, then one is stopped with SIGTERM (it
 * leaves the group) or killed with {@code kill -9} (the group notices after the session timeout),
 * and the time from then until every look-up of its events is answered by the other instance is
 * measured. Each cell runs on a broker of its own, so that no instance holds a copy of the other's
 * state from an earlier cell. Times are printed (docs/scaling.md, "Failover"), never asserted; what
 * is asserted is that the moved events answer as they did before. Runs with {@code make test-scale};
 * {@code -Dfailover.requests=n} sets the decided requests per event.
 */
@ExtendWith(InfrastructureExtension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class FailoverIT {

    private static final int REQUESTS_PER_EVENT = Integer.getInteger("failover.requests", 5_000);
    /** Everyone gets a coupon: every request leaves a decision in the stores, so the state grows with the requests. */
    private static final int LIMIT = REQUESTS_PER_EVENT;
    private static final Duration START = Duration.ofSeconds(90);
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();

    private Infrastructure infrastructure;
    private final List<String> table = new ArrayList<>();

    @BeforeAll
    void infrastructure(Infrastructure infrastructure) {
        this.infrastructure = infrastructure;
    }

    @AfterAll
    void printTheFigures() {
        System.out.println("Failover of a streams-processor instance, " + REQUESTS_PER_EVENT + " decided requests per event,"
                + " 6 events, 2 instances:");
        System.out.println("| how it went away | standby replicas | until every moved event answers | instance gone after |");
        System.out.println("|---|---:|---:|---:|");
        table.forEach(System.out::println);
    }

    @ParameterizedTest(name = "{0}, standby replicas {1}")
    @CsvSource({"SIGTERM, 0", "SIGTERM, 1", "kill -9, 0", "kill -9, 1"})
    void theOtherInstanceAnswersTheEventsOfOneThatWentAway(String how, int standbys) throws Exception {
        boolean graceful = how.equals("SIGTERM");
        String name = (graceful ? "term" : "kill") + "-" + standbys;
        try (PausableBroker broker = PausableBroker.start("failover-broker-" + name);
                Pipeline pipeline = new Pipeline(infrastructure, broker.bootstrapServers(),
                        Map.of("PROCESSOR_STANDBY_REPLICAS", String.valueOf(standbys), "INGRESS_SHUTDOWN_DRAIN_MS", "0"))) {
            ServiceProcess second = ProcessorInstances.another(pipeline, "streams-processor", "streams-processor-" + name, Map.of());
            try {
                second.awaitHealthy(START);
                // given: six events, shared by the two instances before they hold any state, then decided
                List<String> events = ProcessorInstances.onePerPartition("failover-" + name);
                for (String event : events) {
                    assertThat(pipeline.shoppers().defineEvent(event, LIMIT).statusCode()).isEqualTo(200);
                }
                ProcessorInstances.awaitShared(pipeline.processor, second, events, START);
                publishRequests(broker.bootstrapServers(), events);
                pipeline.awaitQuiescence(Duration.ofMinutes(5));
                if (standbys > 0) {
                    await("the standbys caught up").atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(250))
                            .until(() -> ProcessorInstances.standbysCaughtUp(pipeline.processor.url())
                                    && ProcessorInstances.standbysCaughtUp(second.url()));
                }
                Set<String> moved = ProcessorInstances.ownedBy(second.url(), events);
                assertThat(moved).as("the second instance's events").isNotEmpty();
                assertDecided(pipeline.processor, events);

                // when: the second instance goes away
                CompletableFuture<long[]> exit = ProcessorInstances.signal(
                        () -> graceful ? second.terminate(Duration.ofSeconds(30)) : killed(second));
                await("the first instance answers the moved events").atMost(Duration.ofSeconds(120))
                        .pollInterval(Duration.ofMillis(50))
                        .until(() -> moved.stream().allMatch(event ->
                                ProcessorInstances.answered(ProcessorInstances.status(pipeline.processor.url(), event, "nobody", false))));
                long answeredAt = System.nanoTime();
                long[] ended = exit.get(60, TimeUnit.SECONDS);
                int status = (int) ended[0];
                long answered = TimeUnit.NANOSECONDS.toMillis(answeredAt - ended[2]);
                long exited = TimeUnit.NANOSECONDS.toMillis(ended[1] - ended[2]);

                // then: the moved events answer as before, from the first instance
                assertDecided(pipeline.processor, events);
                if (graceful) {
                    assertThat(status).as("exit status after SIGTERM").isZero();
                }
                table.add(String.format("| %s | %d | %,d ms | %s |", how, standbys, answered,
                        graceful ? String.format("%,d ms (exit %d)", exited, status) : "at once"));
                System.out.println("failover " + table.get(table.size() - 1));
            } finally {
                second.close();
            }
        }
    }

    private static int killed(ServiceProcess service) {
        service.kill();
        return 137;
    }

    /** {@code REQUESTS_PER_EVENT} applications to each event, straight into coupon-requests, as the gate would let them through. */
    private static void publishRequests(String bootstrapServers, List<String> events) throws Exception {
        Topic<CouponRequest> requests = Topics.standard().requests();
        try (var producer = new KafkaProducer<>(Map.<String, Object>of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                ProducerConfig.ACKS_CONFIG, "all",
                ProducerConfig.LINGER_MS_CONFIG, 5), new ByteArraySerializer(), new ByteArraySerializer())) {
            for (int i = 1; i <= REQUESTS_PER_EVENT; i++) {
                for (String event : events) {
                    var request = new CouponRequest(UUID.randomUUID().toString(), event, "u" + i, Instant.now());
                    producer.send(new ProducerRecord<>(requests.name(), null, request.receivedAt().toEpochMilli(),
                            requests.keySerde().serializer().serialize(requests.name(), event),
                            requests.valueSerde().serializer().serialize(requests.name(), request)));
                }
            }
            producer.flush();
        }
    }

    /** Each event's first comer holds coupon 1 and its last one the last coupon: the state is whole. */
    private static void assertDecided(ServiceProcess processor, List<String> events) throws Exception {
        for (String event : events) {
            JsonNode first = status(processor, event, "u1");
            assertThat(first.path("outcome").asText()).as("%s: u1 %s", event, first).isEqualTo("ISSUED");
            assertThat(first.path("couponNo").asInt()).as("%s: u1 %s", event, first).isEqualTo(1);
            JsonNode last = status(processor, event, "u" + REQUESTS_PER_EVENT);
            assertThat(last.path("outcome").asText()).as("%s: the last %s", event, last).isEqualTo("ISSUED");
            assertThat(last.path("couponNo").asInt()).as("%s: the last %s", event, last).isEqualTo(REQUESTS_PER_EVENT);
        }
    }

    private static JsonNode status(ServiceProcess processor, String event, String user) throws Exception {
        HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(URI.create(processor.url() + "/events/" + event
                        + "/applications/" + user)).header("Authorization", "Bearer " + Pipeline.SHOP_TOKEN)
                .timeout(Duration.ofSeconds(3)).build(), HttpResponse.BodyHandlers.ofString());
        return Json.mapper().readTree(response.body());
    }
}
