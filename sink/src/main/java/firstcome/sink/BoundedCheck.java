package firstcome.sink;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.BooleanSupplier;

/**
 * A health check that may hang — a pool waiting for a server that is gone, a broker that does not
 * answer — asked with a deadline, so that {@code /health} answers in bounded time whatever is down.
 * A check still running when its caller gives up counts as failed and keeps running on its own
 * thread; the next caller waits on that same run instead of starting another, so a monitor polling
 * a dead database never piles up threads or connections.
 */
final class BoundedCheck implements AutoCloseable {

    private final BooleanSupplier check;
    private final ExecutorService thread;
    private CompletableFuture<Boolean> inFlight;

    BoundedCheck(String name, BooleanSupplier check) {
        this.check = check;
        this.thread = Executors.newSingleThreadExecutor(runnable -> {
            Thread t = new Thread(runnable, "health-" + name);
            t.setDaemon(true);
            return t;
        });
    }

    /** Starts a run of the check, or returns the one still in flight. */
    synchronized CompletableFuture<Boolean> start() {
        if (inFlight == null || inFlight.isDone()) {
            inFlight = CompletableFuture.supplyAsync(check::getAsBoolean, thread);
        }
        return inFlight;
    }

    /** Whether {@code run} passed by {@code deadlineNanos} ({@link System#nanoTime()}); false if it failed, threw or is still running. */
    static boolean passedBy(CompletableFuture<Boolean> run, long deadlineNanos) {
        try {
            return run.get(Math.max(0, deadlineNanos - System.nanoTime()), TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        } catch (ExecutionException | TimeoutException e) {
            return false;
        }
    }

    @Override
    public void close() {
        thread.shutdownNow();
    }
}
