package firstcome.sink;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import firstcome.contract.CouponChange;
import firstcome.contract.CouponState;
import firstcome.contract.IssuedCoupon;
import firstcome.testkit.Infrastructure;
import firstcome.testkit.InfrastructureExtension;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The whole sink process (App) reading {@code coupon-issued} and {@code coupon-changes} between the
 * harness broker and a real MariaDB: whatever the order between the two topics, re-deliveries and
 * restarts included, each row ends at its coupon's highest version.
 */
@ExtendWith(InfrastructureExtension.class)
class CouponChangesSinkIT {

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

    /** Version {@code version} of the coupon: redeemed by order o-{n}-{version} when odd, given back when even. */
    private static CouponChange change(IssuedCoupon coupon, int version) {
        boolean redeemed = version % 2 == 1;
        return new CouponChange(coupon.eventId(), coupon.userId(), coupon.couponNo(), coupon.requestId(), coupon.issuedAt(),
                coupon.validUntil(), redeemed ? CouponState.REDEEMED : CouponState.ISSUED,
                redeemed ? "o-" + coupon.couponNo() + "-" + version : null, version, coupon.issuedAt().plusSeconds(version));
    }

    private static CouponChange returned(IssuedCoupon coupon, int version) {
        return new CouponChange(coupon.eventId(), coupon.userId(), coupon.couponNo(), coupon.requestId(), coupon.issuedAt(),
                coupon.validUntil(), CouponState.RETURNED, null, version, coupon.issuedAt().plusSeconds(version));
    }

    /** Coupon n gets n % 4 changes (the fourth a return): its changes, and its expected final row. */
    private static List<CouponChange> changesOf(IssuedCoupon coupon) {
        List<CouponChange> changes = new ArrayList<>();
        int count = coupon.couponNo() % 4;
        for (int v = 1; v <= count; v++) {
            changes.add(v == 3 ? returned(coupon, v) : change(coupon, v));
        }
        return changes;
    }

    private static List<CouponRow> latest(List<IssuedCoupon> coupons) {
        return coupons.stream().map(coupon -> {
            List<CouponChange> changes = changesOf(coupon);
            return changes.isEmpty() ? CouponRow.of(coupon) : CouponRow.of(changes.get(changes.size() - 1));
        }).toList();
    }

    private static List<CouponChange> allChanges(List<IssuedCoupon> coupons) {
        return coupons.stream().flatMap(coupon -> changesOf(coupon).stream()).toList();
    }

    @Test
    void storesChangesReadBeforeTheirIssuesAndKeepsEachCouponsLatestState() {
        String event = fixture.event("changes-first");
        List<IssuedCoupon> coupons = SinkFixture.coupons(event, 1, 200);
        List<CouponChange> changes = allChanges(coupons);
        // the changes are in the log before their issues are
        fixture.sendChanges(changes);
        App sink = fixture.startSink("sink");
        await().atMost(PATIENCE).until(() -> fixture.metric(sink, "sink_changes_written_total") == changes.size());

        fixture.send(coupons);

        await().atMost(PATIENCE).until(() -> fixture.rows(event).size() == coupons.size());
        await().atMost(PATIENCE).untilAsserted(() -> {
            assertThat(fixture.metric(sink, "sink_consumer_lag_records")).isZero();
            assertThat(fixture.metric(sink, "sink_rows_written_total") + fixture.metric(sink, "sink_rows_already_stored_total"))
                    .isEqualTo(coupons.size() + changes.size());
        });
        assertThat(fixture.rows(event)).containsExactlyElementsOf(latest(coupons));
        assertThat(fixture.metric(sink, "sink_consumer_topic_lag_records{topic=\"" + fixture.topics().changes().name() + "\"}")).isZero();
        assertThat(fixture.get(sink, "/metrics").body()).contains("sink_consumer_topic_lag_records{topic=\"" + fixture.topics().issued().name() + "\"}");
        assertThat(fixture.deadLetters()).isEmpty();
    }

    @Test
    void keepsTheHigherVersionWhenOlderChangesAndIssuesArriveInLaterBatches() {
        String event = fixture.event("out-of-order");
        IssuedCoupon coupon = SinkFixture.coupons(event, 1, 1).get(0);
        App sink = fixture.startSink("sink");
        fixture.sendChanges(List.of(returned(coupon, 3)));
        await().atMost(PATIENCE).until(() -> fixture.rows(event).equals(List.of(CouponRow.of(returned(coupon, 3)))));
        Map<String, Long> ids = fixture.rowIds(event);

        // older versions, each again, and the issue twice, one batch after the other
        fixture.sendChanges(List.of(change(coupon, 2)));
        fixture.send(List.of(coupon));
        fixture.sendChanges(List.of(change(coupon, 1), change(coupon, 2), returned(coupon, 3)));
        fixture.send(List.of(coupon));

        await().atMost(PATIENCE).until(() -> fixture.metric(sink, "sink_rows_already_stored_total") == 6);
        assertThat(fixture.metric(sink, "sink_rows_written_total")).isEqualTo(1);
        assertThat(fixture.metric(sink, "sink_changes_already_stored_total")).isEqualTo(4);
        assertThat(fixture.rows(event)).containsExactly(CouponRow.of(returned(coupon, 3)));
        assertThat(fixture.rowIds(event)).isEqualTo(ids);
        assertThat(fixture.deadLetters()).isEmpty();
    }

    @Test
    void leavesEveryCouponAtItsLatestVersionWhenTheSinkRestartsMidStream() {
        String event = fixture.event("restart");
        List<IssuedCoupon> coupons = SinkFixture.coupons(event, 1, 800);
        List<CouponChange> changes = allChanges(coupons);
        App before = fixture.startSink("sink");
        fixture.send(coupons.subList(0, 500));
        fixture.sendChanges(changes.subList(0, changes.size() / 2));
        await().atMost(PATIENCE).until(() -> fixture.metric(before, "sink_changes_written_total") >= 50);

        fixture.stop(before);
        fixture.sendChanges(changes.subList(changes.size() / 2, changes.size()));
        fixture.send(coupons.subList(500, 800));
        // and a producer that sends its last records again
        fixture.sendChanges(changes.subList(changes.size() - 100, changes.size()));
        App after = fixture.startSink("sink");

        await().atMost(PATIENCE).until(() -> fixture.rows(event).equals(latest(coupons)));
        await().atMost(PATIENCE).until(() -> fixture.metric(after, "sink_consumer_lag_records") == 0);
        assertThat(fixture.metric(after, "sink_changes_already_stored_total")).as("only the records sent again").isEqualTo(100);
        assertThat(fixture.deadLetters()).isEmpty();
    }

    @Test
    void setsAsideChangesThatCannotBeReadOrContradictTheTableNamingTheirTopic() {
        String event = fixture.event("poison");
        IssuedCoupon coupon = SinkFixture.coupons(event, 1, 1).get(0);
        IssuedCoupon intruder = new IssuedCoupon(event, "intruder", 1, "r-intruder", SinkFixture.ISSUED_AT);
        byte[] notJson = "{\"eventId\": oops".getBytes(StandardCharsets.UTF_8);
        fixture.send(List.of(coupon));
        fixture.sendRaw(fixture.topics().changes().name(), event, notJson);
        fixture.sendChanges(List.of(change(intruder, 1), change(coupon, 1)));

        App sink = fixture.startSink("sink");

        await().atMost(PATIENCE).until(() -> fixture.deadLetters().size() == 2);
        await().atMost(PATIENCE).until(() -> fixture.rows(event).equals(List.of(CouponRow.of(change(coupon, 1)))));
        List<ConsumerRecord<byte[], byte[]>> letters = new ArrayList<>(fixture.deadLetters());
        letters.sort(Comparator.comparing(letter -> SinkFixture.header(letter, DeadLetters.REASON)));
        assertThat(letters).allSatisfy(letter ->
                assertThat(SinkFixture.header(letter, DeadLetters.TOPIC)).isEqualTo(fixture.topics().changes().name()));
        assertThat(SinkFixture.header(letters.get(0), DeadLetters.REASON)).isEqualTo("COUPON_NO_TAKEN");
        assertThat(SinkFixture.header(letters.get(0), DeadLetters.MESSAGE)).contains("for user u1");
        assertThat(SinkFixture.header(letters.get(1), DeadLetters.REASON)).isEqualTo("UNREADABLE");
        assertThat(letters.get(1).value()).isEqualTo(notJson);
        assertThat(fixture.metric(sink, "sink_dead_letters_total{reason=\"COUPON_NO_TAKEN\"}")).isEqualTo(1);
        assertThat(fixture.metric(sink, "sink_dead_letters_total{reason=\"UNREADABLE\"}")).isEqualTo(1);
    }
}
