package firstcome.ingress.processor;

import firstcome.contract.Json;
import firstcome.contract.query.ApplicationStatus;
import firstcome.contract.query.CouponHolders;
import firstcome.contract.query.QueryRoutes;
import firstcome.contract.query.Tally;
import firstcome.ingress.api.ApiException;
import firstcome.ingress.api.EventId;
import firstcome.ingress.api.UserId;
import firstcome.ingress.gate.Gate;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Optional;

/**
 * Asks the streams-processor (any instance: it forwards to the one that owns the event) what it
 * decided, in the contract's query answers. A status comes from the authority on who got which
 * coupon; a user it has not decided yet but who holds a slot at the gate is PENDING: accepted,
 * still in Kafka. A tally that cannot be read within its shorter timeout is simply absent, so the
 * live view shows the gate's figures without the processor's instead of failing as a whole.
 */
public final class ProcessorClient implements StatusLookup, TallyLookup, HoldersLookup {

    private static final Duration STATUS_TIMEOUT = Duration.ofSeconds(2);
    private static final Duration TALLY_TIMEOUT = Duration.ofSeconds(1);

    private final URI processor;
    private final Gate gate;
    private final HttpClient http = HttpClient.newBuilder()
            .connectTimeout(STATUS_TIMEOUT)
            .version(HttpClient.Version.HTTP_1_1)
            .build();

    public ProcessorClient(URI processor, Gate gate) {
        this.processor = processor;
        this.gate = gate;
    }

    @Override
    public Optional<ApplicationStatus> find(EventId event, UserId user) {
        HttpResponse<byte[]> response;
        try {
            response = get(QueryRoutes.status(event.value(), user.value()), STATUS_TIMEOUT);
        } catch (IOException e) {
            throw ApiException.unavailable("the streams-processor did not answer; try again in a moment");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw ApiException.unavailable("interrupted while asking the streams-processor");
        }
        if (response.statusCode() == 404) {
            return gate.holds(event, user) ? Optional.of(ApplicationStatus.pending()) : Optional.empty();
        }
        if (response.statusCode() != 200) {
            throw ApiException.unavailable("the decisions are not available right now; try again in a moment");
        }
        ApplicationStatus status;
        try {
            status = Json.mapper().readValue(response.body(), ApplicationStatus.class);
        } catch (IOException e) {
            throw ApiException.unavailable("the streams-processor gave an unreadable answer");
        }
        return switch (status.outcome()) {
            case ISSUED, REJECTED -> Optional.of(status);
            default -> throw ApiException.unavailable("the streams-processor gave an unexpected answer");
        };
    }

    @Override
    public Optional<Tally> find(EventId event) {
        try {
            HttpResponse<byte[]> response = get(QueryRoutes.tally(event.value()), TALLY_TIMEOUT);
            return response.statusCode() == 200
                    ? Optional.of(Json.mapper().readValue(response.body(), Tally.class))
                    : Optional.empty();
        } catch (IOException e) {
            return Optional.empty();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.empty();
        }
    }

    @Override
    public Optional<CouponHolders> find(EventId event, long requestsEnd) {
        try {
            HttpResponse<byte[]> response = get(QueryRoutes.holders(event.value(), requestsEnd), TALLY_TIMEOUT);
            return response.statusCode() == 200
                    ? Optional.of(Json.mapper().readValue(response.body(), CouponHolders.class))
                    : Optional.empty();
        } catch (IOException e) {
            return Optional.empty();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.empty();
        }
    }

    private HttpResponse<byte[]> get(String path, Duration timeout) throws IOException, InterruptedException {
        var request = HttpRequest.newBuilder(processor.resolve(path)).timeout(timeout).GET().build();
        return http.send(request, HttpResponse.BodyHandlers.ofByteArray());
    }
}
