package firstcome.contract;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.BooleanSupplier;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.DescribeClusterOptions;

/**
 * A health check that may hang — a pool waiting for a server that is gone, a broker that does not
 * answer — asked with a deadline, so that every service's {@code /health} and {@code /health/ready}
 * answer in bounded time whatever is down. A check still running when its caller gives up counts
 * as failed and keeps running on its own thread; the next caller waits on that same run instead of
 * starting another, so a monitor polling a dead database never piles up threads or connections.
 */
public final class BoundedCheck implements AutoCloseable {

    /**
     * How long a health route waits for its checks, all started side by side with one deadline: the
     * answer comes within this (plus serialising), well inside a load balancer's or an
     * orchestrator's usual probe timeout.
     */
    public static final Duration HEALTH_BOUND = Duration.ofMillis(1_500);

    private final BooleanSupplier check;
    private final ThreadPoolExecutor thread;
    private CompletableFuture<Boolean> inFlight;

    public BoundedCheck(String name, BooleanSupplier check) {
        this.check = check;
        // One thread at most, and none while nobody asks: an app built and dropped by a test leaks nothing.
        this.thread = new ThreadPoolExecutor(1, 1, 30, TimeUnit.SECONDS, new LinkedBlockingQueue<>(), runnable -> {
            Thread t = new Thread(runnable, "health-" + name);
            t.setDaemon(true);
            return t;
        });
        this.thread.allowCoreThreadTimeOut(true);
    }

    /** Starts a run of the check, or returns the one still in flight. */
    public synchronized CompletableFuture<Boolean> start() {
        if (inFlight == null || inFlight.isDone()) {
            inFlight = CompletableFuture.supplyAsync(check::getAsBoolean, thread);
        }
        return inFlight;
    }

    /**
     * Whether the Kafka cluster behind {@code admin} describes itself with at least one broker
     * within {@code timeout}: the broker check of every service's health.
     */
    public static boolean brokerAnswers(Admin admin, Duration timeout) {
        try {
            return !admin.describeCluster(new DescribeClusterOptions().timeoutMs((int) timeout.toMillis()))
                    .nodes().get(timeout.toMillis() + 500, TimeUnit.MILLISECONDS).isEmpty();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        } catch (Exception e) {
            return false;
        }
    }

    /** Whether {@code run} passed by {@code deadlineNanos} ({@link System#nanoTime()}); false if it failed, threw or is still running. */
    public static boolean passedBy(CompletableFuture<Boolean> run, long deadlineNanos) {
        try {
            return run.get(Math.max(0, deadlineNanos - System.nanoTime()), TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        } catch (ExecutionException | TimeoutException e) {
            return false;
        }
    }

    /** The deadline, in {@link System#nanoTime()}, of a health route asked now. */
    public static long healthDeadline() {
        return System.nanoTime() + HEALTH_BOUND.toNanos();
    }

    @Override
    public void close() {
        thread.shutdownNow();
    }
}
