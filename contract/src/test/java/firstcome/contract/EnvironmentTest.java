package firstcome.contract;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class EnvironmentTest {

    @Test
    void takesTheDefaultForAnUnsetOrBlankVariable() {
        var settings = new Environment(Map.of("BLANK", "  "));

        assertThat(settings.text("BLANK")).isEmpty();
        assertThat(settings.text("UNSET", "fallback")).isEqualTo("fallback");
        assertThat(settings.integer("BLANK", 7)).isEqualTo(7);
        assertThat(settings.millis("UNSET", Duration.ofSeconds(3))).isEqualTo(Duration.ofSeconds(3));
        assertThat(settings.flag("BLANK", true)).isTrue();
    }

    @Test
    void readsValuesWithoutTheirSurroundingWhiteSpace() {
        var settings = new Environment(Map.of("HOST", " broker:9092 ", "PORT", " 8081 ", "TIMEOUT_MS", "250", "SHORTCUT", "Off"));

        assertThat(settings.text("HOST", "x")).isEqualTo("broker:9092");
        assertThat(settings.integer("PORT", 0)).isEqualTo(8081);
        assertThat(settings.millis("TIMEOUT_MS", Duration.ZERO)).isEqualTo(Duration.ofMillis(250));
        assertThat(settings.flag("SHORTCUT", true)).isFalse();
    }

    @Test
    void refusesAValueItCannotUseNamingTheVariableAndTheValue() {
        var settings = new Environment(Map.of("PORT", "eighty", "TIMEOUT_MS", "1.5", "SHORTCUT", "maybe"));

        assertThatThrownBy(() -> settings.integer("PORT", 0)).hasMessage("PORT must be a whole number, was 'eighty'");
        assertThatThrownBy(() -> settings.millis("TIMEOUT_MS", Duration.ZERO)).hasMessage("TIMEOUT_MS must be a whole number, was '1.5'");
        assertThatThrownBy(() -> settings.flag("SHORTCUT", true)).hasMessage("SHORTCUT must be true or false, was 'maybe'");
    }

    @Test
    void checksNamingTheVariable() {
        assertThatThrownBy(() -> Environment.requireText("KAFKA_BOOTSTRAP_SERVERS", " ")).hasMessage("KAFKA_BOOTSTRAP_SERVERS must not be empty");
        assertThatThrownBy(() -> Environment.requirePort("SINK_PORT", 70000)).hasMessage("SINK_PORT must be a port number, was 70000");
        assertThatThrownBy(() -> Environment.requireAtLeastOne("PROCESSOR_THREADS", 0)).hasMessage("PROCESSOR_THREADS must be 1 or more, was 0");
        assertThat(Environment.requirePort("SINK_PORT", 0)).isZero();
    }

    @Test
    void bindsAllInterfacesUnlessHttpHostSaysOtherwise() {
        assertThat(new Environment(Map.of()).httpHost()).isEqualTo("0.0.0.0");
        assertThat(new Environment(Map.of("HTTP_HOST", " 127.0.0.1 ")).httpHost()).isEqualTo("127.0.0.1");
        assertThat(new Environment(Map.of("HTTP_HOST", "::1")).httpHost()).isEqualTo("::1");
        assertThatThrownBy(() -> new Environment(Map.of("HTTP_HOST", "http://x:80")).httpHost())
                .hasMessageStartingWith("HTTP_HOST must be a host name or an address");
    }

    @Test
    void eventRetentionIsAnIsoDurationOfSevenDaysByDefault() {
        assertThat(new Environment(Map.of()).eventRetention()).isEqualTo(Duration.ofDays(7));
        assertThat(new Environment(Map.of("EVENT_RETENTION", "pt90s")).eventRetention()).isEqualTo(Duration.ofSeconds(90));
        assertThat(new Environment(Map.of("EVENT_RETENTION", "PT1M")).eventRetention()).isEqualTo(Duration.ofMinutes(1));
        assertThat(new Environment(Map.of("EVENT_RETENTION", "P2D")).eventRetention()).isEqualTo(Duration.ofDays(2));
        assertThatThrownBy(() -> new Environment(Map.of("EVENT_RETENTION", "7 days")).eventRetention())
                .hasMessage("EVENT_RETENTION must be an ISO-8601 duration such as P7D or PT12H, was '7 days'");
        assertThatThrownBy(() -> new Environment(Map.of("EVENT_RETENTION", "-PT1S")).eventRetention())
                .hasMessage("EVENT_RETENTION must not be negative, was '-PT1S'");
        for (String tooShort : List.of("PT0S", "PT5S", "PT59.999S")) {
            assertThatThrownBy(() -> new Environment(Map.of("EVENT_RETENTION", tooShort)).eventRetention())
                    .as(tooShort)
                    .hasMessageStartingWith("EVENT_RETENTION must be at least PT1M: ")
                    .hasMessageEndingWith("; was '" + tooShort + "'");
        }
    }
}
