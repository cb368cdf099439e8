package firstcome.bench;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.http.HttpClient;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.regex.Pattern;

/**
 * This build against the last released one, in one run on one stack ({@code make bench
 * ARGS=--baseline}, issue 20): the three services' jars of the revision in {@code bench/baseline-rev}
 * (built once by {@code scripts/baseline.sh} into {@code .local/baseline/<rev>/}) and this build's
 * take turns — {@code scripts/stack.sh services-restart}, with {@code JARS_DIR} for the baseline, the
 * same settings otherwise — and each turn runs a warm-up (in chunks, the stack left to go quiet after
 * each: {@link Quiescence}) and then an accept phase: a fresh event with
 * limit {@code applications}, that many distinct users from as many connections as the spike's, sent
 * by wrk ({@link WrkAccept}; every one accepted). Rounds are interleaved (baseline, then this build), so drift on a shared machine falls
 * on both. The stack is left running this build's jars.
 */
final class BaselineComparison {

    /** One turn: which jars, the accept phase's applications per second, the load average after it, the warm-up chunks' rates. */
    record Turn(int round, String jars, double acceptRate, int accepted, String load, List<Double> warmRates) {

        String warmUps() {
            StringBuilder out = new StringBuilder();
            for (double r : warmRates) {
                out.append(out.length() == 0 ? "" : ", ").append(String.format(Locale.ROOT, "%,.0f", r));
            }
            return out + "/s";
        }
    }

    record Result(String revision, int applications, List<Turn> turns, double seconds) {

        /** This build's accept-phase rate over the baseline's, per round. */
        double[] ratios() {
            int rounds = turns.size() / 2;
            double[] ratios = new double[rounds];
            for (int r = 0; r < rounds; r++) {
                ratios[r] = turns.get(2 * r + 1).acceptRate() / turns.get(2 * r).acceptRate();
            }
            return ratios;
        }

        double medianRatio() {
            double[] sorted = ratios().clone();
            Arrays.sort(sorted);
            int n = sorted.length;
            if (n == 0) {
                return Double.NaN;
            }
            // Of an even number of rounds, the geometric mean of the middle two (ratios multiply).
            return n % 2 == 1 ? sorted[n / 2] : Math.sqrt(sorted[n / 2 - 1] * sorted[n / 2]);
        }

        String[] row() {
            StringBuilder current = new StringBuilder();
            StringBuilder baseline = new StringBuilder();
            for (Turn t : turns) {
                StringBuilder side = t.jars().equals("current") ? current : baseline;
                side.append(side.length() == 0 ? "" : ", ").append(String.format(Locale.ROOT, "%,.0f/s (load %s; warm-ups %s)",
                        t.acceptRate(), t.load(), t.warmUps()));
            }
            StringBuilder ratios = new StringBuilder();
            for (double r : ratios()) {
                ratios.append(ratios.length() == 0 ? "" : ", ").append(String.format(Locale.ROOT, "%.2f", r));
            }
            return new String[] {String.format(Locale.ROOT, "1. accept phase, this build vs the baseline %s (%,d applications, "
                            + "every one accepted, after %d warm-ups of as many, each followed by the stack going quiet; %d interleaved "
                            + "rounds, services restarted for each; %.0f s)", revision, applications, WARM_UP, turns.size() / 2, seconds),
                    "this build: " + current, "baseline " + revision + ": " + baseline,
                    String.format(Locale.ROOT, "%.2f× (goal ≥ 2×; median of the rounds: %s)", medianRatio(), ratios)};
        }
    }

    /** Warm-up chunks of each turn, each as large as the measured phase. */
    static final int WARM_UP = 3;

    private final Bench.Settings settings;
    private final int applications;
    private final Consumer<String> say;
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();
    private final Quiescence quiescence = new Quiescence();
    private boolean onBaseline;

    BaselineComparison(Bench.Settings settings, int applications, Consumer<String> say) {
        this.settings = settings;
        this.applications = applications;
        this.say = say;
    }

    Result run(String runId, int rounds) throws Exception {
        long start = System.nanoTime();
        String jars = script(List.of("scripts/baseline.sh"), Map.of());
        String revision = Path.of(jars).getFileName().toString();
        say.accept("baseline: the jars of " + revision + " in " + jars + "; " + rounds + " rounds of baseline, then this build");
        List<Turn> turns = new ArrayList<>();
        try {
            for (int r = 1; r <= rounds; r++) {
                turns.add(turn(r, "baseline " + revision, jars, runId + "-b" + r));
                turns.add(turn(r, "current", null, runId + "-c" + r));
                say.accept(String.format(Locale.ROOT, "baseline: round %d: this build %,.0f/s, baseline %,.0f/s: %.2f×", r,
                        turns.get(turns.size() - 1).acceptRate(), turns.get(turns.size() - 2).acceptRate(),
                        turns.get(turns.size() - 1).acceptRate() / turns.get(turns.size() - 2).acceptRate()));
            }
        } finally {
            if (onBaseline) {
                restart(null); // whatever failed, the stack goes on with this build's jars
            }
        }
        return new Result(revision, applications, turns, (System.nanoTime() - start) / 1e9);
    }

    private Turn turn(int round, String name, String jarsDir, String event) throws Exception {
        restart(jarsDir);
        WrkAccept load = new WrkAccept(settings.connections());
        // Warm-up: the fresh JVMs compile their hot paths, the processor and sink too (not measured).
        // Three times the measured phase: after one, both builds were still getting faster (how far the
        // ratio moves with the warm-up: BENCHMARKS.md, "The cost of one coupon on a warm stack"). In
        // chunks, each followed by the stack going quiet: under load the compiler threads starve, and
        // the compiled code arrives only once the machine has room for them (Quiescence).
        List<Double> warmRates = new ArrayList<>();
        for (int w = 1; w <= WARM_UP; w++) {
            String warm = event + "-warm" + w;
            StackCalls.defineEvent(http, settings, warm, applications);
            WrkAccept.Result warmed = load.run(name + " warm-up " + w, settings.ingressUrl(), warm, "w", applications, say);
            warmRates.add(warmed.accepted() / warmed.seconds());
            awaitRows(warm, warmed.accepted());
            quiescence.await("baseline: " + name + " warm-up " + w, Quiescence.MAX_WAIT_SECONDS, say);
        }
        define(event);
        WrkAccept.Result phase = load.run(name + " accept phase", settings.ingressUrl(), event, "u", applications, say);
        int accepted = phase.accepted();
        double rate = accepted / phase.seconds();
        awaitRows(event, accepted); // a 503 counted nothing: no row to wait for
        Turn turn = new Turn(round, name.startsWith("baseline") ? "baseline" : "current", rate, accepted, CostBenchmark.loadAverage(),
                warmRates);
        say.accept(String.format(Locale.ROOT, "baseline: %s: %,d accepted at %,.0f/s (load average %s; warm-ups %s)", name, accepted,
                rate, turn.load(), turn.warmUps()));
        return turn;
    }

    private void restart(String jarsDir) throws Exception {
        say.accept("baseline: restarting the services with " + (jarsDir == null ? "this build's jars" : jarsDir));
        // From the moment the old services stop, the stack may be left half on the baseline's jars.
        onBaseline = true;
        script(List.of("scripts/stack.sh", "services-restart"), jarsDir == null ? Map.of() : Map.of("JARS_DIR", jarsDir));
        onBaseline = jarsDir != null;
    }

    /** Colour codes a tool may print even to a pipe (Maven's, before a script's last line). */
    private static final Pattern ANSI = Pattern.compile("\u001B\\[[0-9;]*m");

    /** Runs a script from the repository root; its last line of output (colour codes taken out), or fails with its tail. */
    private String script(List<String> command, Map<String, String> env) throws Exception {
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.environment().putAll(env);
        Process p = builder.start();
        List<String> lines = new ArrayList<>();
        try (BufferedReader reader = new BufferedReader(new InputStreamReader(p.getInputStream(), UTF_8))) {
            for (String line = reader.readLine(); line != null; line = reader.readLine()) {
                lines.add(line);
            }
        }
        if (p.waitFor() != 0 || lines.isEmpty()) {
            lines.subList(0, Math.max(0, lines.size() - 15)).clear();
            lines.forEach(line -> say.accept("baseline: " + line));
            throw new IllegalStateException(String.join(" ", command) + " failed");
        }
        return ANSI.matcher(lines.get(lines.size() - 1)).replaceAll("").trim();
    }

    private void awaitRows(String event, int expected) throws Exception {
        try (Connection db = DriverManager.getConnection(settings.jdbcUrl(), settings.dbUser(), settings.dbPassword());
             PreparedStatement count = db.prepareStatement("SELECT COUNT(*) FROM coupon WHERE event_id = ?")) {
            count.setString(1, event);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
            while (System.nanoTime() < deadline) {
                try (ResultSet r = count.executeQuery()) {
                    if (r.next() && r.getInt(1) >= expected) {
                        return;
                    }
                }
                TimeUnit.MILLISECONDS.sleep(200); // polling MySQL: there is no event to wait on
            }
            say.accept("baseline: " + event + " not all in MySQL after 120 s; going on");
        }
    }

    private void define(String event) throws Exception {
        StackCalls.defineEvent(http, settings, event, applications);
    }
}
