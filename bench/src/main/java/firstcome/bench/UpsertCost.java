package firstcome.bench;

import firstcome.contract.IssuedCoupon;
import firstcome.contract.KafkaConnection;
import firstcome.sink.CouponDatabase;
import firstcome.sink.CouponWriter;
import firstcome.sink.SinkConfig;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.sql.Connection;
import java.sql.DriverManager;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.IntStream;

/**
 * One irreducible part of an accepted application, measured alone: a row of the sink's batched
 * upsert ({@link CouponWriter}, batches of 500, as the sink writes them) into a scratch copy of the
 * {@code coupon} table, in its own JVM with the sink's jar on the class path. CPU of this JVM (all
 * threads) and of MySQL over the measured rows, after as many warm-up rows. Prints one
 * {@link PartCost} line; drops its table after.
 *
 * <p>Usage: {@code UpsertCost <rows>} with {@code MYSQL_URL}, {@code MYSQL_USER}, {@code MYSQL_PASSWORD}
 * from the environment, from the repository root (MySQL's pid is read from {@code .local/pids}).
 */
public final class UpsertCost {

    private static final int BATCH = 500;
    private static final String TABLE = "coupon_cost";

    private UpsertCost() {
    }

    public static void main(String[] args) throws Exception {
        int rows = Integer.parseInt(args[0]);
        Map<String, String> env = System.getenv();
        String url = env.getOrDefault("MYSQL_URL", "jdbc:mysql://localhost:3306/coupon");
        String user = env.getOrDefault("MYSQL_USER", "coupon");
        String password = env.getOrDefault("MYSQL_PASSWORD", "coupon");
        SinkConfig config = SinkConfig.fromEnv(Map.of("KAFKA_BOOTSTRAP_SERVERS", env.getOrDefault(KafkaConnection.BOOTSTRAP_SERVERS,
                "localhost:9092"), "MYSQL_URL", url, "MYSQL_USER", user, "MYSQL_PASSWORD", password, "SINK_PORT", "0"));
        String run = "bench-cost-" + UUID.randomUUID().toString().substring(0, 8);
        try (CouponDatabase database = CouponDatabase.connect(config, new SimpleMeterRegistry());
             Connection db = DriverManager.getConnection(url, user, password)) {
            db.createStatement().execute("DROP TABLE IF EXISTS " + TABLE);
            db.createStatement().execute("CREATE TABLE " + TABLE + " LIKE coupon");
            try {
                CouponWriter writer = new CouponWriter(database.dataSource(), TABLE);
                write(writer, coupons(run + "-warm", rows));
                double jvm = PartCost.processCpuSeconds();
                StackCpu mysql = StackCpu.read();
                write(writer, coupons(run, rows));
                Map<String, Double> sides = new LinkedHashMap<>();
                sides.put("writer-JVM", PartCost.processCpuSeconds() - jvm);
                sides.put("mysql", PartCost.serverCpuSecondsSince("mysql", mysql));
                System.out.println(new PartCost("upsert", rows, sides).line());
            } finally {
                db.createStatement().execute("DROP TABLE IF EXISTS " + TABLE);
            }
        }
    }

    private static void write(CouponWriter writer, List<IssuedCoupon> coupons) throws Exception {
        for (int from = 0; from < coupons.size(); from += BATCH) {
            writer.write(coupons.subList(from, Math.min(coupons.size(), from + BATCH)));
        }
    }

    private static List<IssuedCoupon> coupons(String event, int count) {
        Instant at = Instant.parse("2026-11-24T10:00:00.123Z");
        return IntStream.rangeClosed(1, count).mapToObj(n -> new IssuedCoupon(event, "user:" + String.format("%012d", n), n,
                UUID.randomUUID().toString(), at.plusMillis(n))).toList();
    }
}
