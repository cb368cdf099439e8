package firstcome.bench;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import org.HdrHistogram.Histogram;

/**
 * An open-model load generator: applications arrive at a fixed rate, each with an intended send
 * time ({@code start + i / rate}), and each is sent at that time whatever happened to the earlier
 * ones (asynchronous HTTP/1.1, the JDK client's {@code sendAsync}). One client address may hold only
 * so many connections at the ingress ({@code INGRESS_MAX_CONNECTIONS_PER_CLIENT}), so at most that
 * many requests are in flight; an application due while all are busy waits for the next free one,
 * and its latency still runs from its intended send time (no coordinated omission: a stack that
 * falls behind shows it in full). Outstanding applications (in flight plus waiting) are capped: one
 * due beyond the cap is not sent, and counted as such.
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

    /** A closed loop's result: every connection sends its next application once the last is answered. */
    record Probe(int applications, long accepted, double seconds, Map<Integer, Long> statuses) {

        /** Accepted applications per second. */
        double rate() {
            return accepted / seconds;
        }
    }

    private final int connections;
    private final int maxOutstanding;
    private final ExecutorService callbacks;
    private final HttpClient http;

    /**
     * {@code connections}: how many requests are in flight at most (one HTTP/1.1 connection each,
     * kept alive); {@code maxOutstanding}: in flight plus waiting for a connection.
     */
    OpenModelLoad(int connections, int maxOutstanding) {
        this.connections = connections;
        this.maxOutstanding = maxOutstanding;
        // Answers are handled on a small pool of their own: the sending thread only schedules.
        this.callbacks = Executors.newFixedThreadPool(2, task -> {
            Thread thread = new Thread(task, "open-model-answers");
            thread.setDaemon(true);
            return thread;
        });
        // The client opens a connection whenever none of its pool is idle: the in-flight bound
        // below keeps it to `connections`.
        this.http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).executor(callbacks)
                .connectTimeout(Duration.ofSeconds(5)).build();
    }

    /**
     * Sends {@code rate × duration} applications to {@code url} for users {@code userPrefix + i},
     * each at its intended time, or as soon as a connection is free after it; then waits for the
     * outstanding ones. An application due while {@code maxOutstanding} are outstanding is not sent.
     */
    Result run(String name, String url, String userPrefix, double rate, Duration duration, SpikeLoad.Progress progress)
            throws InterruptedException {
        int planned = (int) Math.round(rate * duration.toNanos() / 1e9);
        Run run = new Run(URI.create(url), userPrefix, planned, connections);
        long start = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(20);
        long nextProgress = start + TimeUnit.SECONDS.toNanos(2);
        int sent = 0;
        for (int i = 0; i < planned; i++) {
            long due = start + (long) (i * 1e9 / rate);
            for (long wait = due - System.nanoTime(); wait > 0; wait = due - System.nanoTime()) {
                LockSupport.parkNanos(wait);
            }
            if (System.nanoTime() >= nextProgress) {
                progress.say(String.format("%s: %,d/%,d due, %,d outstanding", name, i, planned, run.outstanding.get()));
                nextProgress += TimeUnit.SECONDS.toNanos(2);
            }
            if (run.outstanding.get() >= maxOutstanding) {
                run.status[i] = NOT_SENT;
                continue;
            }
            run.outstanding.incrementAndGet();
            run.status[i] = NO_ANSWER; // until its answer comes
            run.waiting.add(i);
            sent++;
            run.drain();
        }
        // Every sent application answered or failed: the queue drains at the stack's pace, each request has its timeout.
        if (!run.done.tryAcquire(sent, 120, TimeUnit.SECONDS)) {
            progress.say(name + ": " + run.outstanding.get() + " applications still outstanding after 120 s");
        }
        if (!run.errors.isEmpty()) {
            progress.say(name + ": no answer " + run.errors);
        }
        long late = 0;
        long maxLate = 0;
        for (int i = 0; i < planned; i++) {
            if (run.status[i] != NOT_SENT) {
                long lateBy = run.sentAt[i] - (start + (long) (i * 1e9 / rate));
                late += lateBy > LATE_NANOS ? 1 : 0;
                maxLate = Math.max(maxLate, lateBy);
            }
        }
        return new Result(name, rate, duration.toNanos() / 1e9, start, run.status, run.retryAfter, run.answeredAt, late,
                maxLate / 1e6, maxOutstanding, Map.copyOf(run.errors));
    }

    /**
     * {@code applications} of users {@code userPrefix + i} from {@code concurrency} connections (at
     * most this load's) in a closed loop: what the stack sustains when nobody waits between answers.
     */
    Probe probe(String name, String url, String userPrefix, int applications, int concurrency, SpikeLoad.Progress progress)
            throws InterruptedException {
        Run run = new Run(URI.create(url), userPrefix, applications, Math.min(concurrency, connections));
        for (int i = 0; i < applications; i++) {
            run.status[i] = NO_ANSWER;
            run.waiting.add(i);
        }
        long start = System.nanoTime();
        run.drain();
        while (!run.done.tryAcquire(applications, 2, TimeUnit.SECONDS)) {
            double elapsed = (System.nanoTime() - start) / 1e9;
            progress.say(String.format("%s: %,d/%,d answered, %.1f s", name, run.done.availablePermits(), applications, elapsed));
            if (elapsed > 300) {
                throw new IllegalStateException(name + ": not answered within 300 s");
            }
        }
        long last = start;
        long accepted = 0;
        Map<Integer, Long> statuses = new java.util.TreeMap<>();
        for (int i = 0; i < applications; i++) {
            last = Math.max(last, run.answeredAt[i]);
            accepted += run.status[i] == 202 ? 1 : 0;
            statuses.merge((int) run.status[i], 1L, Long::sum);
        }
        return new Probe(applications, accepted, (last - start) / 1e9, statuses);
    }

    /** One run's applications and its bound on connections in flight. */
    private final class Run {
        final URI uri;
        final String userPrefix;
        final short[] status;
        final boolean[] retryAfter;
        final long[] sentAt;
        final long[] answeredAt;
        final Map<String, Long> errors = new ConcurrentHashMap<>();
        /** In flight plus waiting for a connection. */
        final AtomicInteger outstanding = new AtomicInteger();
        final Queue<Integer> waiting = new ConcurrentLinkedQueue<>();
        /** Connections free for a request; in flight at most the run's bound. */
        final AtomicInteger free;
        /** A permit per application answered or failed; acquiring them publishes their slots. */
        final Semaphore done = new Semaphore(0);

        Run(URI uri, String userPrefix, int applications, int inFlight) {
            this.uri = uri;
            this.free = new AtomicInteger(inFlight);
            this.userPrefix = userPrefix;
            this.status = new short[applications];
            this.retryAfter = new boolean[applications];
            this.sentAt = new long[applications];
            this.answeredAt = new long[applications];
        }

        /** Sends waiting applications while a connection is free. */
        void drain() {
            while (true) {
                if (free.getAndDecrement() <= 0) {
                    free.incrementAndGet();
                    return; // every connection busy: the next answer drains
                }
                Integer next = waiting.poll();
                if (next == null) {
                    free.incrementAndGet();
                    if (waiting.isEmpty()) {
                        return;
                    }
                    continue; // added meanwhile, while this call held the connection
                }
                send(next);
            }
        }

        private void send(int i) {
            sentAt[i] = System.nanoTime();
            HttpRequest request = HttpRequest.newBuilder(uri)
                    .timeout(REQUEST_TIMEOUT)
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString("{\"userId\":\"" + userPrefix + i + "\"}", UTF_8))
                    .build();
            http.sendAsync(request, HttpResponse.BodyHandlers.discarding()).whenCompleteAsync((response, failure) -> {
                answeredAt[i] = System.nanoTime();
                if (response != null) {
                    status[i] = (short) response.statusCode();
                    retryAfter[i] = response.headers().firstValue("Retry-After").isPresent();
                } else {
                    status[i] = NO_ANSWER;
                    Throwable cause = failure.getCause() != null ? failure.getCause() : failure;
                    errors.merge(cause.getClass().getSimpleName() + ": " + cause.getMessage(), 1L, Long::sum);
                }
                outstanding.decrementAndGet();
                free.incrementAndGet();
                done.release();
                drain();
            }, callbacks);
        }
    }

    @Override
    public void close() {
        callbacks.shutdownNow();
    }
}
