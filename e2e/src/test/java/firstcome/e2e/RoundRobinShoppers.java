package firstcome.e2e;

import static java.nio.charset.StandardCharsets.UTF_8;

import firstcome.loadkit.Answers;
import firstcome.loadkit.ApplyClient;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;

/**
 * Shoppers behind a round-robin balancer in front of several ingresses: each application goes to
 * the next ingress, and one answered 503 or not at all is sent again, to the next one, until an
 * ingress gives a final answer. Counts what a balancer would see while instances stop: the
 * answers by status, the 503s that came without {@code Retry-After}, the connections refused
 * (an ingress gone) and those dropped with a request on them.
 */
final class RoundRobinShoppers implements AutoCloseable {

    private static final Duration RETRY_AFTER = Duration.ofMillis(100);

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2))
            .version(HttpClient.Version.HTTP_1_1).build();
    private final List<String> ingressUrls;
    private final ScheduledExecutorService scheduler;
    private final Answers answers = new Answers();
    private final AtomicInteger pending = new AtomicInteger();
    private final AtomicInteger next = new AtomicInteger();
    private final LongAdder unavailableWithoutRetryAfter = new LongAdder();
    private final LongAdder refused = new LongAdder();
    private final LongAdder dropped = new LongAdder();

    RoundRobinShoppers(List<String> ingressUrls, int threads) {
        this.ingressUrls = List.copyOf(ingressUrls);
        this.scheduler = Executors.newScheduledThreadPool(threads);
    }

    /** Schedules one application per (event, user), {@code interval} apart. */
    RoundRobinShoppers start(List<String[]> applications, Duration interval) {
        pending.addAndGet(applications.size());
        for (int i = 0; i < applications.size(); i++) {
            String[] application = applications.get(i);
            scheduler.schedule(() -> apply(application[0], application[1]), interval.toNanos() * i, TimeUnit.NANOSECONDS);
        }
        return this;
    }

    private void apply(String event, String user) {
        String url = ingressUrls.get(Math.floorMod(next.getAndIncrement(), ingressUrls.size()));
        int status = send(url, event, user);
        answers.record(user, status);
        if (ApplyClient.worthRetrying(status)) {
            scheduler.schedule(() -> apply(event, user), RETRY_AFTER.toMillis(), TimeUnit.MILLISECONDS);
            return;
        }
        pending.decrementAndGet();
    }

    private int send(String url, String event, String user) {
        try {
            HttpResponse<Void> response = http.send(HttpRequest.newBuilder(URI.create(url + "/events/" + event + "/applications"))
                    .timeout(Duration.ofSeconds(10))
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString("{\"userId\":\"" + user + "\"}", UTF_8))
                    .build(), HttpResponse.BodyHandlers.discarding());
            if (response.statusCode() == 503 && response.headers().firstValue("Retry-After").isEmpty()) {
                unavailableWithoutRetryAfter.increment();
            }
            return response.statusCode();
        } catch (ConnectException e) {
            refused.increment();
            return ApplyClient.NO_ANSWER;
        } catch (IOException e) {
            dropped.increment();
            return ApplyClient.NO_ANSWER;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return ApplyClient.NO_ANSWER;
        }
    }

    boolean done() {
        return pending.get() == 0;
    }

    Set<String> acceptedUsers() {
        return answers.acceptedUsers();
    }

    int accepted() {
        return answers.accepted();
    }

    /** Every answer by status; -1 counts the applications that got none (refused or dropped). */
    Map<Integer, Long> answers() {
        return answers.counts();
    }

    long unavailableWithoutRetryAfter() {
        return unavailableWithoutRetryAfter.sum();
    }

    long refused() {
        return refused.sum();
    }

    long dropped() {
        return dropped.sum();
    }

    @Override
    public void close() {
        scheduler.shutdownNow();
    }
}
