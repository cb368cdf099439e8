package firstcome.loadkit;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/**
 * A shopper's side of the ingress's apply route: one {@code POST /events/{eventId}/applications},
 * answered by its HTTP status, or {@link #NO_ANSWER} when the connection was refused, dropped or
 * timed out. One client serves any number of shopper threads.
 */
public final class ApplyClient {

    /** What {@link #apply} returns when no HTTP answer came. */
    public static final int NO_ANSWER = -1;

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2))
            .version(HttpClient.Version.HTTP_1_1).build();
    private final String ingressUrl;
    private final Duration timeout;

    /** {@code timeout} bounds each request, from sending to the status line. */
    public ApplyClient(String ingressUrl, Duration timeout) {
        this.ingressUrl = ingressUrl;
        this.timeout = timeout;
    }

    public int apply(String eventId, String userId) {
        try {
            return http.send(HttpRequest.newBuilder(URI.create(ingressUrl + "/events/" + eventId + "/applications"))
                    .timeout(timeout)
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString("{\"userId\":\"" + userId + "\"}", UTF_8))
                    .build(), HttpResponse.BodyHandlers.discarding()).statusCode();
        } catch (IOException e) {
            return NO_ANSWER;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return NO_ANSWER;
        }
    }

    /**
     * Whether a patient shopper presses again after this answer: the ingress was too busy to count
     * the application (503), or no answer came. Every other status is final.
     */
    public static boolean worthRetrying(int status) {
        return status == 503 || status == NO_ANSWER;
    }
}
