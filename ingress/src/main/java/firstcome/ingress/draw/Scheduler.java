package firstcome.ingress.draw;

import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Runs a task once, after a delay, on one thread: the {@link DrawTicker}'s only source of time passing,
 * so that a test runs it by hand against a clock it moves.
 */
public interface Scheduler extends AutoCloseable {

    Future<?> schedule(Runnable task, Duration delay);

    @Override
    void close();

    /** One daemon thread named {@code name}. */
    static Scheduler singleThread(String name) {
        ScheduledExecutorService executor = Executors.newSingleThreadScheduledExecutor(task -> {
            Thread thread = new Thread(task, name);
            thread.setDaemon(true);
            return thread;
        });
        return new Scheduler() {
            @Override
            public Future<?> schedule(Runnable task, Duration delay) {
                return executor.schedule(task, Math.max(0, delay.toMillis()), TimeUnit.MILLISECONDS);
            }

            @Override
            public void close() {
                executor.shutdownNow();
            }
        };
    }
}
