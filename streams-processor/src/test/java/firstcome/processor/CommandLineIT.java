package firstcome.processor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import firstcome.contract.Json;
import firstcome.contract.Version;
import firstcome.stackkit.ChildProcess;
import firstcome.stackkit.FreePorts;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The runnable jar as an operator runs it: help, version, and the one line a setting it cannot use ends with. */
class CommandLineIT {

    private static final Path JAR = Path.of("target", "streams-processor.jar");
    private static final Duration DEADLINE = Duration.ofSeconds(60);

    @TempDir
    Path dir;

    @Test
    void helpListsEveryVariableWithoutStartingAnything() {
        ChildProcess.Finished help = run(Map.of(), "--help");

        assertThat(help.exitValue()).isZero();
        assertThat(help.out()).startsWith(Version.line() + " — streams-processor: ");
        for (String name : ProcessorSettings.DESCRIPTION.names()) {
            assertThat(help.out()).contains("\n  " + name);
        }
        assertThat(help.out()).contains("  PROCESSOR_PORT=8081\n", "  SHOP_TOKEN (secret; unset by default)\n");
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
                "firstcome streams-processor: unknown option '--port' (the service takes its settings from the environment)");
        assertThat(unknown.err()).contains("usage: java -jar streams-processor.jar");
        assertThat(unknown.out()).isEmpty();
    }

    @Test
    void aBadSettingEndsWithOneLineNamingItAndStatusTwo() {
        assertOneLine(Map.of("PROCESSOR_THREADS", "0"), "firstcome streams-processor: PROCESSOR_THREADS must be 1 or more, was 0");
        assertOneLine(Map.of("EVENT_RETENTION", "7 days"),
                "firstcome streams-processor: EVENT_RETENTION must be an ISO-8601 duration such as P7D or PT12H, was '7 days'");
        assertOneLine(Map.of("LOG_FORMAT", "JSON"),
                "firstcome streams-processor: LOG_FORMAT=JSON is not a log format: text (the default) or json, in lower case");
    }

    @Test
    void jsonLogsAreOneObjectPerLineStartingWithTheConfigurationTakenSecretsRedacted() throws Exception {
        var processor = new ChildProcess("streams-processor", List.of(ChildProcess.java(), "-jar", JAR.toString()), Map.of(
                "LOG_FORMAT", "json",
                // Nobody listens there: the processor starts, serves HTTP and keeps asking for the broker.
                "KAFKA_BOOTSTRAP_SERVERS", "127.0.0.1:" + FreePorts.next(),
                "PROCESSOR_PORT", "0",
                "HTTP_HOST", "127.0.0.1",
                "PROCESSOR_STATE_DIR", dir.resolve("state").toString(),
                "SHOP_TOKEN", "query-secret-1"), dir.resolve("processor.log"));
        try {
            processor.start();
            await("the processor listens").atMost(DEADLINE)
                    .until(() -> Files.readString(processor.log()).contains("streams-processor listening on"));
        } finally {
            processor.stop(Duration.ofSeconds(30));
        }

        List<String> lines = Files.readAllLines(processor.log());
        assertThat(lines).isNotEmpty();
        List<JsonNode> entries = new ArrayList<>();
        for (String line : lines) {
            JsonNode entry = Json.mapper().readTree(line);
            assertThat(entry.isObject()).as("a JSON object: %s", line).isTrue();
            for (String field : List.of("timestamp", "level", "logger", "thread", "message")) {
                assertThat(entry.hasNonNull(field)).as("%s in %s", field, line).isTrue();
            }
            entries.add(entry);
        }
        JsonNode first = entries.get(0);
        assertThat(first.get("logger").asText()).isEqualTo("firstcome.contract.ServiceMain");
        assertThat(first.get("level").asText()).isEqualTo("INFO");
        assertThat(first.get("timestamp").asText()).matches("\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}\\.\\d{3}Z");
        assertThat(first.get("message").asText()).startsWith("the streams-processor's configuration: ")
                .contains("PROCESSOR_PORT=0", "PROCESSOR_THREADS=1 (default)", "SHOP_TOKEN=****", "LOG_FORMAT=json");
        assertThat(lines).noneMatch(line -> line.contains("query-secret-1"));
        // No request was about one event: no line carries the fields, rather than carrying them empty.
        assertThat(entries).noneMatch(entry -> entry.has("eventId") || entry.has("userId") || entry.has("exception"));
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
