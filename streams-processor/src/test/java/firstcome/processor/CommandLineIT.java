package firstcome.processor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import firstcome.contract.Json;
import firstcome.stackkit.ChildProcess;
import firstcome.stackkit.FreePorts;
import firstcome.testkit.ServiceJarCommandLine;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The runnable jar as an operator runs it: help, version, and the one line a setting it cannot use ends with. */
class CommandLineIT extends ServiceJarCommandLine {

    CommandLineIT() {
        super(ProcessorSettings.DESCRIPTION, "  PROCESSOR_PORT=8081", "  SHOP_TOKEN (secret; unset by default)");
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
        var processor = new ChildProcess("streams-processor", List.of(ChildProcess.java(), "-jar", jar().toString()), Map.of(
                "LOG_FORMAT", "json",
                // Nobody listens there: the processor starts, serves HTTP and keeps asking for the broker.
                "KAFKA_BOOTSTRAP_SERVERS", "127.0.0.1:" + FreePorts.next(),
                "PROCESSOR_PORT", "0",
                "HTTP_HOST", "127.0.0.1",
                "PROCESSOR_STATE_DIR", dir.resolve("state").toString(),
                "SHOP_TOKEN", "query-secret-1"), dir.resolve("processor.log"));
        try {
            processor.start();
            await("the processor listens").atMost(deadline())
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
}
