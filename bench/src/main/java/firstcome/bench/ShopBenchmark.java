package firstcome.bench;

import firstcome.loadkit.ApplyClient;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Locale;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.function.IntPredicate;
import org.HdrHistogram.Histogram;

/**
 * The shop routes against the apply path, in one run on the same stack: {@code n} distinct users
 * apply to a fresh event with limit {@code n} (every one accepted), then the shop redeems each of
 * their coupons, both from {@code connections} threads in a closed loop. For each phase: operations
 * per second and latency, and the CPU time every process of the stack spent per operation, from the
 * phase's start until its last effect is in MySQL (all coupons written, then all rows REDEEMED), read
 * from {@code /proc/<pid>/stat} of the pids {@code make up} wrote. A redeem answers only once the
 * streams-processor has decided it, so its latency includes a decision's round trip through Kafka;
 * its cost is what the promise is about: at most twice an accepted application's.
 */
final class ShopBenchmark {

    /** One phase: operations, final answers by kind, wall time, latency, CPU time of the stack. */
    record Phase(String name, int operations, int ok, double seconds, Histogram latency, double cpuSeconds,
            Map<String, Double> cpuByProcess) {

        double rate() {
            return operations / seconds;
        }

        double cpuMillisPerOperation() {
            return cpuSeconds * 1000 / operations;
        }

        String row() {
            return String.format(Locale.ROOT, "%,.0f/s · p50/p99 %.1f / %.1f ms · %.2f ms CPU per operation (%s; %,d of %,d as expected)",
                    rate(), latency.getValueAtPercentile(50) / 1000.0, latency.getValueAtPercentile(99) / 1000.0,
                    cpuMillisPerOperation(), breakdown(), ok, operations);
        }

        /** Each process's CPU per operation, in ms. */
        String breakdown() {
            StringBuilder out = new StringBuilder();
            cpuByProcess.forEach((process, seconds) -> out.append(out.length() == 0 ? "" : ", ")
                    .append(String.format(Locale.ROOT, "%s %.2f", process, seconds * 1000 / operations)));
            return out.toString();
        }
    }

    private static final List<String> STACK = List.of("ingress", "streams-processor", "sink", "kafka", "redis", "mysql");
    static final double TICKS_PER_SECOND = 100; // USER_HZ on Linux

    private final String ingressUrl;
    private final String shopToken;
    private final String jdbcUrl;
    private final String dbUser;
    private final String dbPassword;
    private final int connections;

    ShopBenchmark(String ingressUrl, String shopToken, String jdbcUrl, String dbUser, String dbPassword, int connections) {
        this.ingressUrl = ingressUrl;
        this.shopToken = shopToken;
        this.jdbcUrl = jdbcUrl;
        this.dbUser = dbUser;
        this.dbPassword = dbPassword;
        this.connections = connections;
    }

    /** Applies {@code n} users to {@code event} (defined with limit n), then redeems their coupons. */
    List<Phase> run(String event, int n) throws Exception {
        Phase applied = apply(event, n);
        ShopClient shop = new ShopClient(ingressUrl, shopToken, Duration.ofSeconds(30));
        Phase redeemed = phase("redeem (each coupon once)", n,
                i -> {
                    ShopClient.Answer answer = ShopClient.untilFinal(() -> shop.redeem(event, user(event, i), "o-" + i),
                            Duration.ofMillis(100), Duration.ofSeconds(60));
                    return answer.status() == 200 && answer.outcome().equals("REDEEMED");
                },
                () -> rowsIn(event, "REDEEMED") >= n);
        return List.of(applied, redeemed);
    }

    /** The apply phase alone: {@code n} users apply to {@code event} (defined with limit n), each accepted. */
    Phase apply(String event, int n) throws Exception {
        ApplyClient apply = new ApplyClient(ingressUrl, Duration.ofSeconds(30));
        return phase("apply (every application accepted)", n,
                i -> apply.apply(event, user(event, i)) == 202,
                () -> rowsIn(event, null) >= n);
    }

    private static String user(String event, int i) {
        return event + "-s" + i;
    }

    private Phase phase(String name, int n, IntPredicate operation, java.util.function.BooleanSupplier persisted) throws Exception {
        Histogram latency = new Histogram(TimeUnit.SECONDS.toMicros(60), 3);
        AtomicInteger next = new AtomicInteger();
        AtomicInteger ok = new AtomicInteger();
        AtomicLong lastAnswer = new AtomicLong();
        Map<String, Double> cpuBefore = stackCpuSeconds();
        long start = System.nanoTime();
        ExecutorService pool = Executors.newFixedThreadPool(connections);
        try {
            List<Future<?>> workers = new ArrayList<>();
            for (int c = 0; c < connections; c++) {
                workers.add(pool.submit(() -> {
                    for (int i = next.getAndIncrement(); i < n; i = next.getAndIncrement()) {
                        long sent = System.nanoTime();
                        if (operation.test(i)) {
                            ok.incrementAndGet();
                        }
                        long answered = System.nanoTime();
                        synchronized (latency) {
                            latency.recordValue(Math.min(TimeUnit.NANOSECONDS.toMicros(answered - sent), latency.getHighestTrackableValue()));
                        }
                        lastAnswer.accumulateAndGet(answered, Math::max);
                    }
                    return null;
                }));
            }
            for (Future<?> worker : workers) {
                worker.get();
            }
        } finally {
            pool.shutdownNow();
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        while (!persisted.getAsBoolean() && System.nanoTime() < deadline) {
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(20)); // polling MySQL: there is no event to wait on
        }
        Map<String, Double> cpu = new LinkedHashMap<>();
        stackCpuSeconds().forEach((process, seconds) -> cpu.put(process, seconds - cpuBefore.getOrDefault(process, 0.0)));
        double total = cpu.values().stream().mapToDouble(Double::doubleValue).sum();
        return new Phase(name, n, ok.get(), (lastAnswer.get() - start) / 1e9, latency, total, cpu);
    }

    private int rowsIn(String event, String state) {
        String sql = "SELECT COUNT(*) FROM coupon WHERE event_id = ?" + (state == null ? "" : " AND state = ?");
        try (Connection db = DriverManager.getConnection(jdbcUrl, dbUser, dbPassword);
             var statement = db.prepareStatement(sql)) {
            statement.setString(1, event);
            if (state != null) {
                statement.setString(2, state);
            }
            try (ResultSet result = statement.executeQuery()) {
                return result.next() ? result.getInt(1) : 0;
            }
        } catch (SQLException e) {
            return 0;
        }
    }

    /** utime + stime of each process of the stack (the pids in .local/pids), in seconds. */
    static Map<String, Double> stackCpuSeconds() {
        Map<String, Double> seconds = new LinkedHashMap<>();
        for (String name : STACK) {
            try {
                String pid = pidOf(name);
                seconds.put(name, StackCpu.ticks(Files.readString(Path.of("/proc", pid, "stat"))) / TICKS_PER_SECOND);
            } catch (IOException | RuntimeException e) {
                // a process that is not there costs nothing; the report names the pids it read
            }
        }
        return seconds;
    }

    /** The pid make up wrote for this process of the stack, or null when there is none. */
    static String pidOf(String name) {
        try {
            return Files.readString(Path.of(".local", "pids", name + ".pid")).trim().split("\\s+")[0];
        } catch (IOException e) {
            return null;
        }
    }
}
