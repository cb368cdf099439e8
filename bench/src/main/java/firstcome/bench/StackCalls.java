package firstcome.bench;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** What the benchmarks ask of the stack and the machine alike: define an event, the apply route, a command's output. */
final class StackCalls {

    private StackCalls() {
    }

    /** Defines {@code eventId} with {@code limit} through the admin route; returns the id. */
    static String defineEvent(HttpClient http, Bench.Settings settings, String eventId, int limit) throws Exception {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(settings.ingressUrl() + "/admin/events/" + eventId))
                .timeout(Duration.ofSeconds(15))
                .header("Authorization", "Bearer " + settings.adminToken())
                .header("Content-Type", "application/json")
                .PUT(HttpRequest.BodyPublishers.ofString("{\"limit\":" + limit + "}", UTF_8))
                .build(), HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != 200) {
            throw new IllegalStateException("defining " + eventId + " failed: " + r.statusCode() + " " + r.body());
        }
        return eventId;
    }

    static String applyUrl(Bench.Settings settings, String eventId) {
        return settings.ingressUrl() + "/events/" + eventId + "/applications";
    }

    /** Runs {@code command}; its output (standard output and error), or an exception naming it when it fails. */
    static String exec(List<String> command) throws Exception {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), UTF_8);
        if (p.waitFor() != 0) {
            throw new IllegalStateException(command.get(0) + " failed: " + out);
        }
        return out;
    }

    static List<String> concat(List<String> command, String... more) {
        List<String> all = new ArrayList<>(command);
        all.addAll(List.of(more));
        return all;
    }
}
