package firstcome.ingress.api;

import static firstcome.ingress.RunningIngress.actionRecords;
import static firstcome.ingress.RunningIngress.assertOutcome;
import static firstcome.ingress.RunningIngress.uniqueEventId;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import firstcome.contract.ActionType;
import firstcome.contract.CouponAction;
import firstcome.contract.Json;
import firstcome.ingress.RunningIngress;
import firstcome.testkit.Infrastructure;
import firstcome.testkit.InfrastructureExtension;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The shop routes against real Kafka and Redis: each call's action lands in coupon-actions, and the
 * answer is the decision a stand-in for the streams-processor ({@link FakeLifecycleProcessor}) writes to
 * coupon-decisions, read back by the ingress's decision follower.
 */
@ExtendWith(InfrastructureExtension.class)
class ShopIT {

    private static final Instant FAR = Instant.parse("2099-01-01T00:00:00Z");

    private static RunningIngress ingress;
    private static FakeLifecycleProcessor processor;
    private static String bootstrapServers;

    @BeforeAll
    static void start(Infrastructure infrastructure) {
        RunningIngress.createTopics(infrastructure);
        bootstrapServers = infrastructure.kafkaBootstrapServers();
        processor = new FakeLifecycleProcessor(bootstrapServers);
        // Long enough that a loaded machine never turns a decided action into UNCONFIRMED here.
        ingress = RunningIngress.start(RunningIngress.config(bootstrapServers, infrastructure.redisUrl(),
                Map.of("INGRESS_ACTION_TIMEOUT_MS", "20000")));
    }

    @AfterAll
    static void stop() throws Exception {
        if (ingress != null) {
            ingress.close();
        }
        if (processor != null) {
            processor.close();
        }
    }

    @Test
    void redeemsCancelsAndReturnsACouponAnsweringRepeatsTheSame() throws Exception {
        String event = uniqueEventId("shop");
        assertThat(ingress.define(event, "{\"limit\": 5}").statusCode()).isEqualTo(200);
        processor.issue(event, "u-1", 1, FAR);

        HttpResponse<String> redeemed = ingress.shop(event, "u-1", "redeem", "{\"orderId\":\"o-1\"}");
        assertThat(json(redeemed)).isEqualTo(json("{\"outcome\":\"REDEEMED\",\"couponNo\":1,\"orderId\":\"o-1\"}"));
        assertThat(redeemed.statusCode()).isEqualTo(200);
        assertThat(json(ingress.shop(event, "u-1", "redeem", "{\"orderId\":\"o-1\"}"))).as("the same order again").isEqualTo(json(redeemed));

        HttpResponse<String> elsewhere = ingress.shop(event, "u-1", "redeem", "{\"orderId\":\"o-2\"}");
        assertOutcome(elsewhere, 409, "ALREADY_REDEEMED");
        assertThat(json(elsewhere).get("orderId").asText()).isEqualTo("o-1");
        assertOutcome(ingress.shop(event, "u-1", "return", "{}"), 409, "ALREADY_REDEEMED");
        assertOutcome(ingress.shop(event, "u-1", "unredeem", "{\"orderId\":\"o-2\"}"), 409, "NOT_REDEEMED");

        HttpResponse<String> cancelled = ingress.shop(event, "u-1", "unredeem", "{\"orderId\":\"o-1\"}");
        assertThat(cancelled.statusCode()).isEqualTo(200);
        assertThat(json(cancelled)).isEqualTo(json("{\"outcome\":\"ISSUED\",\"couponNo\":1,\"validUntil\":\"" + FAR + "\"}"));
        assertThat(json(ingress.shop(event, "u-1", "unredeem", "{\"orderId\":\"o-1\"}"))).as("cancelled again").isEqualTo(json(cancelled));

        HttpResponse<String> returned = ingress.shop(event, "u-1", "return", "{\"reason\":\"order cancelled\"}");
        assertThat(returned.statusCode()).isEqualTo(200);
        assertThat(json(returned)).isEqualTo(json("{\"outcome\":\"RETURNED\",\"couponNo\":1}"));
        assertThat(json(ingress.shop(event, "u-1", "return", "{}"))).as("returned again").isEqualTo(json(returned));
        assertOutcome(ingress.shop(event, "u-1", "redeem", "{\"orderId\":\"o-3\"}"), 409, "NOT_ISSUED");

        List<ConsumerRecord<String, CouponAction>> records = actionRecords(bootstrapServers, event);
        assertThat(records).extracting(record -> record.value().action()).containsExactly(
                ActionType.REDEEM, ActionType.REDEEM, ActionType.REDEEM, ActionType.RETURN, ActionType.UNREDEEM,
                ActionType.UNREDEEM, ActionType.UNREDEEM, ActionType.RETURN, ActionType.RETURN, ActionType.REDEEM);
        assertThat(records).allSatisfy(record -> {
            assertThat(record.key()).isEqualTo(event);
            assertThat(record.value().userId()).isEqualTo("u-1");
            assertThat(record.timestamp()).isEqualTo(record.value().receivedAt().toEpochMilli());
        });
        assertThat(records.get(7).value().reason()).isEqualTo("order cancelled");
        assertThat(records).extracting(record -> record.value().actionId()).doesNotHaveDuplicates();
    }

    @Test
    void answersEveryRefusalAndWritesOnlyTheActionsItTook() throws Exception {
        String event = uniqueEventId("shop-refusals");
        ingress.define(event, "{\"limit\": 5}");
        processor.issue(event, "spent", 2, Instant.parse("2020-01-01T00:00:00Z"));
        String unknownToTheProcessor = uniqueEventId("shop-unknown");
        ingress.define(unknownToTheProcessor, "{\"limit\": 5}");

        assertOutcome(ingress.shop(event, "spent", "redeem", "{\"orderId\":\"o-1\"}"), 410, "EXPIRED");
        assertThat(json(ingress.shop(event, "spent", "unredeem", "{\"orderId\":\"o-1\"}")).get("outcome").asText())
                .as("nothing to cancel").isEqualTo("NOT_REDEEMED");
        assertOutcome(ingress.shop(event, "nobody", "redeem", "{\"orderId\":\"o-1\"}"), 409, "NOT_ISSUED");
        assertOutcome(ingress.shop(event, "nobody", "return", "{}"), 409, "NOT_ISSUED");
        assertOutcome(ingress.shop(unknownToTheProcessor, "u-1", "return", "{}"), 404, "UNKNOWN_EVENT");

        assertOutcome(ingress.shop(uniqueEventId("ghost"), "u-1", "return", "{}"), 404, "UNKNOWN_EVENT");
        assertOutcome(ingress.shop(event, "spent", "redeem", "{}"), 400, "INVALID_REQUEST");
        assertOutcome(ingress.shop(event, "spent", "redeem", "{\"orderId\":\"" + "o".repeat(65) + "\"}"), 400, "INVALID_REQUEST");
        assertOutcome(ingress.shop(event, "spent", "return", "{\"reason\":\"" + "r".repeat(201) + "\"}"), 400, "INVALID_REQUEST");
        assertOutcome(ingress.shop(event, "%2E%2E", "return", "{}"), 400, "INVALID_REQUEST");
        assertOutcome(ingress.shop(event, "spent", "return", "{\"pad\":\"" + "p".repeat(5000) + "\"}"), 413, "INVALID_REQUEST");
        assertOutcome(ingress.post("/shop/events/" + event + "/coupons/spent/return", "text/plain", "{}"), 401, "UNAUTHORIZED");
        assertOutcome(shopWith("Bearer " + RunningIngress.TOKEN, event), 401, "UNAUTHORIZED");
        assertOutcome(send(HttpRequest.newBuilder(ingress.uri("/shop/events/" + event + "/coupons/spent/return"))
                .header("Authorization", "Bearer " + RunningIngress.SHOP_TOKEN).header("Content-Type", "text/plain")
                .POST(HttpRequest.BodyPublishers.ofString("{}"))), 415, "INVALID_REQUEST");

        assertThat(actionRecords(bootstrapServers, event)).as("only the four actions taken and decided").hasSize(4);
        assertThat(actionRecords(bootstrapServers, unknownToTheProcessor)).hasSize(1);
    }

    @Test
    void answersUnconfirmedWhenNoDecisionComesInTimeAndARepeatAnswersTheDecision(Infrastructure infrastructure) throws Exception {
        String event = uniqueEventId("shop-silent");
        ingress.define(event, "{\"limit\": 5}");
        processor.issue(event, "u-1", 1, FAR);
        processor.silence(event);
        try (RunningIngress impatient = RunningIngress.start(RunningIngress.config(bootstrapServers, infrastructure.redisUrl(),
                Map.of("INGRESS_ACTION_TIMEOUT_MS", "300")))) {
            HttpResponse<String> unconfirmed = impatient.shop(event, "u-1", "redeem", "{\"orderId\":\"o-1\"}");

            assertOutcome(unconfirmed, 503, "UNCONFIRMED");
            assertThat(unconfirmed.headers().firstValue("Retry-After")).contains("1");
            assertThat(json(unconfirmed).get("message").asText()).contains("is in Kafka and will be decided");
            assertThat(actionRecords(bootstrapServers, event)).as("the action is in Kafka").hasSize(1);
        }

        processor.speak(event);
        HttpResponse<String> repeated = ingress.shop(event, "u-1", "redeem", "{\"orderId\":\"o-1\"}");

        assertThat(repeated.statusCode()).isEqualTo(200);
        assertThat(json(repeated)).isEqualTo(json("{\"outcome\":\"REDEEMED\",\"couponNo\":1,\"orderId\":\"o-1\"}"));
    }

    private HttpResponse<String> shopWith(String authorization, String event) {
        return send(HttpRequest.newBuilder(ingress.uri("/shop/events/" + event + "/coupons/spent/return"))
                .header("Authorization", authorization).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{}")));
    }

    private static HttpResponse<String> send(HttpRequest.Builder request) {
        try {
            return HttpClient.newHttpClient().send(request.timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static JsonNode json(HttpResponse<String> response) throws Exception {
        return Json.mapper().readTree(response.body());
    }

    private static JsonNode json(String text) throws Exception {
        return Json.mapper().readTree(text);
    }
}
