package firstcome.e2e;

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
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Supplier;

/**
 * Shoppers asking for the status of their application while a spike goes on: every {@code every},
 * one of the users told 202 so far, through the next of the ingresses in turn
 * ({@code GET /events/{e}/applications/{u}}, which the ingress forwards to a processor). Records each
 * ingress's answers by status ({@link #NO_ANSWER} for a refused or dropped connection) and the 503s
 * that came without {@code Retry-After}.
 */
final class StatusLookups implements AutoCloseable {

    static final int NO_ANSWER = -1;

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1))
            .version(HttpClient.Version.HTTP_1_1).build();
    private final List<String> ingressUrls;
    private final Supplier<Set<String>> users;
    private final ScheduledExecutorService loop = Executors.newSingleThreadScheduledExecutor(runnable -> {
        Thread thread = new Thread(runnable, "status-lookups");
        thread.setDaemon(true);
        return thread;
    });
    private final AtomicInteger next = new AtomicInteger();
    private final Map<String, Map<Integer, LongAdder>> answers = new ConcurrentHashMap<>();
    private final LongAdder unavailableWithoutRetryAfter = new LongAdder();

    /** Asks about the users {@code users} gives (those told 202 so far) through {@code ingressUrls}. */
    StatusLookups(List<String> ingressUrls, Supplier<Set<String>> users) {
        this.ingressUrls = List.copyOf(ingressUrls);
        this.users = users;
    }

    StatusLookups start(Duration every) {
        loop.scheduleWithFixedDelay(this::askOne, 0, every.toMillis(), TimeUnit.MILLISECONDS);
        return this;
    }

    private void askOne() {
        List<String> accepted = List.copyOf(users.get());
        if (accepted.isEmpty()) {
            return;
        }
        String user = accepted.get(ThreadLocalRandom.current().nextInt(accepted.size()));
        String url = ingressUrls.get(Math.floorMod(next.getAndIncrement(), ingressUrls.size()));
        answers.computeIfAbsent(url, u -> new ConcurrentHashMap<>())
                .computeIfAbsent(ask(url, Crowd.eventOf(user), user), status -> new LongAdder()).increment();
    }

    private int ask(String url, String event, String user) {
        try {
            HttpResponse<Void> response = http.send(HttpRequest.newBuilder(URI.create(url + "/events/" + event + "/applications/" + user))
                    .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.discarding());
            if (response.statusCode() == 503 && response.headers().firstValue("Retry-After").isEmpty()) {
                unavailableWithoutRetryAfter.increment();
            }
            return response.statusCode();
        } catch (IOException e) {
            return NO_ANSWER;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return NO_ANSWER;
        }
    }

    /** The answers of the ingress at {@code url}, by status. */
    Map<Integer, Long> answers(String url) {
        Map<Integer, Long> counts = new TreeMap<>();
        answers.getOrDefault(url, Map.of()).forEach((status, count) -> counts.put(status, count.sum()));
        return counts;
    }

    long unavailableWithoutRetryAfter() {
        return unavailableWithoutRetryAfter.sum();
    }

    /** Stops asking, and waits for the question in flight. */
    @Override
    public void close() {
        loop.shutdown();
        try {
            loop.awaitTermination(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
