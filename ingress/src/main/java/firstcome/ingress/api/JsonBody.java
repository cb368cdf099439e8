package firstcome.ingress.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectReader;
import firstcome.contract.Json;
import io.javalin.http.Context;
import java.io.IOException;
import java.io.InputStream;
import java.util.Locale;
import java.util.Optional;

/**
 * Reads a request body at the edge, the same way for every route: JSON content type (else 415),
 * at most 4 KiB (else 413, without reading further), one JSON object (else 400). The admin route takes
 * up to {@value #ADMIN_MAX_BYTES} bytes: an event's eligibility may list 100 values of 64 characters, each up to 4 bytes in UTF-8.
 */
final class JsonBody {

    static final int MAX_BYTES = 4096;
    /** The admin route's cap (behind the admin token): room for an eligibility of 100 values of 64 characters. */
    static final int ADMIN_MAX_BYTES = 32768;

    private static final ObjectReader READER = Json.mapper().reader()
            .with(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

    private JsonBody() {
    }

    static JsonNode read(Context ctx) {
        return read(ctx, MAX_BYTES);
    }

    /** As {@link #read(Context)}, with a body of at most {@code maxBytes}. */
    static JsonNode read(Context ctx, int maxBytes) {
        requireJson(ctx.header("Content-Type"));
        requireSmall(ctx.header("Content-Length"), maxBytes);
        byte[] bytes;
        try (InputStream in = ctx.bodyInputStream()) {
            bytes = in.readNBytes(maxBytes + 1);
        } catch (IOException e) {
            throw ApiException.invalidRequest("the request body could not be read");
        }
        if (bytes.length > maxBytes) {
            throw tooLarge(maxBytes);
        }
        JsonNode node;
        try {
            node = bytes.length == 0 ? null : READER.readTree(bytes);
        } catch (JsonProcessingException e) {
            throw ApiException.invalidRequest("the body is not valid JSON");
        } catch (IOException e) {
            throw ApiException.invalidRequest("the request body could not be read");
        }
        if (node == null || !node.isObject()) {
            throw ApiException.invalidRequest("the body must be a JSON object");
        }
        return node;
    }

    /**
     * As {@link #read}, but a request that says it has no body ({@code Content-Length: 0}) reads as an
     * empty object: with shopper identities on, the token names the applicant and a body is optional.
     */
    static JsonNode readOrEmpty(Context ctx) {
        String length = ctx.header("Content-Length");
        if (length != null && length.strip().equals("0")) {
            return Json.mapper().createObjectNode();
        }
        return read(ctx);
    }

    /** {@code userId}: a JSON string, or a JSON integer taken as its decimal string. */
    static UserId userId(JsonNode body) {
        return optionalUserId(body).orElseThrow(() -> ApiException.invalidRequest("userId is required"));
    }

    /** {@code userId} as {@link #userId}, or empty when the body has none (absent or null). */
    static Optional<UserId> optionalUserId(JsonNode body) {
        JsonNode node = body.get("userId");
        if (node == null || node.isNull()) {
            return Optional.empty();
        }
        if (node.isTextual()) {
            return Optional.of(UserId.parse(node.textValue()));
        }
        if (node.isIntegralNumber()) {
            return Optional.of(UserId.parse(node.bigIntegerValue().toString()));
        }
        throw ApiException.invalidRequest("userId must be a string or a whole number");
    }

    private static void requireJson(String contentType) {
        String mediaType = contentType == null ? "" : contentType.split(";", 2)[0].strip().toLowerCase(Locale.ROOT);
        if (!mediaType.equals("application/json")) {
            throw new ApiException(415, Outcome.INVALID_REQUEST, "send the body as application/json");
        }
    }

    private static void requireSmall(String contentLength, int maxBytes) {
        if (contentLength == null) {
            return;
        }
        try {
            if (Long.parseLong(contentLength.strip()) > maxBytes) {
                throw tooLarge(maxBytes);
            }
        } catch (NumberFormatException e) {
            throw ApiException.invalidRequest("Content-Length is not a number");
        }
    }

    private static ApiException tooLarge(int maxBytes) {
        return new ApiException(413, Outcome.INVALID_REQUEST, "the body must be at most " + maxBytes + " bytes");
    }
}
