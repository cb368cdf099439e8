package firstcome.ingress;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;

/**
 * A logger for what happens per request during an outage: at most one line per interval, saying
 * how many were left out, so that a spike against a broken dependency does not flood the log.
 * The metrics count every occurrence.
 */
public final class RateLimitedLog {

    private final Logger log;
    private final long intervalNanos;
    private final AtomicLong nextAllowed;
    private final AtomicLong suppressed = new AtomicLong();

    public RateLimitedLog(Logger log, Duration interval) {
        this.log = log;
        this.intervalNanos = interval.toNanos();
        this.nextAllowed = new AtomicLong(System.nanoTime());
    }

    public void warn(String format, Object... args) {
        if (claim()) {
            log.warn(withSuppressed(format), args);
        }
    }

    public void error(String format, Object... args) {
        if (claim()) {
            log.error(withSuppressed(format), args);
        }
    }

    private boolean claim() {
        long now = System.nanoTime();
        long next = nextAllowed.get();
        if (now - next >= 0 && nextAllowed.compareAndSet(next, now + intervalNanos)) {
            return true;
        }
        suppressed.incrementAndGet();
        return false;
    }

    private String withSuppressed(String format) {
        long left = suppressed.getAndSet(0);
        return left == 0 ? format : format + " (" + left + " more like this in the last interval)";
    }
}
