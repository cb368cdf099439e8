package firstcome.bench;

import java.lang.management.ManagementFactory;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

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

    /** This JVM's CPU time (every thread, GC and compiler included), in seconds. */
    static double processCpuSeconds() {
        return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
                .getProcessCpuTime() / 1e9;
    }

    /** One server of the stack's CPU seconds (utime + stime of the pid in .local/pids), NaN when it is not there. */
    static double serverCpuSeconds(String name) {
        return ShopBenchmark.stackCpuSeconds().getOrDefault(name, Double.NaN);
    }
}
