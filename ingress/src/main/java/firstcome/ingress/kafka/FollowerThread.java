package firstcome.ingress.kafka;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.common.errors.InterruptException;
import org.apache.kafka.common.errors.WakeupException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A consumer read on a daemon thread of its own until closed: the one lifecycle of the ingress's
 * followers (the catalog, the decisions). {@link #close} wakes the consumer, waits a moment for
 * the loop to end, and the consumer is closed on the thread that used it.
 */
public final class FollowerThread implements AutoCloseable {

    /** What the thread runs; it reads while {@code running} says so and may throw to stop. */
    @FunctionalInterface
    public interface Loop {
        void run(BooleanSupplier running) throws InterruptedException;
    }

    private static final Logger log = LoggerFactory.getLogger(FollowerThread.class);
    private static final Duration STOP_WITHIN = Duration.ofSeconds(5);

    private final String what;
    private final Consumer<?, ?> consumer;
    private final Thread thread;
    private final CountDownLatch stopped = new CountDownLatch(1);
    private volatile boolean running = true;
    private volatile boolean started;

    /** {@code what} names the follower in the log ("event catalog reader"). */
    public FollowerThread(String threadName, String what, Consumer<?, ?> consumer, Loop loop) {
        this.what = what;
        this.consumer = consumer;
        this.thread = new Thread(() -> run(loop), threadName);
        this.thread.setDaemon(true);
    }

    public void start() {
        started = true;
        thread.start();
    }

    /** True until {@link #close} is called. */
    public boolean running() {
        return running;
    }

    private void run(Loop loop) {
        try {
            loop.run(this::running);
        } catch (WakeupException e) {
            if (running) {
                log.error("{} woken up unexpectedly", what, e);
            }
        } catch (InterruptedException | InterruptException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            log.error("{} stopped: it no longer follows its topic", what, e);
        } finally {
            closeConsumer();
            stopped.countDown();
        }
    }

    @Override
    public void close() {
        running = false;
        if (!started) {
            closeConsumer();
            return;
        }
        consumer.wakeup();
        try {
            if (!stopped.await(STOP_WITHIN.toMillis(), TimeUnit.MILLISECONDS)) {
                log.warn("{} did not stop within {} s", what, STOP_WITHIN.toSeconds());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void closeConsumer() {
        try {
            consumer.close(Duration.ofSeconds(2));
        } catch (RuntimeException e) {
            log.debug("closing the consumer of the {}", what, e);
        }
    }
}
