package firstcome.contract;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one way a firstcome service runs as a process: start it, stop it gracefully from a shutdown
 * hook (SIGTERM, Ctrl-C) within the bound the service gives, and exit non-zero when it cannot start,
 * so the supervisor sees the failure at once. A {@link StartupFailure} (a setting to change,
 * credentials Kafka refused) is reported as its one line; anything else with its stack trace.
 *
 * <p>The exit status tells a supervisor how the stop went: 0 when the service stopped within its
 * bound after a signal, 1 when it did not (the hook gives up {@link #STOP_MARGIN} after the bound and
 * halts) or when the service itself asked to end on a failure ({@link #exitOnFailure}). Without this
 * a JVM ended by SIGTERM exits 143 whatever happened.
 */
public final class ServiceMain {

    /** How long past its bound the hook waits for a stop before it gives up and exits 1. */
    static final Duration STOP_MARGIN = Duration.ofSeconds(2);

    private static final Logger log = LoggerFactory.getLogger(ServiceMain.class);
    private static volatile boolean failed;

    private ServiceMain() {
    }

    /** A running service: {@link #close} stops it gracefully, taking at most {@link #stopTimeout}. */
    public interface Service extends AutoCloseable {

        /** The bound on {@link #close}: what its settings allow for the whole stop. */
        Duration stopTimeout();

        @Override
        void close();
    }

    public static void run(String name, Supplier<? extends Service> start) {
        Service service;
        try {
            service = start.get();
        } catch (StartupFailure e) {
            log.error("the {} could not start: {}", name, e.getMessage());
            System.exit(1);
            return;
        } catch (RuntimeException e) {
            log.error("the {} could not start: {}", name, e.getMessage(), e);
            System.exit(1);
            return;
        }
        Runtime.getRuntime().addShutdownHook(new Thread(() -> Runtime.getRuntime().halt(stop(name, service)), "shutdown"));
    }

    /**
     * Ends the process after a failure the service cannot recover from (a failed stream thread, a dead
     * poll loop): the shutdown hook still closes what is open, and the exit status is 1 whatever the stop.
     */
    public static void exitOnFailure() {
        failed = true;
        System.exit(1);
    }

    /** Stops the service, logging the time it took; returns the exit status. */
    static int stop(String name, Service service) {
        Duration bound = service.stopTimeout();
        log.info("stopping the {} (at most {} ms)", name, bound.toMillis());
        long started = System.nanoTime();
        Thread closing = new Thread(() -> {
            try {
                service.close();
            } catch (RuntimeException e) {
                log.warn("the {} did not close cleanly", name, e);
            }
        }, "stop-" + name);
        closing.start();
        try {
            closing.join(bound.plus(STOP_MARGIN).toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        long took = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
        if (closing.isAlive()) {
            log.error("the {} did not stop within {} ms; exiting anyway (nothing uncommitted is lost: Kafka and the"
                    + " database keep only what was acknowledged)", name, took);
            return 1;
        }
        log.info("the {} stopped in {} ms", name, took);
        return failed ? 1 : 0;
    }
}
