package firstcome.ops;

import static org.assertj.core.api.Assertions.assertThat;

import firstcome.contract.ActionType;
import firstcome.contract.CouponChange;
import firstcome.contract.CouponDecision;
import firstcome.contract.CouponState;
import firstcome.contract.DrawWindow;
import firstcome.contract.EventDefinition;
import firstcome.contract.IssuedCoupon;
import firstcome.contract.IssuingOutcome;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;

/**
 * The audit's model of a fair opening (docs/fair-opening.md) over a crafted log: the decisions the
 * processor publishes for it are written out by hand here (never taken from the model), so a draw
 * that follows the rules passes, and a draw decision altered by hand is named in words.
 *
 * <p>The seed {@link #SEED} ranks the users {@code u-5, u-1, u-2, u-4, u-3} (SHA-256 of the seed's
 * bytes and the user id, ascending); the entrants apply in the order u-4, u-3, u-2, u-1, so the draw
 * reverses most of their arrival order.
 */
class DrawAuditTest {

    private static final Instant OPENS = Instant.parse("2026-11-24T10:00:00Z");
    private static final Instant WINDOW_END = OPENS.plusSeconds(10);
    private static final Instant VALID_UNTIL = OPENS.plusSeconds(3600);
    private static final String SEED = "00".repeat(31) + "2a";
    private static final String EVENT = "drop";
    /** limit 2, waitlist 1, a window of 10 s. */
    private static final EventDefinition DROP = new EventDefinition(EVENT, 2, OPENS, null, 1, VALID_UNTIL)
            .withDraw(new DrawWindow(10, null, SEED));

    private final EventAudit audit = new EventAudit(EVENT, 50);
    private final Deque<EventAudit.Published> decisions = new ArrayDeque<>();
    private long decisionOffset;
    private long inputOffset;
    private long streamTime = Long.MIN_VALUE;
    private long issuedOffset;

    @Test
    void theSeedRanksTheEntrantsAsTheTestSays() {
        List<String> byRank = new ArrayList<>(List.of("u-1", "u-2", "u-3", "u-4", "u-5"));
        byRank.sort((a, b) -> DROP.draw().rankKey(a).compareTo(DROP.draw().rankKey(b)));

        assertThat(byRank).containsExactly("u-5", "u-1", "u-2", "u-4", "u-3");
    }

    /** The decisions the processor publishes for {@link #sale}, by docs/fair-opening.md. */
    private static List<CouponDecision> publishedForTheSale() {
        return List.of(
                request("r-4", "u-4", IssuingOutcome.IN_DRAW, null, 1_000),
                request("r-3", "u-3", IssuingOutcome.IN_DRAW, null, 2_000),
                request("r-2", "u-2", IssuingOutcome.IN_DRAW, null, 3_000),
                request("r-1", "u-1", IssuingOutcome.IN_DRAW, null, 4_000),
                request("r-2b", "u-2", IssuingOutcome.DUPLICATE, null, 5_000),
                // r-4 published again by the ingress: its decision again, at its time
                request("r-4", "u-4", IssuingOutcome.IN_DRAW, null, 1_000),
                // the tick at 10.250: the draw, stamped with the window's end, in rank order
                drawn("r-1", "u-1", IssuingOutcome.ISSUED, 1, 1),
                drawn("r-2", "u-2", IssuingOutcome.ISSUED, 2, 2),
                drawn("r-4", "u-4", IssuingOutcome.WAITLISTED, null, 3),
                drawn("r-3", "u-3", IssuingOutcome.NOT_DRAWN, null, 4),
                // then the held requests, first-come at their own times
                request("r-6", "u-6", IssuingOutcome.SOLD_OUT, null, 10_000),
                request("r-7", "u-7", IssuingOutcome.SOLD_OUT, null, 10_100),
                // the late entrant, stamped inside the window, read after the draw: first-come
                request("r-5", "u-5", IssuingOutcome.SOLD_OUT, null, 9_990),
                // r-4 and r-3 again after the draw, one after the other: each its draw decision again
                drawn("r-4", "u-4", IssuingOutcome.WAITLISTED, null, 3),
                drawn("r-3", "u-3", IssuingOutcome.NOT_DRAWN, null, 4),
                // u-3, not drawn, may apply again
                request("r-3b", "u-3", IssuingOutcome.SOLD_OUT, null, 11_000),
                // u-1 gives the coupon back: u-4 waited, and is served
                new CouponDecision("x-1", EVENT, "u-1", IssuingOutcome.RETURNED, 1, at(12_000), ActionType.RETURN, null, VALID_UNTIL),
                request("r-4", "u-4", IssuingOutcome.ISSUED, 3, 12_000));
    }

    /** The inputs of the sale, in the order the processor's task takes them. */
    private void sale() {
        audit.define(DROP, OPENS.minusSeconds(60).toEpochMilli(), OPENS.minusSeconds(60).toEpochMilli());
        apply("r-4", "u-4", 1_000);
        apply("r-3", "u-3", 2_000);
        apply("r-2", "u-2", 3_000);
        apply("r-1", "u-1", 4_000);
        apply("r-2b", "u-2", 5_000);
        apply("r-4", "u-4", 1_000);
        assertThat(audit.gateCount()).as("four entrants hold a place until the draw").isEqualTo(4);
        assertThat(audit.entrantsNotDrawn()).isEqualTo(Map.of("u-1", "r-1", "u-2", "r-2", "u-3", "r-3", "u-4", "r-4"));
        apply("r-6", "u-6", 10_000);
        apply("r-7", "u-7", 10_100);
        tick(10_250);
        apply("r-5", "u-5", 9_990);
        apply("r-4", "u-4", 1_000);
        apply("r-3", "u-3", 2_000);
        apply("r-3b", "u-3", 11_000);
        giveBack("x-1", "u-1", 12_000);
    }

    @Test
    void findsNothingInADrawThatFollowsTheRules() {
        publish(publishedForTheSale());

        sale();
        issued(1, "u-1", "r-1", 10_000);
        issued(2, "u-2", "r-2", 10_000);
        issued(3, "u-4", "r-4", 12_000);
        audit.issuedDone();
        audit.changed(new CouponChange(EVENT, "u-1", 1, "r-1", WINDOW_END, VALID_UNTIL, CouponState.RETURNED, null, 1, at(12_000)),
                "coupon-changes", 0, 0);
        audit.changesDone();

        assertThat(decisions).isEmpty();
        assertThat(audit.listedDiscrepancies()).isEmpty();
        assertThat(audit.drawn()).isTrue();
        assertThat(audit.drawEntrants()).isEqualTo(4);
        assertThat(audit.summary()).contains("drawn at 2026-11-24T10:00:10Z by the seed of commitment "
                + DROP.draw().commitment() + ": 4 entrant(s) ranked, 2 issued, 1 waitlisted, 1 not drawn; 2 request(s) held for the draw, 1 tick(s)");
        // coupon 2 and coupon 3 live, nobody waits, no entrant left
        assertThat(audit.entrantsNotDrawn()).isEmpty();
        assertThat(audit.gateCount()).isEqualTo(2);
    }

    @Test
    void namesADrawDecisionAlteredByHand() {
        // given: u-3, ranked 4th, published as the winner of coupon 1 ranked 1st
        List<CouponDecision> altered = new ArrayList<>(publishedForTheSale());
        altered.set(9, drawn("r-3", "u-3", IssuingOutcome.ISSUED, 1, 1));
        publish(altered);

        // when
        sale();

        // then
        assertThat(audit.listedDiscrepancies()).first().asString().isEqualTo(
                "coupon-decisions partition 0 offset 9: event drop: the draw ranks u-3 4th of 4 by the seed: NOT_DRAWN;"
                        + " coupon-decisions says ISSUED coupon 1 (rank 1 of 4) (request r-3, coupon-requests partition 0 offset 1)");
    }

    @Test
    void namesADrawDecisionStampedAtTheTriggerAndOneMissing() {
        List<CouponDecision> altered = new ArrayList<>(publishedForTheSale());
        altered.set(6, alter(altered.get(6), d -> new CouponDecision(d.requestId(), d.eventId(), d.userId(), d.outcome(), d.couponNo(),
                at(10_250), null, null, d.validUntil(), d.drawRank(), d.entrants())));
        altered.remove(8);
        publish(altered);

        sale();

        assertThat(audit.listedDiscrepancies()).startsWith(
                "coupon-decisions partition 0 offset 6: event drop: the draw ranks u-1 1st of 4 by the seed: ISSUED coupon 1"
                        + " at 2026-11-24T10:00:10Z, valid until 2026-11-24T11:00:00Z; coupon-decisions says ISSUED coupon 1 (rank 1 of 4)"
                        + " at 2026-11-24T10:00:10.250Z, valid until 2026-11-24T11:00:00Z (request r-1, coupon-requests partition 0 offset 3)",
                "coupon-requests partition 0 offset 0: event drop: the draw ranks u-4 3rd of 4 by the seed: WAITLISTED;"
                        + " coupon-decisions has no draw decision for request r-4");
    }

    @Test
    void namesADrawPublishedOutOfRankOrder() {
        List<CouponDecision> altered = new ArrayList<>(publishedForTheSale());
        CouponDecision first = altered.get(6);
        altered.set(6, altered.get(7));
        altered.set(7, first);
        publish(altered);

        sale();

        assertThat(audit.listedDiscrepancies()).containsExactly(
                "event drop: coupon-decisions publishes the draw's decisions out of rank order: user u-2 (ranked 2nd) comes 1st");
    }

    @Test
    void drawsAtTheFirstRecordOnceTheStreamTimeIsPastTheGraceAndNotBefore() {
        audit.define(DROP, OPENS.minusSeconds(60).toEpochMilli(), OPENS.minusSeconds(60).toEpochMilli());
        audit.request("u-1", "r-1", at(4_000).toEpochMilli(), at(4_000).toEpochMilli(), "coupon-requests", 0, 0);
        audit.tick(at(10_249).toEpochMilli(), at(10_249).toEpochMilli());
        assertThat(audit.takeExpectedDecisions()).extracting(CouponDecision::outcome).containsExactly(IssuingOutcome.IN_DRAW);

        // a request stamped at the window's end, read at 10.249 (before the grace is over), is held
        assertThat(audit.request("u-2", "r-2", WINDOW_END.toEpochMilli(), at(10_249).toEpochMilli(), "coupon-requests", 0, 1)).isNull();
        assertThat(audit.takeExpectedDecisions()).isEmpty();

        // a redemption at 10.250: the draw, then the held request, then the redemption
        audit.action("u-1", "x-1", ActionType.REDEEM, "o-1", at(10_250).toEpochMilli(), at(10_250).toEpochMilli());

        assertThat(audit.takeExpectedDecisions()).containsExactly(
                drawn("r-1", "u-1", IssuingOutcome.ISSUED, 1, 1, 1),
                request("r-2", "u-2", IssuingOutcome.ISSUED, 2, 10_000),
                new CouponDecision("x-1", EVENT, "u-1", IssuingOutcome.REDEEMED, 1, at(10_250), ActionType.REDEEM, "o-1", VALID_UNTIL));
    }

    @Test
    void aDrawSetOffByADefinitionDecidesAndIsCheckedUnderTheDefinitionBeforeIt() {
        // given: limit 2 when the window ends; a definition lowering it to 1 is the record that sets off the draw
        publish(List.of(
                request("r-1", "u-1", IssuingOutcome.IN_DRAW, null, 4_000),
                request("r-2", "u-2", IssuingOutcome.IN_DRAW, null, 3_000),
                drawn("r-1", "u-1", IssuingOutcome.ISSUED, 1, 1, 2),
                drawn("r-2", "u-2", IssuingOutcome.ISSUED, 2, 2, 2)));
        EventDefinition twoFree = new EventDefinition(EVENT, 2, OPENS, null, 0, VALID_UNTIL).withDraw(DROP.draw());
        audit.define(twoFree, OPENS.minusSeconds(60).toEpochMilli(), OPENS.minusSeconds(60).toEpochMilli());
        apply("r-1", "u-1", 4_000);
        apply("r-2", "u-2", 3_000);

        // when
        audit.define(new EventDefinition(EVENT, 1, OPENS, null, 0, VALID_UNTIL).withDraw(DROP.draw()), at(10_250).toEpochMilli(),
                at(10_250).toEpochMilli());
        check("the definition at " + at(10_250));
        issued(1, "u-1", "r-1", 10_000);
        issued(2, "u-2", "r-2", 10_000);
        audit.issuedDone();
        audit.changesDone();

        // then: two coupons under the limit of 2 in force at the draw, none above the limit of 1 that came after
        assertThat(decisions).isEmpty();
        assertThat(audit.listedDiscrepancies()).isEmpty();
    }

    @Test
    void refusesEntrantsPastTheDrawCap() {
        audit.define(DROP.withDraw(new DrawWindow(10, 2, SEED)), OPENS.toEpochMilli(), OPENS.toEpochMilli());
        for (int user = 1; user <= 3; user++) {
            audit.request("u-" + user, "r-" + user, at(user).toEpochMilli(), at(user).toEpochMilli(), "coupon-requests", 0, user);
        }

        assertThat(audit.takeExpectedDecisions()).extracting(CouponDecision::outcome)
                .containsExactly(IssuingOutcome.IN_DRAW, IssuingOutcome.IN_DRAW, IssuingOutcome.SOLD_OUT);
    }

    @Test
    void theGateKeepsAPlaceAndTheRequestForEachEntrantNotDrawnYet() {
        publish(publishedForTheSale().subList(0, 4));
        audit.define(DROP, OPENS.minusSeconds(60).toEpochMilli(), OPENS.minusSeconds(60).toEpochMilli());
        apply("r-4", "u-4", 1_000);
        apply("r-3", "u-3", 2_000);
        apply("r-2", "u-2", 3_000);
        apply("r-1", "u-1", 4_000);
        Set<String> users = Set.of("u-1", "u-2", "u-3", "u-4");
        Map<String, String> entrants = Map.of("u-1", "r-1", "u-2", "r-2", "u-3", "r-3", "u-4", "r-4");

        var agreeing = new GateCheck.GateState(users, 4, Map.of(), Set.of(), entrants);
        var forgot = new GateCheck.GateState(users, 3, Map.of(), Set.of(), Map.of("u-1", "r-1", "u-2", "r-2", "u-3", "r-old"));

        assertThat(GateCheck.differences(audit, agreeing)).isEmpty();
        assertThat(GateCheck.differences(audit, forgot)).containsExactly(
                "event drop, user u-3: the gate keeps them as an entrant of the draw (request r-old), the authority: an entrant of the draw,"
                        + " not drawn yet (request r-3)",
                "event drop, user u-4: an entrant of the draw not drawn yet (request r-4), the gate does not keep them as one",
                "event drop: the gate counts 3 place(s), the authority 4 (0 live coupon(s) + 0 waiting + 4 entrant(s) of the draw not drawn yet)");
    }

    // ---- the crafted log ----

    private static Instant at(long millisAfterOpening) {
        return OPENS.plusMillis(millisAfterOpening);
    }

    private static CouponDecision request(String requestId, String user, IssuingOutcome outcome, Integer couponNo, long at) {
        return new CouponDecision(requestId, EVENT, user, outcome, couponNo, at(at), null, null, couponNo == null ? null : VALID_UNTIL);
    }

    private static CouponDecision drawn(String requestId, String user, IssuingOutcome outcome, Integer couponNo, int rank) {
        return drawn(requestId, user, outcome, couponNo, rank, 4);
    }

    private static CouponDecision drawn(String requestId, String user, IssuingOutcome outcome, Integer couponNo, int rank, int entrants) {
        return new CouponDecision(requestId, EVENT, user, outcome, couponNo, WINDOW_END, null, null, couponNo == null ? null : VALID_UNTIL,
                rank, entrants);
    }

    private static CouponDecision alter(CouponDecision decision, UnaryOperator<CouponDecision> change) {
        return change.apply(decision);
    }

    private void publish(List<CouponDecision> published) {
        published.forEach(d -> decisions.add(new EventAudit.Published(d, "coupon-decisions partition 0 offset " + decisionOffset++)));
    }

    private void apply(String requestId, String user, long at) {
        long time = at(at).toEpochMilli();
        streamTime = Math.max(streamTime, time);
        String where = "coupon-requests partition 0 offset " + inputOffset++;
        audit.request(user, requestId, time, streamTime, "coupon-requests", 0, inputOffset - 1);
        check(where);
    }

    private void tick(long at) {
        long time = at(at).toEpochMilli();
        streamTime = Math.max(streamTime, time);
        audit.tick(time, streamTime);
        check("coupon-requests partition 0 offset " + inputOffset++);
    }

    private void giveBack(String actionId, String user, long at) {
        long time = at(at).toEpochMilli();
        streamTime = Math.max(streamTime, time);
        audit.action(user, actionId, ActionType.RETURN, null, time, streamTime);
        check("coupon-actions partition 0 offset " + inputOffset++);
    }

    /** The model's decisions against the published ones, as the audit reads coupon-decisions. */
    private void check(String where) {
        audit.checkDecisions(new EventAudit.DecisionLog() {
            @Override
            public EventAudit.Published takeIfFor(String requestId) {
                EventAudit.Published next = decisions.peek();
                return next != null && next.decision().requestId().equals(requestId) ? decisions.poll() : null;
            }

            @Override
            public List<EventAudit.Published> takeDraw(Set<String> requestIds) {
                // as the audit reads coupon-decisions: the run ends once every request asked for is answered
                List<EventAudit.Published> taken = new ArrayList<>();
                Set<String> seen = new HashSet<>();
                Set<String> unanswered = new HashSet<>(requestIds);
                while (!unanswered.isEmpty() && !decisions.isEmpty()
                        && (decisions.peek().decision().decidesDraw() || requestIds.contains(decisions.peek().decision().requestId()))
                        && seen.add(decisions.peek().decision().requestId())) {
                    unanswered.remove(decisions.peek().decision().requestId());
                    taken.add(decisions.poll());
                }
                return taken;
            }
        }, where);
    }

    private void issued(int couponNo, String user, String requestId, long at) {
        audit.issued(new IssuedCoupon(EVENT, user, couponNo, requestId, at(at), VALID_UNTIL), "coupon-issued", 0, issuedOffset++);
    }
}
