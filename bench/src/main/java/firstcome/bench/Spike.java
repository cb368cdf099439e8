package firstcome.bench;

import firstcome.loadkit.Answers;
import firstcome.loadkit.ApplyClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
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

    private final ApplyClient client;
    private final String event;
    private final List<String> applications;
    private final int ratePerSecond;
    private final int threads;
    private final Answers answers = new Answers();
    private final AtomicInteger finished = new AtomicInteger();
    private final AtomicInteger gaveUp = new AtomicInteger();
    private ExecutorService pool;

    Spike(String ingressUrl, String event, int distinctUsers, double repeatShare, int ratePerSecond, int threads, long seed) {
        this.client = new ApplyClient(ingressUrl, Duration.ofSeconds(10));
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
            int status = client.apply(event, user);
            answers.record(user, status);
            if (!ApplyClient.worthRetrying(status)) {
                return;
            }
            LockSupport.parkNanos(RETRY_PAUSE.toNanos());
        }
        gaveUp.incrementAndGet();
    }

    int acceptedAnswers() {
        return answers.accepted();
    }

    Set<String> acceptedUsers() {
        return answers.acceptedUsers();
    }

    int finished() {
        return finished.get();
    }

    int gaveUp() {
        return gaveUp.get();
    }

    /** How many answers had this status; {@link ApplyClient#NO_ANSWER} for none. */
    long answers(int status) {
        return answers.count(status);
    }

    /** Answers with a 5xx status other than 503. */
    long serverErrorsOtherThan503() {
        return answers.counts().entrySet().stream().filter(e -> e.getKey() >= 500 && e.getKey() != 503)
                .mapToLong(Map.Entry::getValue).sum();
    }

    Map<Integer, Long> answerCounts() {
        return answers.counts();
    }
}
