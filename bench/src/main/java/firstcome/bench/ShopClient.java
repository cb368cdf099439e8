package firstcome.bench;

import static java.nio.charset.StandardCharsets.UTF_8;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.MissingNode;
import firstcome.contract.Json;
import firstcome.loadkit.ApplyClient;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.locks.LockSupport;

/**
 * The shop's backend side of the ingress's shop routes ({@code POST /shop/events/{e}/coupons/{u}/redeem},
 * {@code unredeem}, {@code return}): one call answered by its status and JSON body, or
 * {@link ApplyClient#NO_ANSWER} when no HTTP answer came. One client serves any number of threads.
 */
final class ShopClient {

    /** One answer: the HTTP status ({@link ApplyClient#NO_ANSWER} for none) and the body's JSON. */
    public record Answer(int status, JsonNode body) {

        /** The body's {@code outcome}, or {@code HTTP_<status>} when it has none. */
        public String outcome() {
            return body.path("outcome").asText("HTTP_" + status);
        }

        /**
         * Whether the call is worth repeating: the ingress could not take it (503 UNAVAILABLE, nothing
         * done), its decision did not come in time (503 UNCONFIRMED: it will be decided, and the same
         * call again is answered the same), or no answer came. Every other status is final.
         */
        public boolean worthRepeating() {
            return ApplyClient.worthRetrying(status);
        }

        @Override
        public String toString() {
            return status + " " + body;
        }
    }

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2))
            .version(HttpClient.Version.HTTP_1_1).build();
    private final String ingressUrl;
    private final String shopToken;
    private final Duration timeout;

    /** {@code timeout} bounds each call, from sending to the answer. */
    public ShopClient(String ingressUrl, String shopToken, Duration timeout) {
        this.ingressUrl = ingressUrl;
        this.shopToken = shopToken;
        this.timeout = timeout;
    }

    public Answer redeem(String eventId, String userId, String orderId) {
        return call(eventId, userId, "redeem", "{\"orderId\":\"" + orderId + "\"}");
    }

    public Answer unredeem(String eventId, String userId, String orderId) {
        return call(eventId, userId, "unredeem", "{\"orderId\":\"" + orderId + "\"}");
    }

    public Answer giveBack(String eventId, String userId) {
        return call(eventId, userId, "return", "{}");
    }

    /**
     * Repeats {@code call} every {@code pause} while its answer is worth repeating, for at most
     * {@code patience}; returns the last answer (a final one unless patience ran out).
     */
    public static Answer untilFinal(java.util.function.Supplier<Answer> call, Duration pause, Duration patience) {
        long deadline = System.nanoTime() + patience.toNanos();
        Answer answer = call.get();
        while (answer.worthRepeating() && System.nanoTime() < deadline) {
            LockSupport.parkNanos(pause.toNanos());
            answer = call.get();
        }
        return answer;
    }

    private Answer call(String eventId, String userId, String action, String body) {
        try {
            HttpResponse<String> response = http.send(HttpRequest.newBuilder(
                            URI.create(ingressUrl + "/shop/events/" + eventId + "/coupons/" + userId + "/" + action))
                    .timeout(timeout)
                    .header("Content-Type", "application/json")
                    .header("Authorization", "Bearer " + shopToken)
                    .POST(HttpRequest.BodyPublishers.ofString(body, UTF_8))
                    .build(), HttpResponse.BodyHandlers.ofString());
            JsonNode json;
            try {
                json = Json.mapper().readTree(response.body());
            } catch (IOException notJson) {
                json = MissingNode.getInstance();
            }
            return new Answer(response.statusCode(), json == null ? MissingNode.getInstance() : json);
        } catch (IOException e) {
            return new Answer(ApplyClient.NO_ANSWER, MissingNode.getInstance());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Answer(ApplyClient.NO_ANSWER, MissingNode.getInstance());
        }
    }
}
