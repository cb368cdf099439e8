package firstcome.ops;

import static org.assertj.core.api.Assertions.assertThat;

import firstcome.contract.Version;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** What the ops jar answers before running a command: its commands, its version, each command's options. */
class CommandTest {

    private record Result(int status, String out, String err) {
    }

    private static Result answer(String... args) {
        var out = new ByteArrayOutputStream();
        var err = new ByteArrayOutputStream();
        int status = Command.answer(args, new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Result(status, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    @Test
    void helpListsEveryCommand() {
        for (String help : List.of("--help", "-h")) {
            Result result = answer(help);

            assertThat(result.status()).isZero();
            assertThat(result.out()).startsWith(Version.line()).contains("usage: java -jar ops.jar <command> [options]",
                    "  replay ", "  rebuild-db ", "  audit ", "  token ");
            assertThat(result.err()).isEmpty();
        }
    }

    @Test
    void versionPrintsTheProjectVersionAloneOrAfterACommand() {
        for (String[] args : List.of(new String[] {"--version"}, new String[] {"-V"}, new String[] {"audit", "--version"})) {
            Result result = answer(args);

            assertThat(result.status()).isZero();
            assertThat(result.out()).isEqualTo("firstcome " + Version.number() + System.lineSeparator());
        }
    }

    @Test
    void eachCommandsHelpPrintsItsOptionsWithoutRunningIt() {
        assertThat(answer("replay", "--help")).satisfies(result -> {
            assertThat(result.status()).isZero();
            assertThat(result.out()).startsWith("usage: replay [--event ID]...").contains("--state-dir DIR", "KAFKA_BOOTSTRAP_SERVERS");
        });
        assertThat(answer("audit", "-h").out()).startsWith("usage: audit [--event ID]...").contains("--no-gate", "REDIS_URL");
        assertThat(answer("rebuild-db", "--event", "spring-sale", "--help").out()).startsWith("usage: rebuild-db [--event ID]...")
                .contains("MYSQL_URL");
        assertThat(answer("token", "--help").out()).startsWith("usage: token --user ID [--claims JSON]");
    }

    @Test
    void aCommandToRunIsLeftToIt() {
        assertThat(answer("audit", "--event", "spring-sale").status()).isEqualTo(-1);
    }

    @Test
    void noCommandOrAnUnknownOneIsOneLineAndTheCommandsOnStderrWithStatusTwo() {
        Result unknown = answer("reply", "--event", "x");

        assertThat(unknown.status()).isEqualTo(Command.BAD_USAGE);
        assertThat(unknown.err().lines().findFirst()).hasValue("ops: unknown command 'reply'");
        assertThat(unknown.err()).contains("  replay ", "  audit ");
        assertThat(unknown.out()).isEmpty();

        Result none = answer();
        assertThat(none.status()).isEqualTo(Command.BAD_USAGE);
        assertThat(none.err().lines().findFirst()).hasValue("ops: name a command");
    }

    @Test
    void anUnknownOptionOfACommandIsOneLineThenItsUsageWithStatusTwo() {
        var err = new ByteArrayOutputStream();
        int status = Replay.run(Map.of(), new String[] {"--evnet", "spring-sale"}, new PrintStream(new ByteArrayOutputStream()),
                new PrintStream(err, true, StandardCharsets.UTF_8));

        assertThat(status).isEqualTo(2);
        assertThat(err.toString(StandardCharsets.UTF_8).lines().toList()).first().isEqualTo("replay: unknown option '--evnet'");
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("usage: replay [--event ID]...");
    }
}
