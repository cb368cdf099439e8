package firstcome.bench;

import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * Waits until the stack has finished the work a phase left behind, before the next phase measures.
 * On two shared cores a loaded JVM's compiler threads get little CPU: after a warm-up that saturated
 * the machine the stack keeps compiling (and compacting, flushing) for tens of seconds, and a phase
 * started meanwhile measures that work instead of a warm stack (measured: three accept phases of
 * 20,000 back to back after a restart ran at 1,099, 1,694 and 1,603/s; after 21 s of waiting for the
 * stack's CPU to drop, the next two ran at 2,711 and 3,146/s). Quiet is the stack's processes
 * together below {@link #QUIET_CORES} of a core for {@link #QUIET_SECONDS} one-second samples in a row.
 */
final class Quiescence {

    static final double QUIET_CORES = 0.15;
    static final int QUIET_SECONDS = 3;
    /** The longest wait a phase gives the stack (measured: about 20 s after a restart's warm-up). */
    static final int MAX_WAIT_SECONDS = 45;

    private final Supplier<Map<String, Double>> cpuSeconds;

    /** Over the stack of {@code make up} (the pids in {@code .local/pids}). */
    Quiescence() {
        this(ShopBenchmark::stackCpuSeconds);
    }

    Quiescence(Supplier<Map<String, Double>> cpuSeconds) {
        this.cpuSeconds = cpuSeconds;
    }

    /**
     * Blocks until the stack is quiet or {@code maxSeconds} have passed; the seconds waited. Says how
     * long it took, or that the stack never went quiet (the phase after it then measures anyway).
     */
    double await(String name, int maxSeconds, Consumer<String> say) throws InterruptedException {
        long start = System.nanoTime();
        Map<String, Double> before = cpuSeconds.get();
        long sampled = System.nanoTime();
        int calm = 0;
        double cores = Double.NaN;
        while (calm < QUIET_SECONDS && System.nanoTime() - start < TimeUnit.SECONDS.toNanos(maxSeconds)) {
            TimeUnit.SECONDS.sleep(1); // sampling CPU time: there is nothing to wait on
            Map<String, Double> now = cpuSeconds.get();
            long at = System.nanoTime();
            cores = busyCores(before, now, (at - sampled) / 1e9);
            before = now;
            sampled = at;
            calm = cores < QUIET_CORES ? calm + 1 : 0;
        }
        double waited = (System.nanoTime() - start) / 1e9;
        say.accept(String.format(Locale.ROOT, calm >= QUIET_SECONDS ? "%s: the stack quiet after %.0f s"
                : "%s: the stack still busy after %.0f s (%.2f cores); measuring anyway", name, waited, cores));
        return waited;
    }

    /** The cores the processes kept busy between two samples {@code seconds} apart; a process missing from either counts nothing. */
    static double busyCores(Map<String, Double> before, Map<String, Double> after, double seconds) {
        double sum = 0;
        for (Map.Entry<String, Double> e : after.entrySet()) {
            Double earlier = before.get(e.getKey());
            if (earlier != null) {
                sum += Math.max(0, e.getValue() - earlier);
            }
        }
        return sum / seconds;
    }
}
