package firstcome.ingress.gate;

import firstcome.ingress.IngressConfig;
import firstcome.ingress.api.EventId;
import firstcome.testkit.Infrastructure;
import firstcome.testkit.RedisCluster;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import redis.clients.jedis.Protocol;
import redis.clients.jedis.RedisClient;
import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.util.JedisClusterCRC16;

/**
 * The two kinds of Redis the ingress runs its gate on, for tests that hold both to the same
 * promises: the testkit's single Redis, or its Redis Cluster of three masters. Besides the config the
 * ingress connects with, it answers which node holds an event's keys (asked of each node itself) and
 * loses the data of one node, as a master restarted without persistence would.
 */
enum GateRedis {

    STANDALONE, CLUSTER;

    /** The ingress's settings for this Redis, the others at their defaults. */
    IngressConfig config(Infrastructure infrastructure) {
        return IngressConfig.fromEnv(this == CLUSTER
                ? Map.of("REDIS_URL", infrastructure.redisCluster().url(), "REDIS_CLUSTER", "true")
                : Map.of("REDIS_URL", infrastructure.redisUrl()));
    }

    /** A client of the whole store (cluster-aware on a cluster), as the ingress builds it. */
    UnifiedJedis client(Infrastructure infrastructure) {
        IngressConfig config = config(infrastructure);
        return RedisGate.open(config.redis(), config.redisTimeout(), 4, "firstcome-test");
    }

    /** The nodes that hold data: the one server, or the three masters, as "host:port". */
    List<String> nodes(Infrastructure infrastructure) {
        if (this == CLUSTER) {
            RedisCluster cluster = infrastructure.redisCluster();
            return cluster.ports().stream().map(port -> cluster.host() + ":" + port).toList();
        }
        return List.of(infrastructure.redisHost() + ":" + infrastructure.redisPort());
    }

    /**
     * The node whose keyspace holds the event's keys, asked of every node directly ({@code CLUSTER
     * COUNTKEYSINSLOT} counts only the keys a node holds itself).
     */
    String nodeOf(Infrastructure infrastructure, EventId event) {
        List<String> nodes = nodes(infrastructure);
        if (this == STANDALONE) {
            return nodes.get(0);
        }
        String slot = Long.toString(JedisClusterCRC16.getSlot(keysOf(event)[1]));
        List<String> holders = nodes.stream()
                .filter(node -> {
                    try (RedisClient redis = node(node)) {
                        return (Long) redis.sendCommand(Protocol.Command.CLUSTER, "COUNTKEYSINSLOT", slot) > 0;
                    }
                })
                .toList();
        if (holders.size() != 1) {
            throw new AssertionError("the keys of " + event + " (slot " + slot + ") are on " + holders + ", not on one master");
        }
        return holders.get(0);
    }

    /**
     * One node loses its keys and its scripts (FLUSHALL, SCRIPT FLUSH), as after a restart without
     * persistence: the events whose keys it held lose their state, the others keep it.
     */
    void flush(String node) {
        try (RedisClient redis = node(node)) {
            redis.flushAll();
            redis.scriptFlush();
        }
    }

    /** How many EVALSHA calls the node has run (its {@code INFO commandstats}); the gate runs its scripts by SHA. */
    long scriptCalls(String node) {
        try (RedisClient redis = node(node)) {
            Matcher calls = Pattern.compile("cmdstat_evalsha:calls=(\\d+)").matcher(redis.info("commandstats"));
            return calls.find() ? Long.parseLong(calls.group(1)) : 0;
        }
    }

    /** Ends one node, as a crash would; {@link #start} brings it back on the same port, empty. */
    void stop(Infrastructure infrastructure, String node) {
        if (this == CLUSTER) {
            infrastructure.redisCluster().stop(port(node));
        } else {
            infrastructure.stopRedis();
        }
    }

    void start(Infrastructure infrastructure, String node) {
        if (this == CLUSTER) {
            infrastructure.redisCluster().start(port(node));
        } else {
            infrastructure.startRedis();
        }
    }

    /** Whether the testkit can stop and start this Redis (not an external one). */
    boolean canStop(Infrastructure infrastructure) {
        return this == CLUSTER || infrastructure.canStopRedis();
    }

    /** Which of {@code events} live on which node. */
    Map<String, Set<EventId>> byNode(Infrastructure infrastructure, List<EventId> events) {
        return events.stream().collect(Collectors.groupingBy(event -> nodeOf(infrastructure, event), Collectors.toSet()));
    }

    private static RedisClient node(String node) {
        return RedisClient.create(node.substring(0, node.lastIndexOf(':')), port(node));
    }

    private static int port(String node) {
        return Integer.parseInt(node.substring(node.lastIndexOf(':') + 1));
    }

    /** The gate's keys of an event, as {@code RedisGate} names them. */
    static String[] keysOf(EventId event) {
        String prefix = "fc:{" + event.value() + "}:";
        return new String[] {prefix + "users", prefix + "count", prefix + "releases", prefix + "pending", prefix + "returned",
                prefix + "entrants", prefix + "notdrawn"};
    }
}
