package firstcome.e2e;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/** Many shoppers pressing the button at once: applications over HTTP from a fixed number of threads. */
final class Shoppers {

    record Answer(String eventId, String userId, int status, String body) {
    }

    private final HttpClient http = HttpClient.newBuilder()
            .connectTimeout(Duration.ofSeconds(2))
            .version(HttpClient.Version.HTTP_1_1)
            .build();
    private final String baseUrl;

    Shoppers(String baseUrl) {
        this.baseUrl = baseUrl;
    }

    /** Sends every (event, user) application from {@code threads} threads; returns every answer. */
    List<Answer> apply(List<String[]> applications, int threads) throws Exception {
        List<Answer> answers = Collections.synchronizedList(new ArrayList<>());
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<Future<?>> pending = new ArrayList<>();
            for (String[] application : applications) {
                pending.add(pool.submit(() -> {
                    answers.add(apply(application[0], application[1]));
                    return null;
                }));
            }
            for (Future<?> future : pending) {
                future.get();
            }
        } finally {
            pool.shutdownNow();
        }
        return answers;
    }

    Answer apply(String eventId, String userId) throws Exception {
        var request = HttpRequest.newBuilder(URI.create(baseUrl + "/events/" + eventId + "/applications"))
                .timeout(Duration.ofSeconds(30))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"userId\":\"" + userId + "\"}", UTF_8))
                .build();
        HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
        return new Answer(eventId, userId, response.statusCode(), response.body());
    }

    HttpResponse<String> get(String path) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(baseUrl + path)).timeout(Duration.ofSeconds(10)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    HttpResponse<String> defineEvent(String eventId, int limit) throws Exception {
        return defineEvent(eventId, "{\"limit\":" + limit + "}");
    }

    /**
     * A shop route: {@code POST /shop/events/{event}/coupons/{user}/{action}} with {@code body}, as the
     * shop's backend calls it ({@code token} null: no Authorization header).
     */
    HttpResponse<String> shop(String eventId, String userId, String action, String body, String token) throws Exception {
        var request = HttpRequest.newBuilder(URI.create(baseUrl + "/shop/events/" + eventId + "/coupons/" + userId + "/" + action))
                .timeout(Duration.ofSeconds(10))
                .header("Content-Type", "application/json");
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        return http.send(request.POST(HttpRequest.BodyPublishers.ofString(body, UTF_8)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    /** A shop route with the pipeline's shop token. */
    HttpResponse<String> shop(String eventId, String userId, String action, String body) throws Exception {
        return shop(eventId, userId, action, body, Pipeline.SHOP_TOKEN);
    }

    /** Defines or changes the event with the admin route's JSON body as given. */
    HttpResponse<String> defineEvent(String eventId, String definition) throws Exception {
        var request = HttpRequest.newBuilder(URI.create(baseUrl + "/admin/events/" + eventId))
                .timeout(Duration.ofSeconds(10))
                .header("Content-Type", "application/json")
                .header("Authorization", "Bearer " + Pipeline.ADMIN_TOKEN)
                .PUT(HttpRequest.BodyPublishers.ofString(definition, UTF_8))
                .build();
        return http.send(request, HttpResponse.BodyHandlers.ofString());
    }
}
