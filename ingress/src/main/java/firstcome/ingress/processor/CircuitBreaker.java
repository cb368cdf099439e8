package firstcome.ingress.processor;

import java.time.Duration;
import java.util.function.LongSupplier;

/**
 * Stops asking a streams-processor that has stopped answering. After {@code failuresToOpen}
 * failures in a row (a timeout, a refused or reset connection) it opens: every look-up fails at
 * once for {@code openFor}, so a frozen processor costs a caller nothing but a 503. Then one
 * trial look-up goes through at a time; the first answer closes it, a failure opens it again.
 * An answer of any status counts as an answer: a processor that says 503 while restoring is alive.
 */
final class CircuitBreaker {

    private final int failuresToOpen;
    private final long openNanos;
    private final LongSupplier nanoTime;
    private int failures;
    private boolean open;
    private long openUntil;
    private boolean trialOut;

    CircuitBreaker(int failuresToOpen, Duration openFor, LongSupplier nanoTime) {
        this.failuresToOpen = failuresToOpen;
        this.openNanos = openFor.toNanos();
        this.nanoTime = nanoTime;
    }

    /** Whether a look-up may go out now; while open, true only for the one trial after the pause. */
    synchronized boolean allows() {
        if (!open) {
            return true;
        }
        if (trialOut || nanoTime.getAsLong() - openUntil < 0) {
            return false;
        }
        trialOut = true;
        return true;
    }

    synchronized void answered() {
        failures = 0;
        open = false;
        trialOut = false;
    }

    synchronized void failed() {
        trialOut = false;
        if (open || ++failures >= failuresToOpen) {
            open = true;
            openUntil = nanoTime.getAsLong() + openNanos;
            failures = 0;
        }
    }

    synchronized boolean isOpen() {
        return open;
    }
}
