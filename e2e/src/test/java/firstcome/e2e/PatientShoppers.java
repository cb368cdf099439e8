package firstcome.e2e;

import firstcome.loadkit.Answers;
import firstcome.loadkit.ApplyClient;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Shoppers who keep pressing the button while things break: applications sent at a steady pace,
 * each retried after a 503 or a dropped connection until the ingress gives a final answer. Runs in
 * the background, so a test can inject a fault mid-spike and wait for the end.
 */
final class PatientShoppers implements AutoCloseable {

    private static final Duration RETRY_AFTER = Duration.ofMillis(200);

    private final ApplyClient client;
    private final ScheduledExecutorService scheduler;
    private final Answers answers = new Answers();
    private final AtomicInteger pending = new AtomicInteger();

    PatientShoppers(String baseUrl, int threads) {
        this.client = new ApplyClient(baseUrl, Duration.ofSeconds(10));
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
        int status = client.apply(event, user);
        answers.record(user, status);
        if (ApplyClient.worthRetrying(status)) {
            scheduler.schedule(() -> apply(event, user), RETRY_AFTER.toMillis(), TimeUnit.MILLISECONDS);
            return;
        }
        pending.decrementAndGet();
    }

    boolean done() {
        return pending.get() == 0;
    }

    Set<String> acceptedUsers() {
        return answers.acceptedUsers();
    }

    /** Every answer by status; -1 counts connections refused or dropped. */
    Map<Integer, Long> answers() {
        return answers.counts();
    }

    @Override
    public void close() {
        scheduler.shutdownNow();
    }
}
