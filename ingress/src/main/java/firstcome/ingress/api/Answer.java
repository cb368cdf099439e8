package firstcome.ingress.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectWriter;
import firstcome.contract.Json;
import io.javalin.http.ContentType;
import io.javalin.http.Context;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * One HTTP answer: status, the outcome it reports (for metrics), a JSON body and extra headers.
 * Async handlers compute it off the request thread and write it when it is ready.
 */
public record Answer(int status, Outcome outcome, Object body, Map<String, String> headers) {

    /** The wire mapping, as Javalin's own JSON mapper has it (App), written straight to bytes. */
    private static final ObjectWriter JSON = Json.mapper().writer();

    /** Seconds a client should wait before retrying after a 503. */
    static final String RETRY_AFTER_SECONDS = "1";

    /** A 200 that reports no outcome (event info, a status look-up, the stored event). */
    public static Answer ok(Object body) {
        return new Answer(200, null, body, Map.of());
    }

    public static Answer of(Outcome outcome, Object body) {
        return new Answer(outcome.status(), outcome, body, Map.of());
    }

    /** A contract error body for the outcome; a 503 also says when to retry, a 401 UNAUTHENTICATED which scheme to sign in with. */
    public static Answer problem(Outcome outcome, String message) {
        return problem(outcome.status(), outcome, message);
    }

    public static Answer problem(int status, Outcome outcome, String message) {
        Map<String, String> headers = status == 503 ? Map.of("Retry-After", RETRY_AFTER_SECONDS)
                : outcome == Outcome.UNAUTHENTICATED ? Map.of("WWW-Authenticate", "Bearer")
                : Map.of();
        return new Answer(status, outcome, new ApiException.Problem(outcome.name(), message), headers);
    }

    /**
     * Sets the status, the headers and the JSON body: the same bytes as {@code ctx.json(body)}, serialised
     * once into bytes (not into a string that is encoded again).
     */
    public void writeTo(Context ctx) {
        headers.forEach(ctx::header);
        ctx.status(status).contentType(ContentType.APPLICATION_JSON).result(json());
    }

    private byte[] json() {
        if (body instanceof String text) {
            return text.getBytes(StandardCharsets.UTF_8); // as Javalin's mapper: a string is the JSON itself
        }
        try {
            return JSON.writeValueAsBytes(body);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("an answer's body always serialises", e);
        }
    }
}
