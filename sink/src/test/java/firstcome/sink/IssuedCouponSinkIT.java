package firstcome.sink;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import firstcome.contract.IssuedCoupon;
import firstcome.testkit.Infrastructure;
import firstcome.testkit.InfrastructureExtension;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The whole sink process (App) between the harness broker and a real MariaDB. */
@ExtendWith(InfrastructureExtension.class)
class IssuedCouponSinkIT {

    private static final Duration PATIENCE = Duration.ofSeconds(30);

    private SinkFixture fixture;

    @BeforeEach
    void setUp(Infrastructure infrastructure) {
        fixture = new SinkFixture(infrastructure);
    }

    @AfterEach
    void tearDown() {
        fixture.close();
    }

    @Test
    void persistsCouponsIssuedBeforeItStartedAndReportsHealthy() {
        String event = fixture.event("before");
        List<IssuedCoupon> coupons = SinkFixture.coupons(event, 1, 250);
        fixture.send(coupons);

        App sink = fixture.startSink("first");

        await().atMost(PATIENCE).until(() -> fixture.rows(event).size() == coupons.size());
        assertThat(fixture.rows(event)).containsExactlyElementsOf(SinkFixture.asRows(coupons));
        var health = fixture.get(sink, "/health");
        assertThat(health.statusCode()).isEqualTo(200);
        assertThat(health.body()).contains("\"status\":\"UP\"", "\"database\":\"UP\"", "\"broker\":\"UP\"");
        assertThat(fixture.get(sink, "/health/ready").statusCode()).isEqualTo(200);
        assertThat(fixture.get(sink, "/health/live").statusCode()).isEqualTo(200);
        await().atMost(PATIENCE).untilAsserted(() -> {
            assertThat(fixture.metric(sink, "sink_rows_written_total")).isEqualTo(250);
            assertThat(fixture.metric(sink, "sink_consumer_lag_records")).isZero();
        });
        assertThat(fixture.metric(sink, "sink_batch_records_count")).isPositive();
    }

    @Test
    void givesTheSameRowsWhenTheSameRecordsAreDeliveredTwice() {
        String event = fixture.event("twice");
        List<IssuedCoupon> coupons = SinkFixture.coupons(event, 1, 300);
        fixture.send(coupons);
        fixture.send(coupons);
        App first = fixture.startSink("first");
        await().atMost(PATIENCE).until(() -> fixture.metric(first, "sink_rows_written_total")
                + fixture.metric(first, "sink_rows_already_stored_total") == 600);
        Map<String, Long> ids = fixture.rowIds(event);

        // A second group reads the topic from the start: every record delivered once more.
        App replay = fixture.startSink("replay");
        await().atMost(PATIENCE).until(() -> fixture.metric(replay, "sink_rows_already_stored_total") == 600);

        assertThat(fixture.metric(first, "sink_rows_written_total")).isEqualTo(300);
        assertThat(fixture.metric(replay, "sink_rows_written_total")).isZero();
        assertThat(fixture.rows(event)).containsExactlyElementsOf(SinkFixture.asRows(coupons));
        assertThat(fixture.rowIds(event)).isEqualTo(ids);
        assertThat(fixture.deadLetters()).isEmpty();
    }

    @Test
    void leavesEveryCouponExactlyOnceWhenTheSinkRestartsMidStream() {
        String event = fixture.event("restart");
        List<IssuedCoupon> coupons = SinkFixture.coupons(event, 1, 1500);
        App before = fixture.startSink("sink");
        fixture.send(coupons.subList(0, 1000));
        await().atMost(PATIENCE).until(() -> fixture.rows(event).size() >= 100);

        fixture.stop(before);
        fixture.send(coupons.subList(1000, 1500));
        App after = fixture.startSink("sink");

        await().atMost(PATIENCE).until(() -> fixture.rows(event).size() == 1500);
        assertThat(fixture.rows(event)).containsExactlyElementsOf(SinkFixture.asRows(coupons));
        // A clean stop commits exactly what is in the table: the next sink re-reads nothing.
        assertThat(fixture.metric(after, "sink_rows_already_stored_total")).isZero();
        assertThat(fixture.deadLetters()).isEmpty();
    }

    @Test
    void handsPartitionsOverBetweenSinksOfOneGroupWithoutLosingACoupon() {
        String event = fixture.event("handover");
        String other = fixture.event("handover-other");
        List<IssuedCoupon> coupons = SinkFixture.coupons(event, 1, 1200);
        List<IssuedCoupon> others = SinkFixture.coupons(other, 1, 600);
        App first = fixture.startSink("group");
        fixture.send(coupons.subList(0, 600));
        fixture.send(others.subList(0, 300));

        // A second member joins mid-stream (the group rebalances under load), then the first leaves.
        App second = fixture.startSink("group");
        fixture.send(coupons.subList(600, 900));
        fixture.send(others.subList(300, 600));
        await().atMost(PATIENCE).until(() -> fixture.metric(second, "sink_rows_written_total") > 0
                || fixture.rows(event).size() + fixture.rows(other).size() == 1500);
        fixture.stop(first);
        fixture.send(coupons.subList(900, 1200));

        await().atMost(PATIENCE).until(() -> fixture.rows(event).size() == 1200 && fixture.rows(other).size() == 600);
        assertThat(fixture.rows(event)).containsExactlyElementsOf(SinkFixture.asRows(coupons));
        assertThat(fixture.rows(other)).containsExactlyElementsOf(SinkFixture.asRows(others));
        assertThat(fixture.deadLetters()).isEmpty();
    }

    @Test
    void setsPoisonRecordsAsideAndPersistsTheRecordsAroundThem() {
        String event = fixture.event("poison");
        List<IssuedCoupon> good = SinkFixture.coupons(event, 1, 3);
        byte[] notJson = "{\"eventId\": oops".getBytes(StandardCharsets.UTF_8);
        IssuedCoupon takenNumber = new IssuedCoupon(event, "intruder", 1, "r-intruder", SinkFixture.ISSUED_AT);
        fixture.send(good.subList(0, 1));
        fixture.sendRaw(event, notJson);
        fixture.send(good.subList(1, 2));
        fixture.send(List.of(takenNumber));
        fixture.send(good.subList(2, 3));

        App sink = fixture.startSink("sink");

        await().atMost(PATIENCE).until(() -> fixture.rows(event).size() == 3);
        await().atMost(PATIENCE).until(() -> fixture.deadLetters().size() == 2);
        assertThat(fixture.rows(event)).containsExactlyElementsOf(SinkFixture.asRows(good));
        List<ConsumerRecord<byte[], byte[]>> letters = new ArrayList<>(fixture.deadLetters());
        letters.sort((a, b) -> Long.compare(Long.parseLong(SinkFixture.header(a, DeadLetters.OFFSET)),
                Long.parseLong(SinkFixture.header(b, DeadLetters.OFFSET))));
        assertThat(letters.get(0).value()).isEqualTo(notJson);
        assertThat(new String(letters.get(0).key(), StandardCharsets.UTF_8)).isEqualTo(event);
        assertThat(SinkFixture.header(letters.get(0), DeadLetters.REASON)).isEqualTo("UNREADABLE");
        assertThat(SinkFixture.header(letters.get(1), DeadLetters.REASON)).isEqualTo("COUPON_NO_TAKEN");
        assertThat(SinkFixture.header(letters.get(1), DeadLetters.MESSAGE)).contains("for user u1");
        assertThat(fixture.metric(sink, "sink_dead_letters_total{reason=\"UNREADABLE\"}")).isEqualTo(1);
        assertThat(fixture.metric(sink, "sink_dead_letters_total{reason=\"COUPON_NO_TAKEN\"}")).isEqualTo(1);
        await().atMost(PATIENCE).until(() -> fixture.metric(sink, "sink_consumer_lag_records") == 0);
    }
}
