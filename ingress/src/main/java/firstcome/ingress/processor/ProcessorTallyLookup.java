package firstcome.ingress.processor;

import com.fasterxml.jackson.databind.JsonNode;
import firstcome.contract.Json;
import firstcome.ingress.api.EventId;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Optional;

/**
 * Reads an event's tally from the streams-processor ({@code GET /events/{eventId}/tally}, routed
 * there to the instance that owns the event). Any failure is an empty answer: the live view then
 * shows the gate's figures without the processor's, instead of failing as a whole.
 */
public final class ProcessorTallyLookup implements TallyLookup {

    private static final Duration TIMEOUT = Duration.ofSeconds(1);

    private final URI processor;
    private final HttpClient http = HttpClient.newBuilder()
            .connectTimeout(TIMEOUT)
            .version(HttpClient.Version.HTTP_1_1)
            .build();

    public ProcessorTallyLookup(URI processor) {
        this.processor = processor;
    }

    @Override
    public Optional<Tally> find(EventId event) {
        var request = HttpRequest.newBuilder(processor.resolve("/events/" + event.value() + "/tally"))
                .timeout(TIMEOUT)
                .GET()
                .build();
        try {
            HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() != 200) {
                return Optional.empty();
            }
            JsonNode body = Json.mapper().readTree(response.body());
            return Optional.of(new Tally(body.path("issued").asLong(), body.path("duplicates").asLong(),
                    body.path("soldOut").asLong(), body.path("notOpen").asLong(), body.path("closed").asLong(),
                    body.path("unknownEvent").asLong()));
        } catch (IOException e) {
            return Optional.empty();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.empty();
        }
    }
}
