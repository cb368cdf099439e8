package firstcome.bench;

import static java.nio.charset.StandardCharsets.UTF_8;

import firstcome.contract.Environment;
import firstcome.contract.KafkaConnection;
import firstcome.contract.RedisAddress;
import firstcome.stackkit.ChildProcess;
import firstcome.stackkit.FreePorts;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.HdrHistogram.Histogram;

/**
 * {@code make bench}: the seed's three complaints measured on the local stack, each next to a
 * ceiling measured in the same run — the spike at the ingress (vs a bare Javalin handler and
 * Redis' own EVALSHA rate), time to persist, a replay through the topology (vs a plain consumer),
 * the sink (vs raw JDBC batches), unrelated reads during the spike (vs idle), each process's
 * resident memory, the shop's redemption and the draw, and a shopper token's verification (vs the
 * CPU of an accepted application). Prints a table, writes {@code bench/report.html} and, for a full run, the
 * figures section of {@code BENCHMARKS.md}.
 *
 * <p>Usage: {@code java -cp bench.jar firstcome.bench.Bench [--quick] [--record] [--baseline]}, from the
 * repository root, with the stack of {@code make up} running.
 */
public final class Bench {

    /** What one run does; the full run fits in 10 minutes on 2 cores, --quick in about 3. */
    record Settings(boolean quick, boolean record, String ingressUrl, String adminToken, String shopToken, String jdbcUrl, String dbUser,
                    String dbPassword, String bootstrap, String redisHost, int redisPort, boolean redisCluster, int requests, int limit,
                    int connections, int rounds, int idleSeconds, int replayRecords, int sinkRows, int redisRequests,
                    int readsPerSecond, String command, int drawEntrants, String processorUrl, Path processorStateDir) {

        static Settings of(List<String> args, Map<String, String> env) {
            boolean quick = args.contains("--quick");
            RedisAddress redis = RedisAddress.fromEnv(new Environment(env));
            return new Settings(quick, args.contains("--record") || !quick,
                    env.getOrDefault("INGRESS_URL", "http://localhost:" + env.getOrDefault("INGRESS_PORT", "8080")),
                    env.getOrDefault("ADMIN_TOKEN", "local-admin-token"),
                    env.getOrDefault("SHOP_TOKEN", "local-shop-token"),
                    env.getOrDefault("MYSQL_URL", "jdbc:mysql://localhost:3306/coupon"),
                    env.getOrDefault("MYSQL_USER", "coupon"),
                    env.getOrDefault("MYSQL_PASSWORD", "coupon"),
                    env.getOrDefault("KAFKA_BOOTSTRAP_SERVERS", "localhost:9092"),
                    redis.first().host(), redis.first().port(), redis.cluster(),
                    quick ? 20_000 : 60_000, 1_000, 64, 3, quick ? 5 : 10,
                    quick ? 100_000 : 300_000, quick ? 5_000 : 20_000, quick ? 100_000 : 300_000, 200,
                    env.getOrDefault("BENCH_COMMAND", "make bench" + (quick ? " ARGS=--quick" : "")),
                    quick ? 20_000 : 100_000,
                    env.getOrDefault("PROCESSOR_URL", "http://localhost:" + env.getOrDefault("PROCESSOR_PORT", "8081")),
                    Path.of(env.getOrDefault("PROCESSOR_STATE_DIR", ".local/streams")));
        }
    }

    /** One round of the spike: the bare handler and the ingress, back to back, same generator. */
    record Round(int number, SpikeLoad.Result bare, SpikeLoad.Result ingress, String eventId, int rows,
                 double lastAcceptToLastRowMillis, double lastAnswerToLastRowMillis, Histogram acceptToRow) {

        double ratio() {
            return ingress.rate() / bare.rate();
        }
    }

    /** Row 3: the topology's replay, and its ceiling ({@link ReplayCeiling}) over the same records. */
    record Replay(int records, double produceSeconds, double readSeconds, double streamsSeconds, double startupSeconds,
                  long issued, double ceilingSeconds, long ceilingIssued, int streamThreads, double streamsCpuSeconds,
                  double ceilingCpuSeconds) {
    }

    private final Settings settings;
    private final boolean baseline;
    private final long started = System.nanoTime();
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();

    private Bench(Settings settings, boolean baseline) {
        this.settings = settings;
        this.baseline = baseline;
    }

    public static void main(String[] args) throws Exception {
        new Bench(Settings.of(List.of(args), System.getenv()), List.of(args).contains("--baseline")).run();
    }

    private void run() throws Exception {
        Settings s = settings;
        requireHealthy(s.ingressUrl() + "/health", "the ingress (make up)");
        say(String.format("%s run: %,d applications per spike, limit %,d, %d connections, %d rounds; replay %,d records",
                s.quick() ? "quick" : "full", s.requests(), s.limit(), s.connections(), s.rounds(), s.replayRecords()));
        Map<String, String> versions = versions();
        String runId = Long.toString(System.currentTimeMillis(), 36);

        try (ProductReads reads = new ProductReads(s.jdbcUrl(), s.dbUser(), s.dbPassword(), s.readsPerSecond())) {
            reads.phase("idle");
            say(String.format("unrelated reads at rest: %d look-ups/s for %d s", s.readsPerSecond(), s.idleSeconds()));
            TimeUnit.SECONDS.sleep(s.idleSeconds());
            reads.phase("other");

            double redisRate = redisCeiling();

            List<Round> rounds = new ArrayList<>();
            Map<String, Long> rss;
            int barePort = FreePorts.next();
            ChildProcess bare = startBareServer(barePort);
            try {
                String bareUrl = "http://127.0.0.1:" + barePort + "/events/bench/applications";
                SpikeLoad load = new SpikeLoad(s.connections());
                // Warm-up: JIT and connections of both servers and of the generator; not reported.
                // (With a tenth of a round the first round still ran at a third of the later ones.)
                int warm = Math.max(10_000, s.requests() / 4);
                load.run("warm-up bare", bareUrl, "w" + runId + "-", warm, 0, null, this::say);
                String warmEvent = defineEvent("bench-" + runId + "-warm");
                try (CouponRows warmRows = new CouponRows(s.jdbcUrl(), s.dbUser(), s.dbPassword(), warmEvent)) {
                    load.run("warm-up ingress", applyUrl(warmEvent), "w-", warm, 0, null, this::say);
                    // The processor and the sink warm up on the warm-up event's coupons too: a stack
                    // started just before the run otherwise compiles its hot paths during round 1.
                    say(String.format("warm-up: waiting for the warm-up event's %,d coupons in MySQL", s.limit()));
                    if (!warmRows.awaitRows(s.limit(), 120_000)) {
                        say("warm-up: only " + warmRows.rows() + " rows after 120 s; measuring anyway");
                    }
                }
                rss = Map.of();
                for (int r = 1; r <= s.rounds(); r++) {
                    // The same load at a handler that touches no database: what the CPU share alone costs the reads.
                    reads.phase("bare-spike");
                    SpikeLoad.Result bareResult = load.run("round " + r + " bare", bareUrl, "b" + runId + r + "-",
                            s.requests(), 0, null, this::say);
                    reads.phase("other");
                    // Coordinated-omission correction for the ingress: the bare handler's pace in this round.
                    long expectedMicros = bareResult.expectedIntervalMicros();
                    String event = defineEvent("bench-" + runId + "-r" + r);
                    try (CouponRows rows = new CouponRows(s.jdbcUrl(), s.dbUser(), s.dbPassword(), event)) {
                        reads.phase("spike");
                        String prefix = "u-";
                        SpikeLoad.Result ingress = load.run("round " + r + " ingress", applyUrl(event), prefix,
                                s.requests(), expectedMicros, null, this::say);
                        reads.phase("other");
                        rss = residentMemory();
                        boolean complete = rows.awaitRows(s.limit(), 60_000);
                        rounds.add(round(r, bareResult, ingress, event, prefix, rows, complete));
                    }
                    Round last = rounds.get(rounds.size() - 1);
                    say(String.format("round %d: bare %,.0f req/s, ingress %,.0f req/s (%.2f× bare), %d rows, "
                                    + "last 202 → last row %.0f ms", r, bareResult.rate(), last.ingress().rate(),
                            last.ratio(), last.rows(), last.lastAcceptToLastRowMillis()));
                }
            } finally {
                bare.stop(Duration.ofSeconds(10));
            }

            CostBenchmark.Result cost = costBenchmark("bench-" + runId + "-cost");

            say(String.format("shop: %,d applications, then %,d redemptions of their coupons, %d connections",
                    s.limit(), s.limit(), s.connections()));
            List<ShopBenchmark.Phase> shop = new ShopBenchmark(s.ingressUrl(), s.shopToken(), s.jdbcUrl(), s.dbUser(),
                    s.dbPassword(), s.connections()).run(defineEvent("bench-" + runId + "-shop"), s.limit());
            shop.forEach(phase -> say("shop: " + phase.name() + ": " + phase.row()));

            // In this JVM, on one thread: the stack is idle meanwhile (the shop phases have their rows).
            VerificationBenchmark.Result verification = verificationBenchmark(shop.isEmpty() ? null : shop.get(0));

            reads.phase("draw");
            DrawBenchmark.Result draw = drawBenchmark("bench-" + runId + "-draw");

            reads.phase("replay");
            Replay replay = replayOrNone();
            reads.phase("sink");
            List<String> sinkTable = sinkBenchmark();
            reads.phase("open-model");
            OpenModelRun.Result openModel = openModel(runId);
            BaselineComparison.Result versus = baseline ? baselineComparison(runId) : null;
            reads.phase("done");

            Report report = new Report(s, versions, redisRate, rounds, shop, verification, draw, replay, sinkTable,
                    reads.histogram("idle"), reads.histogram("bare-spike"), reads.histogram("spike"), rss,
                    elapsedSeconds()).cost(cost).baseline(versus);
            report.withOpenModel(openModel);
            String table = report.markdown();
            System.out.println();
            System.out.println(table);
            Path html = Path.of("bench", "report.html");
            Files.writeString(html, report.html());
            say("report: " + html.toAbsolutePath());
            if (s.record()) {
                report.writeInto(Path.of("BENCHMARKS.md"));
                say("figures written to BENCHMARKS.md");
            } else {
                Path md = Path.of("bench", "target", "bench-quick.md");
                Files.createDirectories(md.getParent());
                Files.writeString(md, table);
                say("quick run: figures in " + md + " (BENCHMARKS.md unchanged; --record writes them)");
            }
        }
        say(String.format("done in %.0f s", elapsedSeconds()));
    }

    private Round round(int number, SpikeLoad.Result bare, SpikeLoad.Result ingress, String event, String prefix,
                        CouponRows rows, boolean complete) {
        if (!complete) {
            say("round " + number + ": only " + rows.rows() + " rows after 60 s");
        }
        Histogram toRow = new Histogram(TimeUnit.SECONDS.toMicros(120), 3);
        for (int i = 0; i < ingress.requests(); i++) {
            if (ingress.status()[i] == 202) {
                Long seen = rows.seenAt(prefix + i);
                if (seen != null) {
                    toRow.recordValue(Math.max(1, Math.min((seen - ingress.answeredAt()[i]) / 1000, toRow.getHighestTrackableValue())));
                }
            }
        }
        long lastRow = rows.lastRowNanos();
        long lastAccept = ingress.lastAcceptNanos();
        return new Round(number, bare, ingress, event, rows.rows(), (lastRow - lastAccept) / 1e6,
                Math.max(0, (lastRow - ingress.endNanos()) / 1e6), toRow);
    }

    // --- ceilings and side measurements ------------------------------------------------------

    /** The ingress's gate script, read from its source tree (bench runs from the repository root). */
    static final Path ADMIT_SCRIPT = Path.of("ingress", "src", "main", "resources", "firstcome", "ingress", "gate", "admit.lua");

    /**
     * Redis' own rate for the gate's script (the ingress's {@code admit.lua}, with a pending request
     * of a real request's size, as the ingress calls it), via redis-benchmark.
     */
    private double redisCeiling() throws Exception {
        String admit = Files.readString(ADMIT_SCRIPT);
        String[] keys = {"fc-bench:{gate}:users", "fc-bench:{gate}:count", "fc-bench:{gate}:releases",
                "fc-bench:{gate}:pending"};
        String host = settings.redisHost();
        String port = Integer.toString(settings.redisPort());
        if (settings.redisCluster()) {
            // One event's keys live on one master (their hash tag): measure that master, as the ingress uses it.
            String node = masterOf(host, port, keys[1]);
            host = node.substring(0, node.lastIndexOf(':'));
            port = node.substring(node.lastIndexOf(':') + 1);
        }
        List<String> cli = List.of("redis-cli", "-h", host, "-p", port);
        String sha = exec(concat(cli, "SCRIPT", "LOAD", admit)).trim();
        String request = "{\"requestId\":\"00000000-0000-0000-0000-000000000000\",\"eventId\":\"gate\","
                + "\"userId\":\"user:000000000000\",\"receivedAt\":\"2026-11-25T00:00:00.000Z\"}";
        // The ingress primes an event's count; without it the script reports the event's state as lost.
        exec(concat(cli, "SET", keys[1], "0"));
        say(String.format("gate ceiling: redis-benchmark EVALSHA of the gate script, %,d calls, %d clients%s",
                settings.redisRequests(), settings.connections(),
                settings.redisCluster() ? ", on the cluster's master of the event's slot, " + host + ":" + port : ""));
        List<String> command = new ArrayList<>(List.of("redis-benchmark", "-h", host, "-p", port,
                "-c", Integer.toString(settings.connections()), "-n", Integer.toString(settings.redisRequests()),
                "-r", "100000000", "-q", "EVALSHA", sha, Integer.toString(keys.length)));
        command.addAll(Arrays.asList(keys));
        command.addAll(List.of("user:__rand_int__", "1000000000", request));
        String out = exec(command);
        List<String> del = concat(cli, "DEL");
        del.addAll(Arrays.asList(keys));
        exec(del);
        Matcher m = Pattern.compile("([0-9.]+) requests per second").matcher(out);
        double rate = Double.NaN;
        while (m.find()) {
            rate = Double.parseDouble(m.group(1));
        }
        say(String.format("gate ceiling: %,.0f EVALSHA/s", rate));
        return rate;
    }

    /** The {@code host:port} of the cluster's master that serves {@code key}'s slot, from {@code CLUSTER NODES}. */
    private static String masterOf(String host, String port, String key) throws Exception {
        List<String> cli = List.of("redis-cli", "-h", host, "-p", port);
        int slot = Integer.parseInt(exec(concat(cli, "CLUSTER", "KEYSLOT", key)).trim());
        for (String line : exec(concat(cli, "CLUSTER", "NODES")).split("\n")) {
            String[] fields = line.trim().split(" ");
            if (fields.length < 9 || !fields[2].contains("master")) {
                continue;
            }
            for (int i = 8; i < fields.length; i++) {
                String[] range = fields[i].split("-");
                if (!range[0].matches("\\d+")) {
                    continue; // a slot being imported or migrated: [slot->-node]
                }
                int from = Integer.parseInt(range[0]);
                int to = range.length > 1 ? Integer.parseInt(range[1]) : from;
                if (from <= slot && slot <= to) {
                    return fields[1].split("@")[0];
                }
            }
        }
        throw new IllegalStateException("no master of the Redis Cluster at " + host + ":" + port + " serves slot " + slot);
    }

    private static List<String> concat(List<String> command, String... more) {
        return StackCalls.concat(command, more);
    }

    private ChildProcess startBareServer(int port) throws Exception {
        ChildProcess p = BareServer.launch(List.of("-Xmx512m"), port, benchJar(), Path.of("bench", "target", "bare-server.log"));
        say("bare Javalin handler (the HTTP ceiling) on port " + port + ", pid " + p.pid());
        return p;
    }

    /** The replay's row, or {@code null} (left out, the rest of the run goes on) when it fails or stalls. */
    private Replay replayOrNone() {
        try {
            return replay();
        } catch (Exception e) {
            say("replay failed (" + e.getMessage() + "); its row is left out");
            return null;
        }
    }

    private Replay replay() throws Exception {
        Path processorJar = stableCopy(serviceJar("streams-processor"), Path.of("bench", "target", "replay-streams-processor.jar"));
        say(String.format("replay: %,d requests through the topology in its own JVM (%s)", settings.replayRecords(),
                processorJar));
        List<String> command = List.of(ChildProcess.java(), "-Xmx1g", "-cp", processorJar + ":" + benchJar(),
                "-Dlog4j2.level=WARN", ReplayRun.class.getName(), settings.bootstrap(),
                Integer.toString(settings.replayRecords()), "100", Integer.toString(settings.limit()));
        String[] result = new String[1];
        List<String> tail = new ArrayList<>();
        int rc = stream(command, Map.of(), line -> {
            if (line.startsWith("REPLAY ")) {
                result[0] = line;
            } else if (line.startsWith("bench: ")) {
                say(line.substring("bench: ".length()));
            } else if (!line.startsWith("\tat ")) {
                tail.add(line);
            }
        });
        if (rc != 0 || result[0] == null) {
            tail.subList(0, Math.max(0, tail.size() - 20)).clear();
            tail.forEach(l -> say("replay: " + l));
            throw new IllegalStateException("the replay failed (exit " + rc + ")");
        }
        Map<String, String> kv = new LinkedHashMap<>();
        for (String pair : result[0].substring("REPLAY ".length()).split(" ")) {
            String[] p = pair.split("=", 2);
            kv.put(p[0], p[1]);
        }
        return new Replay(Integer.parseInt(kv.get("records")), Double.parseDouble(kv.get("produceSeconds")),
                Double.parseDouble(kv.get("readSeconds")), Double.parseDouble(kv.get("streamsSeconds")),
                Double.parseDouble(kv.get("startupSeconds")), Long.parseLong(kv.get("issued")),
                Double.parseDouble(kv.get("ceilingSeconds")), Long.parseLong(kv.get("ceilingIssued")),
                Integer.parseInt(kv.get("streamThreads")), Double.parseDouble(kv.get("streamsCpuSeconds")),
                Double.parseDouble(kv.get("ceilingCpuSeconds")));
    }

    /**
     * The cost of one coupon end to end and its irreducible parts ({@link CostBenchmark}): an accept
     * phase of 20,000 applications (10,000 with --quick); {@code null} (its row left out) when it fails.
     */
    private CostBenchmark.Result costBenchmark(String event) {
        try {
            Path processorJar = stableCopy(serviceJar("streams-processor"), Path.of("bench", "target", "cost-streams-processor.jar"));
            Path sinkJar = stableCopy(serviceJar("sink"), Path.of("bench", "target", "cost-sink.jar"));
            return new CostBenchmark(settings, settings.quick() ? 10_000 : 20_000, this::say)
                    .run(event, benchJar(), processorJar, sinkJar, settings.quick() ? 50_000 : 100_000);
        } catch (Exception e) {
            say("cost benchmark failed (" + e + "); its row is left out");
            return null;
        }
    }

    /**
     * With --baseline: the accept phase with the baseline revision's service jars against this
     * build's ({@link BaselineComparison}), 2 interleaved rounds of 20,000 applications (5,000 with
     * --quick); {@code null} (its row left out) when it fails.
     */
    private BaselineComparison.Result baselineComparison(String runId) {
        try {
            return new BaselineComparison(settings, settings.quick() ? 5_000 : 20_000, this::say).run("bench-" + runId + "-vs", 2);
        } catch (Exception e) {
            say("baseline comparison failed (" + e + "); its row is left out");
            return null;
        }
    }

    /**
     * The draw of {@code drawEntrants} entrants in a 10 s window ({@link DrawBenchmark}), written
     * straight to the stack's topics; {@code null} (its row left out) when it fails.
     */
    private DrawBenchmark.Result drawBenchmark(String event) {
        KafkaConnection kafka = KafkaConnection.fromEnv(Map.of(KafkaConnection.BOOTSTRAP_SERVERS, settings.bootstrap(),
                KafkaConnection.CLIENT_CONFIG, System.getenv().getOrDefault(KafkaConnection.CLIENT_CONFIG, "")));
        try {
            return new DrawBenchmark(kafka, settings.ingressUrl(), settings.adminToken(), settings.processorUrl(),
                    settings.processorStateDir(), settings.drawEntrants(), 10, settings.limit(), settings.limit() / 10, this::say)
                    .run(event);
        } catch (Exception e) {
            say("draw benchmark failed (" + e + "); its row is left out");
            return null;
        }
    }

    /**
     * The open model ({@link OpenModelRun}): applications at a fixed rate, 1×, 2× and 4× what a
     * closed-loop probe sustains; {@code null} (its rows left out) when it fails.
     */
    private OpenModelRun.Result openModel(String runId) {
        try {
            return new OpenModelRun(settings, this::say).run(runId);
        } catch (Exception e) {
            say("open model failed (" + e + "); its rows are left out");
            return null;
        }
    }

    /**
     * The cost of verifying a shopper's token ({@link VerificationBenchmark}), next to the shop's
     * apply phase of this run; {@code null} (its rows left out) when it fails.
     */
    private VerificationBenchmark.Result verificationBenchmark(ShopBenchmark.Phase apply) {
        try {
            VerificationBenchmark.Result result = VerificationBenchmark.run(settings.quick(), line -> say("verification: " + line));
            result.lines(apply).forEach(line -> say("verification: " + line));
            return result;
        } catch (Exception e) {
            say("verification benchmark failed (" + e + "); its rows are left out");
            return null;
        }
    }

    /** SinkBenchmark in its own JVM, the sink's jar on its class path, against this stack's MySQL and Kafka. */
    private List<String> sinkBenchmark() throws Exception {
        Path sinkJar = stableCopy(serviceJar("sink"), Path.of("bench", "target", "sink-benchmark-sink.jar"));
        say(String.format("sink: SinkBenchmark %d against the stack's MySQL and Kafka, in its own JVM (%s)",
                settings.sinkRows(), sinkJar));
        // Both jars bring an SLF4J backend: the sink's own logging (log4j) is the one to see, without a notice about it.
        List<String> command = List.of(ChildProcess.java(), "-Xmx1g", "-Dslf4j.provider=org.apache.logging.slf4j.SLF4JServiceProvider",
                "-Dslf4j.internal.verbosity=WARN", "-cp", sinkJar + ":" + benchJar(),
                SinkBenchmark.class.getName(), Integer.toString(settings.sinkRows()));
        List<String> table = new ArrayList<>();
        int rc = stream(command, Map.of("MYSQL_URL", settings.jdbcUrl(), "MYSQL_USER", settings.dbUser(),
                "MYSQL_PASSWORD", settings.dbPassword(), "KAFKA_BOOTSTRAP_SERVERS", settings.bootstrap()),
                line -> {
                    if (line.startsWith("|") || line.startsWith("sink benchmark:")) {
                        table.add(line);
                    } else if (!line.isBlank()) {
                        say("sink: " + line);
                    }
                });
        if (rc != 0) {
            say("sink benchmark failed (exit " + rc + "); its section is left out");
        }
        return table;
    }

    /** VmRSS of every process make up started, from .local/pids and /proc. */
    private Map<String, Long> residentMemory() {
        Map<String, Long> rss = new LinkedHashMap<>();
        for (String name : List.of("ingress", "streams-processor", "sink", "kafka", "redis", "mysql")) {
            try {
                Path pidFile = Path.of(".local", "pids", name + ".pid");
                String pid = Files.readString(pidFile).trim().split("\\s+")[0];
                for (String line : Files.readAllLines(Path.of("/proc", pid, "status"))) {
                    if (line.startsWith("VmRSS:")) {
                        rss.put(name, Long.parseLong(line.replaceAll("[^0-9]", "")));
                    }
                }
            } catch (IOException | RuntimeException e) {
                rss.put(name, -1L);
            }
        }
        return rss;
    }

    private Map<String, String> versions() {
        Map<String, String> v = new LinkedHashMap<>();
        v.put("java", System.getProperty("java.runtime.version"));
        v.put("kafka", org.apache.kafka.common.utils.AppInfoParser.getVersion());
        try {
            String info = exec(List.of("redis-cli", "-h", settings.redisHost(), "-p",
                    Integer.toString(settings.redisPort()), "INFO", "server"));
            Matcher m = Pattern.compile("redis_version:(\\S+)").matcher(info);
            v.put("redis", m.find() ? m.group(1) : "?");
        } catch (Exception e) {
            v.put("redis", "?");
        }
        try (Connection db = DriverManager.getConnection(settings.jdbcUrl(), settings.dbUser(), settings.dbPassword());
             ResultSet r = db.createStatement().executeQuery("SELECT VERSION()")) {
            r.next();
            v.put("mysql", r.getString(1));
        } catch (Exception e) {
            v.put("mysql", "?");
        }
        v.put("cores", Integer.toString(Runtime.getRuntime().availableProcessors()));
        try {
            String mem = Files.readAllLines(Path.of("/proc/meminfo")).get(0).replaceAll("[^0-9]", "");
            v.put("memory", String.format("%.0f GiB", Long.parseLong(mem) / 1024.0 / 1024.0));
        } catch (Exception e) {
            v.put("memory", "?");
        }
        v.put("date", Instant.now().toString().substring(0, 16) + "Z");
        return v;
    }

    // --- plumbing -----------------------------------------------------------------------------

    private String defineEvent(String eventId) throws Exception {
        return StackCalls.defineEvent(http, settings, eventId, settings.limit());
    }

    private String applyUrl(String eventId) {
        return StackCalls.applyUrl(settings, eventId);
    }

    private void requireHealthy(String url, String what) {
        if (!healthy(url)) {
            throw new IllegalStateException(what + " does not answer at " + url + ": start the stack with make up");
        }
    }

    private boolean healthy(String url) {
        try {
            return http.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(2)).build(),
                    HttpResponse.BodyHandlers.discarding()).statusCode() == 200;
        } catch (Exception e) {
            return false;
        }
    }

    private static String exec(List<String> command) throws Exception {
        return StackCalls.exec(command);
    }

    private static int stream(List<String> command, Map<String, String> env, Consumer<String> lines) throws Exception {
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.environment().putAll(env);
        Process p = builder.start();
        try (BufferedReader reader = new BufferedReader(new InputStreamReader(p.getInputStream(), UTF_8))) {
            for (String line = reader.readLine(); line != null; line = reader.readLine()) {
                lines.accept(line);
            }
        }
        return p.waitFor();
    }

    private static String benchJar() throws Exception {
        return Path.of(Bench.class.getProtectionDomain().getCodeSource().getLocation().toURI()).toString();
    }

    /**
     * Copies a jar that other builds in the same tree may rewrite at any moment (a JVM loading
     * classes from a jar that is being replaced fails), and checks the copy is a whole zip.
     */
    private Path stableCopy(Path jar, Path copy) throws Exception {
        for (int attempt = 1; attempt <= 30; attempt++) {
            Files.copy(jar, copy, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            try (var zip = new java.util.zip.ZipFile(copy.toFile())) {
                if (zip.size() > 0) {
                    return copy;
                }
            } catch (IOException e) {
                say("waiting for " + jar + " (being rebuilt): " + e.getMessage());
            }
            TimeUnit.SECONDS.sleep(2);
        }
        throw new IllegalStateException(jar + " stayed unreadable for a minute");
    }

    /** A service's runnable jar, {@code <module>/target/<module>.jar}. */
    private static Path serviceJar(String module) {
        Path jar = Path.of(module, "target", module + ".jar");
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException("no " + jar + " (make build)");
        }
        return jar;
    }

    private double elapsedSeconds() {
        return (System.nanoTime() - started) / 1e9;
    }

    private void say(String line) {
        System.out.printf("bench [%4.0fs] %s%n", elapsedSeconds(), line);
        System.out.flush();
    }
}
