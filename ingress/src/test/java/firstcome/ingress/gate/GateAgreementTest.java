package firstcome.ingress.gate;

import static org.assertj.core.api.Assertions.assertThat;

import firstcome.contract.query.Tally;
import firstcome.ingress.api.EventId;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class GateAgreementTest {

    private static final EventId EVENT = new EventId("drop");
    private static final Instant T0 = Instant.parse("2026-11-24T10:00:00Z");

    private final GateAgreement agreement = new GateAgreement();

    @Test
    void agreesWhenTheCountsMatch() {
        GateAgreement.Signal signal = agreement.observe(EVENT, 7, 7, 0, T0);

        assertThat(signal).isEqualTo(new GateAgreement.Signal(7, 7, 0, true, null));
    }

    @Test
    void agreesWhileRequestsArePendingHoweverLongTheCountsDiffer() {
        for (int second = 0; second <= 60; second++) {
            GateAgreement.Signal signal = agreement.observe(EVENT, 9, 7, 2, T0.plusSeconds(second));

            assertThat(signal.agrees()).as("at %d s", second).isTrue();
            assertThat(signal.since()).isNull();
        }
        assertThat(agreement.tracked()).isZero();
    }

    @Test
    void disagreesOnceTheCountsHaveDifferedWithNothingPendingForLongerThanTheGrace() {
        for (int second = 0; second <= 5; second++) {
            GateAgreement.Signal signal = agreement.observe(EVENT, 10, 7, 0, T0.plusSeconds(second));

            assertThat(signal.agrees()).as("within the grace, at %d s", second).isTrue();
            assertThat(signal.since()).isEqualTo(T0);
        }

        GateAgreement.Signal signal = agreement.observe(EVENT, 10, 7, 0, T0.plusMillis(5_001));

        assertThat(signal).isEqualTo(new GateAgreement.Signal(10, 7, 0, false, T0));
    }

    @Test
    void agreesAgainAsSoonAsTheCountsMatch() {
        for (int second = 0; second <= 10; second++) {
            agreement.observe(EVENT, 6, 7, 0, T0.plusSeconds(second));
        }

        GateAgreement.Signal signal = agreement.observe(EVENT, 7, 7, 0, T0.plusSeconds(11));

        assertThat(signal).isEqualTo(new GateAgreement.Signal(7, 7, 0, true, null));
        assertThat(agreement.observe(EVENT, 6, 7, 0, T0.plusSeconds(12)).since())
                .as("a new difference starts a new grace").isEqualTo(T0.plusSeconds(12));
    }

    @Test
    void aPendingRequestBetweenTwoLooksStartsTheGraceAgain() {
        agreement.observe(EVENT, 8, 7, 0, T0);
        agreement.observe(EVENT, 8, 7, 0, T0.plusSeconds(4));
        agreement.observe(EVENT, 9, 7, 1, T0.plusSeconds(5));

        GateAgreement.Signal signal = agreement.observe(EVENT, 8, 7, 0, T0.plusSeconds(8));

        assertThat(signal.agrees()).isTrue();
        assertThat(signal.since()).isEqualTo(T0.plusSeconds(8));
    }

    @Test
    void looksTooFarApartDoNotAddUpToADisagreement() {
        agreement.observe(EVENT, 8, 7, 0, T0);

        GateAgreement.Signal signal = agreement.observe(EVENT, 8, 7, 0, T0.plusSeconds(20));

        assertThat(signal.agrees()).as("nobody looked in between: the counts may have matched").isTrue();
        assertThat(signal.since()).isEqualTo(T0.plusSeconds(20));
    }

    @Test
    void keepsEachEventApartAndForgetsEventsNobodyLooksAt() {
        for (int second = 0; second <= 6; second++) {
            agreement.observe(EVENT, 8, 7, 0, T0.plusSeconds(second));
        }
        GateAgreement.Signal other = agreement.observe(new EventId("other"), 3, 2, 0, T0.plusSeconds(6));

        assertThat(other.agrees()).isTrue();
        assertThat(agreement.tracked()).isEqualTo(2);

        agreement.observe(new EventId("third"), 1, 1, 0, T0.plusSeconds(60));
        assertThat(agreement.tracked()).as("events not looked at for %s are forgotten", GateAgreement.FORGET_AFTER).isZero();
    }

    @Test
    void countsLiveCouponsWaitingUsersAndEntrantsNotDrawnYetAsTheAuthoritysPlaces() {
        Tally plain = new Tally("e", 10, 0, 0, 0, 0, 0, 10, 1, 3, 2);
        Tally beforeTheDraw = new Tally("e", 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, new Tally.DrawSummary(40, null, null, null));
        Tally drawn = new Tally("e", 5, 0, 0, 0, 0, 0, 40, 0, 0, 2, new Tally.DrawSummary(40, T0, "ab", "cd"));

        assertThat(GateAgreement.authority(plain)).as("10 issued - 3 returned + 2 waiting").isEqualTo(9);
        assertThat(GateAgreement.authority(beforeTheDraw)).as("the entrants hold their places").isEqualTo(40);
        assertThat(GateAgreement.authority(drawn)).as("once drawn, only winners and waiting users").isEqualTo(7);
    }
}
