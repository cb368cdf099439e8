package firstcome.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One reading of the CPU time of the stack's processes (the pids in {@code .local/pids}): each
 * process's utime + stime, and the ticks of each of its JIT compiler threads by thread id, so two
 * readings tell apart what a JVM compiled from what it ran. A compiler thread that ended between two
 * readings is missed: the compilers' time is a lower bound, the rest an upper one.
 */
record StackCpu(Map<String, Double> seconds, Map<String, Map<String, Long>> compilerTicks) {

    static StackCpu read() {
        Map<String, Double> seconds = ShopBenchmark.stackCpuSeconds();
        Map<String, Map<String, Long>> compilers = new LinkedHashMap<>();
        for (String process : seconds.keySet()) {
            compilers.put(process, compilerTicks(ShopBenchmark.pidOf(process)));
        }
        return new StackCpu(seconds, compilers);
    }

    /** One reading of the processes given by name and pid (a JVM of the bench's own); one that is not there is left out. */
    static StackCpu read(Map<String, String> pids) {
        Map<String, Double> seconds = new LinkedHashMap<>();
        Map<String, Map<String, Long>> compilers = new LinkedHashMap<>();
        pids.forEach((process, pid) -> {
            try {
                seconds.put(process, ticks(Files.readString(Path.of("/proc", pid, "stat"))) / ShopBenchmark.TICKS_PER_SECOND);
                compilers.put(process, compilerTicks(pid));
            } catch (IOException | RuntimeException e) {
                // not there: it costs nothing
            }
        });
        return new StackCpu(seconds, compilers);
    }

    /** Per process, the CPU seconds from {@code before} to this reading. */
    Map<String, Double> since(StackCpu before) {
        Map<String, Double> spent = new LinkedHashMap<>();
        seconds.forEach((process, now) -> spent.put(process, now - before.seconds.getOrDefault(process, now)));
        return spent;
    }

    /** Per process, the seconds its JIT compiler threads spent from {@code before} to this reading. */
    Map<String, Double> compilersSince(StackCpu before) {
        Map<String, Double> spent = new LinkedHashMap<>();
        compilerTicks.forEach((process, threads) -> {
            if (!before.compilerTicks.containsKey(process)) {
                spent.put(process, 0.0); // not there before: since() counts it nothing either
                return;
            }
            Map<String, Long> then = before.compilerTicks.get(process);
            long ticks = 0;
            for (var thread : threads.entrySet()) {
                ticks += thread.getValue() - then.getOrDefault(thread.getKey(), 0L);
            }
            spent.put(process, ticks / ShopBenchmark.TICKS_PER_SECOND);
        });
        return spent;
    }

    /** Per process, the CPU seconds from {@code before} to this reading, its JIT compilers' left out. */
    Map<String, Double> withoutCompilersSince(StackCpu before) {
        Map<String, Double> compilers = compilersSince(before);
        Map<String, Double> spent = since(before);
        spent.replaceAll((process, total) -> total - compilers.getOrDefault(process, 0.0));
        return spent;
    }

    /** The ticks of each JIT compiler thread ("C1 CompilerThre…", "C2 CompilerThre…") of a process, by thread id. */
    static Map<String, Long> compilerTicks(String pid) {
        if (pid == null) {
            return new HashMap<>();
        }
        try {
            return threadTicks(Path.of("/proc", pid, "task"), true);
        } catch (IOException e) {
            return new HashMap<>(); // a process that is not there has no compilers
        }
    }

    /**
     * The ticks of each thread of a process, by thread id, from its {@code /proc/<pid>/task}: its JIT
     * compiler threads only, or every thread but them. A thread that ends meanwhile is left out.
     */
    static Map<String, Long> threadTicks(Path tasks, boolean compilers) throws IOException {
        Map<String, Long> ticks = new HashMap<>();
        try (var threads = Files.list(tasks)) {
            for (Path task : threads.toList()) {
                try {
                    String stat = Files.readString(task.resolve("stat"));
                    String name = stat.substring(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
                    if (name.contains("CompilerThre") == compilers) {
                        ticks.put(task.getFileName().toString(), ticks(stat));
                    }
                } catch (IOException | RuntimeException e) {
                    // a thread that ended meanwhile
                }
            }
        }
        return ticks;
    }

    /** utime + stime of a process's or thread's {@code stat} line, in ticks. */
    static long ticks(String stat) {
        // After the name's closing parenthesis: state is field 3, utime 14, stime 15.
        String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        return Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
    }
}
