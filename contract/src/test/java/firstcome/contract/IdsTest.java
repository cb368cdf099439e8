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

    @Test
    void checksLoggedIdsExactlyAsThePatternTheyWereWrittenUnder() {
        var random = new java.util.Random(20);
        String alphabet = "Az09_.:@-/ é\u00e9\t\u0000~`[]{}";
        java.util.List<String> ids = new java.util.ArrayList<>(java.util.Arrays.asList(
                null, "", ".", "..", "u-42", "x".repeat(64), "x".repeat(65), "a/b", "a b", "é", "Z", "z", "0", "9"));
        for (int i = 0; i < 5_000; i++) {
            var id = new StringBuilder();
            int length = random.nextInt(67);
            for (int c = 0; c < length; c++) {
                id.append(random.nextInt(4) == 0 ? (char) random.nextInt(128) : alphabet.charAt(random.nextInt(alphabet.length())));
            }
            ids.add(id.toString());
        }

        for (String id : ids) {
            boolean accepted;
            try {
                accepted = Ids.requireLogged("userId", id) != null;
            } catch (IllegalArgumentException e) {
                accepted = false;
            }
            assertThat(accepted).as("%s", id).isEqualTo(Ids.matchesLoggedPattern(id));
        }
    }
}
