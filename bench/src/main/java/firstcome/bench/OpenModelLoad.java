package firstcome.bench;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.HdrHistogram.Histogram;

/**
 * An open-model load generator: applications arrive at a fixed rate, each with an intended send
 * time ({@code start + i / rate}), and each is sent at that time whatever happened to the earlier
 * ones (asynchronous HTTP/1.1, the JDK client). Latency runs from the intended send time to the
 * answer, so a stack that falls behind shows it in full (no coordinated omission). Outstanding
 * requests are capped: an application due while the cap is reached is not sent, and is counted as
 * such, never silently dropped from the figures.
 */
final class OpenModelLoad implements AutoCloseable {

    /** {@link Result#status} of an application the generator did not send (the cap was reached). */
    static final short NOT_SENT = 0;
    /** {@link Result#status} of an application sent but not answered (timeout, refused, dropped). */
    static final short NO_ANSWER = -1;
    /** An application sent later than this after its intended time counts as sent late. */
    static final long LATE_NANOS = TimeUnit.MILLISECONDS.toNanos(10);
    static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(30);
    static final long BUCKET_MILLIS = 500;
    private static final long MAX_MICROS = TimeUnit.SECONDS.toMicros(60);

    /**
     * What one run at one rate produced; index i is application i (user {@code prefix + i}), due at
     * {@code startNanos + i * 1e9 / rate}. Times are System.nanoTime().
     */
    record Result(String name, double rate, double seconds, long startNanos, short[] status, boolean[] retryAfter,
                  long[] answeredAt, long late, double maxLateMillis, int maxOutstanding, Map<String, Long> errors) {

        int planned() {
            return status.length;
        }

        long dueNanos(int i) {
            return startNanos + (long) (i * 1e9 / rate);
        }

        long count(int code) {
            long n = 0;
            for (short s : status) {
                if (s == code) {
                    n++;
                }
            }
            return n;
        }

        long notSent() {
            return count(NOT_SENT);
        }

        long sent() {
            return planned() - notSent();
        }

        long answered() {
            long n = 0;
            for (short s : status) {
                if (s > 0) {
                    n++;
                }
            }
            return n;
        }

        /** 503s that said when to retry (the contract's), and those that did not. */
        long unavailable(boolean withRetryAfter) {
            long n = 0;
            for (int i = 0; i < status.length; i++) {
                if (status[i] == 503 && retryAfter[i] == withRetryAfter) {
                    n++;
                }
            }
            return n;
        }

        /** HTTP answers other than 202 and 503 (a 503 without Retry-After counts here too). */
        long other() {
            return answered() - count(202) - unavailable(true);
        }

        /** Applications sent per second over the schedule. */
        double offeredRate() {
            return sent() / seconds;
        }

        /** HTTP answers per second, from the first intended send time to the last answer. */
        double answeredRate() {
            long last = startNanos;
            for (int i = 0; i < status.length; i++) {
                if (status[i] > 0) {
                    last = Math.max(last, answeredAt[i]);
                }
            }
            return last == startNanos ? 0 : answered() / ((last - startNanos) / 1e9);
        }

        /** Seconds from the start to the first 503 answer, or NaN if none came. */
        double first503Seconds() {
            long first = Long.MAX_VALUE;
            for (int i = 0; i < status.length; i++) {
                if (status[i] == 503) {
                    first = Math.min(first, answeredAt[i]);
                }
            }
            return first == Long.MAX_VALUE ? Double.NaN : (first - startNanos) / 1e9;
        }

        /** Every HTTP answer's latency in µs, from its intended send time. */
        Histogram latency() {
            Histogram h = new Histogram(MAX_MICROS, 3);
            for (int i = 0; i < status.length; i++) {
                if (status[i] > 0) {
                    h.recordValue(Math.max(1, Math.min((answeredAt[i] - dueNanos(i)) / 1000, MAX_MICROS)));
                }
            }
            return h;
        }

        /**
         * Per {@link #BUCKET_MILLIS} slice of intended send times: {p99 ms of the answers, share of
         * 503s among the applications due}, for the picture.
         */
        double[][] series() {
            int buckets = (int) Math.ceil(seconds * 1000 / BUCKET_MILLIS);
            Histogram[] h = new Histogram[buckets];
            long[] due = new long[buckets];
            long[] unavailable = new long[buckets];
            for (int b = 0; b < buckets; b++) {
                h[b] = new Histogram(MAX_MICROS, 2);
            }
            for (int i = 0; i < status.length; i++) {
                int b = (int) Math.min(buckets - 1, (dueNanos(i) - startNanos) / TimeUnit.MILLISECONDS.toNanos(BUCKET_MILLIS));
                due[b]++;
                if (status[i] > 0) {
                    h[b].recordValue(Math.max(1, Math.min((answeredAt[i] - dueNanos(i)) / 1000, MAX_MICROS)));
                }
                if (status[i] == 503) {
                    unavailable[b]++;
                }
            }
            double[][] points = new double[buckets][];
            for (int b = 0; b < buckets; b++) {
                points[b] = new double[] {b * BUCKET_MILLIS / 1000.0,
                        h[b].getTotalCount() == 0 ? 0 : h[b].getValueAtPercentile(99) / 1000.0,
                        due[b] == 0 ? 0 : (double) unavailable[b] / due[b]};
            }
            return points;
        }
    }

    private final int maxOutstanding;
    private final ExecutorService callbacks;
    private final HttpClient http;

    OpenModelLoad(int maxOutstanding) {
        this.maxOutstanding = maxOutstanding;
        // Answers are handled on a small pool of their own: the sending thread only schedules.
        this.callbacks = Executors.newFixedThreadPool(2, task -> {
            Thread thread = new Thread(task, "open-model-answers");
            thread.setDaemon(true);
            return thread;
        });
        // HTTP/1.1: one connection per outstanding request, kept alive and reused once answered.
        this.http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).executor(callbacks)
                .connectTimeout(Duration.ofSeconds(5)).build();
    }

    /**
     * Sends {@code rate × duration} applications to {@code url} for users {@code userPrefix + i},
     * each at its intended time, then waits for the outstanding ones (at most the request timeout).
     */
    Result run(String name, String url, String userPrefix, double rate, Duration duration, SpikeLoad.Progress progress)
            throws InterruptedException {
        int planned = (int) Math.round(rate * duration.toNanos() / 1e9);
        short[] status = new short[planned];
        boolean[] retryAfter = new boolean[planned];
        long[] answeredAt = new long[planned];
        Map<String, Long> errors = new ConcurrentHashMap<>();
        Semaphore outstanding = new Semaphore(maxOutstanding);
        URI uri = URI.create(url);
        long late = 0;
        long maxLate = 0;
        long start = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(20);
        long nextProgress = start + TimeUnit.SECONDS.toNanos(2);
        for (int i = 0; i < planned; i++) {
            long due = start + (long) (i * 1e9 / rate);
            for (long wait = due - System.nanoTime(); wait > 0; wait = due - System.nanoTime()) {
                LockSupport.parkNanos(wait);
            }
            long now = System.nanoTime();
            if (now - due > LATE_NANOS) {
                late++;
            }
            maxLate = Math.max(maxLate, now - due);
            if (now >= nextProgress) {
                progress.say(String.format("%s: %,d/%,d due, %,d outstanding", name, i, planned,
                        maxOutstanding - outstanding.availablePermits()));
                nextProgress += TimeUnit.SECONDS.toNanos(2);
            }
            if (!outstanding.tryAcquire()) {
                status[i] = NOT_SENT;
                continue;
            }
            int index = i;
            status[i] = NO_ANSWER; // until its answer comes
            HttpRequest request = HttpRequest.newBuilder(uri)
                    .timeout(REQUEST_TIMEOUT)
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString("{\"userId\":\"" + userPrefix + i + "\"}", UTF_8))
                    .build();
            http.sendAsync(request, HttpResponse.BodyHandlers.discarding()).whenComplete((response, failure) -> {
                answeredAt[index] = System.nanoTime();
                if (response != null) {
                    status[index] = (short) response.statusCode();
                    retryAfter[index] = response.headers().firstValue("Retry-After").isPresent();
                } else {
                    status[index] = NO_ANSWER;
                    Throwable cause = failure.getCause() != null ? failure.getCause() : failure;
                    errors.merge(cause.getClass().getSimpleName(), 1L, Long::sum);
                }
                // The release publishes this answer's slots to whoever acquires every permit below.
                outstanding.release();
            });
        }
        // Every permit back: every sent application answered or failed.
        long deadline = REQUEST_TIMEOUT.toMillis() + 5_000;
        if (!outstanding.tryAcquire(maxOutstanding, deadline, TimeUnit.MILLISECONDS)) {
            progress.say(name + ": " + (maxOutstanding - outstanding.availablePermits())
                    + " requests still outstanding past the request timeout");
        }
        if (!errors.isEmpty()) {
            progress.say(name + ": no answer " + errors);
        }
        return new Result(name, rate, duration.toNanos() / 1e9, start, status, retryAfter, answeredAt, late,
                maxLate / 1e6, maxOutstanding, Map.copyOf(errors));
    }

    @Override
    public void close() {
        callbacks.shutdownNow();
    }
}
