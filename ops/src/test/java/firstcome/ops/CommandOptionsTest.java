package firstcome.ops;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Set;
import org.junit.jupiter.api.Test;

class CommandOptionsTest {

    private static final Set<String> FLAGS = Set.of("--keep");
    private static final Set<String> VALUED = Set.of("--event", "--wait", "--max-listed");

    @Test
    void readsFlagsRepeatedValuesAndTheLastOfASingleValue() {
        CommandOptions options = CommandOptions.parse(
                new String[] {"--keep", "--event", "a", "--event", "b", "--wait", "5", "--wait", "30"}, FLAGS, VALUED);

        assertThat(options.flag("--keep")).isTrue();
        assertThat(options.eventIds("--event")).containsExactlyInAnyOrder("a", "b");
        assertThat(options.seconds("--wait", Duration.ofSeconds(120))).isEqualTo(Duration.ofSeconds(30));
        assertThat(options.integer("--max-listed", 20)).isEqualTo(20);
    }

    @Test
    void takesTheFallbacksWhenNothingIsGiven() {
        CommandOptions options = CommandOptions.parse(new String[] {""}, FLAGS, VALUED);

        assertThat(options.flag("--keep")).isFalse();
        assertThat(options.eventIds("--event")).isEmpty();
        assertThat(options.seconds("--wait", Duration.ofSeconds(120))).isEqualTo(Duration.ofSeconds(120));
        assertThat(options.value("--event", "none")).isEqualTo("none");
    }

    @Test
    void refusesWhatItDoesNotKnowNamingIt() {
        assertThatThrownBy(() -> CommandOptions.parse(new String[] {"--evnet", "a"}, FLAGS, VALUED))
                .hasMessageContaining("--evnet");
        assertThatThrownBy(() -> CommandOptions.parse(new String[] {"--wait"}, FLAGS, VALUED))
                .hasMessageContaining("--wait needs a value");
        assertThatThrownBy(() -> CommandOptions.parse(new String[] {"--max-listed", "many"}, FLAGS, VALUED).integer("--max-listed", 20))
                .hasMessageContaining("--max-listed");
        assertThatThrownBy(() -> CommandOptions.parse(new String[] {"--event", "a b"}, FLAGS, VALUED).eventIds("--event"))
                .hasMessageContaining("--event");
    }
}
