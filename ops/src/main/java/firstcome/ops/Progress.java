package firstcome.ops;

import java.io.PrintStream;
import java.util.Locale;

/**
 * Progress lines of a long-running operations command (replay, rebuild, audit): at most one
 * every two seconds, with the rate, on the stream given (stderr, so that stdout stays the report).
 */
public final class Progress {

    private static final long INTERVAL_NANOS = 2_000_000_000L;

    private final PrintStream out;
    private final String task;
    private final long startedAt = System.nanoTime();
    private long lastLineAt = System.nanoTime();

    public Progress(PrintStream out, String task) {
        this.out = out;
        this.task = task;
    }

    /** Says {@code done} of {@code total} {@code unit}, unless a line went out less than two seconds ago. */
    public void update(long done, long total, String unit) {
        long now = System.nanoTime();
        if (now - lastLineAt < INTERVAL_NANOS) {
            return;
        }
        lastLineAt = now;
        double seconds = (now - startedAt) / 1e9;
        out.println(String.format(Locale.ROOT, "%s: %,d of %,d %s (%d%%), %,.0f/s", task, done, total, unit,
                total == 0 ? 100 : Math.min(100, done * 100 / total), seconds > 0 ? done / seconds : 0.0));
    }

    /** Says something now. */
    public void say(String message) {
        lastLineAt = System.nanoTime();
        out.println(task + ": " + message);
    }

    /** Says something unless a line went out less than two seconds ago (a repeated waiting message). */
    public void sayNowAndThen(String message) {
        long now = System.nanoTime();
        if (now - lastLineAt >= INTERVAL_NANOS) {
            say(message);
        }
    }

    public double secondsSinceStart() {
        return (System.nanoTime() - startedAt) / 1e9;
    }
}
