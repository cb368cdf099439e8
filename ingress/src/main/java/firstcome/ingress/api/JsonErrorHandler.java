package firstcome.ingress.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import firstcome.contract.Json;
import java.nio.ByteBuffer;
import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.handler.ErrorHandler;
import org.eclipse.jetty.util.Callback;

/**
 * Jetty's own refusals, before a request reaches Javalin (a malformed URI, an illegal header, headers
 * too large), in the contract's {@code {"outcome","message"}} shape instead of Jetty's HTML page.
 */
public final class JsonErrorHandler extends ErrorHandler {

    private static final HttpField JSON = new HttpField(HttpHeader.CONTENT_TYPE, "application/json");

    @Override
    protected void generateResponse(Request request, Response response, int code, String message, Throwable cause,
            Callback callback) {
        response.getHeaders().put(JSON);
        if (code == 503) {
            // Jetty's graceful stop refuses a request that arrives meanwhile on an open connection: the client
            // tries again, as after any 503 of the contract.
            response.getHeaders().put(HttpHeader.RETRY_AFTER, Answer.RETRY_AFTER_SECONDS);
        }
        response.write(true, body(code), callback);
    }

    /** Jetty writes error bodies only for GET, POST and HEAD; the contract wants one for every method. */
    @Override
    public boolean errorPageForMethod(String method) {
        return true;
    }

    @Override
    public ByteBuffer badMessageError(int status, String reason, HttpFields.Mutable fields) {
        fields.put(JSON);
        return body(status);
    }

    private static ByteBuffer body(int status) {
        Outcome outcome = status == 404 ? Outcome.NOT_FOUND
                : status == 405 ? Outcome.METHOD_NOT_ALLOWED
                : status == 503 ? Outcome.UNAVAILABLE
                : status >= 500 ? Outcome.INTERNAL_ERROR
                : Outcome.INVALID_REQUEST;
        String message = status < 500 ? "the request is malformed (HTTP " + status + ")" : "the ingress cannot answer (HTTP " + status + ")";
        try {
            return ByteBuffer.wrap(Json.mapper().writeValueAsBytes(new ApiException.Problem(outcome.name(), message)));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a two-field record always serialises", e);
        }
    }
}
