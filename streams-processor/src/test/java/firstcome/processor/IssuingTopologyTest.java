package firstcome.processor;

import static firstcome.processor.TopologyFixture.T0;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import firstcome.contract.CouponDecision;
import firstcome.contract.EventDefinition;
import firstcome.contract.IssuedCoupon;
import firstcome.contract.IssuingOutcome;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class IssuingTopologyTest {

    @TempDir
    Path stateDir;

    private TopologyFixture fixture;

    @BeforeEach
    void startDriver() {
        fixture = new TopologyFixture(stateDir);
    }

    @AfterEach
    void closeDriver() {
        fixture.close();
    }

    private static Instant at(long millisAfterOpening) {
        return T0.plusMillis(millisAfterOpening);
    }

    @Test
    void issuesCouponsToTheFirstHundredInArrivalOrder() {
        fixture.define("seed", 100);
        List<String> requestIds = new ArrayList<>();
        for (int user = 1; user <= 1000; user++) {
            requestIds.add(fixture.apply("seed", "u-" + user, at(user)));
        }

        List<KeyValue<String, IssuedCoupon>> coupons = fixture.issuedKeyValues();

        assertThat(coupons).hasSize(100);
        for (int n = 1; n <= 100; n++) {
            IssuedCoupon coupon = coupons.get(n - 1).value;
            assertThat(coupons.get(n - 1).key).isEqualTo("seed");
            assertThat(coupon.couponNo()).isEqualTo(n);
            assertThat(coupon.userId()).isEqualTo("u-" + n);
            assertThat(coupon.requestId()).isEqualTo(requestIds.get(n - 1));
            assertThat(coupon.issuedAt()).isEqualTo(at(n));
        }
        assertThat(fixture.decisionOf("seed", "u-100")).isEqualTo(Decision.issued(100, requestIds.get(99), at(100)));
        assertThat(fixture.decisionOf("seed", "u-101").outcome()).isEqualTo(IssuingOutcome.SOLD_OUT);
        assertThat(fixture.decisionOf("seed", "u-1000").outcome()).isEqualTo(IssuingOutcome.SOLD_OUT);
        assertThat(fixture.tallyOf("seed")).isEqualTo(new EventTally(100, 0, 900, 0, 0, 0));
        assertThat(fixture.issued.isEmpty()).isTrue();
    }

    @Test
    void givesOneCouponToAUserWhoAppliesFiveTimes() {
        fixture.define("e", 10);
        String first = fixture.apply("e", "u-1", at(1));
        for (int i = 2; i <= 5; i++) {
            fixture.apply("e", "u-1", at(i));
        }

        List<IssuedCoupon> coupons = fixture.issuedCoupons();

        assertThat(coupons).extracting(IssuedCoupon::userId, IssuedCoupon::couponNo, IssuedCoupon::requestId)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("u-1", 1, first));
        assertThat(fixture.tallyOf("e")).isEqualTo(new EventTally(1, 4, 0, 0, 0, 0));
        assertThat(fixture.decisionOf("e", "u-1")).isEqualTo(Decision.issued(1, first, at(1)));
    }

    @Test
    void keepsCountsAndUsersOfInterleavedEventsApart() {
        fixture.define("a", 2);
        fixture.define("b", 3);
        fixture.apply("a", "u-1", at(1));
        fixture.apply("b", "u-1", at(2));
        fixture.apply("a", "u-2", at(3));
        fixture.apply("b", "u-2", at(4));
        fixture.apply("a", "u-3", at(5));
        fixture.apply("b", "u-3", at(6));
        fixture.apply("b", "u-4", at(7));

        List<KeyValue<String, IssuedCoupon>> coupons = fixture.issuedKeyValues();

        assertThat(coupons).extracting(kv -> kv.key + ":" + kv.value.userId() + "#" + kv.value.couponNo())
                .containsExactly("a:u-1#1", "b:u-1#1", "a:u-2#2", "b:u-2#2", "b:u-3#3");
        assertThat(fixture.decisionOf("a", "u-3").outcome()).isEqualTo(IssuingOutcome.SOLD_OUT);
        assertThat(fixture.decisionOf("b", "u-4").outcome()).isEqualTo(IssuingOutcome.SOLD_OUT);
        assertThat(fixture.tallyOf("a").issued()).isEqualTo(2);
        assertThat(fixture.tallyOf("b").issued()).isEqualTo(3);
    }

    @Test
    void refusesApplicationsBeforeTheOpeningAndFromTheClosingOnByRecordTime() {
        Instant opens = T0.plus(Duration.ofMinutes(10));
        Instant closes = opens.plus(Duration.ofMinutes(5));
        fixture.define(new EventDefinition("timed", 10, opens, closes), T0);

        fixture.apply("timed", "early", opens.minusMillis(1));
        fixture.apply("timed", "first", opens);
        fixture.apply("timed", "last", closes.minusMillis(1));
        fixture.apply("timed", "late", closes);

        assertThat(fixture.issuedCoupons()).extracting(IssuedCoupon::userId).containsExactly("first", "last");
        assertThat(fixture.decisionOf("timed", "early").outcome()).isEqualTo(IssuingOutcome.NOT_OPEN);
        assertThat(fixture.decisionOf("timed", "late").outcome()).isEqualTo(IssuingOutcome.CLOSED);
    }

    @Test
    void letsAUserRefusedBeforeTheOpeningApplyAgainOnceOpen() {
        Instant opens = T0.plus(Duration.ofMinutes(1));
        fixture.define(new EventDefinition("e", 5, opens, null), T0);

        fixture.apply("e", "eager", opens.minusSeconds(1));
        fixture.apply("e", "eager", opens);

        assertThat(fixture.issuedCoupons()).extracting(IssuedCoupon::userId).containsExactly("eager");
        assertThat(fixture.decisionOf("e", "eager").outcome()).isEqualTo(IssuingOutcome.ISSUED);
    }

    @Test
    void issuesNothingForAnUnknownEvent() {
        fixture.apply("nobody-defined-me", "u-1", at(1));

        assertThat(fixture.issued.isEmpty()).isTrue();
        assertThat(fixture.decisionOf("nobody-defined-me", "u-1").outcome()).isEqualTo(IssuingOutcome.UNKNOWN_EVENT);
        assertThat(fixture.tallyOf("nobody-defined-me").unknownEvent()).isEqualTo(1);
    }

    @Test
    void opensMoreNumbersWhenTheLimitIsRaised() {
        fixture.define("e", 2);
        fixture.apply("e", "u-1", at(1));
        fixture.apply("e", "u-2", at(2));
        fixture.apply("e", "u-3", at(3));
        fixture.define(new EventDefinition("e", 3, T0, null), at(4));
        fixture.apply("e", "u-4", at(5));
        fixture.apply("e", "u-5", at(6));

        assertThat(fixture.issuedCoupons()).extracting(c -> c.userId() + "#" + c.couponNo())
                .containsExactly("u-1#1", "u-2#2", "u-4#3");
        assertThat(fixture.decisionOf("e", "u-3").outcome()).isEqualTo(IssuingOutcome.SOLD_OUT);
        assertThat(fixture.decisionOf("e", "u-5").outcome()).isEqualTo(IssuingOutcome.SOLD_OUT);
    }

    @Test
    void keepsIssuedCouponsWhenTheLimitIsLowered() {
        fixture.define("e", 3);
        fixture.apply("e", "u-1", at(1));
        fixture.apply("e", "u-2", at(2));
        fixture.define(new EventDefinition("e", 1, T0, null), at(3));
        fixture.apply("e", "u-3", at(4));

        assertThat(fixture.issuedCoupons()).extracting(IssuedCoupon::userId).containsExactly("u-1", "u-2");
        assertThat(fixture.decisionOf("e", "u-1").outcome()).isEqualTo(IssuingOutcome.ISSUED);
        assertThat(fixture.decisionOf("e", "u-3").outcome()).isEqualTo(IssuingOutcome.SOLD_OUT);
    }

    @Test
    void forgetsADeletedEventButNeverReusesItsNumbers() {
        fixture.define("e", 5);
        fixture.apply("e", "u-1", at(1));
        fixture.events.pipeInput(new TestRecord<>("e", null, at(2)));
        fixture.apply("e", "u-2", at(3));
        fixture.define(new EventDefinition("e", 5, T0, null), at(4));
        fixture.apply("e", "u-3", at(5));

        assertThat(fixture.issuedCoupons()).extracting(c -> c.userId() + "#" + c.couponNo())
                .containsExactly("u-1#1", "u-3#2");
        assertThat(fixture.decisionOf("e", "u-2").outcome()).isEqualTo(IssuingOutcome.UNKNOWN_EVENT);
    }

    @Test
    void setsAsideGarbageBytesAndIssuesTheNextGoodRequest() {
        fixture.define("e", 5);
        byte[] garbage = {(byte) 0xff, 0x00, 0x42};
        fixture.rawRequests.pipeInput(new TestRecord<>("e", garbage, at(1)));
        fixture.apply("e", "u-1", at(2));

        var dead = fixture.deadLetters.readRecord();

        assertThat(dead.value()).isEqualTo(garbage);
        assertThat(header(dead, "__streams.errors.topic")).isEqualTo("coupon-requests");
        assertThat(header(dead, "__streams.errors.exception")).contains("SerializationException");
        assertThat(header(dead, "__streams.errors.message")).contains("not a valid CouponRequest");
        assertThat(header(dead, "__streams.errors.offset")).isEqualTo("0");
        assertThat(fixture.issuedCoupons()).extracting(IssuedCoupon::userId).containsExactly("u-1");
        assertThat(fixture.deadLetters.isEmpty()).isTrue();
    }

    @Test
    void setsAsideARequestWithMissingFieldsSayingWhichOne() {
        fixture.define("e", 5);
        byte[] noUser = "{\"requestId\":\"r-1\",\"eventId\":\"e\",\"receivedAt\":\"2026-11-24T10:00:00Z\"}".getBytes(UTF_8);
        fixture.rawRequests.pipeInput(new TestRecord<>("e", noUser, at(1)));
        fixture.apply("e", "u-1", at(2));

        var dead = fixture.deadLetters.readRecord();

        assertThat(dead.value()).isEqualTo(noUser);
        assertThat(header(dead, "__streams.errors.message")).contains("userId");
        assertThat(fixture.issuedCoupons()).extracting(IssuedCoupon::userId).containsExactly("u-1");
    }

    @Test
    void setsAsideARequestFiledUnderAnotherEventsKey() {
        fixture.define("e", 5);
        byte[] otherEvent = ("{\"requestId\":\"r-1\",\"eventId\":\"other\",\"userId\":\"u-9\","
                + "\"receivedAt\":\"2026-11-24T10:00:00Z\"}").getBytes(UTF_8);
        fixture.rawRequests.pipeInput(new TestRecord<>("e", otherEvent, at(1)));
        fixture.apply("e", "u-1", at(2));

        var dead = fixture.deadLetters.readRecord();

        assertThat(dead.value()).isEqualTo(otherEvent);
        assertThat(header(dead, "__streams.errors.exception")).contains("RejectedRecordException");
        assertThat(header(dead, "__streams.errors.message")).contains("does not match eventId 'other'");
        assertThat(fixture.issuedCoupons()).extracting(IssuedCoupon::userId).containsExactly("u-1");
        assertThat(fixture.tallyOf("e").decided()).isEqualTo(1);
    }

    @Test
    void decidesTheSameInputIntoByteIdenticalCouponsTwice(@TempDir Path otherStateDir) {
        List<TestRecord<byte[], byte[]>> first = runScenario(fixture);
        List<TestRecord<byte[], byte[]>> second;
        try (var fresh = new TopologyFixture(otherStateDir)) {
            second = runScenario(fresh);
        }

        assertThat(first).hasSize(30);
        assertThat(second).hasSize(first.size());
        for (int i = 0; i < first.size(); i++) {
            assertThat(second.get(i).key()).isEqualTo(first.get(i).key());
            assertThat(second.get(i).value()).isEqualTo(first.get(i).value());
            assertThat(second.get(i).timestamp()).isEqualTo(first.get(i).timestamp());
        }
    }

    @Test
    void publishesEveryDecisionWithItsRequestIdOnCouponDecisions() {
        Instant opens = T0.plus(Duration.ofMinutes(1));
        Instant closes = opens.plus(Duration.ofMinutes(1));
        fixture.define(new EventDefinition("e", 1, opens, closes), T0);
        String unknown = fixture.apply("nobody-defined-me", "u-1", opens);
        String early = fixture.apply("e", "u-1", opens.minusMillis(1));
        String issued = fixture.apply("e", "u-1", opens);
        String duplicate = fixture.apply("e", "u-1", opens.plusMillis(1));
        String soldOut = fixture.apply("e", "u-2", opens.plusMillis(2));
        String late = fixture.apply("e", "u-3", closes);

        List<KeyValue<String, CouponDecision>> decisions = fixture.decided.readKeyValuesToList();

        assertThat(decisions).extracting(kv -> kv.key).containsExactly("nobody-defined-me", "e", "e", "e", "e", "e");
        assertThat(decisions).extracting(kv -> kv.value).containsExactly(
                new CouponDecision(unknown, "nobody-defined-me", "u-1", IssuingOutcome.UNKNOWN_EVENT, null, opens),
                new CouponDecision(early, "e", "u-1", IssuingOutcome.NOT_OPEN, null, opens.minusMillis(1)),
                new CouponDecision(issued, "e", "u-1", IssuingOutcome.ISSUED, 1, opens),
                new CouponDecision(duplicate, "e", "u-1", IssuingOutcome.DUPLICATE, 1, opens.plusMillis(1)),
                new CouponDecision(soldOut, "e", "u-2", IssuingOutcome.SOLD_OUT, null, opens.plusMillis(2)),
                new CouponDecision(late, "e", "u-3", IssuingOutcome.CLOSED, null, closes));
        assertThat(fixture.issuedCoupons()).extracting(IssuedCoupon::requestId).containsExactly(issued);
        assertThat(fixture.decided.isEmpty()).isTrue();
    }

    @Test
    void repeatsTheDecisionOfARedeliveredRequestAndIssuesNothing() {
        fixture.define("e", 1);
        String winner = fixture.apply("e", "u-1", at(1));
        String loser = fixture.apply("e", "u-2", at(2));
        fixture.define(new EventDefinition("e", 2, T0, null), at(3));
        List<CouponDecision> first = fixture.decisionsPublished();
        List<IssuedCoupon> coupons = fixture.issuedCoupons();
        EventTally tally = fixture.tallyOf("e");

        fixture.redeliver(winner);
        fixture.redeliver(loser);
        fixture.redeliver(winner);

        // The raised limit does not turn the re-delivered refusal into a coupon: it was decided.
        assertThat(fixture.decisionsPublished()).containsExactly(first.get(0), first.get(1), first.get(0));
        assertThat(first).extracting(CouponDecision::requestId, CouponDecision::outcome, CouponDecision::couponNo)
                .containsExactly(tuple(winner, IssuingOutcome.ISSUED, 1), tuple(loser, IssuingOutcome.SOLD_OUT, null));
        assertThat(coupons).hasSize(1);
        assertThat(fixture.issued.isEmpty()).isTrue();
        assertThat(fixture.tallyOf("e")).isEqualTo(tally);
        assertThat(fixture.decisionOf("e", "u-1")).isEqualTo(Decision.issued(1, winner, at(1)));
        assertThat(fixture.decisionOf("e", "u-2")).isEqualTo(Decision.rejected(IssuingOutcome.SOLD_OUT, loser, at(2)));
    }

    @Test
    void decidesARedeliveredDuplicateAfreshAsADuplicateAgain() {
        fixture.define("e", 5);
        String first = fixture.apply("e", "u-1", at(1));
        String again = fixture.apply("e", "u-1", at(2));

        fixture.redeliver(again);

        assertThat(fixture.decisionsPublished()).extracting(CouponDecision::requestId, CouponDecision::outcome, CouponDecision::couponNo)
                .containsExactly(tuple(first, IssuingOutcome.ISSUED, 1), tuple(again, IssuingOutcome.DUPLICATE, 1),
                        tuple(again, IssuingOutcome.DUPLICATE, 1));
        assertThat(fixture.issuedCoupons()).hasSize(1);
        assertThat(fixture.tallyOf("e")).isEqualTo(new EventTally(1, 2, 0, 0, 0, 0));
        assertThat(fixture.decisionOf("e", "u-1")).isEqualTo(Decision.issued(1, first, at(1)));
    }

    @Test
    void decidesTheSameInputWithRedeliveriesIntoByteIdenticalDecisionsTwice(@TempDir Path otherStateDir) {
        List<TestRecord<byte[], byte[]>> first = runScenarioWithRedeliveries(fixture);
        List<TestRecord<byte[], byte[]>> second;
        try (var fresh = new TopologyFixture(otherStateDir)) {
            second = runScenarioWithRedeliveries(fresh);
        }

        assertThat(first).hasSize(200 + 40);
        assertThat(second).hasSize(first.size());
        for (int i = 0; i < first.size(); i++) {
            assertThat(second.get(i).key()).isEqualTo(first.get(i).key());
            assertThat(second.get(i).value()).isEqualTo(first.get(i).value());
            assertThat(second.get(i).timestamp()).isEqualTo(first.get(i).timestamp());
        }
    }

    private static List<TestRecord<byte[], byte[]>> runScenarioWithRedeliveries(TopologyFixture f) {
        f.define("x", 20);
        f.define("y", 10);
        List<String> sent = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            sent.add(f.apply(i % 3 == 0 ? "y" : "x", "u-" + (i % 47), at(i)));
            if (i % 5 == 4) {
                f.redeliver(sent.get(i * 7 % sent.size()));
            }
        }
        return f.rawDecided.readRecordsToList();
    }

    private static List<TestRecord<byte[], byte[]>> runScenario(TopologyFixture f) {
        f.define("x", 20);
        f.define("y", 10);
        IntStream.range(0, 200).forEach(i -> f.apply(i % 3 == 0 ? "y" : "x", "u-" + (i % 47), at(i)));
        return f.rawIssued.readRecordsToList();
    }

    private static String header(TestRecord<byte[], byte[]> record, String name) {
        Header header = record.headers().lastHeader(name);
        assertThat(header).as("header " + name).isNotNull();
        return new String(header.value(), UTF_8);
    }
}
