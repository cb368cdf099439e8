package firstcome.ingress.catalog;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import firstcome.contract.EventDefinition;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class RetirementTest {

    private static final Instant OPENS = Instant.parse("2026-11-24T10:00:00Z");
    private static final Instant CLOSES = Instant.parse("2026-11-24T11:00:00Z");
    private final Retirement retirement = new Retirement(Duration.ofDays(7));

    @Test
    void retiresTheRetentionAfterTheClosing() {
        var definition = new EventDefinition("e1", 10, OPENS, CLOSES);

        assertThat(retirement.retiresAt(definition)).contains(Instant.parse("2026-12-01T11:00:00Z"));
    }

    @Test
    void isRetiredFromTheRetirementInstantOn() {
        var definition = new EventDefinition("e1", 10, OPENS, CLOSES);
        Instant at = CLOSES.plus(Duration.ofDays(7));

        assertThat(retirement.retiredAt(definition, at.minusMillis(1))).isFalse();
        assertThat(retirement.retiredAt(definition, at)).isTrue();
        assertThat(retirement.retiredAt(definition, at.plusSeconds(3600))).isTrue();
    }

    @Test
    void anEventThatNeverClosesNeverRetires() {
        var definition = new EventDefinition("e1", 10, OPENS, null);

        assertThat(retirement.retiresAt(definition)).isEmpty();
        assertThat(retirement.retiredAt(definition, Instant.MAX)).isFalse();
    }

    @Test
    void anEventClosingTooFarOffForMillisecondsOrInstantsNeverRetires() {
        var beyondMillis = new EventDefinition("e1", 10, OPENS, Instant.parse("+300000000-01-01T00:00:00Z"));
        var atTheEndOfTime = new EventDefinition("e2", 10, OPENS, Instant.MAX);

        assertThat(retirement.retiresAt(beyondMillis)).isEmpty();
        assertThat(retirement.retiresAt(atTheEndOfTime)).isEmpty();
        assertThat(retirement.retiredAt(atTheEndOfTime, Instant.MAX)).isFalse();
    }

    @Test
    void retiresTheRetentionAfterTheCouponsValidityWhenTheyOutliveTheClosing() {
        Instant validUntil = Instant.parse("2026-12-31T23:00:00Z");
        var definition = new EventDefinition("e1", 10, OPENS, CLOSES, 0, validUntil);

        assertThat(retirement.retiresAt(definition)).contains(Instant.parse("2027-01-07T23:00:00Z"));
        assertThat(retirement.retiredAt(definition, CLOSES.plus(Duration.ofDays(7)))).isFalse();
        assertThat(retirement.retiredAt(definition, Instant.parse("2027-01-07T23:00:00Z"))).isTrue();
    }

    @Test
    void retiresAnEventClosedOnlyByItsCouponsValidity() {
        Instant validUntil = Instant.parse("2026-12-31T23:00:00Z");
        var definition = new EventDefinition("e1", 10, OPENS, null, 0, validUntil);

        assertThat(retirement.retiresAt(definition)).contains(Instant.parse("2027-01-07T23:00:00Z"));
    }

    @Test
    void retiresTheRetentionAfterTheClosingWhenTheCouponsExpireBeforeIt() {
        var definition = new EventDefinition("e1", 10, OPENS, CLOSES, 0, CLOSES.minusSeconds(60));

        assertThat(retirement.retiresAt(definition)).contains(Instant.parse("2026-12-01T11:00:00Z"));
    }

    @Test
    void aZeroRetentionRetiresAtTheClosing() {
        var definition = new EventDefinition("e1", 10, OPENS, CLOSES);

        assertThat(new Retirement(Duration.ZERO).retiredAt(definition, CLOSES)).isTrue();
    }

    @Test
    void refusesANegativeRetention() {
        assertThatThrownBy(() -> new Retirement(Duration.ofSeconds(-1)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("EVENT_RETENTION");
    }
}
