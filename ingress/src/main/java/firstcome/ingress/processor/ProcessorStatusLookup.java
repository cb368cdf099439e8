package firstcome.ingress.processor;

import com.fasterxml.jackson.databind.JsonNode;
import firstcome.contract.Json;
import firstcome.ingress.api.ApiException;
import firstcome.ingress.api.EventId;
import firstcome.ingress.api.UserId;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Optional;

/**
 * Status look-ups answered from the streams-processor's state, the authority on who got which
 * coupon. A user the processor has not decided yet but who holds a slot at the gate is PENDING:
 * accepted, still in Kafka.
 */
public final class ProcessorStatusLookup implements StatusLookup {

    private static final Duration TIMEOUT = Duration.ofSeconds(2);

    private final URI processor;
    private final StatusLookup gate;
    private final HttpClient http = HttpClient.newBuilder()
            .connectTimeout(TIMEOUT)
            .version(HttpClient.Version.HTTP_1_1)
            .build();

    public ProcessorStatusLookup(URI processor, StatusLookup gate) {
        this.processor = processor;
        this.gate = gate;
    }

    @Override
    public Optional<ApplicationStatus> find(EventId event, UserId user) {
        HttpResponse<String> response = ask(event, user);
        if (response.statusCode() == 404) {
            return gate.find(event, user);
        }
        if (response.statusCode() != 200) {
            throw ApiException.unavailable("the decisions are not available right now; try again in a moment");
        }
        JsonNode body = read(response.body());
        String outcome = body.path("outcome").asText();
        return switch (outcome) {
            case "ISSUED" -> Optional.of(ApplicationStatus.issued(body.path("couponNo").asInt()));
            case "REJECTED" -> Optional.of(ApplicationStatus.rejected(body.path("reason").asText()));
            default -> throw ApiException.unavailable("the streams-processor gave an unexpected answer");
        };
    }

    private HttpResponse<String> ask(EventId event, UserId user) {
        var request = HttpRequest.newBuilder(processor.resolve(
                        "/events/" + event.value() + "/applications/" + user.value()))
                .timeout(TIMEOUT)
                .GET()
                .build();
        try {
            return http.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw ApiException.unavailable("the streams-processor did not answer; try again in a moment");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw ApiException.unavailable("interrupted while asking the streams-processor");
        }
    }

    private static JsonNode read(String body) {
        try {
            return Json.mapper().readTree(body);
        } catch (IOException e) {
            throw ApiException.unavailable("the streams-processor gave an unreadable answer");
        }
    }
}
