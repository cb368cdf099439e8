package firstcome.processor;

import static firstcome.processor.TopologyFixture.T0;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import firstcome.contract.ActionType;
import firstcome.contract.CouponChange;
import firstcome.contract.CouponDecision;
import firstcome.contract.CouponState;
import firstcome.contract.EventDefinition;
import firstcome.contract.IssuedCoupon;
import firstcome.contract.IssuingOutcome;
import firstcome.contract.Json;
import firstcome.contract.query.ApplicationStatus;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The coupon lifecycle through the production topology: waitlist, redeem, unredeem, return, expiry. */
class LifecycleTopologyTest {

    private static final Instant VALID_UNTIL = T0.plus(Duration.ofHours(1));

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

    private void defineWithWaitlist(String eventId, int limit, int waitlist) {
        fixture.define(new EventDefinition(eventId, limit, T0, null, waitlist, null), T0);
    }

    @Test
    void waitlistsApplicantsPastTheLimitAndServesTheFirstWhenACouponIsReturned() {
        defineWithWaitlist("e", 2, 2);
        String first = fixture.apply("e", "u-1", at(1));
        fixture.apply("e", "u-2", at(2));
        String third = fixture.apply("e", "u-3", at(3));
        String fourth = fixture.apply("e", "u-4", at(4));
        String fifth = fixture.apply("e", "u-5", at(5));
        assertThat(fixture.decisionsPublished()).extracting(CouponDecision::userId, CouponDecision::outcome, CouponDecision::couponNo)
                .containsExactly(tuple("u-1", IssuingOutcome.ISSUED, 1), tuple("u-2", IssuingOutcome.ISSUED, 2),
                        tuple("u-3", IssuingOutcome.WAITLISTED, null), tuple("u-4", IssuingOutcome.WAITLISTED, null),
                        tuple("u-5", IssuingOutcome.SOLD_OUT, null));
        fixture.issuedCoupons();

        String returned = fixture.act("e", "u-1", ActionType.RETURN, null, at(10));

        assertThat(fixture.decisionsPublished()).containsExactly(
                new CouponDecision(returned, "e", "u-1", IssuingOutcome.RETURNED, 1, at(10), ActionType.RETURN, null, null),
                new CouponDecision(third, "e", "u-3", IssuingOutcome.ISSUED, 3, at(10)));
        assertThat(fixture.issuedCoupons()).containsExactly(new IssuedCoupon("e", "u-3", 3, third, at(10)));
        assertThat(fixture.changesPublished()).containsExactly(
                new CouponChange("e", "u-1", 1, first, at(1), null, CouponState.RETURNED, null, 1, at(10)));
        assertThat(fixture.tallyOf("e")).isEqualTo(new EventTally(3, 0, 1, 0, 0, 0, 0, 1, 1, 2));
        assertThat(fixture.tallyOf("e").answer("e").waitlisted()).isEqualTo(1);
        assertThat(fixture.waitingAt("e", 0)).isNull();
        assertThat(fixture.waitingAt("e", 1)).isEqualTo(new WaitingUser("u-4", fourth));
        assertThat(fixture.decisionOf("e", "u-3")).isEqualTo(Decision.issued(3, third, at(10)));
        assertThat(fixture.decisionOf("e", "u-5")).isEqualTo(Decision.rejected(IssuingOutcome.SOLD_OUT, fifth, at(5)));
    }

    @Test
    void servesWaitingUsersAsSoonAsARaisedLimitIsRead() {
        defineWithWaitlist("e", 1, 5);
        fixture.apply("e", "u-1", at(1));
        String second = fixture.apply("e", "u-2", at(2));
        String third = fixture.apply("e", "u-3", at(3));
        fixture.decisionsPublished();

        fixture.define(new EventDefinition("e", 3, T0, null, 5, null), at(4));

        assertThat(fixture.decisionsPublished()).containsExactly(
                new CouponDecision(second, "e", "u-2", IssuingOutcome.ISSUED, 2, at(4)),
                new CouponDecision(third, "e", "u-3", IssuingOutcome.ISSUED, 3, at(4)));
        assertThat(fixture.tallyOf("e").waiting()).isZero();
    }

    @Test
    void redeemsForOneOrderAtATimeAndAnswersRepeatedCallsTheSame() {
        fixture.define(new EventDefinition("e", 5, T0, null, 0, VALID_UNTIL), T0);
        String request = fixture.apply("e", "u-1", at(1));
        fixture.decisionsPublished();

        fixture.act("e", "u-1", ActionType.REDEEM, "o-1", at(2));
        fixture.act("e", "u-1", ActionType.REDEEM, "o-1", at(3));
        fixture.act("e", "u-1", ActionType.REDEEM, "o-2", at(4));
        fixture.act("e", "u-1", ActionType.RETURN, null, at(5));
        fixture.act("e", "u-1", ActionType.UNREDEEM, "o-2", at(6));
        fixture.act("e", "u-1", ActionType.UNREDEEM, "o-1", at(7));
        fixture.act("e", "u-1", ActionType.UNREDEEM, "o-1", at(8));
        fixture.act("e", "u-1", ActionType.REDEEM, "o-2", at(9));

        assertThat(fixture.decisionsPublished())
                .extracting(CouponDecision::action, CouponDecision::outcome, CouponDecision::couponNo, CouponDecision::orderId,
                        CouponDecision::validUntil)
                .containsExactly(
                        tuple(ActionType.REDEEM, IssuingOutcome.REDEEMED, 1, "o-1", VALID_UNTIL),
                        tuple(ActionType.REDEEM, IssuingOutcome.REDEEMED, 1, "o-1", VALID_UNTIL),
                        tuple(ActionType.REDEEM, IssuingOutcome.ALREADY_REDEEMED, 1, "o-1", VALID_UNTIL),
                        tuple(ActionType.RETURN, IssuingOutcome.ALREADY_REDEEMED, 1, "o-1", VALID_UNTIL),
                        tuple(ActionType.UNREDEEM, IssuingOutcome.NOT_REDEEMED, 1, null, VALID_UNTIL),
                        tuple(ActionType.UNREDEEM, IssuingOutcome.ISSUED, 1, null, VALID_UNTIL),
                        tuple(ActionType.UNREDEEM, IssuingOutcome.ISSUED, 1, null, VALID_UNTIL),
                        tuple(ActionType.REDEEM, IssuingOutcome.REDEEMED, 1, "o-2", VALID_UNTIL));
        assertThat(fixture.changesPublished()).containsExactly(
                new CouponChange("e", "u-1", 1, request, at(1), VALID_UNTIL, CouponState.REDEEMED, "o-1", 1, at(2)),
                new CouponChange("e", "u-1", 1, request, at(1), VALID_UNTIL, CouponState.ISSUED, null, 2, at(7)),
                new CouponChange("e", "u-1", 1, request, at(1), VALID_UNTIL, CouponState.REDEEMED, "o-2", 3, at(9)));
        assertThat(fixture.tallyOf("e").redeemed()).isEqualTo(1);
        assertThat(LifecycleRules.status(fixture.decisionOf("e", "u-1"), null, null, at(10)))
                .isEqualTo(ApplicationStatus.redeemed(1, "o-2"));
    }

    @Test
    void neverRedeemsACouponAtOrPastItsValidityAndClosesApplicationsThen() {
        fixture.define(new EventDefinition("e", 5, T0, null, 0, VALID_UNTIL), T0);
        fixture.apply("e", "u-1", at(1));
        fixture.apply("e", "u-2", at(2));
        fixture.act("e", "u-2", ActionType.REDEEM, "o-2", VALID_UNTIL.minusMillis(1));
        fixture.decisionsPublished();
        fixture.changesPublished();
        fixture.issuedCoupons();

        fixture.act("e", "u-1", ActionType.REDEEM, "o-1", VALID_UNTIL);
        fixture.act("e", "u-2", ActionType.UNREDEEM, "o-2", VALID_UNTIL.plusMillis(1));
        fixture.apply("e", "u-3", VALID_UNTIL);
        fixture.act("e", "u-1", ActionType.RETURN, null, VALID_UNTIL.plusMillis(2));

        assertThat(fixture.decisionsPublished()).extracting(CouponDecision::userId, CouponDecision::outcome)
                .containsExactly(tuple("u-1", IssuingOutcome.EXPIRED), tuple("u-2", IssuingOutcome.EXPIRED),
                        tuple("u-3", IssuingOutcome.CLOSED), tuple("u-1", IssuingOutcome.RETURNED));
        assertThat(fixture.changesPublished()).extracting(CouponChange::userId, CouponChange::state, CouponChange::version)
                .containsExactly(tuple("u-2", CouponState.ISSUED, 2), tuple("u-1", CouponState.RETURNED, 1));
        assertThat(fixture.issuedCoupons()).isEmpty();
        assertThat(LifecycleRules.status(fixture.decisionOf("e", "u-2"), null, null, VALID_UNTIL))
                .isEqualTo(ApplicationStatus.expired(2, VALID_UNTIL));
    }

    @Test
    void refusesActionsOnCouponsNobodyHoldsAndOnUnknownEvents() {
        defineWithWaitlist("e", 1, 1);
        fixture.apply("e", "holder", at(1));
        fixture.apply("e", "waiting", at(2));
        fixture.decisionsPublished();

        fixture.act("e", "waiting", ActionType.REDEEM, "o-1", at(3));
        fixture.act("e", "stranger", ActionType.RETURN, null, at(4));
        fixture.act("e", "stranger", ActionType.UNREDEEM, "o-1", at(5));
        fixture.act("nobody-defined-me", "holder", ActionType.REDEEM, "o-1", at(6));

        assertThat(fixture.decisionsPublished()).extracting(CouponDecision::userId, CouponDecision::outcome, CouponDecision::couponNo)
                .containsExactly(tuple("waiting", IssuingOutcome.NOT_ISSUED, null), tuple("stranger", IssuingOutcome.NOT_ISSUED, null),
                        tuple("stranger", IssuingOutcome.NOT_REDEEMED, null),
                        tuple("holder", IssuingOutcome.UNKNOWN_EVENT, null));
        assertThat(fixture.changesPublished()).isEmpty();
        assertThat(fixture.decisionOf("e", "stranger")).isNull();
    }

    @Test
    void refusesAUserWhoReturnedTheirCouponAsADuplicateWithoutANumber() {
        fixture.define("e", 5);
        String request = fixture.apply("e", "u-1", at(1));
        fixture.act("e", "u-1", ActionType.RETURN, null, at(2));
        fixture.decisionsPublished();

        String again = fixture.apply("e", "u-1", at(3));
        fixture.redeliver(request);

        assertThat(fixture.decisionsPublished()).containsExactly(
                new CouponDecision(again, "e", "u-1", IssuingOutcome.DUPLICATE, null, at(3)),
                new CouponDecision(request, "e", "u-1", IssuingOutcome.ISSUED, 1, at(1)));
        assertThat(fixture.issuedCoupons()).hasSize(1);
        // The returned number is never used again.
        fixture.apply("e", "u-2", at(4));
        assertThat(fixture.issuedCoupons()).extracting(IssuedCoupon::couponNo).containsExactly(2);
    }

    @Test
    void servesNobodyOnceTheEventHasClosedByStreamTime() {
        Instant closes = at(100);
        fixture.define(new EventDefinition("e", 1, T0, closes, 3, null), T0);
        fixture.apply("e", "u-1", at(1));
        fixture.apply("e", "u-2", at(2));
        fixture.apply("e", "u-3", closes.plusMillis(5));
        fixture.decisionsPublished();
        fixture.issuedCoupons();

        // Stamped before the closing but read after a record past it: the freed coupon stays free.
        fixture.act("e", "u-1", ActionType.RETURN, null, closes.minusMillis(1));

        assertThat(fixture.decisionsPublished()).extracting(CouponDecision::userId, CouponDecision::outcome)
                .containsExactly(tuple("u-1", IssuingOutcome.RETURNED));
        assertThat(fixture.issued.isEmpty()).isTrue();
        assertThat(LifecycleRules.status(fixture.decisionOf("e", "u-2"), new EventDefinition("e", 1, T0, closes, 3, null),
                fixture.tallyOf("e"), closes)).isEqualTo(ApplicationStatus.rejected(IssuingOutcome.CLOSED));
        assertThat(LifecycleRules.status(fixture.decisionOf("e", "u-2"), new EventDefinition("e", 1, T0, closes, 3, null),
                fixture.tallyOf("e"), closes.minusMillis(1))).isEqualTo(ApplicationStatus.waitlisted(1));
    }

    @Test
    void setsAsideUnreadableActionsNamingTheirTopicAndDecidesTheNextOne() {
        fixture.define("e", 5);
        fixture.apply("e", "u-1", at(1));
        fixture.decisionsPublished();
        byte[] garbage = {(byte) 0xff, 0x00};
        byte[] noOrder = ("{\"actionId\":\"a-1\",\"eventId\":\"e\",\"userId\":\"u-1\",\"action\":\"REDEEM\","
                + "\"receivedAt\":\"2026-11-24T10:00:00Z\"}").getBytes(UTF_8);
        byte[] otherEvent = ("{\"actionId\":\"a-2\",\"eventId\":\"other\",\"userId\":\"u-1\",\"action\":\"RETURN\","
                + "\"receivedAt\":\"2026-11-24T10:00:00Z\"}").getBytes(UTF_8);
        fixture.rawActions.pipeInput(new TestRecord<>("e", garbage, at(2)));
        fixture.rawActions.pipeInput(new TestRecord<>("e", noOrder, at(3)));
        fixture.rawActions.pipeInput(new TestRecord<>("e", otherEvent, at(4)));
        fixture.act("e", "u-1", ActionType.REDEEM, "o-1", at(5));

        List<TestRecord<byte[], byte[]>> dead = fixture.deadLetters.readRecordsToList();

        assertThat(dead).extracting(TestRecord::value).containsExactly(garbage, noOrder, otherEvent);
        assertThat(dead).allSatisfy(d -> assertThat(header(d, "__streams.errors.topic")).isEqualTo("coupon-actions"));
        assertThat(header(dead.get(1), "__streams.errors.message")).contains("orderId");
        assertThat(header(dead.get(2), "__streams.errors.message")).contains("does not match eventId 'other'");
        assertThat(fixture.decisionsPublished()).extracting(CouponDecision::outcome).containsExactly(IssuingOutcome.REDEEMED);
    }

    @Test
    void dropsAnEventsWaitlistAndCouponStatesAtRetirementAndDecidesLaterActionsUnknownEvent(@TempDir Path retiring) {
        Duration retention = Duration.ofHours(1);
        Instant closes = T0.plus(Duration.ofMinutes(10));
        Instant afterTheSweep = closes.plus(retention).plus(IssuingProcessor.SWEEP_INTERVAL);
        try (var f = new TopologyFixture(retiring, retention, IssuingProcessor.SWEEP_INTERVAL)) {
            f.define(new EventDefinition("old", 1, T0, closes, 2, null), T0);
            f.define("open", 5);
            f.apply("old", "u-1", at(1));
            f.apply("old", "u-2", at(2));
            f.act("old", "u-1", ActionType.REDEEM, "o-1", at(3));
            f.apply("open", "u-1", at(4));
            assertThat(f.keysIn(IssuingTopology.WAITLIST_STORE)).containsExactly(WaitingUser.key("old", 0));
            f.decisionsPublished();

            f.apply("open", "u-2", afterTheSweep);
            String late = f.act("old", "u-1", ActionType.UNREDEEM, "o-1", afterTheSweep.plusMillis(1));

            assertThat(f.keysIn(IssuingTopology.WAITLIST_STORE)).isEmpty();
            assertThat(f.keysIn(IssuingTopology.DECISIONS_STORE)).containsExactly("open/u-1", "open/u-2");
            assertThat(f.keysIn(IssuingTopology.TALLIES_STORE)).containsExactly("open");
            assertThat(f.decisionsPublished()).extracting(CouponDecision::userId, CouponDecision::requestId, CouponDecision::outcome)
                    .endsWith(tuple("u-1", late, IssuingOutcome.UNKNOWN_EVENT));
            assertThat(f.changesPublished()).extracting(CouponChange::version).containsExactly(1);
            assertThat(f.keysIn(IssuingTopology.DECISIONS_STORE)).containsExactly("open/u-1", "open/u-2");
        }
    }

    @Test
    void keepsAnEventWhoseCouponsOutliveItsClosingUntilTheRetentionPastTheirValidity(@TempDir Path retiring) {
        Duration retention = Duration.ofHours(1);
        Instant closes = T0.plus(Duration.ofMinutes(10));
        Instant validUntil = closes.plus(Duration.ofDays(30));
        Instant pastTheClosingsRetirement = closes.plus(retention).plus(IssuingProcessor.SWEEP_INTERVAL);
        try (var f = new TopologyFixture(retiring, retention, IssuingProcessor.SWEEP_INTERVAL)) {
            f.define(new EventDefinition("e", 2, T0, closes, 0, validUntil), T0);
            f.apply("e", "u-1", at(1));
            f.apply("e", "u-2", at(2));
            f.decisionsPublished();
            f.changesPublished();

            f.act("e", "u-1", ActionType.REDEEM, "o-1", pastTheClosingsRetirement);
            f.act("e", "u-2", ActionType.RETURN, null, pastTheClosingsRetirement.plusMillis(1));
            f.apply("e", "u-3", pastTheClosingsRetirement.plusMillis(2));

            assertThat(f.decisionsPublished()).extracting(CouponDecision::userId, CouponDecision::outcome, CouponDecision::couponNo)
                    .containsExactly(tuple("u-1", IssuingOutcome.REDEEMED, 1), tuple("u-2", IssuingOutcome.RETURNED, 2),
                            tuple("u-3", IssuingOutcome.CLOSED, null));
            assertThat(f.changesPublished()).extracting(CouponChange::userId, CouponChange::state)
                    .containsExactly(tuple("u-1", CouponState.REDEEMED), tuple("u-2", CouponState.RETURNED));
            assertThat(f.retiredMarkerOf("e")).isNull();

            Instant retires = validUntil.plus(retention);
            String stillKept = f.act("e", "u-1", ActionType.UNREDEEM, "o-1", retires.minusMillis(1));
            String late = f.act("e", "u-1", ActionType.UNREDEEM, "o-1", retires);
            String tooLate = f.apply("e", "u-4", retires.plus(IssuingProcessor.SWEEP_INTERVAL));

            assertThat(f.decisionsPublished()).extracting(CouponDecision::userId, CouponDecision::requestId, CouponDecision::outcome)
                    .containsExactly(tuple("u-1", stillKept, IssuingOutcome.EXPIRED),
                            tuple("u-1", late, IssuingOutcome.UNKNOWN_EVENT),
                            tuple("u-4", tooLate, IssuingOutcome.CLOSED));
            assertThat(f.retiredMarkerOf("e")).isEqualTo(new RetiredEvent(validUntil, retires));
            assertThat(f.keysIn(IssuingTopology.DECISIONS_STORE)).isEmpty();
            assertThat(f.keysIn(IssuingTopology.TALLIES_STORE)).isEmpty();
        }
    }

    @Test
    void retiresAnEventClosedOnlyByItsCouponsValidity(@TempDir Path retiring) {
        Duration retention = Duration.ofHours(1);
        Instant retires = VALID_UNTIL.plus(retention);
        try (var f = new TopologyFixture(retiring, retention, IssuingProcessor.SWEEP_INTERVAL)) {
            f.define(new EventDefinition("e", 2, T0, null, 1, VALID_UNTIL), T0);
            f.apply("e", "u-1", at(1));
            f.act("e", "u-1", ActionType.REDEEM, "o-1", at(2));
            f.act("e", "u-1", ActionType.UNREDEEM, "o-1", retires.minusMillis(1));
            f.decisionsPublished();

            String late = f.act("e", "u-1", ActionType.REDEEM, "o-2", retires);
            String tooLate = f.apply("e", "u-2", retires.plusMillis(1));
            f.define("other", 1);
            String other = f.apply("other", "u-1", retires.plus(IssuingProcessor.SWEEP_INTERVAL));

            assertThat(f.decisionsPublished()).extracting(CouponDecision::eventId, CouponDecision::requestId, CouponDecision::outcome)
                    .containsExactly(tuple("e", late, IssuingOutcome.UNKNOWN_EVENT), tuple("e", tooLate, IssuingOutcome.CLOSED),
                            tuple("other", other, IssuingOutcome.ISSUED));
            assertThat(f.retiredMarkerOf("e")).isEqualTo(new RetiredEvent(VALID_UNTIL, retires));
            assertThat(f.keysIn(IssuingTopology.DECISIONS_STORE)).containsExactly("other/u-1");
            assertThat(f.keysIn(IssuingTopology.TALLIES_STORE)).containsExactly("other");
            assertThat(f.keysIn(IssuingTopology.WAITLIST_STORE)).isEmpty();
        }
    }

    @Test
    void answersAWaitingUsersPlaceAsTheUsersAheadAreServed() {
        defineWithWaitlist("e", 1, 3);
        fixture.apply("e", "u-1", at(1));
        fixture.apply("e", "u-2", at(2));
        fixture.apply("e", "u-3", at(3));
        EventDefinition event = new EventDefinition("e", 1, T0, null, 3, null);
        assertThat(LifecycleRules.status(fixture.decisionOf("e", "u-3"), event, fixture.tallyOf("e"), at(4)))
                .isEqualTo(ApplicationStatus.waitlisted(2));

        fixture.act("e", "u-1", ActionType.RETURN, null, at(5));

        assertThat(LifecycleRules.status(fixture.decisionOf("e", "u-3"), event, fixture.tallyOf("e"), at(6)))
                .isEqualTo(ApplicationStatus.waitlisted(1));
        assertThat(LifecycleRules.status(fixture.decisionOf("e", "u-2"), event, fixture.tallyOf("e"), at(6)))
                .isEqualTo(ApplicationStatus.issued(2));
        assertThat(LifecycleRules.status(fixture.decisionOf("e", "u-1"), event, fixture.tallyOf("e"), at(6)))
                .isEqualTo(ApplicationStatus.returned(1));
        assertThat(LifecycleRules.status(null, event, fixture.tallyOf("e"), at(6)))
                .isEqualTo(ApplicationStatus.notApplied());
    }

    @Test
    void writesTheDecisionsAndCouponsOfAnEventWithoutWaitlistOrValidityAsBefore() {
        fixture.define("e", 1);
        String id = fixture.apply("e", "u-1", at(1));

        assertThat(new String(fixture.rawDecided.readRecord().value(), UTF_8)).isEqualTo("{\"requestId\":\"" + id
                + "\",\"eventId\":\"e\",\"userId\":\"u-1\",\"outcome\":\"ISSUED\",\"couponNo\":1,"
                + "\"decidedAt\":\"2026-11-24T10:00:00.001Z\"}");
        assertThat(new String(fixture.rawIssued.readRecord().value(), UTF_8)).isEqualTo("{\"eventId\":\"e\",\"userId\":\"u-1\","
                + "\"couponNo\":1,\"requestId\":\"" + id + "\",\"issuedAt\":\"2026-11-24T10:00:00.001Z\"}");
    }

    @Test
    void writesAChangesWholeRow() {
        fixture.define(new EventDefinition("e", 1, T0, null, 0, VALID_UNTIL), T0);
        String id = fixture.apply("e", "u-1", at(1));
        fixture.act("e", "u-1", ActionType.REDEEM, "o-1", at(2));

        assertThat(new String(fixture.rawChanges.readRecord().value(), UTF_8)).isEqualTo("{\"eventId\":\"e\",\"userId\":\"u-1\","
                + "\"couponNo\":1,\"requestId\":\"" + id + "\",\"issuedAt\":\"2026-11-24T10:00:00.001Z\","
                + "\"validUntil\":\"2026-11-24T11:00:00Z\",\"state\":\"REDEEMED\",\"orderId\":\"o-1\",\"version\":1,"
                + "\"changedAt\":\"2026-11-24T10:00:00.002Z\"}");
    }

    @Test
    void readsTalliesAndDecisionsStoredBeforeTheLifecycle() throws Exception {
        EventTally tally = Json.mapper().readValue("{\"issued\":3,\"duplicates\":1,\"soldOut\":2,\"notOpen\":0,\"closed\":0,"
                + "\"unknownEvent\":0}", EventTally.class);
        Decision decision = Json.mapper().readValue("{\"outcome\":\"ISSUED\",\"couponNo\":3,\"requestId\":\"r-1\","
                + "\"decidedAt\":\"2026-11-24T10:00:00Z\"}", Decision.class);

        assertThat(tally).isEqualTo(new EventTally(3, 1, 2, 0, 0, 0));
        assertThat(decision.couponState()).isEqualTo(CouponState.ISSUED);
        assertThat(decision.holdsCoupon()).isTrue();
        assertThat(Json.mapper().writeValueAsString(Decision.issued(3, "r-1", T0)))
                .isEqualTo("{\"outcome\":\"ISSUED\",\"couponNo\":3,\"requestId\":\"r-1\",\"decidedAt\":\"2026-11-24T10:00:00Z\","
                        + "\"state\":\"ISSUED\"}");
    }

    private static String header(TestRecord<byte[], byte[]> record, String name) {
        Header header = record.headers().lastHeader(name);
        assertThat(header).as("header " + name).isNotNull();
        return new String(header.value(), UTF_8);
    }
}
