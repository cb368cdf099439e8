package firstcome.contract;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Random;
import java.util.regex.Pattern;
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
    void checksExactlyWhatTheContractsPatternsSay() {
        Pattern contract = Pattern.compile("(?!\\.+$)[A-Za-z0-9_.:@-]{1,64}");
        Pattern logged = Pattern.compile("[A-Za-z0-9_.:@-]{1,64}");
        String alphabet = "aZ09_.:@-./ \n\u00e9\u0130\u212a";
        Random random = new Random(20);
        for (int i = 0; i < 20_000; i++) {
            StringBuilder id = new StringBuilder();
            int length = random.nextInt(67);
            for (int j = 0; j < length; j++) {
                id.append(random.nextInt(3) == 0 ? '.' : alphabet.charAt(random.nextInt(alphabet.length())));
            }
            String candidate = id.toString();
            assertThat(Ids.isValid(candidate)).as(candidate).isEqualTo(contract.matcher(candidate).matches());
            boolean loggedOk = logged.matcher(candidate).matches();
            if (loggedOk) {
                assertThat(Ids.requireLogged("userId", candidate)).isEqualTo(candidate);
            } else {
                assertThatThrownBy(() -> Ids.requireLogged("userId", candidate)).as(candidate)
                        .isInstanceOf(IllegalArgumentException.class);
            }
        }
    }
}
