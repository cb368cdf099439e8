package firstcome.processor;

import static org.assertj.core.api.Assertions.assertThat;

import firstcome.contract.ActionType;
import firstcome.contract.CouponAction;
import firstcome.contract.CouponChange;
import firstcome.contract.CouponDecision;
import firstcome.contract.CouponRequest;
import firstcome.contract.CouponState;
import firstcome.contract.Eligibility;
import firstcome.contract.EligibleAs;
import firstcome.contract.EventDefinition;
import firstcome.contract.IssuedCoupon;
import firstcome.contract.IssuingOutcome;
import firstcome.contract.query.ApplicationStatus;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class LifecycleRulesTest {

    private static final Instant OPENS = Instant.parse("2026-11-24T10:00:00Z");
    private static final Instant CLOSES = Instant.parse("2026-11-24T11:00:00Z");
    private static final Instant VALID_UNTIL = Instant.parse("2026-11-24T10:30:00Z");
    private static final EventDefinition EVENT = new EventDefinition("e", 2, OPENS, CLOSES, 1, VALID_UNTIL);

    private static CouponAction action(ActionType type, String orderId, Instant at) {
        return new CouponAction("a-1", "e", "u-1", type, orderId, null, at);
    }

    @Test
    void waitlistsAnApplicantPastTheLimitWhileTheWaitlistHasRoomAndRefusesTheNext() {
        var full = new EventTally(2, 0, 0, 0, 0, 0);
        var request = new CouponRequest("r-3", "e", "u-3", OPENS);

        var waiting = LifecycleRules.request(EVENT, full, null, request, OPENS);
        var refused = LifecycleRules.request(EVENT, waiting.tally(), null, new CouponRequest("r-4", "e", "u-4", OPENS), OPENS);

        assertThat(waiting.decision().outcome()).isEqualTo(IssuingOutcome.WAITLISTED);
        assertThat(waiting.joinsWaitlist()).isTrue();
        assertThat(waiting.user()).isEqualTo(Decision.waitlisted(0, "r-3", OPENS));
        assertThat(refused.decision().outcome()).isEqualTo(IssuingOutcome.SOLD_OUT);
    }

    @Test
    void letsNobodyTakeAFreedCouponAheadOfTheUsersWaiting() {
        // One returned, one waits: the waitlist could not be served (closed by stream time).
        var tally = new EventTally(2, 0, 0, 0, 0, 0, 0, 1, 0, 1);

        var ruling = LifecycleRules.request(EVENT, tally, null, new CouponRequest("r-9", "e", "u-9", OPENS), OPENS);

        assertThat(ruling.decision().outcome()).isEqualTo(IssuingOutcome.SOLD_OUT);
        assertThat(LifecycleRules.serves(EVENT, tally, OPENS)).isTrue();
        assertThat(LifecycleRules.serves(EVENT, tally, VALID_UNTIL)).isFalse();
    }

    @Test
    void servesTheHeadOfTheWaitlistWithTheNextNumberAndTheEventsValidity() {
        var tally = new EventTally(2, 0, 0, 0, 0, 0, 0, 1, 0, 1);

        var ruling = LifecycleRules.serve(EVENT, tally, new WaitingUser("u-3", "r-3"), OPENS.plusSeconds(1));

        assertThat(ruling.decision()).isEqualTo(new CouponDecision("r-3", "e", "u-3", IssuingOutcome.ISSUED, 3,
                OPENS.plusSeconds(1), null, null, VALID_UNTIL));
        assertThat(ruling.coupon()).isEqualTo(new IssuedCoupon("e", "u-3", 3, "r-3", OPENS.plusSeconds(1), VALID_UNTIL));
        assertThat(ruling.tally().waiting()).isZero();
        assertThat(ruling.tally().live()).isEqualTo(2);
    }

    @Test
    void redeemsBeforeTheValidityOnlyAndCountsTheVersion() {
        Decision issued = Decision.issued(1, "r-1", OPENS, VALID_UNTIL);

        var redeemed = LifecycleRules.action(EVENT, EventTally.NONE, issued, action(ActionType.REDEEM, "o-1", OPENS), OPENS);
        var expired = LifecycleRules.action(EVENT, EventTally.NONE, issued, action(ActionType.REDEEM, "o-1", VALID_UNTIL),
                VALID_UNTIL);

        assertThat(redeemed.decision().outcome()).isEqualTo(IssuingOutcome.REDEEMED);
        assertThat(redeemed.change()).isEqualTo(new CouponChange("e", "u-1", 1, "r-1", OPENS, VALID_UNTIL,
                CouponState.REDEEMED, "o-1", 1, OPENS));
        assertThat(redeemed.tally().redeemed()).isEqualTo(1);
        assertThat(expired.decision().outcome()).isEqualTo(IssuingOutcome.EXPIRED);
        assertThat(expired.user()).isNull();
        assertThat(expired.change()).isNull();
    }

    @Test
    void answersTheStatusByTheLookUpsClock() {
        Decision issued = Decision.issued(1, "r-1", OPENS, VALID_UNTIL);
        Decision waiting = Decision.waitlisted(4, "r-5", OPENS);
        var tally = new EventTally(2, 0, 0, 0, 0, 0, 0, 0, 3, 6);

        assertThat(LifecycleRules.status(issued, EVENT, tally, VALID_UNTIL.minusMillis(1)))
                .isEqualTo(ApplicationStatus.issued(1, VALID_UNTIL));
        assertThat(LifecycleRules.status(issued, EVENT, tally, VALID_UNTIL)).isEqualTo(ApplicationStatus.expired(1, VALID_UNTIL));
        assertThat(LifecycleRules.status(waiting, EVENT, tally, OPENS)).isEqualTo(ApplicationStatus.waitlisted(2));
        assertThat(LifecycleRules.status(waiting, EVENT, tally, VALID_UNTIL))
                .isEqualTo(ApplicationStatus.rejected(IssuingOutcome.CLOSED));
    }

    @Test
    void refusesARequestTheEventsEligibilityDoesNotAcceptWhereTheRoomWouldDecide() {
        EventDefinition gold = EVENT.withEligibility(new Eligibility("tier", List.of("gold")));
        var full = new EventTally(2, 0, 0, 0, 0, 0, 0, 0, 0, 1);
        var silver = CouponRequest.application("r-3", "e", "u-3", OPENS, new EligibleAs("tier", "silver"));

        var withRoom = LifecycleRules.request(gold, EventTally.NONE, null, silver, OPENS);
        var whenFull = LifecycleRules.request(gold, full, null, silver, OPENS);
        var accepted = LifecycleRules.request(gold, EventTally.NONE, null,
                CouponRequest.application("r-4", "e", "u-4", OPENS, new EligibleAs("tier", "gold")), OPENS);
        var holdersRepeat = LifecycleRules.request(gold, EventTally.NONE, Decision.issued(1, "r-1", OPENS), silver, OPENS);
        var closed = LifecycleRules.request(gold, EventTally.NONE, null, silver, CLOSES);

        assertThat(withRoom.decision()).isEqualTo(new CouponDecision("r-3", "e", "u-3", IssuingOutcome.NOT_ELIGIBLE, null, OPENS));
        assertThat(withRoom.user()).isEqualTo(Decision.rejected(IssuingOutcome.NOT_ELIGIBLE, "r-3", OPENS));
        assertThat(withRoom.tally().notEligible()).isEqualTo(1);
        assertThat(withRoom.tally().issued()).isZero();
        assertThat(whenFull.decision().outcome()).isEqualTo(IssuingOutcome.NOT_ELIGIBLE);
        assertThat(whenFull.joinsWaitlist()).isFalse();
        assertThat(accepted.decision().outcome()).isEqualTo(IssuingOutcome.ISSUED);
        assertThat(holdersRepeat.decision().outcome()).isEqualTo(IssuingOutcome.DUPLICATE);
        assertThat(closed.decision().outcome()).isEqualTo(IssuingOutcome.CLOSED);
        assertThat(LifecycleRules.status(withRoom.user(), gold, withRoom.tally(), OPENS))
                .isEqualTo(ApplicationStatus.rejected(IssuingOutcome.NOT_ELIGIBLE));
    }
}
