package firstcome.testkit;

import static org.awaitility.Awaitility.await;

import firstcome.stackkit.ChildProcess;
import firstcome.stackkit.FreePorts;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

/**
 * A throw-away Redis Cluster of three masters (no replicas), each a redis-server child process on a
 * free port, without persistence, joined by {@code redis-cli --cluster create}: what a test of the
 * gate on a cluster needs (the slots spread over three masters, MOVED redirections, a master that
 * loses its data on its own).
 */
public final class RedisCluster implements AutoCloseable {

    public static final int MASTERS = 3;

    private final List<Integer> ports = new ArrayList<>();
    private final List<ChildProcess> nodes = new ArrayList<>();
    private final Path dir;
    private boolean created;

    RedisCluster(Path dir) {
        this.dir = dir;
        for (int i = 0; i < MASTERS; i++) {
            int port = FreePorts.next();
            Path nodeDir = directory(dir.resolve("node-" + port));
            ports.add(port);
            // Not daemonized: the JVM owns the processes and can always end them.
            nodes.add(new ChildProcess("redis-server (cluster node " + port + ")", List.of(
                    ChildProcess.locate("redis-server").toString(),
                    "--port", Integer.toString(port),
                    "--bind", RedisServer.HOST,
                    "--cluster-enabled", "yes",
                    // The bus port is the client port + 10000 unless named: a free port above 55535 would overflow.
                    "--cluster-port", Integer.toString(FreePorts.next()),
                    "--cluster-config-file", nodeDir.resolve("nodes.conf").toString(),
                    "--save", "",
                    "--appendonly", "no",
                    "--dir", nodeDir.toString()),
                    nodeDir.resolve("redis.log")));
        }
    }

    /** Starts the nodes, makes them one cluster (once) and waits until every node says {@code cluster_state:ok}. */
    synchronized void start() {
        for (int port : ports) {
            startNode(port);
        }
        if (!created) {
            List<String> create = new ArrayList<>(List.of(ChildProcess.locate("redis-cli").toString(), "--cluster", "create"));
            ports.forEach(port -> create.add(RedisServer.HOST + ":" + port));
            create.addAll(List.of("--cluster-replicas", "0", "--cluster-yes"));
            ChildProcess.runToCompletion(create, dir.resolve("cluster-create.log"), Duration.ofSeconds(60));
            created = true;
        }
        awaitEverySlotServed();
    }

    private void awaitEverySlotServed() {
        await("the Redis Cluster on " + ports + " serving every slot")
                .atMost(Duration.ofSeconds(30))
                .pollInterval(Duration.ofMillis(100))
                .ignoreExceptions()
                .until(this::servesEverySlot);
    }

    /**
     * Ends the master on {@code port}, as a crash would end it: its slots go unserved until
     * {@link #start(int)}. Within the cluster's node timeout (15 s) the others do not yet mark it failed.
     */
    public synchronized void stop(int port) {
        ServerStart.stop(node(port));
    }

    /**
     * Starts the master on {@code port} again: it rejoins with the same slots (its {@code nodes.conf}
     * is kept) and without data or scripts (no persistence); returns once every slot is served.
     */
    public synchronized void start(int port) {
        startNode(port);
        awaitEverySlotServed();
    }

    /** {@code kill -STOP}: the master keeps its connections and answers nothing until {@link #resume(int)}. */
    public synchronized void pause(int port) {
        node(port).pause();
    }

    /** {@code kill -CONT}: the master carries on, running what it was sent meanwhile. */
    public synchronized void resume(int port) {
        node(port).resume();
    }

    private void startNode(int port) {
        ServerStart.startAndAwait(node(port), Duration.ofSeconds(20), () -> "PONG".equals(RedisServer.ask(port, "PING")));
    }

    private ChildProcess node(int port) {
        int index = ports.indexOf(port);
        if (index < 0) {
            throw new IllegalArgumentException("no master of this cluster listens on port " + port + " (they are on " + ports + ")");
        }
        return nodes.get(index);
    }

    private boolean servesEverySlot() throws IOException {
        for (int port : ports) {
            if (!RedisServer.ask(port, "CLUSTER", "INFO").contains("cluster_state:ok")) {
                return false;
            }
        }
        return true;
    }

    /** {@code redis://127.0.0.1:p1,127.0.0.1:p2,127.0.0.1:p3}: every master as a seed node, for {@code REDIS_URL} with {@code REDIS_CLUSTER=true}. */
    public String url() {
        return "redis://" + ports.stream().map(port -> RedisServer.HOST + ":" + port).collect(Collectors.joining(","));
    }

    public String host() {
        return RedisServer.HOST;
    }

    /** The masters' ports, in the order the slots were handed out (the first holds slot 0). */
    public List<Integer> ports() {
        return List.copyOf(ports);
    }

    @Override
    public void close() {
        nodes.forEach(ServerStart::stop);
    }

    private static Path directory(Path path) {
        try {
            return Files.createDirectories(path);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
