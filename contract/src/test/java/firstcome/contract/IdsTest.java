package firstcome.contract;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class IdsTest {

    @Test
    void acceptsOneToSixtyFourCharactersOfTheContractsSet() {
        assertThat(Ids.isValid("u-42")).isTrue();
        assertThat(Ids.isValid("a.b:c@d_e-f")).isTrue();
        assertThat(Ids.isValid(".a")).isTrue();
        assertThat(Ids.isValid("..a..")).isTrue();
        assertThat(Ids.isValid("x".repeat(64))).isTrue();
    }

    @Test
    void refusesIdsMadeOnlyOfDotsBecauseAUrlResolvesThemAway() {
        assertThat(Ids.isValid(".")).isFalse();
        assertThat(Ids.isValid("..")).isFalse();
        assertThat(Ids.isValid(".".repeat(64))).isFalse();
        assertThatThrownBy(() -> Ids.require("userId", "..")).hasMessage("userId must be " + Ids.RULE);
    }

    @Test
    void refusesEmptyLongAndForeignCharacters() {
        assertThat(Ids.isValid(null)).isFalse();
        assertThat(Ids.isValid("")).isFalse();
        assertThat(Ids.isValid("x".repeat(65))).isFalse();
        assertThat(Ids.isValid("a/b")).isFalse();
        assertThat(Ids.isValid("a b")).isFalse();
    }

    @Test
    void keepsReadingRecordsLoggedWithAnIdOfDotsSoThatAReplayDecidesAsBefore() {
        var request = new CouponRequest("r-1", "spring-sale", "..", java.time.Instant.parse("2026-11-24T10:00:00Z"));

        assertThat(request.userId()).isEqualTo("..");
        assertThatThrownBy(() -> Ids.requireLogged("userId", "a/b")).hasMessageContaining("userId must be");
    }
}
