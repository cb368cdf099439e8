package firstcome.testkit;

import static org.awaitility.Awaitility.await;

import firstcome.contract.Topics;
import firstcome.contract.Topics.Replication;
import firstcome.stackkit.ChildProcess;
import firstcome.stackkit.ClusterBroker;
import firstcome.stackkit.FreePorts;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.TopicPartitionInfo;
import org.apache.kafka.common.Uuid;

/**
 * A Kafka cluster of three KRaft nodes, each a broker and a controller (three voters: one node down
 * leaves a working quorum), run as child processes from the Kafka jars on free ports, each with its
 * own directory under the test's. Its nodes can be killed ({@code kill -9}, as a crash) and started
 * again on the same directories and ports. The settings are the cluster's
 * ({@link ClusterBroker#settings()}: internal topics with three copies, two needed for a write, no
 * unclean leader election); topics are created with {@link Replication#PRODUCTION}.
 *
 * <p>Child processes rather than Kafka's in-JVM test kit, because a crash is what a cluster must
 * survive: a killed process flushes nothing, closes nothing and says goodbye to no one, where an
 * in-JVM broker's shutdown is orderly.
 */
public final class KafkaCluster implements AutoCloseable {

    private static final Duration READY_WITHIN = Duration.ofSeconds(90);
    private static final Duration FORMATTED_WITHIN = Duration.ofSeconds(90);
    private static final Duration ADMIN_CALL = Duration.ofSeconds(10);

    /**
     * What a test cluster does differently from {@link ClusterBroker#settings()}: a killed node is
     * fenced (its partitions get a new leader) after 3 s without a heartbeat rather than 9 s, and
     * the internal topics' single partitions make the first transaction and group quickest.
     */
    private static final Map<String, String> TEST_SETTINGS = Map.of(
            "broker.heartbeat.interval.ms", "500",
            "broker.session.timeout.ms", "3000",
            "offsets.topic.num.partitions", "1",
            "transaction.state.log.num.partitions", "1",
            // Tests write records stamped with instants of their own choosing, months in the past too.
            "log.retention.ms", "-1");

    private final Path dir;
    private final Map<Integer, Member> nodes;
    private final Admin admin;
    private final Thread shutdownHook;

    private record Member(int id, int port, int controllerPort, Path properties, ChildProcess process) {
    }

    private KafkaCluster(Path dir, Map<Integer, Member> nodes) {
        this.dir = dir;
        this.nodes = nodes;
        this.admin = Admin.create(Map.of(
                AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers(),
                AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 5_000,
                AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, (int) ADMIN_CALL.toMillis()));
        // Safety net: a test JVM that ends without closing must not leave three brokers running.
        this.shutdownHook = new Thread(() -> nodes.values().forEach(node -> node.process().kill()), "kafka-cluster-shutdown");
        Runtime.getRuntime().addShutdownHook(shutdownHook);
    }

    /**
     * Formats and starts three nodes under {@code dir} from the Kafka jars on this JVM's class path
     * (the Kafka server the testkit brings, the version the stack runs), and returns once every node
     * serves clients.
     */
    public static KafkaCluster start(Path dir) {
        return start(dir, System.getProperty("java.class.path"));
    }

    /** The same from the Kafka jars on {@code classPath} (for example {@code .local/kafka/lib/*}). */
    public static KafkaCluster start(Path dir, String classPath) {
        Map<Integer, Member> nodes = new LinkedHashMap<>();
        Map<Integer, Integer> controllerPorts = new LinkedHashMap<>();
        Map<Integer, Integer> ports = new LinkedHashMap<>();
        for (int id = 1; id <= ClusterBroker.NODES; id++) {
            ports.put(id, FreePorts.next());
            controllerPorts.put(id, FreePorts.next());
        }
        String voters = controllerPorts.entrySet().stream()
                .map(voter -> voter.getKey() + "@127.0.0.1:" + voter.getValue())
                .collect(Collectors.joining(","));
        try {
            Files.createDirectories(dir);
            Path log4j = dir.resolve("log4j2.properties");
            Files.writeString(log4j, String.join("\n",
                    "status = warn",
                    "appender.out.type = Console",
                    "appender.out.name = OUT",
                    "appender.out.layout.type = PatternLayout",
                    "appender.out.layout.pattern = [%d] %p %m (%c)%n",
                    "rootLogger.level = INFO",
                    "rootLogger.appenderRef.out.ref = OUT",
                    "logger.request.name = kafka.request.logger",
                    "logger.request.level = WARN",
                    "logger.state.name = state.change.logger",
                    "logger.state.level = WARN", ""));
            for (int id = 1; id <= ClusterBroker.NODES; id++) {
                Path nodeDir = Files.createDirectories(dir.resolve("kafka-" + id));
                Path properties = nodeDir.resolve("server.properties");
                Files.writeString(properties, serverProperties(id, ports.get(id), controllerPorts.get(id), voters,
                        nodeDir.resolve("data")));
                ChildProcess process = new ChildProcess("kafka-" + id, List.of(ChildProcess.java(),
                        "-Xms128m", "-Xmx384m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
                        "-Dlog4j2.configurationFile=" + log4j, "-cp", classPath, "kafka.Kafka", properties.toString()),
                        nodeDir.resolve("kafka.log"));
                nodes.put(id, new Member(id, ports.get(id), controllerPorts.get(id), properties, process));
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the cluster's settings under " + dir, e);
        }
        format(nodes.values(), classPath, dir.resolve("log4j2.properties"));
        KafkaCluster cluster = new KafkaCluster(dir, nodes);
        try {
            nodes.values().forEach(node -> node.process().start());
            cluster.awaitServing(nodes.keySet(), READY_WITHIN);
            return cluster;
        } catch (RuntimeException e) {
            cluster.close();
            throw e;
        }
    }

    private static String serverProperties(int id, int port, int controllerPort, String voters, Path data) {
        Map<String, String> settings = new LinkedHashMap<>();
        settings.put("process.roles", "broker,controller");
        settings.put("node.id", Integer.toString(id));
        settings.put("controller.quorum.voters", voters);
        settings.put("listeners", "PLAINTEXT://127.0.0.1:" + port + ",CONTROLLER://127.0.0.1:" + controllerPort);
        settings.put("advertised.listeners", "PLAINTEXT://127.0.0.1:" + port);
        settings.put("controller.listener.names", "CONTROLLER");
        settings.put("inter.broker.listener.name", "PLAINTEXT");
        settings.put("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT");
        settings.put("log.dirs", data.toString());
        settings.put("num.partitions", Integer.toString(Topics.DEFAULT_PARTITIONS));
        settings.putAll(ClusterBroker.settings());
        settings.putAll(TEST_SETTINGS);
        return settings.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue())
                .collect(Collectors.joining("\n", "", "\n"));
    }

    /** One cluster id, every node's storage formatted with it (a JVM each, in parallel: ~2-5 s). */
    private static void format(Iterable<Member> nodes, String classPath, Path log4j) {
        String clusterId = Uuid.randomUuid().toString();
        List<CompletableFuture<Void>> formats = new ArrayList<>();
        for (Member node : nodes) {
            formats.add(CompletableFuture.runAsync(() -> ChildProcess.runToCompletion(List.of(ChildProcess.java(),
                    "-Xmx256m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-Dlog4j2.configurationFile=" + log4j,
                    "-cp", classPath, "kafka.tools.StorageTool", "format", "-t", clusterId, "-c",
                    node.properties().toString()), node.properties().resolveSibling("format.log"), FORMATTED_WITHIN)));
        }
        try {
            CompletableFuture.allOf(formats.toArray(CompletableFuture[]::new)).get();
        } catch (ExecutionException e) {
            throw e.getCause() instanceof RuntimeException runtime ? runtime : new IllegalStateException(e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while formatting the cluster's storage", e);
        }
    }

    /** Every node's client address, comma-separated: a client reaches the cluster while any one of them runs. */
    public String bootstrapServers() {
        return nodes.values().stream().map(node -> "127.0.0.1:" + node.port()).collect(Collectors.joining(","));
    }

    /** The node ids, 1 to 3. */
    public Set<Integer> nodeIds() {
        return Set.copyOf(nodes.keySet());
    }

    /** One admin client on every node's address; owned by the cluster, so callers must not close it. */
    public Admin admin() {
        return admin;
    }

    /** Creates the topics that do not exist yet with the production replication, {@code partitions} each. */
    public void createTopics(Topics topics, int partitions) {
        topics.createAll(admin, partitions, Replication.PRODUCTION);
    }

    /** {@code kill -9} of node {@code id}: no flush, no controlled shutdown, its partitions' leadership moves when it is fenced. */
    public void kill(int id) {
        node(id).process().kill();
    }

    /** Starts node {@code id} again on its directory and ports, and returns once it serves clients. */
    public void start(int id) {
        start(id, READY_WITHIN);
    }

    /**
     * The same, waiting at most {@code within}: a node that comes back while the machine is busy with
     * the rest of a test (its log recovery after a kill, its catching up with the metadata) may need longer.
     */
    public void start(int id, Duration within) {
        node(id).process().start();
        awaitServing(Set.of(id), within);
    }

    /** The id of the node leading {@code topic}'s {@code partition} now; fails while it has none. */
    public int leaderOf(String topic, int partition) {
        org.apache.kafka.common.Node leader = partitionInfo(topic, partition).leader();
        if (leader == null || leader.isEmpty()) {
            throw new IllegalStateException(topic + "-" + partition + " has no leader");
        }
        return leader.id();
    }

    /** The ids of the nodes in sync for {@code topic}'s {@code partition} now. */
    public Set<Integer> inSyncReplicasOf(String topic, int partition) {
        return partitionInfo(topic, partition).isr().stream().map(org.apache.kafka.common.Node::id)
                .collect(Collectors.toUnmodifiableSet());
    }

    /** Waits until every partition of {@code topics} has all three nodes in sync again. */
    public void awaitFullyInSync(List<String> topics, Duration within) {
        await("every partition of " + topics + " in sync on all " + ClusterBroker.NODES + " nodes")
                .atMost(within).pollInterval(Duration.ofMillis(250)).ignoreExceptions()
                .until(() -> describe(topics).values().stream().flatMap(topic -> topic.partitions().stream())
                        .allMatch(partition -> partition.isr().size() == ClusterBroker.NODES));
    }

    public Map<String, TopicDescription> describe(List<String> topics) {
        try {
            return admin.describeTopics(topics).allTopicNames().get(ADMIN_CALL.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("cannot describe " + topics, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while describing " + topics, e);
        }
    }

    private TopicPartitionInfo partitionInfo(String topic, int partition) {
        List<TopicPartitionInfo> partitions = describe(List.of(topic)).get(topic).partitions();
        if (partition < 0 || partition >= partitions.size()) {
            throw new IllegalArgumentException(topic + " has " + partitions.size() + " partitions, no partition " + partition);
        }
        return partitions.get(partition);
    }

    private Member node(int id) {
        Member node = nodes.get(id);
        if (node == null) {
            throw new IllegalArgumentException("no node " + id + " in the cluster; its nodes are " + nodes.keySet());
        }
        return node;
    }

    /**
     * Until each of {@code ids} accepts connections (a node opens its client listener once it has
     * caught up with the metadata) and the cluster's metadata lists it as a broker (unfenced).
     */
    private void awaitServing(Set<Integer> ids, Duration within) {
        await("nodes " + ids + " serve clients (logs under " + dir + ")").atMost(within)
                .pollInterval(Duration.ofMillis(250))
                .until(() -> {
                    for (int id : ids) {
                        ChildProcess process = node(id).process();
                        if (!process.alive()) {
                            throw new IllegalStateException("Kafka node " + id + " exited: " + process.logTail());
                        }
                    }
                    return ids.stream().allMatch(id -> accepts(node(id).port())) && servingIds().containsAll(ids);
                });
    }

    private static boolean accepts(int port) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", port), 1000);
            return true;
        } catch (IOException notYet) {
            return false;
        }
    }

    private Set<Integer> servingIds() {
        try {
            return admin.describeCluster().nodes().get(3, TimeUnit.SECONDS).stream()
                    .map(org.apache.kafka.common.Node::id).collect(Collectors.toSet());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Set.of();
        } catch (ExecutionException | TimeoutException notYet) {
            return Set.of();
        }
    }

    /** Stops every node (SIGTERM, then SIGKILL after 10 s, all at once) and leaves the directories to the caller. */
    @Override
    public void close() {
        try {
            Runtime.getRuntime().removeShutdownHook(shutdownHook);
        } catch (IllegalStateException shuttingDown) {
            // the hook runs or ran already
        }
        admin.close(Duration.ofSeconds(2));
        List<CompletableFuture<Void>> stops = nodes.values().stream()
                .map(node -> CompletableFuture.runAsync(() -> node.process().stop(Duration.ofSeconds(10))))
                .toList();
        stops.forEach(CompletableFuture::join);
    }

    /** For a failure message: the end of node {@code id}'s log. */
    public String logTail(int id) {
        return node(id).process().logTail();
    }
}
