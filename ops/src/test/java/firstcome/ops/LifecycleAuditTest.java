package firstcome.ops;

import static org.assertj.core.api.Assertions.assertThat;

import firstcome.contract.ActionType;
import firstcome.contract.CouponChange;
import firstcome.contract.CouponDecision;
import firstcome.contract.CouponState;
import firstcome.contract.EventDefinition;
import firstcome.contract.IssuedCoupon;
import firstcome.contract.IssuingOutcome;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The audit's model of the lifecycle over crafted logs: the records the processor writes by
 * docs/lifecycle.md, written out by hand here (never taken from the model), so a lifecycle that
 * follows the rules passes and each broken rule is named.
 */
class LifecycleAuditTest {

    private static final Instant OPENS = Instant.parse("2026-11-24T10:00:00Z");
    private static final Instant VALID_UNTIL = OPENS.plusSeconds(3600);
    private static final String EVENT = "sale";

    private final EventAudit audit = new EventAudit(EVENT, 50);
    private final List<CouponDecision> published = new ArrayList<>();
    private long inputOffset;
    private long decisionOffset;
    private long issuedOffset;
    private long changeOffset;

    /** limit 2, waitlist 2, coupons valid for an hour: two issued, two wait, one sold out. */
    private void twoIssuedTwoWaiting() {
        audit.define(new EventDefinition(EVENT, 2, OPENS, null, 2, VALID_UNTIL), OPENS.toEpochMilli(), OPENS.toEpochMilli());
        apply("u-1", 1, decision("r-u-1", "u-1", IssuingOutcome.ISSUED, 1, 1));
        apply("u-2", 2, decision("r-u-2", "u-2", IssuingOutcome.ISSUED, 2, 2));
        apply("u-3", 3, decision("r-u-3", "u-3", IssuingOutcome.WAITLISTED, null, 3));
        apply("u-4", 4, decision("r-u-4", "u-4", IssuingOutcome.WAITLISTED, null, 4));
        apply("u-5", 5, decision("r-u-5", "u-5", IssuingOutcome.SOLD_OUT, null, 5));
    }

    @Test
    void findsNothingInALifecycleThatFollowsTheRules() {
        // given: redeemed, refused to a second order, cancelled, returned (serving the first waiting user), returned again
        twoIssuedTwoWaiting();
        act("a-1", "u-1", ActionType.REDEEM, "o-1", 10, actionDecision("a-1", "u-1", ActionType.REDEEM, IssuingOutcome.REDEEMED, 1, "o-1", 10));
        act("a-2", "u-1", ActionType.REDEEM, "o-2", 11,
                actionDecision("a-2", "u-1", ActionType.REDEEM, IssuingOutcome.ALREADY_REDEEMED, 1, "o-1", 11));
        act("a-3", "u-1", ActionType.RETURN, null, 12,
                actionDecision("a-3", "u-1", ActionType.RETURN, IssuingOutcome.ALREADY_REDEEMED, 1, "o-1", 12));
        act("a-4", "u-1", ActionType.UNREDEEM, "o-1", 13, actionDecision("a-4", "u-1", ActionType.UNREDEEM, IssuingOutcome.ISSUED, 1, null, 13));
        act("a-5", "u-1", ActionType.RETURN, null, 14, actionDecision("a-5", "u-1", ActionType.RETURN, IssuingOutcome.RETURNED, 1, null, 14),
                decision("r-u-3", "u-3", IssuingOutcome.ISSUED, 3, 14));
        act("a-6", "u-1", ActionType.RETURN, null, 15, actionDecision("a-6", "u-1", ActionType.RETURN, IssuingOutcome.RETURNED, 1, null, 15));
        act("a-7", "u-9", ActionType.REDEEM, "o-9", 16, actionDecision("a-7", "u-9", ActionType.REDEEM, IssuingOutcome.NOT_ISSUED, null, null, 16));
        apply("u-1", 17, decision("r-u-1@17", "u-1", IssuingOutcome.DUPLICATE, null, 17));
        // the re-delivery of a served user's request answers the coupon, stamped when it was served
        applyAgain("r-u-3", "u-3", 3, decision("r-u-3", "u-3", IssuingOutcome.ISSUED, 3, 14));
        // the coupon of u-2 past its validity: no redemption; given back, u-4 is served
        act("a-8", "u-2", ActionType.REDEEM, "o-2", 3_600_000,
                actionDecision("a-8", "u-2", ActionType.REDEEM, IssuingOutcome.EXPIRED, 2, null, 3_600_000));
        act("a-9", "u-2", ActionType.RETURN, null, 3_600_001,
                actionDecision("a-9", "u-2", ActionType.RETURN, IssuingOutcome.RETURNED, 2, null, 3_600_001));

        issued(1, "u-1", 1);
        issued(2, "u-2", 2);
        issued(3, "u-3", 14);
        audit.issuedDone();
        changed(1, "u-1", 1, CouponState.REDEEMED, "o-1", 1, 10);
        changed(1, "u-1", 1, CouponState.ISSUED, null, 2, 13);
        changed(1, "u-1", 1, CouponState.RETURNED, null, 3, 14);
        changed(2, "u-2", 2, CouponState.RETURNED, null, 1, 3_600_001);
        audit.changesDone();
        audit.rowState(1, 1, "RETURNED", null, VALID_UNTIL, 3);
        audit.rowState(2, 2, "RETURNED", null, VALID_UNTIL, 1);
        audit.rowState(3, 3, "ISSUED", null, VALID_UNTIL, 0);

        assertThat(audit.listedDiscrepancies()).isEmpty();
        assertThat(audit.summary()).contains("3 coupon(s) issued, at most 2 live at a time (2 returned, 1 served from the waitlist)")
                .contains("2 waitlisted");
        // the gate: u-1, u-2, u-3 applied and hold or held a coupon, u-4 waits (the closing of validity came first)
        assertThat(audit.couponHolders()).containsExactlyInAnyOrder("u-1", "u-2", "u-3", "u-4");
        assertThat(audit.gateCount()).isEqualTo(1 + 1);
        assertThat(GateCheck.differences(audit,
                new GateCheck.GateState(Set.of("u-1", "u-2", "u-3", "u-4"), 2, Map.of(), Set.of("u-1", "u-2")))).isEmpty();
        assertThat(GateCheck.differences(audit, new GateCheck.GateState(Set.of("u-1", "u-2", "u-3", "u-4"), 4, Map.of(),
                Set.of("u-1", "u-2"))))
                .containsExactly("event sale: the gate counts 4 place(s), the authority 2 (1 live coupon(s) + 1 waiting)");
    }

    @Test
    void namesARedemptionAfterExpiry() {
        twoIssuedTwoWaiting();
        long late = VALID_UNTIL.toEpochMilli() - OPENS.toEpochMilli();
        act("a-1", "u-1", ActionType.REDEEM, "o-1", late,
                actionDecision("a-1", "u-1", ActionType.REDEEM, IssuingOutcome.REDEEMED, 1, "o-1", late));
        issued(1, "u-1", 1);
        issued(2, "u-2", 2);
        audit.issuedDone();
        changed(1, "u-1", 1, CouponState.REDEEMED, "o-1", 1, late);
        audit.changesDone();

        assertThat(audit.listedDiscrepancies())
                .anySatisfy(line -> assertThat(line).startsWith("coupon-changes partition 0 offset 0: coupon 1 of user u-1 redeemed by order o-1"
                        + " at 2026-11-24T11:00:00Z, at or after its validity 2026-11-24T11:00:00Z (a redemption after expiry)"))
                .anySatisfy(line -> assertThat(line).contains("decision REDEEM REDEEMED (coupon 1) order o-1")
                        .endsWith("REDEEM EXPIRED (coupon 1) valid until 2026-11-24T11:00:00Z"))
                .anySatisfy(line -> assertThat(line).contains("but the audit made only 0 change(s) of this event"));
    }

    @Test
    void namesACouponNumberReusedForAServedWaitingUser() {
        twoIssuedTwoWaiting();
        act("a-1", "u-1", ActionType.RETURN, null, 10, actionDecision("a-1", "u-1", ActionType.RETURN, IssuingOutcome.RETURNED, 1, null, 10),
                decision("r-u-3", "u-3", IssuingOutcome.ISSUED, 1, 10));
        issued(1, "u-1", 1);
        issued(2, "u-2", 2);
        audit.issued(new IssuedCoupon(EVENT, "u-3", 1, "r-u-3", at(10), VALID_UNTIL), "coupon-issued", 0, issuedOffset++);
        audit.issuedDone();

        assertThat(audit.listedDiscrepancies())
                .anySatisfy(line -> assertThat(line).startsWith("coupon 1 issued twice (a number reused): coupon-issued partition 0 offset 0"))
                .anySatisfy(line -> assertThat(line).contains("coupon-decisions partition 0 offset 6: decision ISSUED (coupon 1)")
                        .endsWith("ISSUED (coupon 3) valid until 2026-11-24T11:00:00Z"))
                .anySatisfy(line -> assertThat(line).startsWith("coupon 3 is missing from coupon-issued"));
    }

    @Test
    void namesAWaitlistServedOutOfOrder() {
        twoIssuedTwoWaiting();
        act("a-1", "u-1", ActionType.RETURN, null, 10, actionDecision("a-1", "u-1", ActionType.RETURN, IssuingOutcome.RETURNED, 1, null, 10),
                decision("r-u-4", "u-4", IssuingOutcome.ISSUED, 3, 10));

        assertThat(audit.listedDiscrepancies())
                .anySatisfy(line -> assertThat(line).isEqualTo("coupon-decisions partition 0 offset 6: waitlist served out of order:"
                        + " request r-u-4 of user u-4 got coupon 3 while request r-u-3 had waited longer"));
    }

    @Test
    void namesTwoOrdersHoldingOneCouponAtOnce() {
        twoIssuedTwoWaiting();
        act("a-1", "u-1", ActionType.REDEEM, "o-1", 10, actionDecision("a-1", "u-1", ActionType.REDEEM, IssuingOutcome.REDEEMED, 1, "o-1", 10));
        act("a-2", "u-1", ActionType.REDEEM, "o-2", 11, actionDecision("a-2", "u-1", ActionType.REDEEM, IssuingOutcome.REDEEMED, 1, "o-2", 11));
        issued(1, "u-1", 1);
        issued(2, "u-2", 2);
        audit.issuedDone();
        changed(1, "u-1", 1, CouponState.REDEEMED, "o-1", 1, 10);
        changed(1, "u-1", 1, CouponState.REDEEMED, "o-2", 2, 11);
        audit.changesDone();

        assertThat(audit.listedDiscrepancies())
                .anySatisfy(line -> assertThat(line).isEqualTo("coupon-changes partition 0 offset 1: coupon 1 of user u-1 redeemed by order o-2"
                        + " while order o-1 holds it (coupon-changes partition 0 offset 0): two orders at once"))
                .anySatisfy(line -> assertThat(line).contains("decision REDEEM REDEEMED (coupon 1) order o-2")
                        .endsWith("REDEEM ALREADY_REDEEMED (coupon 1) order o-1 valid until 2026-11-24T11:00:00Z"));
    }

    @Test
    void namesACouponIssuedWhileTheLiveOnesWereAtTheLimit() {
        twoIssuedTwoWaiting();
        issued(1, "u-1", 1);
        issued(2, "u-2", 2);
        issued(3, "u-3", 3);
        audit.issuedDone();
        audit.changesDone();

        assertThat(audit.listedDiscrepancies())
                .anySatisfy(line -> assertThat(line).isEqualTo("coupon-issued partition 0 offset 2: coupon 3 issued at 2026-11-24T10:00:00.003Z"
                        + " while 2 coupon(s) were live: live coupons above the limit 2"));
    }

    @Test
    void namesARowWhoseStateIsNotTheCouponsLatest() {
        twoIssuedTwoWaiting();
        act("a-1", "u-1", ActionType.REDEEM, "o-1", 10, actionDecision("a-1", "u-1", ActionType.REDEEM, IssuingOutcome.REDEEMED, 1, "o-1", 10));
        issued(1, "u-1", 1);
        issued(2, "u-2", 2);
        audit.issuedDone();
        changed(1, "u-1", 1, CouponState.REDEEMED, "o-1", 1, 10);
        audit.changesDone();

        audit.rowState(7, 1, "ISSUED", null, VALID_UNTIL, 0);

        assertThat(audit.listedDiscrepancies()).singleElement().asString()
                .isEqualTo("row id 7 (coupon 1 of event sale for user u-1) reads state ISSUED, order null, valid until 2026-11-24T11:00:00Z,"
                        + " version 0, but the logs say REDEEMED, order o-1, valid until 2026-11-24T11:00:00Z, version 1"
                        + " (coupon-changes partition 0 offset 0)");
    }

    @Test
    void servesTheWaitlistWhenARaisedLimitIsRead() {
        twoIssuedTwoWaiting();
        audit.define(new EventDefinition(EVENT, 3, OPENS, null, 2, VALID_UNTIL), at(20).toEpochMilli(), at(20).toEpochMilli());

        assertThat(audit.takeExpectedDecisions()).containsExactly(decision("r-u-3", "u-3", IssuingOutcome.ISSUED, 3, 20));
    }

    @Test
    void answersEveryActionOfARetiredEventUnknownAndEveryRequestClosed() {
        // given: an event closing an hour after it opens, retired a day after that, with one coupon issued
        EventAudit retiring = new EventAudit(EVENT, 20, java.time.Duration.ofDays(1));
        Instant closes = OPENS.plusSeconds(3600);
        retiring.define(new EventDefinition(EVENT, 2, OPENS, closes, 1, null), OPENS.toEpochMilli(), OPENS.toEpochMilli());
        retiring.request("u-1", "r-1", at(1).toEpochMilli(), at(1).toEpochMilli(), "coupon-requests", 0, 0);
        retiring.takeExpectedDecisions();
        long retired = closes.plus(java.time.Duration.ofDays(1)).toEpochMilli();

        // when
        IssuingOutcome redeem = retiring.action("u-1", "a-1", ActionType.REDEEM, "o-1", retired, retired);
        EventAudit.Verdict request = retiring.request("u-2", "r-2", retired, retired, "coupon-requests", 0, 1);

        // then
        assertThat(redeem).isEqualTo(IssuingOutcome.UNKNOWN_EVENT);
        assertThat(request).isEqualTo(new EventAudit.Verdict(IssuingOutcome.CLOSED, null));
        assertThat(retiring.takeExpectedDecisions()).containsExactly(
                new CouponDecision("a-1", EVENT, "u-1", IssuingOutcome.UNKNOWN_EVENT, null, Instant.ofEpochMilli(retired),
                        ActionType.REDEEM, null, null),
                new CouponDecision("r-2", EVENT, "u-2", IssuingOutcome.CLOSED, null, Instant.ofEpochMilli(retired)));
    }

    @Test
    void refusesApplicationsFromTheCouponsValidityOnAndServesNobodyThen() {
        twoIssuedTwoWaiting();
        long expiry = VALID_UNTIL.toEpochMilli() - OPENS.toEpochMilli();

        act("a-1", "u-1", ActionType.RETURN, null, expiry,
                actionDecision("a-1", "u-1", ActionType.RETURN, IssuingOutcome.RETURNED, 1, null, expiry));
        apply("u-6", expiry + 1, decision("r-u-6", "u-6", IssuingOutcome.CLOSED, null, expiry + 1));
        issued(1, "u-1", 1);
        issued(2, "u-2", 2);
        audit.issuedDone();
        changed(1, "u-1", 1, CouponState.RETURNED, null, 1, expiry);
        audit.changesDone();

        assertThat(audit.listedDiscrepancies()).isEmpty();
        // one live coupon and both waiting users, who still count at the gate
        assertThat(audit.gateCount()).isEqualTo(1 + 2);
    }

    // ---- the crafted logs ----

    private static Instant at(long millisAfterOpening) {
        return OPENS.plusMillis(millisAfterOpening);
    }

    private static CouponDecision decision(String requestId, String user, IssuingOutcome outcome, Integer couponNo, long at) {
        return new CouponDecision(requestId, EVENT, user, outcome, couponNo, at(at), null, null, couponNo == null ? null : VALID_UNTIL);
    }

    private static CouponDecision actionDecision(String actionId, String user, ActionType action, IssuingOutcome outcome, Integer couponNo,
            String orderId, long at) {
        return new CouponDecision(actionId, EVENT, user, outcome, couponNo, at(at), action, orderId, couponNo == null ? null : VALID_UNTIL);
    }

    /** A request of {@code user} (request id {@code r-<user>}, or {@code r-<user>@<at>} after its first), and what was published for it. */
    private void apply(String user, long at, CouponDecision... decisions) {
        String requestId = decisions[decisions.length - 1].requestId();
        audit.request(user, requestId, at(at).toEpochMilli(), at(at).toEpochMilli(), "coupon-requests", 0, inputOffset++);
        check("coupon-requests partition 0 offset " + (inputOffset - 1), decisions);
    }

    private void applyAgain(String requestId, String user, long at, CouponDecision... decisions) {
        audit.request(user, requestId, at(at).toEpochMilli(), at(at).toEpochMilli(), "coupon-requests", 0, inputOffset++);
        check("coupon-requests partition 0 offset " + (inputOffset - 1), decisions);
    }

    private void act(String actionId, String user, ActionType type, String orderId, long at, CouponDecision... decisions) {
        audit.action(user, actionId, type, orderId, at(at).toEpochMilli(), at(at).toEpochMilli());
        check("coupon-actions partition 0 offset " + (inputOffset++), decisions);
    }

    /** Pairs the model's decisions with the published ones, in order, as the audit reads coupon-decisions. */
    private void check(String where, CouponDecision... decisions) {
        List<CouponDecision> expected = audit.takeExpectedDecisions();
        for (int i = 0; i < Math.max(expected.size(), decisions.length); i++) {
            CouponDecision answer = i < decisions.length ? decisions[i] : null;
            String decisionWhere = answer == null ? null : "coupon-decisions partition 0 offset " + decisionOffset++;
            if (i < expected.size()) {
                audit.expectDecision(expected.get(i), answer, where, decisionWhere);
            } else {
                audit.strayDecision(answer, decisionWhere);
            }
            if (answer != null) {
                published.add(answer);
            }
        }
    }

    private void issued(int couponNo, String user, long at) {
        audit.issued(new IssuedCoupon(EVENT, user, couponNo, "r-" + user, at(at), VALID_UNTIL), "coupon-issued", 0, issuedOffset++);
    }

    private void changed(int couponNo, String user, long issuedAt, CouponState state, String orderId, int version, long at) {
        audit.changed(new CouponChange(EVENT, user, couponNo, "r-" + user, at(issuedAt), VALID_UNTIL, state, orderId, version, at(at)),
                "coupon-changes", 0, changeOffset++);
    }
}
