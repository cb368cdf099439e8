package firstcome.bench;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The accept phases' load generator (row 1's cost of one coupon and the baseline comparison): wrk,
 * one thread, {@code connections} keep-alive connections in a closed loop, exactly
 * {@code applications} applications of distinct users ({@code bench/accept-n.lua}). An accept phase
 * measures the stack's CPU per coupon and the rate the stack reaches; the JDK's {@code HttpClient}
 * of the spike ({@link SpikeLoad}) spends several times the ingress's CPU per request on the same
 * two cores, so there the stack measured what it could do with what the generator left it. wrk's own
 * CPU is measured ({@code times} of the shell that ran it) and shown.
 */
final class WrkAccept {

    static final Path SCRIPT = Path.of("bench", "accept-n.lua");
    private static final Pattern ANSWERED = Pattern.compile("answered (\\d+)(.*)");
    private static final Pattern STATUS = Pattern.compile("(\\d+)=(\\d+)");

    /**
     * What one phase produced: answers by HTTP status,
     * System.nanoTime() before wrk started and after it exited (its start and the last answer's
     * interrupt, which wrk notices at its next 100 ms tick, are in it: about 0.1 s of the phase),
     * and wrk's CPU seconds.
     */
    record Result(int applications, int answered, Map<String, Integer> statuses, long startNanos, long endNanos,
                  double generatorCpuSeconds) {

        int accepted() {
            return statuses.getOrDefault("202", 0);
        }

        double seconds() {
            return (endNanos - startNanos) / 1e9;
        }

        /** wrk's CPU per application, in µs. */
        double generatorMicros() {
            return generatorCpuSeconds * 1e6 / Math.max(1, answered);
        }
    }

    private final int connections;

    WrkAccept(int connections) {
        this.connections = connections;
    }

    /**
     * Sends {@code applications} applications (users {@code userPrefix-1} to {@code -applications})
     * to the event {@code eventId} of the ingress at {@code ingressUrl} and returns once all are
     * answered. Fails when wrk does, when fewer were answered within {@code applications / 100 + 120}
     * s (wrk's {@code --timeout} drops no request: an answer that never comes holds the phase until
     * then), or when wrk reports a socket error (after one it may send past N: the script's extra
     * sends repeat user 1, refused as already applied or sold out).
     */
    Result run(String name, String ingressUrl, String eventId, String userPrefix, int applications, Consumer<String> say)
            throws Exception {
        return run(name, ingressUrl, eventId, userPrefix, applications, 0, say);
    }

    /**
     * As {@link #run(String, String, String, String, int, Consumer)}, each connection waiting
     * {@code gapMillis} before each of its requests: a paced load of about connections / (gap + latency)
     * a second instead of a closed loop (none with 0), the connections' first requests spread over one gap.
     */
    Result run(String name, String ingressUrl, String eventId, String userPrefix, int applications, long gapMillis,
            Consumer<String> say) throws Exception {
        if (applications < connections) {
            throw new IllegalArgumentException("an accept phase needs at least one application per connection: " + applications
                    + " < " + connections);
        }
        long bound = applications / 100 + 120 + applications / connections * gapMillis / 1000;
        String wrk = String.join(" ", "wrk", "-t1", "-c" + connections, "-d" + bound + "s", "--timeout", "30s", "-s",
                SCRIPT.toString(), ingressUrl, "--", eventId, userPrefix, Integer.toString(applications))
                + (gapMillis > 0 ? " " + gapMillis + " " + connections : "");
        say.accept(String.format("%s: %,d applications from %d connections (%s)", name, applications, connections, wrk));
        // `times` after wrk: the shell's own CPU, then its children's (wrk's); in the C locale's digits.
        ProcessBuilder builder = new ProcessBuilder("bash", "-c", wrk + "; rc=$?; times; exit $rc").redirectErrorStream(true);
        builder.environment().put("LC_ALL", "C");
        long start = System.nanoTime();
        Process p = builder.start();
        List<String> lines = new ArrayList<>();
        int rc;
        try (BufferedReader reader = new BufferedReader(new InputStreamReader(p.getInputStream(), UTF_8))) {
            for (String line = reader.readLine(); line != null; line = reader.readLine()) {
                lines.add(line);
            }
            rc = p.waitFor();
        } finally {
            p.destroyForcibly(); // gone already, unless this thread was interrupted: then no load is left behind
        }
        long end = System.nanoTime();
        Result result = parse(applications, lines, start, end);
        boolean socketErrors = lines.stream().anyMatch(line -> line.trim().startsWith("Socket errors"));
        if (rc != 0 || result == null || result.answered() != applications || socketErrors) {
            lines.forEach(line -> say.accept(name + ": " + line));
            throw new IllegalStateException("wrk exited " + rc + (result == null ? " without its answers line"
                    : ", " + result.answered() + " of " + applications + " answered" + (socketErrors ? ", socket errors" : "")));
        }
        say.accept(String.format("%s: %,d answered %s in %.1f s (%,.0f/s); wrk %.0f µs of CPU per application", name,
                result.answered(), result.statuses(), result.seconds(), result.answered() / result.seconds(), result.generatorMicros()));
        return result;
    }

    /** The script's answers line and the shell's {@code times}; {@code null} without the answers line. */
    static Result parse(int applications, List<String> lines, long start, long end) {
        Integer answered = null;
        Map<String, Integer> statuses = new TreeMap<>();
        for (String line : lines) {
            Matcher a = ANSWERED.matcher(line.trim());
            if (a.matches()) {
                answered = Integer.parseInt(a.group(1));
                Matcher s = STATUS.matcher(a.group(2));
                while (s.find()) {
                    if (Integer.parseInt(s.group(2)) > 0) {
                        statuses.put(s.group(1), Integer.parseInt(s.group(2)));
                    }
                }
            }
        }
        return answered == null ? null
                : new Result(applications, answered, statuses, start, end, PartCost.childrenCpuSeconds(lines));
    }
}
