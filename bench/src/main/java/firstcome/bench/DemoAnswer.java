package firstcome.bench;

import com.fasterxml.jackson.databind.JsonNode;
import firstcome.contract.Json;
import java.io.IOException;

/**
 * One answer of the ingress as the demo reads it: the HTTP status and the fields of the contract's
 * JSON bodies it looks at (apply, status and shop routes). A body that is not JSON keeps only the
 * status, with outcome "?".
 */
record DemoAnswer(int status, String outcome, Integer couponNo, String orderId, Long place, boolean waitlisted,
        String body) {

    static DemoAnswer parse(int status, String body) {
        JsonNode json;
        try {
            json = body == null || body.isBlank() ? null : Json.mapper().readTree(body);
        } catch (IOException e) {
            json = null;
        }
        if (json == null || !json.isObject()) {
            return new DemoAnswer(status, "?", null, null, null, false, body == null ? "" : body);
        }
        return new DemoAnswer(status, json.path("outcome").asText("?"),
                json.hasNonNull("couponNo") ? json.get("couponNo").asInt() : null,
                json.hasNonNull("orderId") ? json.get("orderId").asText() : null,
                json.hasNonNull("place") ? json.get("place").asLong() : null,
                json.path("waitlisted").asBoolean(false), body);
    }

    /** "202 ACCEPTED", "410 SOLD_OUT" ("error ..." without an answer): how the demo counts the spike's answers. */
    String key() {
        return status == 0 ? outcome : status + " " + outcome;
    }

    boolean is(int expectedStatus, String expectedOutcome) {
        return status == expectedStatus && expectedOutcome.equals(outcome);
    }

    /** The answer as the summary shows it: the status and the body as it came. */
    @Override
    public String toString() {
        return status + " " + body.strip();
    }
}
