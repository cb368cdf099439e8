package firstcome.ops;

import static org.assertj.core.api.Assertions.assertThat;

import firstcome.contract.EventDefinition;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Which events the audit leaves out of the gate comparison: those whose gate keys expired by design. */
class GateCheckTest {

    private static final Instant OPENS = Instant.parse("2026-11-24T10:00:00Z");
    private static final Instant CLOSES = Instant.parse("2026-11-24T11:00:00Z");
    private static final Duration RETENTION = Duration.ofDays(7);

    @Test
    void anEventIsRetiredFromItsClosingPlusTheRetentionOn() {
        var definition = new EventDefinition("e1", 10, OPENS, CLOSES);

        assertThat(GateCheck.retired(definition, RETENTION, CLOSES.plus(RETENTION).minusMillis(1))).isFalse();
        assertThat(GateCheck.retired(definition, RETENTION, CLOSES.plus(RETENTION))).isTrue();
    }

    @Test
    void anEventWhoseCouponsOutliveItsClosingIsRetiredFromTheirValidityPlusTheRetentionOn() {
        Instant validUntil = CLOSES.plus(Duration.ofDays(30));
        var outlives = new EventDefinition("e1", 10, OPENS, CLOSES, 0, validUntil);
        var byValidity = new EventDefinition("e2", 10, OPENS, null, 0, validUntil);

        assertThat(GateCheck.retired(outlives, RETENTION, CLOSES.plus(RETENTION))).isFalse();
        assertThat(GateCheck.retired(outlives, RETENTION, validUntil.plus(RETENTION).minusMillis(1))).isFalse();
        assertThat(GateCheck.retired(outlives, RETENTION, validUntil.plus(RETENTION))).isTrue();
        assertThat(GateCheck.retired(byValidity, RETENTION, validUntil.plus(RETENTION))).isTrue();
    }

    @Test
    void anEventThatNeverClosesOrIsNotDefinedIsAlwaysCompared() {
        assertThat(GateCheck.retired(new EventDefinition("e1", 10, OPENS, null), RETENTION, Instant.MAX)).isFalse();
        assertThat(GateCheck.retired(null, RETENTION, Instant.MAX)).isFalse();
    }

    @Test
    void readsAReturnedUserAsAppliedWithoutAPlaceAndNamesAReturnTheAuthorityDoesNotKnow() {
        var audit = new EventAudit("e1", 10, RETENTION);
        audit.define(new EventDefinition("e1", 10, OPENS, null), OPENS.toEpochMilli());

        var returnedOnlyAtTheGate = new GateCheck.GateState(Set.of("u-1"), 0, Map.of(), Set.of("u-1"));

        assertThat(GateCheck.differences(audit, returnedOnlyAtTheGate)).containsExactly(
                "event e1, user u-1: the gate holds a place for them, the authority: no request of this user was decided",
                "event e1, user u-1: the gate says they returned their coupon, the authority: no request of this user was decided");
    }
}
