package firstcome.contract;

import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one way a firstcome service runs as a process: start it, close it from a shutdown hook
 * (SIGTERM, Ctrl-C) in reverse order of opening, and exit non-zero when it cannot start, so the
 * supervisor sees the failure at once. A {@link StartupFailure} (a setting to change, credentials
 * Kafka refused) is reported as its one line; anything else with its stack trace.
 */
public final class ServiceMain {

    private static final Logger log = LoggerFactory.getLogger(ServiceMain.class);

    private ServiceMain() {
    }

    public static void run(String name, Supplier<? extends AutoCloseable> start) {
        AutoCloseable service;
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
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                service.close();
            } catch (Exception e) {
                log.warn("the {} did not close cleanly", name, e);
            }
        }, "shutdown"));
    }
}
