package firstcome.bench;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import org.HdrHistogram.ConcurrentHistogram;
import org.HdrHistogram.Histogram;

/**
 * {@code make demo}: the seed's scenario against a running stack over HTTP. Defines an event
 * with a limit and a waitlist, lets distinct users apply from a fixed number of threads, then reports
 * what the clients were told, what MySQL holds, and how long persisting took after the last answer.
 * Then the coupon lifecycle ({@link LifecycleScenario}): returns serve the waitlist, coupons are
 * redeemed, an order is cancelled, and MySQL's coupon states are counted.
 */
public final class Demo {

    private record Settings(String ingressUrl, String adminToken, String shopToken, String jdbcUrl, String dbUser,
                            String dbPassword, int limit, int waitlist, int users, int concurrency) {

        static Settings fromEnv(Map<String, String> env) {
            return new Settings(
                    env.getOrDefault("INGRESS_URL", "http://localhost:" + env.getOrDefault("INGRESS_PORT", "8080")),
                    env.getOrDefault("ADMIN_TOKEN", "local-admin-token"),
                    env.getOrDefault("SHOP_TOKEN", "local-shop-token"),
                    env.getOrDefault("MYSQL_URL", "jdbc:mysql://localhost:3306/coupon"),
                    env.getOrDefault("MYSQL_USER", "coupon"),
                    env.getOrDefault("MYSQL_PASSWORD", "coupon"),
                    Integer.parseInt(env.getOrDefault("DEMO_LIMIT", "100")),
                    Integer.parseInt(env.getOrDefault("DEMO_WAITLIST", "10")),
                    Integer.parseInt(env.getOrDefault("DEMO_USERS", "1000")),
                    Integer.parseInt(env.getOrDefault("DEMO_CONCURRENCY", "32")));
        }
    }

    public static void main(String[] args) throws Exception {
        Settings settings = Settings.fromEnv(System.getenv());
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2))
                .version(HttpClient.Version.HTTP_1_1).build();
        String event = "demo-" + System.currentTimeMillis();

        HttpResponse<String> defined = http.send(HttpRequest.newBuilder(
                        URI.create(settings.ingressUrl() + "/admin/events/" + event))
                .header("Authorization", "Bearer " + settings.adminToken())
                .header("Content-Type", "application/json")
                .PUT(HttpRequest.BodyPublishers.ofString(
                        "{\"limit\":" + settings.limit() + ",\"waitlist\":" + settings.waitlist() + "}", UTF_8))
                .build(), HttpResponse.BodyHandlers.ofString());
        if (defined.statusCode() != 200) {
            System.err.println("demo: defining the event failed: " + defined.statusCode() + " " + defined.body());
            System.exit(1);
        }
        System.out.printf("demo: event %s, limit %d, waitlist %d, %d users, %d at a time, against %s%n",
                event, settings.limit(), settings.waitlist(), settings.users(), settings.concurrency(), settings.ingressUrl());

        Histogram latency = new ConcurrentHistogram(TimeUnit.SECONDS.toMicros(60), 3);
        Map<String, LongAdder> outcomes = new ConcurrentHashMap<>();
        AtomicInteger done = new AtomicInteger();
        AtomicLong lastAnswerNanos = new AtomicLong();
        List<String> accepted = Collections.synchronizedList(new ArrayList<>());
        LongAdder flaggedWaitlisted = new LongAdder();
        ExecutorService pool = Executors.newFixedThreadPool(settings.concurrency());
        long started = System.nanoTime();
        for (int i = 1; i <= settings.users(); i++) {
            String user = "demo-user-" + i;
            pool.execute(() -> {
                long sent = System.nanoTime();
                DemoAnswer answer = apply(http, settings.ingressUrl(), event, user);
                long answered = System.nanoTime();
                if (answer.status() == 202) {
                    accepted.add(user);
                    if (answer.waitlisted()) {
                        flaggedWaitlisted.increment();
                    }
                }
                String outcome = answer.key();
                latency.recordValue(TimeUnit.NANOSECONDS.toMicros(answered - sent));
                lastAnswerNanos.accumulateAndGet(answered, Math::max);
                outcomes.computeIfAbsent(outcome, o -> new LongAdder()).increment();
                done.incrementAndGet();
            });
        }
        pool.shutdown();
        while (!pool.awaitTermination(500, TimeUnit.MILLISECONDS)) {
            System.out.printf("demo: %d/%d answered%n", done.get(), settings.users());
        }
        double seconds = (System.nanoTime() - started) / 1e9;
        System.out.printf("demo: %d/%d answered in %.2f s%n", done.get(), settings.users(), seconds);

        long expectedRows = Math.min(settings.limit(), outcomes.getOrDefault("202 ACCEPTED", new LongAdder()).sum());
        long rows;
        long persistedNanos;
        try (Connection db = DriverManager.getConnection(settings.jdbcUrl(), settings.dbUser(), settings.dbPassword())) {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            rows = CouponRows.count(db, event);
            while (rows < expectedRows && System.nanoTime() < deadline) {
                TimeUnit.MILLISECONDS.sleep(20); // polling the table, not waiting for a result blind
                rows = CouponRows.count(db, event);
            }
            persistedNanos = System.nanoTime();
            boolean spikeOk = printSummary(settings, outcomes, rows, duplicates(db, event), latency,
                    (persistedNanos - lastAnswerNanos.get()) / 1e6, rows >= expectedRows);

            System.out.printf("demo: the coupon lifecycle: %d winners return their coupons, %d are redeemed%n",
                    LifecycleScenario.RETURNS, LifecycleScenario.REDEMPTIONS);
            LifecycleSummary lifecycle = new LifecycleScenario(http, settings.ingressUrl(), settings.shopToken(), event)
                    .run(List.copyOf(accepted), flaggedWaitlisted.sum(), settings.waitlist(), db);
            System.out.println();
            lifecycle.lines().forEach(System.out::println);
            if (!spikeOk || !lifecycle.ok()) {
                System.exit(1);
            }
        }
    }

    private static DemoAnswer apply(HttpClient http, String baseUrl, String event, String user) {
        try {
            HttpResponse<String> response = http.send(HttpRequest.newBuilder(
                            URI.create(baseUrl + "/events/" + event + "/applications"))
                    .timeout(Duration.ofSeconds(30))
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString("{\"userId\":\"" + user + "\"}", UTF_8))
                    .build(), HttpResponse.BodyHandlers.ofString());
            return DemoAnswer.parse(response.statusCode(), response.body());
        } catch (Exception e) {
            return new DemoAnswer(0, "error " + e.getClass().getSimpleName(), null, null, null, false, e.toString());
        }
    }

    private static long duplicates(Connection db, String event) throws SQLException {
        try (var statement = db.prepareStatement(
                "SELECT (SELECT COUNT(*) - COUNT(DISTINCT user_id) FROM coupon WHERE event_id = ?)"
                        + " + (SELECT COUNT(*) - COUNT(DISTINCT coupon_no) FROM coupon WHERE event_id = ?)")) {
            statement.setString(1, event);
            statement.setString(2, event);
            try (ResultSet result = statement.executeQuery()) {
                result.next();
                return result.getLong(1);
            }
        }
    }

    /** Prints the spike's summary; false when MySQL holds too few, too many or duplicate coupons. */
    private static boolean printSummary(Settings settings, Map<String, LongAdder> outcomes, long rows, long duplicates,
                                     Histogram latency, double persistMillis, boolean complete) {
        Map<String, Long> sorted = new TreeMap<>();
        outcomes.forEach((k, v) -> sorted.put(k, v.sum()));
        long accepted = sorted.getOrDefault("202 ACCEPTED", 0L);
        long soldOut = sorted.getOrDefault("410 SOLD_OUT", 0L);
        long others = sorted.values().stream().mapToLong(Long::longValue).sum() - accepted - soldOut;
        System.out.println();
        System.out.println("demo summary");
        System.out.printf("  accepted (202)            %d%n", accepted);
        System.out.printf("  sold out (410)            %d%n", soldOut);
        System.out.printf("  other answers             %d %s%n", others, others == 0 ? "" : otherAnswers(sorted));
        System.out.printf("  coupons in MySQL          %d (limit %d)%n", rows, settings.limit());
        System.out.printf("  duplicates in MySQL       %d%n", duplicates);
        System.out.printf("  latency p50 / p99         %.1f ms / %.1f ms%n",
                latency.getValueAtPercentile(50) / 1000.0, latency.getValueAtPercentile(99) / 1000.0);
        System.out.printf("  last answer -> last row   %.0f ms%s%n", persistMillis, complete ? "" : " (not all rows arrived!)");
        return complete && duplicates == 0 && rows <= settings.limit();
    }

    private static String otherAnswers(Map<String, Long> sorted) {
        var others = new TreeMap<>(sorted);
        others.remove("202 ACCEPTED");
        others.remove("410 SOLD_OUT");
        return others.toString();
    }
}
