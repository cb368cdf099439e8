package firstcome.ingress.draw;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.Future;
import java.util.concurrent.FutureTask;

/**
 * A clock that moves only when the test says, and a {@link Scheduler} over it: {@link #advanceTo} runs
 * every task due by then in the order of their times (moving the clock to each), tasks scheduled on
 * the way included. Nothing sleeps.
 */
final class ManualTime extends Clock implements Scheduler {

    private record Due(Instant at, long order, FutureTask<Void> task) {
    }

    private Instant now;
    private long scheduled;
    private final List<Due> due = new ArrayList<>();

    ManualTime(Instant start) {
        this.now = start;
    }

    @Override
    public synchronized Future<?> schedule(Runnable task, Duration delay) {
        FutureTask<Void> future = new FutureTask<>(task, null);
        due.add(new Due(now.plus(delay), scheduled++, future));
        return future;
    }

    /** Runs what is due up to {@code until}, then leaves the clock there. */
    void advanceTo(Instant until) {
        while (true) {
            Due next;
            synchronized (this) {
                next = due.stream().filter(d -> !d.at.isAfter(until))
                        .min(Comparator.comparing(Due::at).thenComparing(Due::order)).orElse(null);
                if (next == null) {
                    if (until.isAfter(now)) {
                        now = until;
                    }
                    return;
                }
                due.remove(next);
                if (next.at.isAfter(now)) {
                    now = next.at;
                }
            }
            next.task.run();
        }
    }

    void advance(Duration by) {
        advanceTo(instant().plus(by));
    }

    /** Runs what is due now. */
    void runDue() {
        advanceTo(instant());
    }

    /** Tasks waiting (cancelled ones included). */
    synchronized long waiting() {
        return due.stream().filter(d -> !d.task.isCancelled()).count();
    }

    @Override
    public synchronized Instant instant() {
        return now;
    }

    @Override
    public ZoneId getZone() {
        return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
        throw new UnsupportedOperationException();
    }

    @Override
    public void close() {
    }
}
