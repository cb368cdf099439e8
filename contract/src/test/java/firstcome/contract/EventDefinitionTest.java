package firstcome.contract;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class EventDefinitionTest {

    private static final Instant OPENS = Instant.parse("2026-11-24T10:00:00Z");
    private static final Instant CLOSES = Instant.parse("2026-11-24T11:00:00Z");
    private static final Instant VALID_UNTIL = Instant.parse("2026-12-31T23:59:59Z");
    private static final Duration WEEK = Duration.ofDays(7);

    private static EventDefinition event(Instant closesAt, Instant couponsValidUntil) {
        return new EventDefinition("e", 10, OPENS, closesAt, 0, couponsValidUntil);
    }

    @Test
    void applicationsCloseAtTheEarlierOfTheClosingAndTheCouponsValidity() {
        Instant early = Instant.parse("2026-11-24T10:30:00Z");

        assertThat(event(CLOSES, null).applicationsCloseAt()).isEqualTo(CLOSES);
        assertThat(event(null, VALID_UNTIL).applicationsCloseAt()).isEqualTo(VALID_UNTIL);
        assertThat(event(CLOSES, VALID_UNTIL).applicationsCloseAt()).isEqualTo(CLOSES);
        assertThat(event(CLOSES, early).applicationsCloseAt()).isEqualTo(early);
        assertThat(event(null, null).applicationsCloseAt()).isNull();
        for (var event : List.of(event(CLOSES, early), event(null, VALID_UNTIL), event(CLOSES, VALID_UNTIL))) {
            assertThat(event.closedAt(event.applicationsCloseAt())).isTrue();
            assertThat(event.closedAt(event.applicationsCloseAt().minusMillis(1))).isFalse();
        }
    }

    @Test
    void anEventWithoutValidityRetiresTheRetentionPastItsClosingAsBefore() {
        assertThat(event(CLOSES, null).endsAt()).isEqualTo(CLOSES);
        assertThat(event(CLOSES, null).retiresAt(WEEK)).isEqualTo(CLOSES.plus(WEEK));
    }

    @Test
    void anEventWhoseCouponsOutliveItsClosingRetiresTheRetentionPastTheirValidity() {
        var event = event(CLOSES, VALID_UNTIL);

        assertThat(event.endsAt()).isEqualTo(VALID_UNTIL);
        assertThat(event.retiresAt(WEEK)).isEqualTo(VALID_UNTIL.plus(WEEK));
        assertThat(event.retiredAt(WEEK, CLOSES.plus(WEEK))).isFalse();
        assertThat(event.retiredAt(WEEK, VALID_UNTIL.plus(WEEK).minusMillis(1))).isFalse();
        assertThat(event.retiredAt(WEEK, VALID_UNTIL.plus(WEEK))).isTrue();
    }

    @Test
    void anEventClosingAfterItsCouponsExpireRetiresPastItsClosing() {
        Instant validUntil = Instant.parse("2026-11-24T10:30:00Z");

        assertThat(event(CLOSES, validUntil).retiresAt(WEEK)).isEqualTo(CLOSES.plus(WEEK));
    }

    @Test
    void anEventClosedOnlyByItsCouponsValidityRetires() {
        var event = event(null, VALID_UNTIL);

        assertThat(event.endsAt()).isEqualTo(VALID_UNTIL);
        assertThat(event.retiresAt(WEEK)).isEqualTo(VALID_UNTIL.plus(WEEK));
        assertThat(event.retiredAt(WEEK, VALID_UNTIL.plus(WEEK))).isTrue();
    }

    @Test
    void anEventWithNeitherNeverRetires() {
        var event = event(null, null);

        assertThat(event.endsAt()).isNull();
        assertThat(event.retiresAt(WEEK)).isNull();
        assertThat(event.retiredAt(WEEK, Instant.MAX)).isFalse();
    }

    @Test
    void aRetirementPastWhatMillisecondsCanTellIsNever() {
        var farOff = event(Instant.ofEpochMilli(Long.MAX_VALUE).minusSeconds(1), null);

        assertThat(farOff.retiresAt(WEEK)).isNull();
        assertThat(event(null, Instant.MAX).retiresAt(WEEK)).isNull();
    }

    @Test
    void theEndAndTheRetirementAreNotPartOfTheJson() {
        var serde = Topics.standard().events().valueSerde();

        String json = new String(serde.serializer().serialize("t", event(CLOSES, VALID_UNTIL)), UTF_8);

        assertThat(json).isEqualTo("{\"eventId\":\"e\",\"limit\":10,\"opensAt\":\"2026-11-24T10:00:00Z\","
                + "\"closesAt\":\"2026-11-24T11:00:00Z\",\"couponsValidUntil\":\"2026-12-31T23:59:59Z\"}");
    }
}
