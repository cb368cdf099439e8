package firstcome.ops;

import static org.assertj.core.api.Assertions.assertThat;

import firstcome.contract.ActionType;
import firstcome.contract.CouponDecision;
import firstcome.contract.EventDefinition;
import firstcome.contract.IssuedCoupon;
import firstcome.contract.IssuingOutcome;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class EventAuditTest {

    private static final Instant OPENS = Instant.parse("2026-11-24T10:00:00Z");
    private static final String EVENT = "sale";

    private final EventAudit audit = new EventAudit(EVENT, 20);
    private final List<IssuedCoupon> log = new ArrayList<>();
    private long requestOffset;
    private long issuedOffset;
    private long rowId;

    @Test
    void findsNothingWhenTheFirstEligibleRequestsHoldTheCouponsInTheLogAndTheTable() {
        audit.define(definition(3));
        apply("early", OPENS.minusSeconds(1));
        apply("u-1", OPENS);
        apply("u-1", OPENS.plusMillis(1));
        apply("u-2", OPENS.plusMillis(2));
        apply("u-3", OPENS.plusMillis(3));
        apply("u-4", OPENS.plusMillis(4));

        issue(1, "u-1", OPENS);
        issue(2, "u-2", OPENS.plusMillis(2));
        issue(3, "u-3", OPENS.plusMillis(3));
        storeEveryIssuedCoupon();

        assertThat(audit.listedDiscrepancies()).isEmpty();
        assertThat(audit.consistent()).isTrue();
        assertThat(audit.summary()).startsWith("sale: k = 3 = min(limit 3, distinct users who applied while open, at least 3)")
                .contains("6 request(s): 3 first comers, 1 duplicate, 1 sold out, 1 not open");
    }

    @Test
    void namesTheEligibleRequestWhenACouponWentToALaterComer() {
        audit.define(definition(1));
        apply("u-1", OPENS);
        apply("u-2", OPENS.plusMillis(1));

        issue(1, "u-2", OPENS.plusMillis(1));
        audit.issuedDone();

        assertThat(audit.listedDiscrepancies()).singleElement().asString()
                .contains("coupon 1 went to user u-2")
                .contains("the 1st eligible request is user u-1")
                .contains("coupon-requests partition 0 offset 0");
    }

    @Test
    void namesTheMissingRowOfACouponDeletedFromTheTable() {
        audit.define(definition(2));
        apply("u-1", OPENS);
        apply("u-2", OPENS.plusMillis(1));
        issue(1, "u-1", OPENS);
        issue(2, "u-2", OPENS.plusMillis(1));
        audit.issuedDone();

        audit.row(row(1, "u-1", OPENS));
        audit.rowsDone();

        assertThat(audit.listedDiscrepancies()).singleElement().asString()
                .contains("no row for coupon 2 of event sale (user u-2");
    }

    @Test
    void namesARowThatNobodyIssued() {
        audit.define(definition(5));
        apply("u-1", OPENS);
        issue(1, "u-1", OPENS);
        audit.issuedDone();

        audit.row(row(1, "u-1", OPENS));
        audit.row(row(2, "intruder", OPENS));
        audit.rowsDone();

        assertThat(audit.listedDiscrepancies()).singleElement().asString()
                .contains("coupon 2 of event sale for user intruder")
                .contains("matches no record of coupon-issued");
    }

    @Test
    void flagsAGapInTheNumbersAndTheEligibleRequestLeftWithout() {
        audit.define(definition(3));
        apply("u-1", OPENS);
        apply("u-2", OPENS.plusMillis(1));
        issue(1, "u-1", OPENS);
        issue(3, "u-2", OPENS.plusMillis(1));
        audit.issuedDone();

        assertThat(audit.listedDiscrepancies())
                .anySatisfy(line -> assertThat(line).contains("coupon 3 follows coupon 1"))
                .anySatisfy(line -> assertThat(line).contains("coupon 2 is missing from coupon-issued").contains("user u-2"));
    }

    @Test
    void flagsTwoCouponsForOneUser() {
        audit.define(definition(3));
        apply("u-1", OPENS);
        apply("u-2", OPENS.plusMillis(1));
        issue(1, "u-1", OPENS);
        issue(2, "u-1", OPENS);
        audit.issuedDone();

        assertThat(audit.listedDiscrepancies()).anySatisfy(line -> assertThat(line).contains("user u-1 holds two coupons: 1"));
    }

    @Test
    void decidesEachRequestUnderTheDefinitionInForceAtItsTime() {
        audit.define(definition(1));
        apply("u-1", OPENS);
        apply("u-2", OPENS.plusMillis(1));
        audit.define(definition(2));
        apply("u-3", OPENS.plusMillis(2));

        issue(1, "u-1", OPENS);
        issue(2, "u-3", OPENS.plusMillis(2));
        storeEveryIssuedCoupon();

        assertThat(audit.listedDiscrepancies()).isEmpty();
        assertThat(audit.expectedCoupons()).isEqualTo(2);
    }

    @Test
    void givesNothingToRequestsOfAnEventNeverDefined() {
        apply("u-1", OPENS);
        issue(1, "u-1", OPENS);
        audit.issuedDone();

        assertThat(audit.listedDiscrepancies()).singleElement().asString()
                .contains("coupon 1 went to user u-1").contains("only 0 request(s) were eligible");
        assertThat(audit.summary()).contains("never defined");
    }

    @Test
    void decidesARedeliveredRequestAsBeforeAndAnyOtherAfresh() {
        audit.define(definition(1));
        var first = request("u-1", OPENS);
        var refused = request("u-2", OPENS.plusMillis(1));
        audit.define(definition(2));

        var firstAgain = request("u-1", OPENS);
        var refusedAgain = request("u-2", OPENS.plusMillis(1));
        var duplicate = request("u-1", OPENS.plusMillis(2));
        var duplicateAgain = request("u-1", OPENS.plusMillis(2));

        assertThat(first).isEqualTo(new EventAudit.Verdict(IssuingOutcome.ISSUED, 1));
        assertThat(firstAgain).isEqualTo(first);
        // Sold out when it was decided: the raised limit does not reopen a re-delivered request.
        assertThat(refused).isEqualTo(new EventAudit.Verdict(IssuingOutcome.SOLD_OUT, null));
        assertThat(refusedAgain).isEqualTo(refused);
        assertThat(duplicate).isEqualTo(new EventAudit.Verdict(IssuingOutcome.DUPLICATE, 1));
        assertThat(duplicateAgain).isEqualTo(duplicate);
        assertThat(audit.expectedCoupons()).isEqualTo(1);
        assertThat(audit.summary()).contains("6 request(s): 1 first comers, 2 duplicate, 1 sold out").contains("2 re-delivered");
    }

    @Test
    void namesAPublishedDecisionThatDiffersFromTheAuditsOrIsMissing() {
        audit.define(definition(1));
        var issued = request("u-1", OPENS);
        var refused = request("u-2", OPENS.plusMillis(1));

        audit.decision(new CouponDecision(requestId("u-1", OPENS), EVENT, "u-1", IssuingOutcome.ISSUED, 1, OPENS),
                "u-1", requestId("u-1", OPENS), OPENS.toEpochMilli(), issued, "coupon-requests partition 0 offset 0",
                "coupon-decisions partition 0 offset 0");
        audit.decision(new CouponDecision(requestId("u-2", OPENS.plusMillis(1)), EVENT, "u-2", IssuingOutcome.ISSUED, 2,
                OPENS.plusMillis(1)), "u-2", requestId("u-2", OPENS.plusMillis(1)), OPENS.plusMillis(1).toEpochMilli(), refused,
                "coupon-requests partition 0 offset 1", "coupon-decisions partition 0 offset 1");
        audit.decision(null, "u-3", "r-3", OPENS.plusMillis(2).toEpochMilli(), refused, "coupon-requests partition 0 offset 2", null);

        assertThat(audit.listedDiscrepancies()).hasSize(2);
        assertThat(audit.listedDiscrepancies().get(0)).contains("coupon-decisions partition 0 offset 1: decision ISSUED (coupon 2)")
                .contains("the audit decides request " + requestId("u-2", OPENS.plusMillis(1))).endsWith("SOLD_OUT");
        assertThat(audit.listedDiscrepancies().get(1)).contains("coupon-requests partition 0 offset 2: no decision on coupon-decisions"
                + " for request r-3 of user u-3");
    }

    @Test
    void namesEveryUserOnWhomTheGateAndTheAuthorityDisagree() {
        audit.define(definition(2));
        apply("u-1", OPENS);
        apply("u-2", OPENS.plusMillis(1));
        apply("u-3", OPENS.plusMillis(2));
        issue(1, "u-1", OPENS);
        issue(2, "u-2", OPENS.plusMillis(1));
        audit.issuedDone();

        var agreeing = new GateCheck.GateState(Set.of("u-1", "u-2"), 2, Map.of());
        var stale = new GateCheck.GateState(Set.of("u-1", "u-3"), 3, Map.of("u-2", "{\"requestId\":\"r\"}"));

        assertThat(GateCheck.differences(audit, agreeing)).isEmpty();
        assertThat(GateCheck.differences(audit, stale)).containsExactly(
                "event sale, user u-3: the gate holds a place for them, the authority: holds no coupon (last decided SOLD_OUT, request "
                        + requestId("u-3", OPENS.plusMillis(2)) + ")",
                "event sale, user u-2: the gate does not list them, the authority: holds coupon 2",
                "event sale: the gate counts 3 place(s), the authority 2 coupon holder(s)",
                "event sale, user u-2: the gate still waits for the decision of {\"requestId\":\"r\"}, the authority: holds coupon 2");
    }

    private EventAudit.Verdict request(String user, Instant at) {
        return audit.request(user, requestId(user, at), at.toEpochMilli(), "coupon-requests", 0, requestOffset++);
    }

    @Test
    void refusesEveryRequestAsClosedOnceTheStreamTimeReachedTheRetirementAndTakesNoLaterDefinition() {
        // given: an event closing an hour after it opens, retired a day after that
        EventAudit retiring = new EventAudit(EVENT, 20, java.time.Duration.ofDays(1));
        Instant closes = OPENS.plusSeconds(3600);
        Instant retires = closes.plus(java.time.Duration.ofDays(1));
        retiring.define(new EventDefinition(EVENT, 2, OPENS, closes), OPENS.toEpochMilli());
        long at = OPENS.plusSeconds(1).toEpochMilli();
        assertThat(retiring.request("u-1", "r-1", at, at, "coupon-requests", 0, 0).outcome()).isEqualTo(IssuingOutcome.ISSUED);

        // when: the stream time passes the retirement (another event's record moved it on)
        long later = retires.toEpochMilli();

        // then: the holder's re-delivered request reads CLOSED, no coupon, and a new definition opens nothing
        assertThat(retiring.request("u-1", "r-1", at, later, "coupon-requests", 0, 1))
                .isEqualTo(new EventAudit.Verdict(IssuingOutcome.CLOSED, null));
        retiring.define(new EventDefinition(EVENT, 5, retires, null), later + 1);
        assertThat(retiring.definition().closesAt()).isEqualTo(closes);
        assertThat(retiring.request("u-2", "r-2", later + 2, later + 2, "coupon-requests", 0, 2).outcome())
                .isEqualTo(IssuingOutcome.CLOSED);
    }

    @Test
    void decidesAsBeforeWhileTheStreamTimeIsShortOfTheRetirement() {
        EventAudit retiring = new EventAudit(EVENT, 20, java.time.Duration.ofDays(1));
        Instant closes = OPENS.plusSeconds(3600);
        retiring.define(new EventDefinition(EVENT, 2, OPENS, closes), OPENS.toEpochMilli());
        long at = OPENS.plusSeconds(1).toEpochMilli();
        long justBefore = closes.plus(java.time.Duration.ofDays(1)).toEpochMilli() - 1;

        assertThat(retiring.request("u-1", "r-1", at, justBefore, "coupon-requests", 0, 0).outcome()).isEqualTo(IssuingOutcome.ISSUED);
    }

    @Test
    void keepsAnEventWhoseCouponsOutliveItsClosingUntilTheRetentionPastTheirValidity() {
        // given: closing an hour after it opens, coupons valid thirty days, retired a day after the later
        EventAudit outlives = new EventAudit(EVENT, 20, java.time.Duration.ofDays(1));
        Instant closes = OPENS.plusSeconds(3600);
        Instant validUntil = closes.plus(java.time.Duration.ofDays(30));
        outlives.define(new EventDefinition(EVENT, 2, OPENS, closes, 0, validUntil), OPENS.toEpochMilli());
        long at = OPENS.plusSeconds(1).toEpochMilli();
        assertThat(outlives.request("u-1", "r-1", at, at, "coupon-requests", 0, 0).outcome()).isEqualTo(IssuingOutcome.ISSUED);

        // when / then: past the closing's retirement the coupon is still redeemed
        long afterTheClosingsRetirement = closes.plus(java.time.Duration.ofDays(2)).toEpochMilli();
        assertThat(outlives.action("u-1", "a-1", ActionType.REDEEM, "o-1", afterTheClosingsRetirement, afterTheClosingsRetirement))
                .isEqualTo(IssuingOutcome.REDEEMED);
        // and from the retirement past the validity on, the event's state is gone
        long retires = validUntil.plus(java.time.Duration.ofDays(1)).toEpochMilli();
        assertThat(outlives.action("u-1", "a-2", ActionType.UNREDEEM, "o-1", retires - 1, retires - 1))
                .isEqualTo(IssuingOutcome.EXPIRED);
        assertThat(outlives.action("u-1", "a-3", ActionType.REDEEM, "o-2", retires, retires))
                .isEqualTo(IssuingOutcome.UNKNOWN_EVENT);
    }

    @Test
    void retiresAnEventClosedOnlyByItsCouponsValidity() {
        EventAudit byValidity = new EventAudit(EVENT, 20, java.time.Duration.ofDays(1));
        Instant validUntil = OPENS.plusSeconds(3600);
        byValidity.define(new EventDefinition(EVENT, 2, OPENS, null, 0, validUntil), OPENS.toEpochMilli());
        long at = OPENS.plusSeconds(1).toEpochMilli();
        assertThat(byValidity.request("u-1", "r-1", at, at, "coupon-requests", 0, 0).outcome()).isEqualTo(IssuingOutcome.ISSUED);

        long retires = validUntil.plus(java.time.Duration.ofDays(1)).toEpochMilli();
        assertThat(byValidity.action("u-1", "a-1", ActionType.RETURN, null, retires - 1, retires - 1))
                .isEqualTo(IssuingOutcome.RETURNED);
        assertThat(byValidity.action("u-1", "a-2", ActionType.RETURN, null, retires, retires))
                .isEqualTo(IssuingOutcome.UNKNOWN_EVENT);
    }

    private static EventDefinition definition(int limit) {
        return new EventDefinition(EVENT, limit, OPENS, null);
    }

    private void apply(String user, Instant at) {
        audit.request(user, requestId(user, at), at.toEpochMilli(), "coupon-requests", 0, requestOffset++);
    }

    private void issue(int couponNo, String user, Instant at) {
        IssuedCoupon coupon = new IssuedCoupon(EVENT, user, couponNo, requestId(user, at), at);
        log.add(coupon);
        audit.issued(coupon, "coupon-issued", 0, issuedOffset++);
    }

    private void storeEveryIssuedCoupon() {
        audit.issuedDone();
        for (IssuedCoupon coupon : log) {
            audit.row(row(coupon.couponNo(), coupon.userId(), coupon.issuedAt()));
        }
        audit.rowsDone();
    }

    private CouponTableScan.Row row(int couponNo, String user, Instant at) {
        return new CouponTableScan.Row(++rowId, EVENT, user, couponNo, requestId(user, at), at);
    }

    /** One request per user and instant; a re-delivery repeats both. */
    private static String requestId(String user, Instant at) {
        return "req-" + user + "@" + at.toEpochMilli();
    }
}
