package firstcome.bench;

import static java.nio.charset.StandardCharsets.UTF_8;

import firstcome.stackkit.ChildProcess;
import firstcome.stackkit.FreePorts;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.http.HttpClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * The cost of one coupon end to end (issue 20): the CPU every process of the stack spends per
 * accepted-and-persisted application during an accept phase long enough to measure, next to the sum
 * of the irreducible parts measured alone in the same run — one gate script call (Redis), one
 * {@code acks=all} produce in batches and one decision's store reads and writes under exactly-once
 * ({@link KafkaPartsCost}), one row of the sink's batched upsert ({@link UpsertCost}).
 *
 * <p>The accept phase: a fresh event with limit {@code applications}, that many distinct users from
 * {@code connections} connections of wrk in a closed loop ({@link WrkAccept}; every one accepted), CPU ({@code /proc/<pid>/stat}
 * of the pids in {@code .local/pids}, as row 7 reads it) from the first request until the event's
 * last row is in MySQL. The table is counted only after the last answer, every 100 ms, so the
 * measuring itself costs MySQL little; the unrelated reads of row 5 (200 a second) run throughout.
 *
 * <p>Beside the parts, and not one of them (issue 20 names four): the HTTP request alone at the
 * phase's own rate ({@link HttpCost}), the one piece of every coupon's path the parts leave out.
 */
final class CostBenchmark {

    /** What one run measured. {@code parts} in the order of the path; a part that failed is missing. */
    record Result(int applications, int accepted, int rows, double acceptSeconds, double persistedSeconds,
                  Map<String, Double> cpuByProcess, Map<String, Double> compilersByProcess, List<PartCost> parts, String load,
                  double generatorMicros, HttpCost http) {

        double microsPerCoupon() {
            return cpuByProcess.values().stream().mapToDouble(Double::doubleValue).sum() * 1e6 / rows;
        }

        /** Of {@link #microsPerCoupon()}, the JIT compiler threads' (the parts leave theirs out). */
        double compilerMicrosPerCoupon() {
            return compilersByProcess.values().stream().mapToDouble(Double::doubleValue).sum() * 1e6 / rows;
        }

        double partsMicros() {
            return parts.stream().mapToDouble(PartCost::microsPerOperation).sum();
        }

        double acceptRate() {
            return accepted / acceptSeconds;
        }

        String[] row() {
            StringBuilder processes = new StringBuilder();
            cpuByProcess.forEach((process, seconds) -> processes.append(processes.length() == 0 ? "" : ", ")
                    .append(String.format(Locale.ROOT, "%s %.0f", process, seconds * 1e6 / rows)));
            StringBuilder sum = new StringBuilder();
            for (PartCost part : parts) {
                sum.append(sum.length() == 0 ? "" : "; ").append(String.format(Locale.ROOT, "%s %.1f (%s; %,d alone)",
                        part.name(), part.microsPerOperation(), part.sides(), part.operations()));
            }
            StringBuilder compiled = new StringBuilder();
            compilersByProcess.forEach((process, seconds) -> {
                if (seconds > 0) {
                    compiled.append(compiled.length() == 0 ? "" : ", ")
                            .append(String.format(Locale.ROOT, "%s %.0f", process, seconds * 1e6 / rows));
                }
            });
            String ratio = parts.size() < 4 ? "— (parts missing)"
                    : String.format(Locale.ROOT, "%.2f× (goal ≤ 3×); %.2f× without the stack's JIT compiler threads' time, "
                            + "counted as the parts are (at most: a compiler thread that ended meanwhile is missed)",
                            microsPerCoupon() / partsMicros(),
                            (microsPerCoupon() - compilerMicrosPerCoupon()) / partsMicros())
                            + (http == null ? "" : String.format(Locale.ROOT,
                                    "; against the parts plus the HTTP request: %.2f×, and %.2f× without the stack's JIT "
                                            + "compiler threads' time",
                                    microsPerCoupon() / (partsMicros() + http.microsPerRequest()),
                                    (microsPerCoupon() - compilerMicrosPerCoupon()) / (partsMicros() + http.microsPerRequest())));
            return new String[] {String.format(Locale.ROOT, "1. cost per coupon: CPU of the whole stack per accepted-and-persisted "
                    + "application, an accept phase of %,d (limit %,d; wrk, 64 connections), first request → last row in MySQL",
                    applications, applications),
                    String.format(Locale.ROOT, "%.0f µs per coupon (%s µs), of it the JIT compiler threads' at least %.0f µs (%s) · "
                            + "%,.0f accepted/s, last row %.1f s after the start · "
                            + "%,d accepted, %,d rows · load average %s · the generator (wrk, not counted) %.0f µs per application",
                            microsPerCoupon(), processes, compilerMicrosPerCoupon(), compiled.length() == 0 ? "none" : compiled,
                            acceptRate(), persistedSeconds, accepted, rows, load, generatorMicros),
                    String.format(Locale.ROOT, "the irreducible parts, each alone in this run: %.1f µs (%s µs)", partsMicros(), sum)
                            + (http == null ? "" : " · not one of the parts, " + http.describe()),
                    ratio};
        }

        /** A stacked bar per side: the stack's processes per coupon, and the irreducible parts. */
        String html() {
            List<String> colours = List.of("#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b");
            Map<String, Double> e2e = new LinkedHashMap<>();
            cpuByProcess.forEach((process, seconds) -> e2e.put(process, seconds * 1e6 / rows));
            Map<String, Double> irreducible = new LinkedHashMap<>();
            parts.forEach(part -> irreducible.put(part.name() + " (" + part.sides() + ")", part.microsPerOperation()));
            Map<String, Double> withHttp = new LinkedHashMap<>(irreducible);
            if (http != null) {
                withHttp.put("the HTTP request alone (a bare Javalin handler)", http.microsPerRequest());
            }
            double max = Math.max(microsPerCoupon(), partsMicros() + (http == null ? 0 : http.microsPerRequest()));
            int width = 1000;
            int left = 170;
            double scale = (width - left - 20) / Math.max(max, 1e-9);
            StringBuilder svg = new StringBuilder(String.format(Locale.ROOT,
                    "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" style=\"background:#fff\">", width,
                    http == null ? 150 : 210));
            bar(svg, "end to end, per coupon", 10, e2e, colours, left, scale);
            bar(svg, "irreducible parts", 70, irreducible, colours, left, scale);
            if (http != null) {
                bar(svg, "parts + HTTP request", 130, withHttp, colours, left, scale);
            }
            svg.append("</svg>");
            StringBuilder h = new StringBuilder("<h2>The cost of one coupon (µs of CPU)</h2><p>")
                    .append(String.format(Locale.ROOT, "Above: every process of the stack per accepted-and-persisted application "
                                    + "(%,d applications, %,.0f accepted/s, load average %s). Below: the irreducible parts, "
                                    + "each measured alone in the same run. Ratio %.2f× (goal ≤ 3×); at least %.0f µs of the stack's "
                                    + "were its JIT compiler threads', which the parts leave out: without them at most %.2f×.",
                            applications, acceptRate(), load, microsPerCoupon() / partsMicros(), compilerMicrosPerCoupon(),
                            (microsPerCoupon() - compilerMicrosPerCoupon()) / partsMicros()))
                    .append(http == null ? "" : String.format(Locale.ROOT, " Last bar: the parts and, not one of them, "
                                    + "%s: %.2f× against it.", http.describe(),
                            microsPerCoupon() / (partsMicros() + http.microsPerRequest())))
                    .append("</p>").append(svg);
            for (Map<String, Double> side : List.of(e2e, http == null ? irreducible : withHttp)) {
                h.append("<div class=\"legend\">");
                int i = 0;
                for (var segment : side.entrySet()) {
                    h.append(String.format(Locale.ROOT, "<span><i class=\"sw\" style=\"background:%s;height:10px\"></i>%s %.1f µs</span>",
                            colours.get(i++ % colours.size()), segment.getKey(), segment.getValue()));
                }
                h.append("</div>");
            }
            return h.toString();
        }

        private static void bar(StringBuilder svg, String label, int y, Map<String, Double> segments, List<String> colours,
                                int left, double scale) {
            svg.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" font-size=\"12\" text-anchor=\"end\">%s</text>",
                    left - 8, y + 26, label));
            double x = left;
            int i = 0;
            double total = 0;
            for (var segment : segments.entrySet()) {
                double w = segment.getValue() * scale;
                svg.append(String.format(Locale.ROOT, "<rect x=\"%.1f\" y=\"%d\" width=\"%.1f\" height=\"40\" fill=\"%s\">"
                                + "<title>%s %.1f µs</title></rect>", x, y, Math.max(0, w), colours.get(i++ % colours.size()),
                        segment.getKey(), segment.getValue()));
                if (w > 40) {
                    svg.append(String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%d\" font-size=\"11\" fill=\"#fff\" "
                            + "text-anchor=\"middle\">%.0f</text>", x + w / 2, y + 25, segment.getValue()));
                }
                x += Math.max(0, w);
                total += segment.getValue();
            }
            svg.append(String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%d\" font-size=\"12\">%.0f µs</text>", x + 6, y + 26, total));
        }
    }

    /**
     * The HTTP request alone at the accept phase's rate: a bare Javalin handler ({@link BareServer})
     * started with the ingress's JVM options, warmed up in a closed loop, then sent {@code requests}
     * at about the phase's rate (wrk, the phase's connections, each pacing its requests, the pace set
     * by as long a paced run before, not measured); its JVM's CPU
     * over them, its JIT compiler threads' left out as the parts' are (a compiler thread that ended
     * meanwhile is missed: at most). Every coupon is first such a request, and what one costs depends
     * on the rate: at a few thousand a second requests share fewer of the server's wake-ups than at
     * tens of thousands.
     */
    record HttpCost(int requests, double rate, double cpuSeconds, List<String> jvmOptions) {

        double microsPerRequest() {
            return cpuSeconds * 1e6 / requests;
        }

        String describe() {
            return String.format(Locale.ROOT, "the HTTP request alone at this phase's rate: a bare Javalin handler with the "
                    + "ingress's JVM options (%s) at most %.1f µs per request (%,d at %,.0f/s, after a warm-up; its JIT compiler "
                    + "threads' time left out as the parts' is)",
                    String.join(" ", jvmOptions), microsPerRequest(), requests, rate);
        }
    }

    /** Applications of the warm-up before the measured phase, per measured application. */
    static final int WARM_UP = 2;

    private final Bench.Settings settings;
    private final int applications;
    private final Consumer<String> say;
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();

    CostBenchmark(Bench.Settings settings, int applications, Consumer<String> say) {
        this.settings = settings;
        this.applications = applications;
        this.say = say;
    }

    /**
     * The accept phase on {@code event} (defined here with limit {@code applications}), then the
     * parts: the gate here, the others in JVMs of their own with the service jars given.
     */
    Result run(String event, String benchJar, Path processorJar, Path sinkJar, int partRecords) throws Exception {
        define(event);
        say.accept(String.format("cost: %,d applications from distinct users to %s (limit %,d), %d connections",
                applications, event, applications, settings.connections()));
        // Twice as many applications before, not measured: until then the spike's rounds ran the accept
        // path for only their first 1,000 applications each, and every JVM of the stack is still
        // compiling it (BENCHMARKS.md, "The cost of one coupon on a warm stack").
        WrkAccept load = new WrkAccept(settings.connections());
        String warm = event + "-warm";
        StackCalls.defineEvent(http, settings, warm, WARM_UP * applications);
        WrkAccept.Result warmed = load.run("cost warm-up", settings.ingressUrl(), warm, "w", WARM_UP * applications, say);
        awaitRows(warm, warmed.accepted(), System.nanoTime());
        // The compiling the warm-up started goes on once it is over, and the processes' CPU counts it:
        // the phase measures a quiet stack (Quiescence).
        new Quiescence().await("cost", Quiescence.MAX_WAIT_SECONDS, say);
        StackCpu before = StackCpu.read();
        WrkAccept.Result phase = load.run("cost accept phase", settings.ingressUrl(), event, "c", applications, say);
        // Rows for the 202s: an application refused with a 503 counted nothing and has none.
        int rows = awaitRows(event, phase.accepted(), phase.startNanos());
        long persisted = System.nanoTime();
        StackCpu after = StackCpu.read();
        Map<String, Double> cpu = after.since(before);
        Map<String, Double> compilers = after.compilersSince(before);
        String loadAverage = loadAverage();
        int accepted = phase.accepted();
        say.accept(String.format("cost: %,d accepted, %,d rows; %s; of it the JIT compilers' %s", accepted, rows, cpu, compilers));

        List<PartCost> parts = new ArrayList<>();
        part(parts, "gate", this::gate);
        part(parts, "produce and store", () -> child(List.of(ChildProcess.java(), "-Xmx1g", "-Dlog4j2.level=WARN", "-cp",
                processorJar + ":" + benchJar, KafkaPartsCost.class.getName(), settings.bootstrap(), Integer.toString(partRecords)),
                Map.of()));
        part(parts, "upsert", () -> child(List.of(ChildProcess.java(), "-Xmx1g",
                "-Dslf4j.provider=org.apache.logging.slf4j.SLF4JServiceProvider", "-Dslf4j.internal.verbosity=WARN",
                "-Dlog4j2.level=WARN", "-cp", sinkJar + ":" + benchJar, UpsertCost.class.getName(),
                Integer.toString(Math.max(10_000, applications))),
                Map.of("MYSQL_URL", settings.jdbcUrl(), "MYSQL_USER", settings.dbUser(), "MYSQL_PASSWORD", settings.dbPassword(),
                        "KAFKA_BOOTSTRAP_SERVERS", settings.bootstrap())));
        parts.forEach(p -> say.accept(String.format("cost: part %s: %.1f µs per operation (%s)", p.name(), p.microsPerOperation(), p.sides())));
        HttpCost httpAlone = null;
        try {
            httpAlone = http(benchJar, phase.answered() / phase.seconds());
            say.accept("cost: " + httpAlone.describe());
        } catch (Exception e) {
            say.accept("cost: the HTTP request alone failed (" + e + "); left out");
        }
        return new Result(applications, accepted, rows, phase.seconds(), (persisted - phase.startNanos()) / 1e9, cpu, compilers,
                parts, loadAverage, phase.generatorMicros(), httpAlone);
    }

    /** {@link HttpCost}: as many requests as the phase's applications, at about its rate. */
    private HttpCost http(String benchJar, double rate) throws Exception {
        List<String> jvm = jvmOptions(ShopBenchmark.pidOf("ingress"));
        int port = FreePorts.next();
        ChildProcess bare = BareServer.launch(jvm, port, benchJar, Path.of("bench", "target", "cost-bare-server.log"));
        try {
            String url = "http://127.0.0.1:" + port;
            WrkAccept load = new WrkAccept(settings.connections());
            load.run("cost http warm-up", url, "bare", "w", WARM_UP * applications, say);
            // Each connection waits a gap before each request, so a connection's cycle is the gap and
            // the answer's latency: a first paced run (not measured) tells the latency at about this
            // rate, and the measured one's gap leaves it out (wrk counts the gap in whole ms).
            int connections = settings.connections();
            long firstGap = Math.max(1, Math.round(connections * 1000.0 / rate));
            WrkAccept.Result first = load.run("cost http pacing", url, "bare", "p", applications, firstGap, say);
            double latencyMillis = Math.max(0, connections * 1000.0 / (first.answered() / first.seconds()) - firstGap);
            long gap = Math.max(1, Math.round(connections * 1000.0 / rate - latencyMillis));
            Map<String, String> pid = Map.of("bare", Long.toString(bare.pid()));
            StackCpu before = StackCpu.read(pid);
            WrkAccept.Result paced = load.run("cost http at the phase's rate", url, "bare", "h", applications, gap, say);
            double seconds = StackCpu.read(pid).withoutCompilersSince(before).get("bare");
            return new HttpCost(paced.answered(), paced.answered() / paced.seconds(), seconds, jvm);
        } finally {
            bare.stop(Duration.ofSeconds(10));
        }
    }

    /**
     * The heap, stack and {@code -XX:} options a running service was started with (its command line's
     * words between the {@code java} command and {@code -jar}), but none that names a file, a log or a
     * dump, which the bare handler must not share; the services' heap alone when there is no such process.
     */
    static List<String> jvmOptions(String pid) {
        if (pid == null) {
            return List.of("-Xmx512m");
        }
        try {
            return jvmOptions(List.of(Files.readString(Path.of("/proc", pid, "cmdline")).split("\0")));
        } catch (Exception e) {
            return List.of("-Xmx512m");
        }
    }

    static List<String> jvmOptions(List<String> commandLine) {
        int jar = commandLine.indexOf("-jar");
        if (jar < 1) {
            return List.of("-Xmx512m");
        }
        return commandLine.subList(1, jar).stream()
                .filter(option -> option.startsWith("-Xm") || option.startsWith("-Xss") || option.startsWith("-XX:"))
                .filter(option -> !option.contains("/") && !option.matches("(?i).*(file|path|log|dump|recording).*"))
                .toList();
    }

    private interface Part {
        List<PartCost> measure() throws Exception;
    }

    private void part(List<PartCost> parts, String what, Part part) {
        try {
            parts.addAll(part.measure());
        } catch (Exception e) {
            say.accept("cost: the " + what + " part failed (" + e + "); left out");
        }
    }

    /**
     * The gate's script alone: redis-benchmark EVALSHA of the ingress's {@code admit.lua}, pipelined
     * (16 calls a round trip, 4 clients), each call admitting a new user; Redis's CPU and the client's
     * ({@code times} of the shell that ran it) per call.
     */
    private List<PartCost> gate() throws Exception {
        String admit = Files.readString(Bench.ADMIT_SCRIPT);
        String[] keys = {"fc-cost:{gate}:users", "fc-cost:{gate}:count", "fc-cost:{gate}:releases", "fc-cost:{gate}:pending"};
        String host = settings.redisHost();
        String port = Integer.toString(settings.redisPort());
        List<String> cli = List.of("redis-cli", "-h", host, "-p", port);
        String sha = exec(concat(cli, "SCRIPT", "LOAD", admit)).trim();
        exec(concat(cli, "SET", keys[1], "0"));
        String request = "{\"requestId\":\"00000000-0000-0000-0000-000000000000\",\"eventId\":\"gate\","
                + "\"userId\":\"user:000000000000\",\"receivedAt\":\"2026-11-25T00:00:00.000Z\"}";
        int calls = settings.redisRequests();
        StringBuilder benchmark = new StringBuilder("redis-benchmark -h ").append(host).append(" -p ").append(port)
                .append(" -c 4 -P 16 -q -r 100000000 -n ").append(calls).append(" EVALSHA ").append(sha).append(" 4");
        for (String key : keys) {
            benchmark.append(' ').append(key);
        }
        benchmark.append(" 'user:__rand_int__' 1000000000 '").append(request).append("' >/dev/null && times");
        StackCpu redis = StackCpu.read();
        String times = exec(List.of("bash", "-c", benchmark.toString()));
        double redisSeconds = PartCost.serverCpuSecondsSince("redis", redis);
        List<String> del = concat(cli, "DEL");
        del.addAll(List.of(keys));
        exec(del);
        double client = PartCost.childrenCpuSeconds(times.lines().toList());
        Map<String, Double> sides = new LinkedHashMap<>();
        sides.put("redis-benchmark", client);
        sides.put("redis", redisSeconds);
        return List.of(new PartCost("gate", calls, sides));
    }

    private List<PartCost> child(List<String> command, Map<String, String> env) throws Exception {
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.environment().putAll(env);
        Process p = builder.start();
        List<PartCost> parts = new ArrayList<>();
        List<String> tail = new ArrayList<>();
        try (BufferedReader reader = new BufferedReader(new InputStreamReader(p.getInputStream(), UTF_8))) {
            for (String line = reader.readLine(); line != null; line = reader.readLine()) {
                PartCost part = PartCost.parse(line);
                if (part != null) {
                    parts.add(part);
                } else if (!line.isBlank() && !line.startsWith("\tat ")) {
                    tail.add(line);
                }
            }
        }
        int rc = p.waitFor();
        if (rc != 0 || parts.isEmpty()) {
            tail.subList(0, Math.max(0, tail.size() - 10)).clear();
            tail.forEach(line -> say.accept("cost: " + line));
            throw new IllegalStateException(command.get(command.size() - 3) + " exited " + rc);
        }
        return parts;
    }

    /** Rows of {@code event} in MySQL, counted every 100 ms until {@code expected} or 120 s. */
    private int awaitRows(String event, int expected, long since) throws Exception {
        try (Connection db = DriverManager.getConnection(settings.jdbcUrl(), settings.dbUser(), settings.dbPassword());
             PreparedStatement count = db.prepareStatement("SELECT COUNT(*) FROM coupon WHERE event_id = ?")) {
            count.setString(1, event);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
            int rows = 0;
            while (System.nanoTime() < deadline) {
                try (ResultSet r = count.executeQuery()) {
                    rows = r.next() ? r.getInt(1) : 0;
                }
                if (rows >= expected) {
                    return rows;
                }
                TimeUnit.MILLISECONDS.sleep(100); // polling MySQL: there is no event to wait on
            }
            say.accept(String.format("cost: only %,d of %,d rows %.0f s after the start", rows, expected,
                    (System.nanoTime() - since) / 1e9));
            return rows;
        }
    }

    private void define(String event) throws Exception {
        StackCalls.defineEvent(http, settings, event, applications);
    }

    static String loadAverage() {
        try {
            return Files.readString(Path.of("/proc/loadavg")).split(" ")[0];
        } catch (Exception e) {
            return "?";
        }
    }

    private static List<String> concat(List<String> command, String... more) {
        return StackCalls.concat(command, more);
    }

    private static String exec(List<String> command) throws Exception {
        return StackCalls.exec(command);
    }
}
