package firstcome.ingress.api;

import static firstcome.ingress.RunningIngress.assertOutcome;
import static firstcome.ingress.RunningIngress.requestRecords;
import static firstcome.ingress.RunningIngress.uniqueEventId;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import firstcome.contract.CouponRequest;
import firstcome.contract.Json;
import firstcome.ingress.RunningIngress;
import firstcome.testkit.Infrastructure;
import firstcome.testkit.InfrastructureExtension;
import java.net.http.HttpResponse;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.IntStream;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The ingress over HTTP against the harness's Redis and broker: every outcome, and the spike. */
@ExtendWith(InfrastructureExtension.class)
class ApplyIT {

    private static RunningIngress ingress;
    private static String bootstrapServers;

    @BeforeAll
    static void startIngress(Infrastructure infrastructure) {
        RunningIngress.createTopics(infrastructure);
        bootstrapServers = infrastructure.kafkaBootstrapServers();
        ingress = RunningIngress.start(RunningIngress.config(infrastructure));
    }

    @AfterAll
    static void stopIngress() {
        if (ingress != null) {
            ingress.close();
        }
    }

    @Test
    void acceptsAnApplicationOnlyOnceItIsInCouponRequestsWithItsReceiveTime() throws Exception {
        // given
        String event = uniqueEventId("accept");
        assertThat(ingress.define(event, "{\"limit\": 10}").statusCode()).isEqualTo(200);

        // when
        HttpResponse<String> response = ingress.apply(event, "u-42");

        // then
        assertThat(response.statusCode()).isEqualTo(202);
        JsonNode body = Json.mapper().readTree(response.body());
        assertThat(body.get("outcome").asText()).isEqualTo("ACCEPTED");
        assertThat(body.get("position").asInt()).isEqualTo(1);
        List<ConsumerRecord<String, CouponRequest>> records = requestRecords(bootstrapServers, event);
        assertThat(records).hasSize(1);
        CouponRequest request = records.get(0).value();
        assertThat(records.get(0).key()).isEqualTo(event);
        assertThat(request.userId()).isEqualTo("u-42");
        assertThat(records.get(0).timestamp()).isEqualTo(request.receivedAt().toEpochMilli());
    }

    @Test
    void answersEveryRefusalOfTheContract() throws Exception {
        String event = uniqueEventId("refusals");
        ingress.define(event, "{\"limit\": 1}");
        ingress.apply(event, "winner");
        String later = uniqueEventId("later");
        ingress.define(later, "{\"limit\": 1, \"opensAt\": \"" + Instant.now().plus(1, ChronoUnit.HOURS) + "\"}");
        String over = uniqueEventId("over");
        ingress.define(over, "{\"limit\": 1, \"opensAt\": \"" + Instant.now().minus(2, ChronoUnit.HOURS)
                + "\", \"closesAt\": \"" + Instant.now().minus(1, ChronoUnit.HOURS) + "\"}");

        assertOutcome(ingress.apply(event, "winner"), 409, "ALREADY_APPLIED");
        assertOutcome(ingress.apply(event, "loser"), 410, "SOLD_OUT");
        assertOutcome(ingress.apply(later, "early-bird"), 409, "NOT_OPEN");
        assertOutcome(ingress.apply(over, "too-late"), 410, "CLOSED");
        assertOutcome(ingress.apply(uniqueEventId("ghost"), "anyone"), 404, "UNKNOWN_EVENT");
        assertOutcome(ingress.post("/events/" + event + "/applications", "{\"userId\": 1.5}"), 400, "INVALID_REQUEST");
        assertOutcome(ingress.post("/events/" + event + "/applications", "{\"userId\": \"" + "x".repeat(5000) + "\"}"), 413, "INVALID_REQUEST");
        assertOutcome(ingress.post("/events/" + event + "/applications", "text/plain", "{\"userId\": \"x\"}"), 415, "INVALID_REQUEST");
        assertThat(requestRecords(bootstrapServers, event)).as("only the winner's").hasSize(1);
    }

    @Test
    void reportsTheEventAndEachUsersStatus() throws Exception {
        String event = uniqueEventId("info");
        ingress.define(event, "{\"limit\": 3}");
        ingress.apply(event, "alice");

        JsonNode info = Json.mapper().readTree(ingress.get("/events/" + event).body());
        assertThat(info.get("limit").asInt()).isEqualTo(3);
        assertThat(info.get("remaining").asInt()).isEqualTo(2);
        assertThat(Json.mapper().readTree(ingress.get("/events/" + event + "/applications/alice").body()).get("outcome").asText())
                .isEqualTo("PENDING");
        assertOutcome(ingress.get("/events/" + event + "/applications/bob"), 404, "NOT_APPLIED");
    }

    @Test
    void letsExactlyTheFirstHundredOfAThousandConcurrentUsersThrough() throws Exception {
        // given
        String event = uniqueEventId("spike");
        ingress.define(event, "{\"limit\": 100}");

        // when: 1000 users, 32 at a time
        List<HttpResponse<String>> responses = concurrently(32, IntStream.range(0, 1000)
                .mapToObj(i -> (Callable<HttpResponse<String>>) () -> ingress.apply(event, "user-" + i))
                .toList());

        // then
        List<Integer> positions = new ArrayList<>();
        int soldOut = 0;
        for (HttpResponse<String> response : responses) {
            JsonNode body = Json.mapper().readTree(response.body());
            if (response.statusCode() == 202) {
                positions.add(body.get("position").asInt());
            } else {
                assertThat(response.statusCode()).isEqualTo(410);
                assertThat(body.get("outcome").asText()).isEqualTo("SOLD_OUT");
                soldOut++;
            }
        }
        assertThat(positions).containsExactlyInAnyOrderElementsOf(IntStream.rangeClosed(1, 100).boxed().toList());
        assertThat(soldOut).isEqualTo(900);
        List<ConsumerRecord<String, CouponRequest>> records = requestRecords(bootstrapServers, event);
        assertThat(records).hasSize(100);
        assertThat(records.stream().map(record -> record.value().userId()).distinct()).hasSize(100);
    }

    @Test
    void acceptsAUserApplyingFiveTimesAtOnceExactlyOnce() throws Exception {
        // given
        String event = uniqueEventId("dupes");
        ingress.define(event, "{\"limit\": 10}");

        // when
        List<HttpResponse<String>> responses = concurrently(5, IntStream.range(0, 5)
                .mapToObj(i -> (Callable<HttpResponse<String>>) () -> ingress.apply(event, "eager"))
                .toList());

        // then
        assertThat(responses).filteredOn(response -> response.statusCode() == 202).hasSize(1);
        assertThat(responses).filteredOn(response -> response.statusCode() == 409)
                .hasSize(4)
                .allSatisfy(response -> assertThat(response.body()).contains("ALREADY_APPLIED"));
        assertThat(requestRecords(bootstrapServers, event)).hasSize(1);
    }

    @Test
    void aFreshIngressKnowsTheEventsFromCouponEvents(Infrastructure infrastructure) {
        // given
        String event = uniqueEventId("remembered");
        ingress.define(event, "{\"limit\": 5}");

        // when: another ingress starts and reads the topic from the beginning
        try (RunningIngress second = RunningIngress.start(RunningIngress.config(infrastructure))) {

            // then
            assertThat(second.apply(event, "newcomer").statusCode()).isEqualTo(202);
        }
    }

    @Test
    void takesApplicationsWithItsGateOnARedisCluster(Infrastructure infrastructure) throws Exception {
        // given: an ingress whose gate is a Redis Cluster of three masters
        var config = RunningIngress.config(bootstrapServers, infrastructure.redisCluster().url(), Map.of("REDIS_CLUSTER", "true"));
        try (RunningIngress clustered = RunningIngress.start(config)) {
            String event = uniqueEventId("cluster");
            assertThat(clustered.define(event, "{\"limit\": 1}").statusCode()).isEqualTo(200);

            // when / then: the contract's answers, one record in coupon-requests
            assertOutcome(clustered.apply(event, "first"), 202, "ACCEPTED");
            assertOutcome(clustered.apply(event, "first"), 409, "ALREADY_APPLIED");
            assertOutcome(clustered.apply(event, "second"), 410, "SOLD_OUT");
            assertThat(requestRecords(bootstrapServers, event)).extracting(record -> record.value().userId()).containsExactly("first");
            assertThat(clustered.get("/events/" + event).body()).contains("\"remaining\":0");
            assertThat(clustered.get("/health").body()).contains("\"redis\":\"UP\"");
        }
    }

    private static List<HttpResponse<String>> concurrently(int threads, List<Callable<HttpResponse<String>>> calls) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<HttpResponse<String>> responses = new ArrayList<>();
            for (Future<HttpResponse<String>> future : pool.invokeAll(calls)) {
                responses.add(future.get());
            }
            return responses;
        } finally {
            pool.shutdownNow();
        }
    }
}
