package firstcome.ingress.draw;

import static firstcome.ingress.RunningIngress.actionRecords;
import static firstcome.ingress.RunningIngress.requestRecords;
import static firstcome.ingress.RunningIngress.uniqueEventId;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import firstcome.contract.CouponRequest;
import firstcome.contract.DrawWindow;
import firstcome.contract.Json;
import firstcome.ingress.RunningIngress;
import firstcome.testkit.Infrastructure;
import firstcome.testkit.InfrastructureExtension;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A real ingress against real Kafka and Redis: an event defined with a draw window gets its tick in
 * coupon-requests once the window has ended (plus the grace), in the partition of the event's requests
 * and after this ingress's acknowledged entrants, though nobody applies after the window (nothing goes
 * to coupon-actions); the admin answer and the public info show the commitment,
 * never the seed (the stand-in processor has no tally: the draw is never known to be done here).
 */
@ExtendWith(InfrastructureExtension.class)
class FairOpeningIT {

    private static RunningIngress ingress;
    private static String bootstrapServers;

    @BeforeAll
    static void start(Infrastructure infrastructure) {
        RunningIngress.createTopics(infrastructure);
        bootstrapServers = infrastructure.kafkaBootstrapServers();
        ingress = RunningIngress.start(RunningIngress.config(infrastructure));
    }

    @AfterAll
    static void stop() {
        if (ingress != null) {
            ingress.close();
        }
    }

    @Test
    void publishesATickIntoTheEventsPartitionAtTheWindowsEndPlusTheGrace() throws Exception {
        // given: an event opening now with a 2 s window, and one application
        String event = uniqueEventId("draw-tick");
        HttpResponse<String> defined = ingress.define(event, "{\"limit\": 5, \"drawWindowSeconds\": 2}");
        assertThat(defined.statusCode()).as(defined.body()).isEqualTo(200);
        JsonNode draw = Json.mapper().readTree(defined.body()).get("draw");
        Instant windowEnd = Instant.parse(draw.get("endsAt").asText());
        assertThat(draw.has("seed")).isFalse();
        assertThat(ingress.apply(event, "u-1").statusCode()).isEqualTo(202);

        // when: the window ends; then: a tick lands in coupon-requests
        await("a tick in coupon-requests").atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200))
                .until(() -> requestRecords(bootstrapServers, event).stream().anyMatch(record -> record.value().isTick()));

        List<ConsumerRecord<String, CouponRequest>> records = requestRecords(bootstrapServers, event);
        assertThat(records.get(0).value().isTick()).as("the entrant, acknowledged before, comes first").isFalse();
        assertThat(records.get(0).value().userId()).isEqualTo("u-1");
        ConsumerRecord<String, CouponRequest> tick = records.get(1);
        assertThat(tick.value().isTick()).isTrue();
        assertThat(tick.key()).isEqualTo(event);
        assertThat(tick.value().eventId()).isEqualTo(event);
        assertThat(tick.value().userId()).isNull();
        assertThat(Instant.ofEpochMilli(tick.timestamp())).isAfterOrEqualTo(windowEnd.plus(DrawWindow.GRACE));
        assertThat(tick.timestamp()).isEqualTo(tick.value().receivedAt().toEpochMilli());
        assertThat(tick.partition()).as("the event's partition, with its requests").isEqualTo(records.get(0).partition());
        assertThat(tick.offset()).as("after the entrant in the log").isGreaterThan(records.get(0).offset());
        assertThat(actionRecords(bootstrapServers, event)).as("no tick in coupon-actions").isEmpty();

        // and: the public info shows the draw without the seed, the processor never having said it is drawn
        HttpResponse<String> info = ingress.get("/events/" + event);
        assertThat(info.statusCode()).isEqualTo(200);
        JsonNode shown = Json.mapper().readTree(info.body()).get("draw");
        assertThat(shown.get("commitment").asText()).isEqualTo(draw.get("commitment").asText());
        assertThat(shown.has("seed")).isFalse();
    }
}
