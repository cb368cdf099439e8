package firstcome.bench;


import java.io.IOException;
import java.net.http.HttpClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * {@code make bench}'s open model: what a shopper feels when applications arrive at a fixed rate
 * whatever the stack does. First the rate the stack sustains, measured in the same run by a short
 * closed-loop probe on the accept path; then {@link OpenModelLoad} at 1×, 2× and 4× that rate, each
 * for a fixed time against a fresh event whose limit exceeds the applications (every one of
 * distinct users, so each is an acceptance). Between two rates the pipeline settles: the next rate
 * starts once the previous one's accepted applications are rows in MySQL.
 */
final class OpenModelRun {

    static final int[] MULTIPLIERS = {1, 2, 4};
    static final int MAX_OUTSTANDING = 2_000;
    /** The probe's closed loop: row 1's connections. */
    static final int PROBE_CONNECTIONS = 64;
    /** What make up gives the ingress (scripts/stack.sh): every client of a loopback stack is 127.0.0.1. */
    private static final int STACK_CONNECTIONS_PER_CLIENT = 1_000;
    private static final long SETTLE_MILLIS = 60_000;

    /** One rate: its load, its event's rows once settled, and the machine's load averages around it. */
    record Rate(int multiplier, OpenModelLoad.Result load, String event, long rows, double settleSeconds,
                String loadBefore, String loadAfter) {
    }

    /** The probe that set the rate, and each rate's run. */
    record Result(OpenModelLoad.Probe probe, int connections, String probeLoad, List<Rate> rates, double seconds) {

        /** Accepted applications per second of the closed-loop probe. */
        double sustainableRate() {
            return probe.rate();
        }

        /** The first rate that heard a 503, or null. */
        Rate first503() {
            for (Rate r : rates) {
                if (!Double.isNaN(r.load().first503Seconds())) {
                    return r;
                }
            }
            return null;
        }
    }

    private final Bench.Settings settings;
    /** The ingress's bound on one client address's connections, less a few for the bench's other clients: the most in flight. */
    private final int connections;
    private final Consumer<String> say;
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();

    OpenModelRun(Bench.Settings settings, Consumer<String> say) {
        this.settings = settings;
        this.connections = Math.max(1, Integer.parseInt(System.getenv().getOrDefault("INGRESS_MAX_CONNECTIONS_PER_CLIENT",
                Integer.toString(STACK_CONNECTIONS_PER_CLIENT))) - 4);
        this.say = say;
    }

    /**
     * The open model alone, against the running stack ({@code make up}), configured as {@code make bench}
     * is: {@code java -cp bench/target/bench.jar firstcome.bench.OpenModelRun [--quick]}. Prints the
     * rows and writes {@code bench/target/open-model.html}.
     */
    public static void main(String[] args) throws Exception {
        Bench.Settings settings = Bench.Settings.of(List.of(args), System.getenv());
        long started = System.nanoTime();
        Result result = new OpenModelRun(settings, line -> System.out.printf("bench [%4.0fs] %s%n",
                (System.nanoTime() - started) / 1e9, line)).run(Long.toString(System.currentTimeMillis(), 36));
        System.out.println();
        System.out.println(OpenModelReport.markdown(result));
        Path html = Path.of("bench", "target", "open-model.html");
        Files.createDirectories(html.getParent());
        Files.writeString(html, "<!doctype html><html><head><meta charset=\"utf-8\"><title>firstcome — open model</title></head>"
                + "<body style=\"font:14px/1.4 system-ui,sans-serif;margin:24px\">" + OpenModelReport.html(result) + "</body></html>\n");
        System.out.println("picture: " + html.toAbsolutePath());
        System.exit(0);
    }

    Result run(String runId) throws Exception {
        long started = System.nanoTime();
        Duration perRate = Duration.ofSeconds(settings.quick() ? 8 : 10);
        int probeApplications = settings.quick() ? 5_000 : 10_000;

        // The phase before (the sink's benchmark in make bench) may leave the stack busy: the probe measures a quiet one.
        new Quiescence().await("open model", Quiescence.MAX_WAIT_SECONDS, say);
        String probeEvent = defineEvent("bench-" + runId + "-open-probe", 2 * probeApplications + 100_000);
        List<Rate> rates = new ArrayList<>();
        OpenModelLoad.Probe probe;
        String probeLoad = loadAverage();
        try (OpenModelLoad load = new OpenModelLoad(connections, MAX_OUTSTANDING);
             Connection db = DriverManager.getConnection(settings.jdbcUrl(), settings.dbUser(), settings.dbPassword())) {
            // The same client (and connections) probes and then offers the load: one client address holds only so many.
            say.accept(String.format(Locale.ROOT, "open model: closed-loop probe, %,d applications of distinct users, %d connections",
                    probeApplications, PROBE_CONNECTIONS));
            probe = load.probe("open model: probe", applyUrl(probeEvent), "p-", probeApplications, PROBE_CONNECTIONS, say::accept);
            probeLoad += " → " + loadAverage();
            say.accept(String.format(Locale.ROOT, "open model: the stack sustains %,.0f accepted applications/s (%,d of %,d accepted in %.1f s: %s)",
                    probe.rate(), probe.accepted(), probeApplications, probe.seconds(), probe.statuses()));
            if (!(probe.rate() > 0)) {
                throw new IllegalStateException("the probe had no 202: " + probe.statuses());
            }
            double sustainable = probe.rate();
            // The generator's own warm-up (its JIT), on the probe's event: not reported.
            OpenModelLoad.Result warm = load.run("open model: warm-up", applyUrl(probeEvent), "w-", sustainable,
                    Duration.ofSeconds(2), say::accept);
            settle(db, probeEvent, probe.accepted() + warm.count(202));
            for (int multiplier : MULTIPLIERS) {
                double rate = multiplier * sustainable;
                int planned = (int) Math.round(rate * perRate.toSeconds());
                String event = defineEvent("bench-" + runId + "-open-" + multiplier + "x", 2 * planned + 1_000);
                say.accept(String.format(Locale.ROOT, "open model %d×: %,.0f applications/s for %d s (%,d), %d connections, at most %,d outstanding",
                        multiplier, rate, perRate.toSeconds(), planned, connections, MAX_OUTSTANDING));
                String before = loadAverage();
                OpenModelLoad.Result result = load.run("open model " + multiplier + "×", applyUrl(event), "o-", rate, perRate,
                        say::accept);
                String after = loadAverage();
                long ended = System.nanoTime();
                long accepted = result.count(202);
                long rows = settle(db, event, accepted);
                Rate r = new Rate(multiplier, result, event, rows, (System.nanoTime() - ended) / 1e9, before, after);
                rates.add(r);
                say.accept(OpenModelReport.summary(r));
            }
        }
        return new Result(probe, connections, probeLoad, rates, (System.nanoTime() - started) / 1e9);
    }

    /** Waits until the event has {@code expected} coupon rows (or a minute passed); the rows seen. */
    private long settle(Connection db, String event, long expected) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(SETTLE_MILLIS);
        long rows = CouponRows.count(db, event);
        while (rows < expected && System.nanoTime() < deadline) {
            TimeUnit.MILLISECONDS.sleep(250); // a poll of the table, with a deadline
            rows = CouponRows.count(db, event);
        }
        if (rows < expected) {
            say.accept(String.format(Locale.ROOT, "open model: %s has %,d of %,d rows after %d s; going on",
                    event, rows, expected, SETTLE_MILLIS / 1000));
        }
        return rows;
    }

    /** The 1, 5 and 15 minute load averages of the machine, from /proc/loadavg. */
    static String loadAverage() {
        try {
            String[] fields = Files.readString(Path.of("/proc/loadavg")).split(" ");
            return fields[0] + " " + fields[1] + " " + fields[2];
        } catch (IOException | RuntimeException e) {
            return "?";
        }
    }

    private String defineEvent(String eventId, int limit) throws Exception {
        return StackCalls.defineEvent(http, settings, eventId, limit);
    }

    private String applyUrl(String eventId) {
        return StackCalls.applyUrl(settings, eventId);
    }
}
