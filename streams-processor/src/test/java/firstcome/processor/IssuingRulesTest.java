package firstcome.processor;

import static org.assertj.core.api.Assertions.assertThat;

import firstcome.contract.CouponDecision;
import firstcome.contract.CouponRequest;
import firstcome.contract.EventDefinition;
import firstcome.contract.IssuingOutcome;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class IssuingRulesTest {

    private static final Instant OPENS = Instant.parse("2026-11-24T10:00:00Z");
    private static final Instant CLOSES = Instant.parse("2026-11-24T11:00:00Z");
    private static final EventDefinition EVENT = new EventDefinition("e", 2, OPENS, CLOSES);

    @Test
    void issuesWhileOpenAndBelowTheLimit() {
        assertThat(IssuingRules.decide(EVENT, 1, false, OPENS)).isEqualTo(IssuingOutcome.ISSUED);
    }

    @Test
    void refusesOnceTheLimitIsReached() {
        assertThat(IssuingRules.decide(EVENT, 2, false, OPENS)).isEqualTo(IssuingOutcome.SOLD_OUT);
    }

    @Test
    void refusesAnyoneOnceALoweredLimitLiesBelowTheIssuedCount() {
        assertThat(IssuingRules.decide(EVENT, 5, false, OPENS)).isEqualTo(IssuingOutcome.SOLD_OUT);
    }

    @Test
    void answersAUserWhoHoldsACouponWithDuplicateEvenWhenSoldOut() {
        assertThat(IssuingRules.decide(EVENT, 2, true, OPENS)).isEqualTo(IssuingOutcome.DUPLICATE);
    }

    @Test
    void treatsTheOpeningInstantAsOpenAndTheClosingInstantAsClosed() {
        assertThat(IssuingRules.decide(EVENT, 0, false, OPENS.minusMillis(1))).isEqualTo(IssuingOutcome.NOT_OPEN);
        assertThat(IssuingRules.decide(EVENT, 0, false, CLOSES.minusMillis(1))).isEqualTo(IssuingOutcome.ISSUED);
        assertThat(IssuingRules.decide(EVENT, 0, false, CLOSES)).isEqualTo(IssuingOutcome.CLOSED);
    }

    @Test
    void knowsNothingOfAnUndefinedEvent() {
        assertThat(IssuingRules.decide(null, 0, false, OPENS)).isEqualTo(IssuingOutcome.UNKNOWN_EVENT);
    }

    @Test
    void decidesAFirstRequestWithItsCouponNumberAtItsRecordTime() {
        var request = new CouponRequest("r-1", "e", "u-1", OPENS);

        var ruling = IssuingRules.decide(EVENT, 1, null, request, OPENS.plusMillis(5));

        assertThat(ruling.redelivery()).isFalse();
        assertThat(ruling.issuesCoupon()).isTrue();
        assertThat(ruling.decision()).isEqualTo(
                new CouponDecision("r-1", "e", "u-1", IssuingOutcome.ISSUED, 2, OPENS.plusMillis(5)));
    }

    @Test
    void answersADuplicateWithTheCouponTheUserHolds() {
        var request = new CouponRequest("r-2", "e", "u-1", OPENS);

        var ruling = IssuingRules.decide(EVENT, 2, Decision.issued(1, "r-1", OPENS), request, OPENS);

        assertThat(ruling.redelivery()).isFalse();
        assertThat(ruling.issuesCoupon()).isFalse();
        assertThat(ruling.decision()).isEqualTo(new CouponDecision("r-2", "e", "u-1", IssuingOutcome.DUPLICATE, 1, OPENS));
    }

    @Test
    void repeatsTheLatestDecisionForARequestWithItsRequestId() {
        var request = new CouponRequest("r-1", "e", "u-1", OPENS);
        Decision issued = Decision.issued(1, "r-1", OPENS);
        Decision refused = Decision.rejected(IssuingOutcome.SOLD_OUT, "r-1", OPENS);

        var again = IssuingRules.decide(EVENT, 1, issued, request, OPENS);
        // Sold out then, decided: a limit raised since does not reopen it.
        var stillRefused = IssuingRules.decide(EVENT, 0, refused, request, OPENS);

        assertThat(again.redelivery()).isTrue();
        assertThat(again.issuesCoupon()).isFalse();
        assertThat(again.decision()).isEqualTo(new CouponDecision("r-1", "e", "u-1", IssuingOutcome.ISSUED, 1, OPENS));
        assertThat(stillRefused.redelivery()).isTrue();
        assertThat(stillRefused.decision()).isEqualTo(new CouponDecision("r-1", "e", "u-1", IssuingOutcome.SOLD_OUT, null, OPENS));
    }

    @Test
    void decidesAfreshARequestOtherThanTheLatestDecided() {
        var request = new CouponRequest("r-1", "e", "u-1", OPENS);

        var ruling = IssuingRules.decide(EVENT, 0, Decision.rejected(IssuingOutcome.NOT_OPEN, "r-0", OPENS), request, OPENS);

        assertThat(ruling.redelivery()).isFalse();
        assertThat(ruling.decision().outcome()).isEqualTo(IssuingOutcome.ISSUED);
    }

    @Test
    void retiresAnEventTheRetentionPastItsClosingAndOneThatNeverClosesNever() {
        Duration week = Duration.ofDays(7);
        Instant retires = CLOSES.plus(week);

        assertThat(IssuingRules.retirementOf(EVENT, week)).isEqualTo(new RetiredEvent(CLOSES, retires));
        assertThat(IssuingRules.retiredBy(EVENT, week, retires.minusMillis(1))).isFalse();
        assertThat(IssuingRules.retiredBy(EVENT, week, retires)).isTrue();
        assertThat(IssuingRules.retiredBy(EVENT, Duration.ZERO, CLOSES)).isTrue();
        var neverCloses = new EventDefinition("e", 2, OPENS, null);
        assertThat(IssuingRules.retirementOf(neverCloses, week)).isNull();
        assertThat(IssuingRules.retiredBy(neverCloses, week, Instant.MAX)).isFalse();
        assertThat(IssuingRules.retiredBy(null, week, Instant.MAX)).isFalse();
        // A retention past the last instant there is: never.
        assertThat(IssuingRules.retirementOf(EVENT, Duration.ofSeconds(Long.MAX_VALUE))).isNull();
    }

    @Test
    void retiresAnEventTheRetentionPastItsCouponsValidityWhenTheyOutliveItsClosingOrItNeverCloses() {
        Duration week = Duration.ofDays(7);
        Instant validUntil = CLOSES.plus(Duration.ofDays(30));
        var outlives = new EventDefinition("e", 2, OPENS, CLOSES, 0, validUntil);
        var closedByValidity = new EventDefinition("e", 2, OPENS, null, 0, validUntil);
        var expiresFirst = new EventDefinition("e", 2, OPENS, CLOSES, 0, CLOSES.minusSeconds(1));

        assertThat(IssuingRules.retirementOf(outlives, week)).isEqualTo(new RetiredEvent(validUntil, validUntil.plus(week)));
        assertThat(IssuingRules.retiredBy(outlives, week, CLOSES.plus(week))).isFalse();
        assertThat(IssuingRules.retiredBy(outlives, week, validUntil.plus(week))).isTrue();
        assertThat(IssuingRules.retirementOf(closedByValidity, week)).isEqualTo(new RetiredEvent(validUntil, validUntil.plus(week)));
        assertThat(IssuingRules.retirementOf(expiresFirst, week)).isEqualTo(new RetiredEvent(CLOSES, CLOSES.plus(week)));
    }

    @Test
    void refusesARequestToARetiredEventAsClosedAtItsRecordTime() {
        var request = new CouponRequest("r-9", "e", "u-1", CLOSES);

        assertThat(IssuingRules.retired(request, CLOSES.plusSeconds(1)))
                .isEqualTo(new CouponDecision("r-9", "e", "u-1", IssuingOutcome.CLOSED, null, CLOSES.plusSeconds(1)));
    }
}
