import com.sun.tools.attach.VirtualMachine;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.lang.management.ManagementFactory;
import java.util.Arrays;
import java.util.Map;
import java.util.TreeMap;
import javax.management.MBeanServerConnection;
import javax.management.ObjectName;
import javax.management.remote.JMXConnectorFactory;
import javax.management.remote.JMXServiceURL;

/**
 * The requests a running broker answered while a command ran, by request type (run by
 * bench/broker-requests.sh with the java launcher; a bench tool, not part of any module). It attaches
 * to the broker's JVM, starts its local management agent, reads the count of each
 * {@code kafka.network:type=RequestMetrics,name=RequestsPerSec} before and after, and prints the
 * differences, with the broker's CPU time over the same span.
 *
 * <p>Arguments: the broker's pid, then "--" and the command. The command's lines pass through.
 */
public final class BrokerRequests {

    public static void main(String[] args) throws Exception {
        if (args.length < 3 || !"--".equals(args[1])) {
            throw new IllegalArgumentException("usage: BrokerRequests <broker pid> -- <command>...");
        }
        VirtualMachine vm = VirtualMachine.attach(args[0]);
        String address = vm.startLocalManagementAgent();
        vm.detach();
        try (var jmx = JMXConnectorFactory.connect(new JMXServiceURL(address))) {
            MBeanServerConnection broker = jmx.getMBeanServerConnection();
            Map<String, Long> before = counts(broker);
            long cpuBefore = cpuNanos(broker);
            long started = System.nanoTime();

            String[] command = Arrays.copyOfRange(args, 2, args.length);
            Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
            try (var out = new BufferedReader(new InputStreamReader(process.getInputStream()))) {
                out.lines().forEach(System.out::println);
            }
            int exit = process.waitFor();

            double seconds = (System.nanoTime() - started) / 1e9;
            Map<String, Long> after = counts(broker);
            long cpu = cpuNanos(broker) - cpuBefore;
            Map<String, Long> requests = new TreeMap<>();
            for (var entry : after.entrySet()) {
                long n = entry.getValue() - before.getOrDefault(entry.getKey(), 0L);
                if (n > 0) {
                    requests.put(entry.getKey(), n);
                }
            }
            long total = requests.values().stream().mapToLong(Long::longValue).sum();
            System.out.printf("broker-requests: %.1f s, %,d requests (%,.0f/s), broker CPU %.2f s (%.0f µs per request)%n",
                    seconds, total, total / seconds, cpu / 1e9, total == 0 ? 0 : cpu / 1e3 / total);
            requests.entrySet().stream().sorted(Map.Entry.<String, Long>comparingByValue().reversed())
                    .forEach(row -> System.out.printf("  %,10d  %5.1f %%  %s%n", row.getValue(), 100.0 * row.getValue() / total,
                            row.getKey()));
            System.exit(exit);
        }
    }

    /**
     * Each request type's count, summed over its versions. FetchConsumer and FetchFollower are left
     * out: the broker counts every fetch under Fetch and again under one of them.
     */
    private static Map<String, Long> counts(MBeanServerConnection broker) throws Exception {
        Map<String, Long> counts = new TreeMap<>();
        for (ObjectName name : broker.queryNames(
                new ObjectName("kafka.network:type=RequestMetrics,name=RequestsPerSec,*"), null)) {
            String request = name.getKeyProperty("request");
            if (!request.equals("FetchConsumer") && !request.equals("FetchFollower")) {
                counts.merge(request, ((Number) broker.getAttribute(name, "Count")).longValue(), Long::sum);
            }
        }
        return counts;
    }

    private static long cpuNanos(MBeanServerConnection broker) throws Exception {
        return ((Number) broker.getAttribute(new ObjectName(ManagementFactory.OPERATING_SYSTEM_MXBEAN_NAME),
                "ProcessCpuTime")).longValue();
    }
}
