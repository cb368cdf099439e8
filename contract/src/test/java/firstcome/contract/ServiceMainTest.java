package firstcome.contract;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;

class ServiceMainTest {

    private static final ServiceDescription SERVICE = new ServiceDescription("example", "answers questions",
            List.of(Setting.of("EXAMPLE_PORT", "8080", "the HTTP port"), Setting.secret("EXAMPLE_TOKEN", "the token"),
                    Setting.LOG_FORMAT));

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    @Test
    void helpPrintsTheUsageAndEndsWithStatusZero() {
        for (String help : List.of("--help", "-h")) {
            out.reset();

            OptionalInt status = commandLine(Map.of(), help);

            assertThat(status).hasValue(0);
            assertThat(text(out)).startsWith(Version.line() + " — example: answers questions")
                    .contains("usage: java -jar example.jar [--help | --version]", "EXAMPLE_PORT=8080", "EXAMPLE_TOKEN (secret; unset by default)",
                            "LOG_FORMAT=text");
            assertThat(text(err)).isEmpty();
        }
    }

    @Test
    void versionPrintsTheProjectVersionAndEndsWithStatusZero() {
        for (String version : List.of("--version", "-V")) {
            out.reset();

            assertThat(commandLine(Map.of(), version)).hasValue(0);
            assertThat(text(out)).matches("firstcome \\d+\\.\\d+\\.\\d+(-SNAPSHOT)?\\R");
        }
    }

    @Test
    void anUnknownOptionIsOneLineAndTheUsageOnStderrWithStatusTwo() {
        OptionalInt status = commandLine(Map.of(), "--port=9000");

        assertThat(status).hasValue(ServiceMain.BAD_SETTING);
        assertThat(text(err).lines().findFirst()).hasValue(
                "firstcome example: unknown option '--port=9000' (the service takes its settings from the environment)");
        assertThat(text(err)).contains("usage: java -jar example.jar");
        assertThat(text(out)).isEmpty();
    }

    @Test
    void anUnknownLogFormatIsOneLineWithStatusTwo() {
        OptionalInt status = commandLine(Map.of("LOG_FORMAT", "JSON"));

        assertThat(status).hasValue(ServiceMain.BAD_SETTING);
        assertThat(text(err)).isEqualTo("firstcome example: LOG_FORMAT=JSON is not a log format: text (the default) or json,"
                + " in lower case" + System.lineSeparator());
    }

    @Test
    void goesOnWithoutArgumentsAndWithAKnownLogFormat() {
        assertThat(commandLine(Map.of())).isEmpty();
        assertThat(commandLine(Map.of("LOG_FORMAT", "json"))).isEmpty();
        assertThat(commandLine(Map.of("LOG_FORMAT", "text"))).isEmpty();
        assertThat(commandLine(Map.of("LOG_FORMAT", ""))).isEmpty();
        assertThat(text(out) + text(err)).isEmpty();
    }

    @Test
    void aRefusedSettingIsOneLineNamingItWithoutATrace() {
        var config = ServiceMain.configure(SERVICE, Map.of("EXAMPLE_PORT", "abc"),
                env -> new Environment(env).integer("EXAMPLE_PORT", 8080), new PrintStream(err, true, StandardCharsets.UTF_8));

        assertThat(config).isEmpty();
        assertThat(text(err)).isEqualTo("firstcome example: EXAMPLE_PORT must be a whole number, was 'abc'" + System.lineSeparator());
    }

    @Test
    void aStartupFailureWhileReadingTheSettingsIsOneLineToo() {
        var config = ServiceMain.configure(SERVICE, Map.of("KAFKA_CLIENT_CONFIG", "/no/such/file.properties"),
                KafkaConnection::fromEnv, new PrintStream(err, true, StandardCharsets.UTF_8));

        assertThat(config).isEmpty();
        assertThat(text(err)).isEqualTo("firstcome example: KAFKA_CLIENT_CONFIG=/no/such/file.properties cannot be read: no such file"
                + System.lineSeparator());
    }

    @Test
    void aSettingTakenIsHandedOn() {
        var config = ServiceMain.configure(SERVICE, Map.of("EXAMPLE_PORT", "9000"),
                env -> new Environment(env).integer("EXAMPLE_PORT", 8080), new PrintStream(err, true, StandardCharsets.UTF_8));

        assertThat(config).hasValue(9000);
        assertThat(text(err)).isEmpty();
    }

    private OptionalInt commandLine(Map<String, String> env, String... args) {
        return ServiceMain.commandLine(SERVICE, args, env, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    private static String text(ByteArrayOutputStream stream) {
        return stream.toString(StandardCharsets.UTF_8);
    }
}
