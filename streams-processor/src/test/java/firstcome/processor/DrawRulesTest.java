package firstcome.processor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

import firstcome.contract.CouponDecision;
import firstcome.contract.CouponRequest;
import firstcome.contract.DrawWindow;
import firstcome.contract.EventDefinition;
import firstcome.contract.IssuedCoupon;
import firstcome.contract.IssuingOutcome;
import firstcome.contract.Json;
import firstcome.contract.query.ApplicationStatus;
import firstcome.contract.query.Tally;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/** The draw and an entrant's first decision as pure functions (docs/fair-opening.md). */
class DrawRulesTest {

    static final String SEED = "0123456789abcdef".repeat(4);
    private static final Instant OPENS = Instant.parse("2026-11-24T10:00:00Z");
    private static final Instant WINDOW_END = OPENS.plusSeconds(10);
    private static final Instant VALID_UNTIL = OPENS.plusSeconds(3600);
    private static final EventDefinition EVENT = new EventDefinition("d", 2, OPENS, null, 2, VALID_UNTIL,
            new DrawWindow(10, null, SEED));

    /** {@code n} entrants u-1..u-n with request ids r-1..r-n, in application order. */
    private static List<DrawEntrant> entrants(int n) {
        return IntStream.rangeClosed(1, n).mapToObj(i -> new DrawEntrant("u-" + i, "r-" + i)).toList();
    }

    private static List<DrawEntrant> inRankOrder(List<DrawEntrant> entrants) {
        return entrants.stream().sorted(Comparator.comparing(e -> EVENT.draw().rankKey(e.userId()))).toList();
    }

    @Test
    void issuesTheLowestRankKeysThenWaitlistsTheNextAndDrawsNobodyElse() {
        List<DrawEntrant> entrants = entrants(6);
        List<DrawEntrant> ranked = inRankOrder(entrants);

        DrawRules.Draw draw = DrawRules.draw(EVENT, EventTally.NONE.withEntrants(6), entrants);

        assertThat(draw.rulings()).extracting(r -> r.decision().userId()).containsExactlyElementsOf(
                ranked.stream().map(DrawEntrant::userId).toList());
        assertThat(draw.rulings()).extracting(r -> r.decision().outcome(), r -> r.decision().couponNo(),
                r -> r.decision().drawRank(), r -> r.decision().entrants()).containsExactly(
                tuple(IssuingOutcome.ISSUED, 1, 1, 6), tuple(IssuingOutcome.ISSUED, 2, 2, 6),
                tuple(IssuingOutcome.WAITLISTED, null, 3, 6), tuple(IssuingOutcome.WAITLISTED, null, 4, 6),
                tuple(IssuingOutcome.NOT_DRAWN, null, 5, 6), tuple(IssuingOutcome.NOT_DRAWN, null, 6, 6));
        assertThat(draw.rulings()).allSatisfy(r -> assertThat(r.decision().decidedAt()).isEqualTo(WINDOW_END));
        DrawEntrant first = ranked.get(0);
        assertThat(draw.rulings().get(0).coupon())
                .isEqualTo(new IssuedCoupon("d", first.userId(), 1, first.requestId(), WINDOW_END, VALID_UNTIL));
        assertThat(draw.rulings().get(0).decision().validUntil()).isEqualTo(VALID_UNTIL);
        assertThat(draw.rulings().get(0).user())
                .isEqualTo(Decision.issued(1, first.requestId(), WINDOW_END, VALID_UNTIL).withDrawRank(1));
        assertThat(draw.rulings().get(3).user())
                .isEqualTo(Decision.waitlisted(1, ranked.get(3).requestId(), WINDOW_END).withDrawRank(4));
        assertThat(draw.rulings().get(3).waitingUser())
                .isEqualTo(new WaitingUser(ranked.get(3).userId(), ranked.get(3).requestId(), 4));
        assertThat(draw.rulings().get(5).user())
                .isEqualTo(Decision.rejected(IssuingOutcome.NOT_DRAWN, ranked.get(5).requestId(), WINDOW_END).withDrawRank(6));
        assertThat(draw.rulings().subList(2, 6)).allSatisfy(r -> assertThat(r.coupon()).isNull());

        EventTally after = draw.tally();
        assertThat(after.issued()).isEqualTo(2);
        assertThat(after.waiting()).isEqualTo(2);
        assertThat(after.answer("d", true).draw()).isEqualTo(new Tally.DrawSummary(6, WINDOW_END,
                EVENT.draw().rankKey(ranked.get(1).userId()), EVENT.draw().rankKey(ranked.get(3).userId())));
        assertThat(after.drawState().notDrawn()).isEqualTo(2);
        assertThat(after.decided()).as("6 in the draw, then 2 issued, 2 waitlisted, 2 not drawn").isEqualTo(12);
    }

    @Test
    void issuesOnlyWhatTheLimitLeavesAndWaitlistsOnlyWhatTheWaitlistLeaves() {
        // One coupon live (the limit was 2), one user waiting (the waitlist was 2): one free, one room.
        var tally = new EventTally(1, 0, 0, 0, 0, 0, 0, 0, 0, 1).withEntrants(3);

        DrawRules.Draw draw = DrawRules.draw(EVENT, tally, entrants(3));

        assertThat(draw.rulings()).extracting(r -> r.decision().outcome(), r -> r.decision().couponNo())
                .containsExactly(tuple(IssuingOutcome.ISSUED, 2), tuple(IssuingOutcome.WAITLISTED, null),
                        tuple(IssuingOutcome.NOT_DRAWN, null));
        assertThat(draw.rulings().get(1).user().waitlistSeq()).isEqualTo(1);
        assertThat(draw.tally().issued()).isEqualTo(2);
        assertThat(draw.tally().waitlistTail()).isEqualTo(2);
    }

    @Test
    void drawsNobodyWhenTheLimitIsTakenAndKeepsNoCouponForNobodyWithoutEntrants() {
        var full = new EventTally(3, 0, 0, 0, 0, 0, 0, 0, 0, 2).withEntrants(2);
        assertThat(DrawRules.draw(EVENT, full, entrants(2)).rulings()).extracting(r -> r.decision().outcome())
                .containsOnly(IssuingOutcome.NOT_DRAWN);

        DrawRules.Draw empty = DrawRules.draw(EVENT, EventTally.NONE, List.of());
        assertThat(empty.rulings()).isEmpty();
        assertThat(empty.tally().drawn()).isTrue();
        assertThat(empty.tally().answer("d", true).draw()).isEqualTo(new Tally.DrawSummary(0, WINDOW_END, null, null));
    }

    @Test
    void decidesTheSameWhateverOrderTheEntrantsCameIn() {
        List<DrawEntrant> entrants = new ArrayList<>(entrants(50));
        DrawRules.Draw inOrder = DrawRules.draw(EVENT, EventTally.NONE, entrants);
        java.util.Collections.reverse(entrants);

        assertThat(DrawRules.draw(EVENT, EventTally.NONE, entrants)).isEqualTo(inOrder);
    }

    @Test
    void refusesAUserEnteredTwiceAndEntrantsOutOfRankOrder() {
        assertThatThrownBy(() -> DrawRules.draw(EVENT, EventTally.NONE,
                List.of(new DrawEntrant("u-1", "r-1"), new DrawEntrant("u-1", "r-2"))))
                .hasMessageContaining("u-1 entered the draw of event d twice");
        var ranking = new DrawRules.Ranking(EVENT, EventTally.NONE.withEntrants(2));
        ranking.next("b", new DrawEntrant("u-1", "r-1"));
        assertThatThrownBy(() -> ranking.next("a", new DrawEntrant("u-2", "r-2"))).hasMessageContaining("not in rank order");
    }

    @Test
    void isDueOnceStreamTimeReachesTheWindowsEndPlusTheGrace() {
        assertThat(DrawRules.due(EVENT, EventTally.NONE, WINDOW_END.plus(DrawWindow.GRACE).minusMillis(1))).isFalse();
        assertThat(DrawRules.due(EVENT, EventTally.NONE, WINDOW_END.plus(DrawWindow.GRACE))).isTrue();
        EventTally drawn = DrawRules.draw(EVENT, EventTally.NONE, List.of()).tally();
        assertThat(DrawRules.due(EVENT, drawn, WINDOW_END.plusSeconds(60))).isFalse();
        assertThat(DrawRules.due(EVENT.withDraw(null), EventTally.NONE, WINDOW_END.plusSeconds(60))).isFalse();
    }

    @Test
    void makesAnEntrantOfANewUserAndRefusesDuplicatesAndThosePastTheCap() {
        var request = new CouponRequest("r-1", "d", "u-1", OPENS.plusSeconds(1));
        LifecycleRules.Ruling entered = LifecycleRules.entrant(EVENT, EventTally.NONE, null, request, OPENS.plusSeconds(1));
        assertThat(entered.decision()).isEqualTo(new CouponDecision("r-1", "d", "u-1", IssuingOutcome.IN_DRAW, null,
                OPENS.plusSeconds(1)));
        assertThat(entered.user()).isEqualTo(Decision.inDraw("r-1", OPENS.plusSeconds(1)));
        assertThat(entered.user().takesAPlace()).isTrue();
        assertThat(entered.entersDraw()).isTrue();
        assertThat(entered.tally().drawState().entrants()).isEqualTo(1);

        LifecycleRules.Ruling again = LifecycleRules.entrant(EVENT, entered.tally(), entered.user(), request,
                OPENS.plusSeconds(2));
        assertThat(again.decision()).isEqualTo(entered.decision());
        assertThat(again.user()).isNull();
        assertThat(again.tally()).isEqualTo(entered.tally());

        var second = new CouponRequest("r-2", "d", "u-1", OPENS.plusSeconds(3));
        LifecycleRules.Ruling duplicate = LifecycleRules.entrant(EVENT, entered.tally(), entered.user(), second,
                OPENS.plusSeconds(3));
        assertThat(duplicate.decision().outcome()).isEqualTo(IssuingOutcome.DUPLICATE);
        assertThat(duplicate.user()).isNull();

        EventDefinition capped = EVENT.withDraw(new DrawWindow(10, 1, SEED));
        LifecycleRules.Ruling pastTheCap = LifecycleRules.entrant(capped, entered.tally(), null,
                new CouponRequest("r-3", "d", "u-3", OPENS.plusSeconds(4)), OPENS.plusSeconds(4));
        assertThat(pastTheCap.decision().outcome()).isEqualTo(IssuingOutcome.SOLD_OUT);
        assertThat(pastTheCap.decision().freesThePlace()).isTrue();
        assertThat(pastTheCap.entersDraw()).isFalse();
    }

    @Test
    void answersInDrawUntilTheDrawThenTheResultWithTheRank() {
        Decision entrant = Decision.inDraw("r-1", OPENS.plusSeconds(1));
        EventTally before = EventTally.NONE.withEntrants(3);
        assertThat(LifecycleRules.status(entrant, EVENT, before, OPENS.plusSeconds(2)))
                .isEqualTo(ApplicationStatus.inDraw(WINDOW_END));

        DrawRules.Draw draw = DrawRules.draw(EVENT.withDraw(new DrawWindow(10, null, SEED)),
                new EventTally(2, 0, 0, 0, 0, 0, 0, 0, 0, 1).withEntrants(3), entrants(3));
        Instant later = WINDOW_END.plusSeconds(1);
        assertThat(draw.rulings()).extracting(r -> LifecycleRules.status(r.user(), EVENT, draw.tally(), later))
                .containsExactly(ApplicationStatus.waitlisted(2).withDraw(1, 3),
                        ApplicationStatus.rejected(IssuingOutcome.NOT_DRAWN).withDraw(2, 3),
                        ApplicationStatus.rejected(IssuingOutcome.NOT_DRAWN).withDraw(3, 3));
        Decision winner = Decision.issued(3, "r-9", WINDOW_END, VALID_UNTIL).withDrawRank(1);
        assertThat(LifecycleRules.status(winner.changed(firstcome.contract.CouponState.REDEEMED, "o-1", null), EVENT,
                draw.tally(), later)).isEqualTo(ApplicationStatus.redeemed(3, "o-1").withDraw(1, 3));
    }

    @Test
    void keepsTheStoredBytesOfEventsWithoutADraw() throws Exception {
        assertThat(Json.mapper().writeValueAsString(new EventTally(3, 1, 2, 0, 0, 0, 1, 1, 0, 2)))
                .isEqualTo("{\"issued\":3,\"duplicates\":1,\"soldOut\":2,\"notOpen\":0,\"closed\":0,\"unknownEvent\":0,"
                        + "\"redeemed\":1,\"returned\":1,\"waitlistHead\":0,\"waitlistTail\":2}");
        assertThat(Json.mapper().writeValueAsString(new WaitingUser("u-1", "r-1")))
                .isEqualTo("{\"userId\":\"u-1\",\"requestId\":\"r-1\"}");
        assertThat(Json.mapper().writeValueAsString(Decision.waitlisted(4, "r-1", OPENS)))
                .isEqualTo("{\"outcome\":\"WAITLISTED\",\"requestId\":\"r-1\",\"decidedAt\":\"2026-11-24T10:00:00Z\","
                        + "\"waitlistSeq\":4}");

        EventTally drawn = DrawRules.draw(EVENT, EventTally.NONE, entrants(3)).tally();
        assertThat(Json.mapper().readValue(Json.mapper().writeValueAsBytes(drawn), EventTally.class)).isEqualTo(drawn);
        Decision ranked = Decision.rejected(IssuingOutcome.NOT_DRAWN, "r-1", WINDOW_END).withDrawRank(3);
        assertThat(Json.mapper().readValue(Json.mapper().writeValueAsBytes(ranked), Decision.class)).isEqualTo(ranked);
    }
}
