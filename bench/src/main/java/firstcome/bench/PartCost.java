package firstcome.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One irreducible part of an accepted application's path, measured alone: how many times it ran
 * and the CPU seconds each side spent on it (the client JVM or program, and the server: Redis,
 * Kafka, MySQL). The part JVMs print it as one {@code COST} line; {@link CostBenchmark} reads it back.
 */
record PartCost(String name, long operations, Map<String, Double> cpuSeconds) {

    private static final String PREFIX = "COST ";

    double microsPerOperation() {
        return cpuSeconds.values().stream().mapToDouble(Double::doubleValue).sum() * 1e6 / operations;
    }

    /** Each side's µs per operation, e.g. "client 3.1 + kafka 4.2". */
    String sides() {
        StringBuilder out = new StringBuilder();
        cpuSeconds.forEach((side, seconds) -> out.append(out.length() == 0 ? "" : " + ")
                .append(String.format(Locale.ROOT, "%s %.1f", side, seconds * 1e6 / operations)));
        return out.toString();
    }

    String line() {
        StringBuilder out = new StringBuilder(PREFIX).append(name).append(" operations=").append(operations);
        cpuSeconds.forEach((side, seconds) -> out.append(' ').append(side).append('=')
                .append(String.format(Locale.ROOT, "%.6f", seconds)));
        return out.toString();
    }

    /** The part a {@link #line()} printed, or {@code null} for any other line. */
    static PartCost parse(String line) {
        if (!line.startsWith(PREFIX)) {
            return null;
        }
        String[] fields = line.substring(PREFIX.length()).split(" ");
        long operations = 0;
        Map<String, Double> cpu = new LinkedHashMap<>();
        for (int i = 1; i < fields.length; i++) {
            String[] kv = fields[i].split("=", 2);
            if (kv[0].equals("operations")) {
                operations = Long.parseLong(kv[1]);
            } else {
                cpu.put(kv[0], Double.parseDouble(kv[1]));
            }
        }
        return new PartCost(fields[0], operations, cpu);
    }

    /**
     * This JVM's CPU time in seconds: every thread's (GC included) but the JIT compilers'. The
     * stack's services are long warm; a part's JVM still compiles during its measured records after
     * the warm-up ones, on a busy machine for many seconds, and that is not the part's cost.
     */
    static double processCpuSeconds() {
        try {
            return StackCpu.threadTicks(Path.of("/proc/self/task"), false).values().stream().mapToLong(Long::longValue).sum()
                    / ShopBenchmark.TICKS_PER_SECOND;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static final Pattern TIMES = Pattern.compile("(\\d+)m([0-9.]+)s\\s+(\\d+)m([0-9.]+)s");

    /**
     * The CPU seconds (user + system) of a bash shell's children, from the output of its {@code times}
     * builtin among {@code lines}: its first line is the shell's own, its second its children's. 0
     * when there is no second line.
     */
    static double childrenCpuSeconds(List<String> lines) {
        int timesLine = 0;
        for (String line : lines) {
            Matcher t = TIMES.matcher(line.trim());
            if (t.matches() && timesLine++ == 1) {
                return Integer.parseInt(t.group(1)) * 60 + Double.parseDouble(t.group(2))
                        + Integer.parseInt(t.group(3)) * 60 + Double.parseDouble(t.group(4));
            }
        }
        return 0;
    }

    /**
     * One server of the stack's CPU seconds since {@code before} (utime + stime of the pid in
     * .local/pids), NaN when it is not there; for a JVM (the broker), without its JIT compiler threads'
     * time, as a part's own JVM is counted ({@link #processCpuSeconds}).
     */
    static double serverCpuSecondsSince(String name, StackCpu before) {
        return StackCpu.read().withoutCompilersSince(before).getOrDefault(name, Double.NaN);
    }
}
