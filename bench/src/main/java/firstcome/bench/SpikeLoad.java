package firstcome.bench;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntConsumer;
import org.HdrHistogram.Histogram;

/**
 * The spike's load generator: {@code connections} threads, each with its own keep-alive HTTP/1.1
 * connection, POST one application per distinct user as fast as answers come back (a closed loop,
 * as a crowd pressing the button is). Latency is recorded in microseconds with HdrHistogram's
 * coordinated-omission correction: a request that took longer than {@code expectedIntervalMicros}
 * (the gap between two requests of one connection at the ceiling's rate; 0 = this run's own rate,
 * for the ceiling itself) stands for the requests that connection would have sent meanwhile.
 */
final class SpikeLoad {

    static final long BUCKET_MILLIS = 250;
    private static final long MAX_MICROS = TimeUnit.SECONDS.toMicros(60);

    /** What one spike produced. Times are System.nanoTime(); index i is user i. */
    record Result(String name, int requests, long expectedIntervalMicros, long startNanos, long endNanos, short[] status, long[] answeredAt,
                  Histogram accept, Histogram soldOut, Histogram other, List<Bucket> series, long errors) {

        double seconds() {
            return (endNanos - startNanos) / 1e9;
        }

        double rate() {
            return requests / seconds();
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

        /** The last 202 answer, or -1 if there was none. */
        long lastAcceptNanos() {
            long last = -1;
            for (int i = 0; i < status.length; i++) {
                if (status[i] == 202) {
                    last = Math.max(last, answeredAt[i]);
                }
            }
            return last;
        }

        /** Answers per second from the start to the last 202 (the accept phase). */
        double acceptPhaseRate() {
            long last = lastAcceptNanos();
            if (last < 0) {
                return Double.NaN;
            }
            long answers = 0;
            for (long t : answeredAt) {
                if (t <= last) {
                    answers++;
                }
            }
            return answers / ((last - startNanos) / 1e9);
        }

        /** Answers per second after the last 202 (the sold-out phase). */
        double soldOutPhaseRate() {
            long last = lastAcceptNanos();
            long answers = 0;
            for (long t : answeredAt) {
                if (t > last) {
                    answers++;
                }
            }
            return answers / ((endNanos - Math.max(last, startNanos)) / 1e9);
        }

        Map<Integer, Long> statuses() {
            Map<Integer, Long> counts = new TreeMap<>();
            for (short s : status) {
                counts.merge((int) s, 1L, Long::sum);
            }
            return counts;
        }
    }

    /** Answers and latency of one time slice of the spike. */
    record Bucket(double atSeconds, long answers, long accepted, double p50Millis, double p99Millis) {
    }

    private final HttpClient http;
    private final int connections;

    SpikeLoad(int connections) {
        this.connections = connections;
        // One client per thread would mean one connection pool per thread; one shared client keeps
        // up to `connections` keep-alive connections, one per busy thread.
        this.http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(5)).build();
    }

    /**
     * Sends {@code requests} applications to {@code url} for users {@code userPrefix + i}; calls
     * {@code onAccepted(i)} right after each 202 (for the 202 → row measurement).
     */
    Result run(String name, String url, String userPrefix, int requests, long expectedIntervalMicros,
               IntConsumer onAccepted, Progress progress) throws InterruptedException {
        short[] status = new short[requests];
        long[] answeredAt = new long[requests];
        long[] latencyMicros = new long[requests];
        AtomicInteger next = new AtomicInteger();
        AtomicInteger done = new AtomicInteger();
        Map<String, Long> errorKinds = new ConcurrentHashMap<>();
        URI uri = URI.create(url);
        CountDownLatch finished = new CountDownLatch(connections);
        long start = System.nanoTime();
        for (int c = 0; c < connections; c++) {
            Thread worker = new Thread(() -> {
                try {
                    for (int i = next.getAndIncrement(); i < requests; i = next.getAndIncrement()) {
                        long sent = System.nanoTime();
                        status[i] = (short) send(uri, "{\"userId\":\"" + userPrefix + i + "\"}", errorKinds);
                        long answered = System.nanoTime();
                        answeredAt[i] = answered;
                        latencyMicros[i] = Math.max(1, (answered - sent) / 1000);
                        if (status[i] == 202 && onAccepted != null) {
                            onAccepted.accept(i);
                        }
                        done.incrementAndGet();
                    }
                } finally {
                    finished.countDown();
                }
            }, "spike-" + c);
            worker.setDaemon(true);
            worker.start();
        }
        while (!finished.await(2, TimeUnit.SECONDS)) {
            double elapsed = (System.nanoTime() - start) / 1e9;
            progress.say(String.format("%s: %,d/%,d answered, %.1f s, %,.0f req/s", name, done.get(), requests,
                    elapsed, done.get() / elapsed));
        }
        long end = System.nanoTime();
        if (expectedIntervalMicros <= 0) {
            // The ceiling's own run: one connection's gap between two requests at the rate it reached.
            expectedIntervalMicros = Math.max(1, (long) (connections * 1e6 / (requests / ((end - start) / 1e9))));
        }

        Histogram accept = histogram();
        Histogram soldOut = histogram();
        Histogram other = histogram();
        int bucketCount = (int) ((end - start) / TimeUnit.MILLISECONDS.toNanos(BUCKET_MILLIS)) + 1;
        List<Histogram> perBucket = new ArrayList<>();
        long[] acceptedPerBucket = new long[bucketCount];
        for (int b = 0; b < bucketCount; b++) {
            perBucket.add(histogram());
        }
        long errors = 0;
        for (int i = 0; i < requests; i++) {
            Histogram target = status[i] == 202 ? accept : status[i] == 410 ? soldOut : other;
            target.recordValueWithExpectedInterval(Math.min(latencyMicros[i], MAX_MICROS), expectedIntervalMicros);
            int b = (int) ((answeredAt[i] - start) / TimeUnit.MILLISECONDS.toNanos(BUCKET_MILLIS));
            perBucket.get(b).recordValue(Math.min(latencyMicros[i], MAX_MICROS));
            if (status[i] == 202) {
                acceptedPerBucket[b]++;
            }
            if (status[i] <= 0) {
                errors++;
            }
        }
        List<Bucket> series = new ArrayList<>();
        for (int b = 0; b < bucketCount; b++) {
            Histogram h = perBucket.get(b);
            series.add(new Bucket(b * BUCKET_MILLIS / 1000.0, h.getTotalCount(), acceptedPerBucket[b],
                    h.getTotalCount() == 0 ? 0 : h.getValueAtPercentile(50) / 1000.0,
                    h.getTotalCount() == 0 ? 0 : h.getValueAtPercentile(99) / 1000.0));
        }
        if (!errorKinds.isEmpty()) {
            progress.say(name + ": transport errors " + errorKinds);
        }
        return new Result(name, requests, expectedIntervalMicros, start, end, status, answeredAt, accept, soldOut, other, series, errors);
    }

    private int send(URI uri, String body, Map<String, Long> errorKinds) {
        try {
            HttpResponse<Void> response = http.send(HttpRequest.newBuilder(uri)
                    .timeout(Duration.ofSeconds(30))
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(body, UTF_8))
                    .build(), HttpResponse.BodyHandlers.discarding());
            return response.statusCode();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        } catch (Exception e) {
            errorKinds.merge(e.getClass().getSimpleName(), 1L, Long::sum);
            return -1;
        }
    }

    private static Histogram histogram() {
        return new Histogram(MAX_MICROS, 3);
    }

    /** Where progress lines go. */
    interface Progress {
        void say(String line);
    }
}
