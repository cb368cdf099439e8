package firstcome.e2e;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;

/**
 * Shoppers who keep pressing the button while things break: applications sent at a steady pace,
 * each retried after a 503 or a dropped connection until the ingress gives a final answer. Runs in
 * the background, so a test can inject a fault mid-spike and wait for the end.
 */
final class PatientShoppers implements AutoCloseable {

    private static final Duration RETRY_AFTER = Duration.ofMillis(200);

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2))
            .version(HttpClient.Version.HTTP_1_1).build();
    private final String baseUrl;
    private final ScheduledExecutorService scheduler;
    private final Map<Integer, LongAdder> answers = new ConcurrentHashMap<>();
    private final Set<String> acceptedUsers = ConcurrentHashMap.newKeySet();
    private final AtomicInteger pending = new AtomicInteger();

    PatientShoppers(String baseUrl, int threads) {
        this.baseUrl = baseUrl;
        this.scheduler = Executors.newScheduledThreadPool(threads);
    }

    /** Schedules one application per user in the list (repeats allowed), {@code interval} apart. */
    PatientShoppers start(String event, List<String> users, Duration interval) {
        pending.addAndGet(users.size());
        for (int i = 0; i < users.size(); i++) {
            String user = users.get(i);
            scheduler.schedule(() -> apply(event, user), interval.toNanos() * i, TimeUnit.NANOSECONDS);
        }
        return this;
    }

    private void apply(String event, String user) {
        int status = post(event, user);
        answers.computeIfAbsent(status, s -> new LongAdder()).increment();
        if (status == 503 || status == -1) {
            scheduler.schedule(() -> apply(event, user), RETRY_AFTER.toMillis(), TimeUnit.MILLISECONDS);
            return;
        }
        if (status == 202) {
            acceptedUsers.add(user);
        }
        pending.decrementAndGet();
    }

    private int post(String event, String user) {
        try {
            return http.send(HttpRequest.newBuilder(URI.create(baseUrl + "/events/" + event + "/applications"))
                    .timeout(Duration.ofSeconds(10))
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString("{\"userId\":\"" + user + "\"}", UTF_8))
                    .build(), HttpResponse.BodyHandlers.discarding()).statusCode();
        } catch (IOException e) {
            return -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
    }

    boolean done() {
        return pending.get() == 0;
    }

    Set<String> acceptedUsers() {
        return Set.copyOf(acceptedUsers);
    }

    /** Every answer by status; -1 counts connections refused or dropped. */
    Map<Integer, Long> answers() {
        Map<Integer, Long> counts = new TreeMap<>();
        answers.forEach((status, count) -> counts.put(status, count.sum()));
        return counts;
    }

    @Override
    public void close() {
        scheduler.shutdownNow();
    }
}
