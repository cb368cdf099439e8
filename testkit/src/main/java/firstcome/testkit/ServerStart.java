package firstcome.testkit;

import static org.awaitility.Awaitility.await;

import firstcome.stackkit.ChildProcess;
import java.time.Duration;
import java.util.concurrent.Callable;

/** How the testkit brings up a server it runs as a child process (redis-server, mariadbd). */
final class ServerStart {

    private static final Duration STOP_GRACE = Duration.ofSeconds(30);

    private ServerStart() {
    }

    /**
     * Starts {@code process} unless it runs, then waits until {@code answers} says yes; fails early
     * if the process exits, and fails with its log (having stopped it) if it does not answer in time.
     */
    static void startAndAwait(ChildProcess process, Duration timeout, Callable<Boolean> answers) {
        if (process.alive()) {
            return;
        }
        process.start();
        try {
            await(process.name() + " answering")
                    .atMost(timeout)
                    .pollDelay(Duration.ZERO)
                    .pollInterval(Duration.ofMillis(50))
                    .ignoreExceptions()
                    .failFast(process.name() + " exited during start-up", () -> !process.alive())
                    .until(answers);
        } catch (RuntimeException e) {
            stop(process);
            throw new IllegalStateException(process.name() + " did not start (" + e.getMessage() + "); its log:\n"
                    + process.logTail(), e);
        }
    }

    /** SIGTERM, so the server shuts down cleanly (MariaDB flushes its data); SIGKILL if it hangs. */
    static void stop(ChildProcess process) {
        process.stop(STOP_GRACE);
    }
}
