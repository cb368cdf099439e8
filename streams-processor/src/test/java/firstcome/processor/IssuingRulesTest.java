package firstcome.processor;

import static org.assertj.core.api.Assertions.assertThat;

import firstcome.contract.EventDefinition;
import firstcome.contract.IssuingOutcome;
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
}
