package firstcome.bench;

import firstcome.contract.IssuedCoupon;
import firstcome.contract.KafkaConnection;
import firstcome.contract.Topics;
import firstcome.sink.App;
import firstcome.sink.CouponDatabase;
import firstcome.sink.CouponWriter;
import firstcome.sink.SinkConfig;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * A benchmark, not a test: rows per second into the {@code coupon} table of one server, in one run,
 * four ways — a raw JDBC batch with rewriteBatchedStatements (the ceiling), the sink's own
 * {@link CouponWriter} (multi-row upsert + read-back, one transaction per batch), one row per
 * transaction (what a naive consumer does), and the whole sink process from a topic to the table.
 *
 * <p>Runs against the servers of {@code make up} (or {@code make infra-up}), or those that
 * {@code MYSQL_URL} / {@code MYSQL_USER} / {@code MYSQL_PASSWORD} / {@code KAFKA_BOOTSTRAP_SERVERS}
 * name, with the defaults {@link Bench} uses. The first three write into a scratch table
 * ({@code CREATE TABLE … LIKE coupon}, dropped at the end); the whole sink can only write into
 * {@code coupon}, so its rows (fresh event ids of this run, from a topic of its own) are deleted
 * afterwards: a later {@code make audit} finds only coupons the processor issued.
 *
 * <p>Usage, with the sink's jar on the class path (it is not shaded into the bench jar):
 * {@code java -cp sink/target/sink.jar:bench/target/bench.jar firstcome.bench.SinkBenchmark [rows]}
 * ({@code make bench} runs it so).
 */
public final class SinkBenchmark {

    private static final int BATCH = 500;
    private static final String SCRATCH = "coupon_bench";
    private static final Instant ISSUED_AT = Instant.parse("2026-11-24T10:00:00.123Z");

    private final String jdbcUrl;
    private final String dbUser;
    private final String dbPassword;
    private final KafkaConnection kafka;
    private final String clientConfig;
    private final String run = "bench-" + UUID.randomUUID().toString().substring(0, 8);
    private Connection statusConnection;

    private SinkBenchmark(Map<String, String> env) {
        this.jdbcUrl = env.getOrDefault("MYSQL_URL", "jdbc:mysql://localhost:3306/coupon");
        this.dbUser = env.getOrDefault("MYSQL_USER", "coupon");
        this.dbPassword = env.getOrDefault("MYSQL_PASSWORD", "coupon");
        this.kafka = KafkaConnection.fromEnv(env);
        this.clientConfig = env.getOrDefault(KafkaConnection.CLIENT_CONFIG, "");
    }

    public static void main(String[] args) throws Exception {
        int rows = args.length > 0 ? Integer.parseInt(args[0]) : 20_000;
        SinkBenchmark benchmark = new SinkBenchmark(System.getenv());
        try {
            benchmark.run(rows);
        } finally {
            if (benchmark.statusConnection != null) {
                benchmark.statusConnection.close();
            }
        }
    }

    private void run(int rows) throws Exception {
        SinkConfig config = SinkConfig.fromEnv(Map.of(
                "KAFKA_BOOTSTRAP_SERVERS", kafka.bootstrapServers(),
                KafkaConnection.CLIENT_CONFIG, clientConfig,
                "MYSQL_URL", jdbcUrl,
                "MYSQL_USER", dbUser,
                "MYSQL_PASSWORD", dbPassword,
                "SINK_PORT", "0",
                "SINK_GROUP_ID", run,
                "SINK_BATCH_SIZE", Integer.toString(BATCH)));
        // One row per transaction is slow: a quarter of the rows tells its rate as well.
        int singleRows = Math.max(1_000, rows / 4);
        try (CouponDatabase database = CouponDatabase.connect(config, new SimpleMeterRegistry())) {
            database.migrate();
            try (Connection db = connect("")) {
                db.createStatement().execute("DROP TABLE IF EXISTS " + SCRATCH);
                db.createStatement().execute("CREATE TABLE " + SCRATCH + " LIKE coupon");
            }
            try {
                measureAll(rows, singleRows, new CouponWriter(database.dataSource(), SCRATCH), config);
            } finally {
                try (Connection db = connect("")) {
                    db.createStatement().execute("DROP TABLE IF EXISTS " + SCRATCH);
                    try (PreparedStatement delete = db.prepareStatement("DELETE FROM coupon WHERE event_id LIKE ?")) {
                        delete.setString(1, run + "-%");
                        delete.executeUpdate();
                    }
                }
            }
        }
    }

    private void measureAll(int rows, int singleRows, CouponWriter writer, SinkConfig config) throws Exception {
        // Warm-up: JIT, connections, the buffer pool; not reported.
        rawBatch(coupons("warmup-raw", 2_000));
        writeThroughSink(writer, coupons("warmup-writer", 2_000));
        rowPerTransaction(coupons("warmup-single", 500));

        // Interleaved rounds, so that a neighbour's burst on this shared machine hits every approach alike.
        List<Measure> raw = new ArrayList<>();
        List<Measure> sinkWriter = new ArrayList<>();
        List<Measure> again = new ArrayList<>();
        List<Measure> single = new ArrayList<>();
        List<Measure> whole = new ArrayList<>();
        for (int round = 1; round <= ROUNDS; round++) {
            String suffix = "-" + round;
            raw.add(measure(rows, () -> rawBatch(coupons("raw" + suffix, rows))));
            sinkWriter.add(measure(rows, () -> writeThroughSink(writer, coupons("writer" + suffix, rows))));
            again.add(measure(rows, () -> writeThroughSink(writer, coupons("writer" + suffix, rows))));
            single.add(measure(singleRows, () -> rowPerTransaction(coupons("single" + suffix, singleRows))));
            whole.add(wholeSink(config.withGroupId(run + suffix), suffix, coupons("sink" + suffix, rows)));
        }

        System.out.println();
        System.out.printf("sink benchmark: %s, %d cores; median of %d interleaved rounds%n",
                serverVersion(), Runtime.getRuntime().availableProcessors(), ROUNDS);
        System.out.println("| approach | rows | seconds | rows/s | statements (INSERT / SELECT / COMMIT) | all rounds, rows/s |");
        System.out.println("|---|---:|---:|---:|---|---|");
        System.out.println(line("raw JDBC batch of " + BATCH + ", rewriteBatchedStatements, no read-back (ceiling)", raw));
        System.out.println(line("sink's CouponWriter: multi-row upsert per " + BATCH + " (+ read-back only if a row was already there)", sinkWriter));
        System.out.println(line("sink's CouponWriter given the same rows again (re-delivery: read-back and compare, nothing written)", again));
        System.out.println(line("one row per transaction, autocommit (naive consumer)", single));
        System.out.println(line("whole sink process draining a backlog: topic -> consumer (batch <= " + BATCH + ") -> table", whole));
    }

    private static final int ROUNDS = 3;

    /** One timed run: its rows, its time, and what the server counted meanwhile. */
    private record Measure(int rows, Duration took, long inserts, long selects, long commits, String note) {
        double rate() {
            return rows / (took.toNanos() / 1e9);
        }
    }

    private interface Timed {
        Duration run() throws Exception;
    }

    private Measure measure(int rows, Timed timed) throws Exception {
        Map<String, Long> before = serverCounters();
        Duration took = timed.run();
        Map<String, Long> after = serverCounters();
        return new Measure(rows, took, after.get("Com_insert") - before.get("Com_insert"),
                after.get("Com_select") - before.get("Com_select"), after.get("Com_commit") - before.get("Com_commit"), "");
    }

    private static String line(String approach, List<Measure> measures) {
        List<Measure> byRate = new ArrayList<>(measures);
        byRate.sort((a, b) -> Double.compare(a.rate(), b.rate()));
        Measure median = byRate.get(byRate.size() / 2);
        String rounds = String.join(", ", measures.stream()
                .map(m -> String.format(Locale.ROOT, "%,.0f", m.rate()) + (m.note().isEmpty() ? "" : " (" + m.note() + ")")).toList());
        return String.format(Locale.ROOT, "| %s | %,d | %.2f | %,.0f | %,d / %,d / %,d | %s |", approach, median.rows(),
                median.took().toNanos() / 1e9, median.rate(), median.inserts(), median.selects(), median.commits(), rounds);
    }

    /** Statement counters of the whole server (the benchmark is its only client while it measures). */
    private Map<String, Long> serverCounters() throws SQLException {
        Map<String, Long> counters = new java.util.HashMap<>();
        if (statusConnection == null) {
            // One connection for every look, so that opening it (the driver's own SELECT) is not counted.
            statusConnection = connect("");
        }
        try (ResultSet result = statusConnection.createStatement().executeQuery(
                "SHOW GLOBAL STATUS WHERE Variable_name IN ('Com_insert', 'Com_select', 'Com_commit')")) {
            while (result.next()) {
                counters.put(result.getString(1), result.getLong(2));
            }
        }
        return counters;
    }

    /** Coupons 1..count of a fresh event, for users u1..u{count}, as the streams-processor issues them. */
    private List<IssuedCoupon> coupons(String label, int count) {
        String event = run + "-" + label;
        return IntStream.rangeClosed(1, count).mapToObj(n -> new IssuedCoupon(event, "u" + n, n,
                UUID.nameUUIDFromBytes((event + n).getBytes(StandardCharsets.UTF_8)).toString(), ISSUED_AT.plusMillis(n))).toList();
    }

    private Connection connect(String parameters) throws SQLException {
        return DriverManager.getConnection(jdbcUrl + parameters, dbUser, dbPassword);
    }

    private static final String INSERT = "INSERT INTO " + SCRATCH + " (event_id, user_id, coupon_no, request_id, issued_at)"
            + " VALUES (?, ?, ?, ?, ?) ON DUPLICATE KEY UPDATE id = id";

    private static void bind(PreparedStatement statement, IssuedCoupon coupon) throws SQLException {
        statement.setString(1, coupon.eventId());
        statement.setString(2, coupon.userId());
        statement.setInt(3, coupon.couponNo());
        statement.setString(4, coupon.requestId());
        // The UTC wall time as text, as the sink binds it (issued_at is a DATETIME(3) holding UTC).
        statement.setString(5, CouponWriter.issuedAtText(coupon.issuedAt()));
    }

    /** The ceiling: the driver rewrites each batch of 500 into one multi-row INSERT; no read-back. */
    private Duration rawBatch(List<IssuedCoupon> coupons) throws SQLException {
        try (Connection db = connect("?rewriteBatchedStatements=true")) {
            db.setAutoCommit(false);
            long start = System.nanoTime();
            try (PreparedStatement insert = db.prepareStatement(INSERT)) {
                for (int i = 0; i < coupons.size(); i++) {
                    bind(insert, coupons.get(i));
                    insert.addBatch();
                    if ((i + 1) % BATCH == 0 || i == coupons.size() - 1) {
                        insert.executeBatch();
                        db.commit();
                    }
                }
            }
            return Duration.ofNanos(System.nanoTime() - start);
        }
    }

    private static Duration writeThroughSink(CouponWriter writer, List<IssuedCoupon> coupons) throws SQLException {
        long start = System.nanoTime();
        for (int from = 0; from < coupons.size(); from += BATCH) {
            writer.write(coupons.subList(from, Math.min(coupons.size(), from + BATCH)));
        }
        return Duration.ofNanos(System.nanoTime() - start);
    }

    private Duration rowPerTransaction(List<IssuedCoupon> coupons) throws SQLException {
        try (Connection db = connect("")) {
            db.setAutoCommit(true);
            long start = System.nanoTime();
            try (PreparedStatement insert = db.prepareStatement(INSERT)) {
                for (IssuedCoupon coupon : coupons) {
                    bind(insert, coupon);
                    insert.executeUpdate();
                }
            }
            return Duration.ofNanos(System.nanoTime() - start);
        }
    }

    /**
     * The sink process as deployed, draining a backlog: the coupons are produced first (as after a
     * spike, or while the database was away), then the sink starts; timed from the first row seen
     * in the table to the last, so neither producing nor joining the group is counted.
     */
    private Measure wholeSink(SinkConfig config, String suffix, List<IssuedCoupon> coupons) throws Exception {
        Topics topics = Topics.standard().withIssued(Topics.ISSUED + "-" + run + suffix);
        createTopics(topics);
        String event = coupons.get(0).eventId();
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(kafka.settings(Map.of(
                ProducerConfig.ACKS_CONFIG, "all",
                ProducerConfig.LINGER_MS_CONFIG, 5)),
                new ByteArraySerializer(), new ByteArraySerializer())) {
            List<Future<RecordMetadata>> sent = new ArrayList<>(coupons.size());
            for (IssuedCoupon coupon : coupons) {
                sent.add(send(producer, topics, coupon));
            }
            producer.flush();
            // A coupon the broker refused would hold the measurement for its 5 minutes: named at once instead.
            int lost = 0;
            Throwable why = null;
            for (Future<RecordMetadata> send : sent) {
                try {
                    send.get();
                } catch (ExecutionException e) {
                    lost++;
                    why = why == null ? e.getCause() : why;
                }
            }
            if (lost > 0) {
                throw new IllegalStateException(lost + " of " + coupons.size() + " coupons not written to " + topics.issued().name()
                        + ": " + why);
            }
        }
        try (App sink = App.start(config, topics, () -> {
            throw new IllegalStateException("the sink died");
        }); Connection db = connect("")) {
            long[] polls = {0};
            long[] firstSeen = {0};
            poll(Duration.ofSeconds(60), () -> {
                polls[0]++;
                firstSeen[0] = CouponRows.count(db, event);
                return firstSeen[0] > 0;
            });
            polls[0] = 0;
            Map<String, Long> before = serverCounters();
            long start = System.nanoTime();
            double batchesBefore = metric(sink, "sink_batch_seconds_count");
            double batchSecondsBefore = metric(sink, "sink_batch_seconds_sum");
            poll(Duration.ofMinutes(5), () -> {
                polls[0]++;
                return CouponRows.count(db, event) == coupons.size();
            });
            long nanos = System.nanoTime() - start;
            Map<String, Long> after = serverCounters();
            poll(Duration.ofSeconds(30), () -> metric(sink, "sink_consumer_lag_records") == 0);
            double batches = metric(sink, "sink_batch_seconds_count") - batchesBefore;
            double batchSeconds = metric(sink, "sink_batch_seconds_sum") - batchSecondsBefore;
            int rows = (int) (coupons.size() - firstSeen[0]);
            return new Measure(rows, Duration.ofNanos(nanos),
                    after.get("Com_insert") - before.get("Com_insert"),
                    // Without the benchmark's own COUNT(*) polls.
                    after.get("Com_select") - before.get("Com_select") - polls[0],
                    after.get("Com_commit") - before.get("Com_commit"),
                    String.format(Locale.ROOT, "%,.0f batches, %.1f ms each from poll to offset commit", batches, batchSeconds * 1000 / batches));
        }
    }

    /** Asks every 10 ms until the answer is yes; fails after {@code atMost}. */
    private static void poll(Duration atMost, Callable<Boolean> condition) throws Exception {
        long deadline = System.nanoTime() + atMost.toNanos();
        while (!condition.call()) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("still waiting after " + atMost);
            }
            TimeUnit.MILLISECONDS.sleep(10); // a poll with a deadline, not a blind wait
        }
    }

    /**
     * This run's issued topic, 3 partitions, and whichever of the stack's topics are missing; returns
     * once the broker serves them, so the first send does not race the creation.
     */
    private void createTopics(Topics topics) throws Exception {
        try (Admin admin = Admin.create(kafka.settings(Map.of()))) {
            topics.createAll(admin, 3);
            TopicLogs.await(admin, List.of(topics.issued().name()));
        }
    }

    private static double metric(App sink, String series) throws Exception {
        java.net.http.HttpResponse<String> response = java.net.http.HttpClient.newHttpClient().send(
                java.net.http.HttpRequest.newBuilder(java.net.URI.create("http://127.0.0.1:" + sink.port() + "/metrics")).build(),
                java.net.http.HttpResponse.BodyHandlers.ofString());
        return response.body().lines().filter(line -> line.startsWith(series + " "))
                .mapToDouble(line -> Double.parseDouble(line.substring(series.length() + 1))).findFirst().orElse(0);
    }

    private static Future<RecordMetadata> send(KafkaProducer<byte[], byte[]> producer, Topics topics, IssuedCoupon coupon) {
        return producer.send(new ProducerRecord<>(topics.issued().name(), coupon.eventId().getBytes(StandardCharsets.UTF_8),
                topics.issued().valueSerde().serializer().serialize(topics.issued().name(), coupon)));
    }

    private String serverVersion() throws SQLException {
        try (Connection db = connect(""); ResultSet result = db.createStatement().executeQuery("SELECT VERSION()")) {
            result.next();
            return result.getString(1);
        }
    }
}
