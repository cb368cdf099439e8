package firstcome.sink;

import java.time.Duration;

/**
 * How long to wait before retrying a batch: {@code first}, doubling with each failed attempt, never
 * more than {@code max}. No jitter: one sink instance per partition retries alone, so there is no
 * herd to spread, and fixed delays keep the behaviour easy to read in logs and tests.
 */
public record Backoff(Duration first, Duration max) {

    public Backoff {
        if (first.isNegative() || first.isZero() || max.compareTo(first) < 0) {
            throw new IllegalArgumentException("need 0 < first <= max, got first=" + first + ", max=" + max);
        }
    }

    /** The wait after failed attempt number {@code attempt} (1 = the first try failed). */
    public Duration delayAfter(int attempt) {
        if (attempt < 1) {
            throw new IllegalArgumentException("attempt counts from 1, was " + attempt);
        }
        // Past 2^30 the doubling would overflow; by then any sane cap has long been reached.
        int doublings = Math.min(attempt - 1, 30);
        long millis = first.toMillis() << doublings;
        return millis <= 0 || millis >= max.toMillis() ? max : Duration.ofMillis(millis);
    }
}
