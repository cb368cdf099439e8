package firstcome.e2e;

import firstcome.loadkit.Answers;
import firstcome.loadkit.ApplyClient;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A spike as a crowd makes it: {@code connections} shoppers, each sending its next application as
 * soon as the last one was answered (a closed loop), one application per distinct user, to the
 * ingresses in turn (a round-robin balancer). An application answered 503 or not at all is sent
 * again at once, to the next ingress. Records when each answer came and how long it took.
 */
final class ClosedLoopSpike {

    /** What one spike gave: the answers, and per answer (retries included) its latency and when it came. */
    record Result(Answers answers, long startNanos, long endNanos, long lastAcceptedNanos, long[] answeredAt, long[] latencyNanos) {

        int count() {
            return answeredAt.length;
        }

        /** Answers per second over the whole spike. */
        double rate() {
            return count() / ((endNanos - startNanos) / 1e9);
        }

        /** Answers per second from the start to the last 202 (the accept phase); NaN without a 202. */
        double acceptPhaseRate() {
            if (lastAcceptedNanos < 0) {
                return Double.NaN;
            }
            long answers = Arrays.stream(answeredAt).filter(at -> at <= lastAcceptedNanos).count();
            return answers / ((lastAcceptedNanos - startNanos) / 1e9);
        }

        /** The {@code percent} latency percentile in milliseconds, over every answer. */
        double latencyMillis(double percent) {
            long[] sorted = latencyNanos.clone();
            Arrays.sort(sorted);
            int index = (int) Math.ceil(percent / 100 * sorted.length) - 1;
            return sorted[Math.max(0, index)] / 1e6;
        }

        Map<Integer, Long> statuses() {
            return answers.counts();
        }
    }

    private final List<ApplyClient> ingresses;
    private final int connections;

    ClosedLoopSpike(List<String> ingressUrls, int connections) {
        this.ingresses = ingressUrls.stream().map(url -> new ApplyClient(url, Duration.ofSeconds(30))).toList();
        this.connections = connections;
    }

    /** Applications of {@code applications} distinct users to {@code event} ({@link Crowd#user}), until each has a final answer. */
    Result run(String event, int applications) throws InterruptedException {
        Answers answers = new Answers();
        AtomicInteger nextUser = new AtomicInteger();
        AtomicInteger nextIngress = new AtomicInteger();
        AtomicInteger recorded = new AtomicInteger();
        // Retries add answers: room for every application to be answered several times.
        long[] answeredAt = new long[applications * 8];
        long[] latency = new long[applications * 8];
        long[] lastAccepted = {-1};
        Thread[] shoppers = new Thread[connections];
        long start = System.nanoTime();
        for (int c = 0; c < connections; c++) {
            shoppers[c] = new Thread(() -> {
                for (int i = nextUser.getAndIncrement(); i < applications && !Thread.currentThread().isInterrupted();
                        i = nextUser.getAndIncrement()) {
                    String user = Crowd.user(event, i + 1);
                    int status;
                    do {
                        ApplyClient ingress = ingresses.get(Math.floorMod(nextIngress.getAndIncrement(), ingresses.size()));
                        long sent = System.nanoTime();
                        status = ingress.apply(event, user);
                        long answered = System.nanoTime();
                        answers.record(user, status);
                        int slot = recorded.getAndIncrement();
                        if (slot < answeredAt.length) {
                            answeredAt[slot] = answered;
                            latency[slot] = answered - sent;
                        }
                        if (status == 202) {
                            synchronized (lastAccepted) {
                                lastAccepted[0] = Math.max(lastAccepted[0], answered);
                            }
                        }
                    } while (ApplyClient.worthRetrying(status) && !Thread.currentThread().isInterrupted());
                }
            }, "spike-" + c);
            shoppers[c].start();
        }
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(5);
        for (Thread shopper : shoppers) {
            shopper.join(Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime())));
            if (shopper.isAlive()) {
                for (Thread other : shoppers) {
                    other.interrupt();
                }
                throw new IllegalStateException("shoppers still without a final answer 5 minutes into the spike: " + answers.counts());
            }
        }
        long end = System.nanoTime();
        if (recorded.get() > answeredAt.length) {
            throw new IllegalStateException(recorded.get() + " answers to " + applications
                    + " applications: more retries than the latency record holds (" + answeredAt.length + ")");
        }
        int count = recorded.get();
        return new Result(answers, start, end, lastAccepted[0], Arrays.copyOf(answeredAt, count), Arrays.copyOf(latency, count));
    }
}
