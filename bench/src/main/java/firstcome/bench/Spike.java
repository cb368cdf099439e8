package firstcome.bench;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;

/**
 * A spike of shoppers against one event, the way real clients behave when things break: distinct
 * users plus some who press the button again, sent at a steady rate from a pool of threads; a 503
 * or a dropped connection is retried after a short pause until the ingress gives a final answer
 * (202, 409, 410, or any other status, which is recorded as it is). Every HTTP answer is counted.
 */
final class Spike {

    private static final Duration RETRY_PAUSE = Duration.ofMillis(250);
    private static final Duration GIVE_UP_AFTER = Duration.ofSeconds(120);

    private final String ingressUrl;
    private final String event;
    private final List<String> applications;
    private final int ratePerSecond;
    private final int threads;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2))
            .version(HttpClient.Version.HTTP_1_1).build();

    /** Status code → how many answers; -1 = no answer (connection refused, reset, timed out). */
    private final Map<Integer, LongAdder> answers = new ConcurrentHashMap<>();
    private final Set<String> acceptedUsers = ConcurrentHashMap.newKeySet();
    private final AtomicInteger acceptedAnswers = new AtomicInteger();
    private final AtomicInteger finished = new AtomicInteger();
    private final AtomicInteger gaveUp = new AtomicInteger();
    private ExecutorService pool;

    Spike(String ingressUrl, String event, int distinctUsers, double repeatShare, int ratePerSecond, int threads, long seed) {
        this.ingressUrl = ingressUrl;
        this.event = event;
        this.ratePerSecond = ratePerSecond;
        this.threads = threads;
        Random random = new Random(seed);
        List<String> list = new ArrayList<>();
        for (int i = 1; i <= distinctUsers; i++) {
            String user = event + "-u" + i;
            list.add(user);
            if (random.nextDouble() < repeatShare) {
                for (int again = 1 + random.nextInt(2); again > 0; again--) {
                    list.add(user);
                }
            }
        }
        Collections.shuffle(list, random);
        this.applications = List.copyOf(list);
    }

    int size() {
        return applications.size();
    }

    /** Starts sending in the background. */
    void start() {
        pool = Executors.newFixedThreadPool(threads, task -> {
            Thread thread = new Thread(task, "spike-" + event);
            thread.setDaemon(true);
            return thread;
        });
        long started = System.nanoTime();
        long interval = TimeUnit.SECONDS.toNanos(1) / ratePerSecond;
        for (int i = 0; i < applications.size(); i++) {
            String user = applications.get(i);
            long due = started + i * interval;
            pool.execute(() -> {
                LockSupport.parkNanos(due - System.nanoTime());
                apply(user);
                finished.incrementAndGet();
            });
        }
        pool.shutdown();
    }

    boolean awaitDone(Duration timeout) throws InterruptedException {
        return pool.awaitTermination(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    private void apply(String user) {
        long deadline = System.nanoTime() + GIVE_UP_AFTER.toNanos();
        while (System.nanoTime() < deadline) {
            int status = post(user);
            answers.computeIfAbsent(status, s -> new LongAdder()).increment();
            if (status == 202) {
                acceptedUsers.add(user);
                acceptedAnswers.incrementAndGet();
            }
            if (status != 503 && status != -1) {
                return;
            }
            LockSupport.parkNanos(RETRY_PAUSE.toNanos());
        }
        gaveUp.incrementAndGet();
    }

    private int post(String user) {
        try {
            return http.send(HttpRequest.newBuilder(URI.create(ingressUrl + "/events/" + event + "/applications"))
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

    int acceptedAnswers() {
        return acceptedAnswers.get();
    }

    Set<String> acceptedUsers() {
        return Set.copyOf(acceptedUsers);
    }

    int finished() {
        return finished.get();
    }

    int gaveUp() {
        return gaveUp.get();
    }

    long answers(int status) {
        LongAdder count = answers.get(status);
        return count == null ? 0 : count.sum();
    }

    /** Answers with a 5xx status other than 503. */
    long serverErrorsOtherThan503() {
        return answers.entrySet().stream().filter(e -> e.getKey() >= 500 && e.getKey() != 503)
                .mapToLong(e -> e.getValue().sum()).sum();
    }

    Map<Integer, Long> answerCounts() {
        Map<Integer, Long> counts = new java.util.TreeMap<>();
        answers.forEach((status, count) -> counts.put(status, count.sum()));
        return counts;
    }
}
