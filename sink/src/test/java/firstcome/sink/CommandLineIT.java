package firstcome.sink;

import static org.assertj.core.api.Assertions.assertThat;

import firstcome.contract.Version;
import firstcome.stackkit.ChildProcess;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The runnable jar as an operator runs it: help, version, and the one line a setting it cannot use ends with. */
class CommandLineIT {

    private static final Path JAR = Path.of("target", "sink.jar");
    private static final Duration DEADLINE = Duration.ofSeconds(60);

    @TempDir
    Path dir;

    @Test
    void helpListsEveryVariableWithoutStartingAnything() {
        ChildProcess.Finished help = run(Map.of(), "--help");

        assertThat(help.exitValue()).isZero();
        assertThat(help.out()).startsWith(Version.line() + " — sink: ");
        for (String name : SinkSettings.DESCRIPTION.names()) {
            assertThat(help.out()).contains("\n  " + name);
        }
        assertThat(help.out()).contains("  SINK_PORT=8082\n", "  MYSQL_PASSWORD=coupon (secret)\n");
        assertThat(help.err()).isEmpty();
    }

    @Test
    void versionPrintsTheProjectVersion() {
        ChildProcess.Finished version = run(Map.of(), "--version");

        assertThat(version.exitValue()).isZero();
        assertThat(version.out()).isEqualTo("firstcome " + Version.number() + System.lineSeparator());
    }

    @Test
    void anUnknownOptionEndsWithOneLineAndTheUsage() {
        ChildProcess.Finished unknown = run(Map.of(), "--port", "9000");

        assertThat(unknown.exitValue()).isEqualTo(2);
        assertThat(unknown.err().lines().findFirst()).hasValue(
                "firstcome sink: unknown option '--port' (the service takes its settings from the environment)");
        assertThat(unknown.err()).contains("usage: java -jar sink.jar");
        assertThat(unknown.out()).isEmpty();
    }

    @Test
    void aBadSettingEndsWithOneLineNamingItAndStatusTwo() {
        assertOneLine(Map.of("SINK_BATCH_SIZE", "many"), "firstcome sink: SINK_BATCH_SIZE must be a whole number, was 'many'");
        assertOneLine(Map.of("MYSQL_URL", "postgres://db/coupon"),
                "firstcome sink: MYSQL_URL must be a jdbc:mysql: URL (mysql-connector-j), was 'postgres://db/coupon'");
        assertOneLine(Map.of("KAFKA_CLIENT_CONFIG", dir.resolve("missing.properties").toString()),
                "firstcome sink: KAFKA_CLIENT_CONFIG=" + dir.resolve("missing.properties") + " cannot be read: no such file");
        assertOneLine(Map.of("LOG_FORMAT", "xml"),
                "firstcome sink: LOG_FORMAT=xml is not a log format: text (the default) or json, in lower case");
    }

    private void assertOneLine(Map<String, String> env, String line) {
        ChildProcess.Finished refused = run(env);

        assertThat(refused.exitValue()).as("exit status with %s", env).isEqualTo(2);
        assertThat(refused.err()).as("stderr with %s", env).isEqualTo(line + System.lineSeparator());
        assertThat(refused.out()).as("stdout with %s", env).isEmpty();
    }

    private ChildProcess.Finished run(Map<String, String> env, String... args) {
        var command = new java.util.ArrayList<>(List.of(ChildProcess.java(), "-jar", JAR.toString()));
        command.addAll(List.of(args));
        return ChildProcess.run(command, env, dir, DEADLINE);
    }
}
