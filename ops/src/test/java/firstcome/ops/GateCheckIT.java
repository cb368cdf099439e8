package firstcome.ops;

import static org.assertj.core.api.Assertions.assertThat;

import firstcome.contract.RedisAddress;
import firstcome.testkit.Infrastructure;
import firstcome.testkit.InfrastructureExtension;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.stream.IntStream;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.RedisClient;
import redis.clients.jedis.RedisClusterClient;
import redis.clients.jedis.UnifiedJedis;

/**
 * The audit reads the gate's keys of every event (the users, the count, the pending requests, the
 * draw's entrants) from one Redis, or from a Redis Cluster where the events spread over three masters.
 */
@ExtendWith(InfrastructureExtension.class)
class GateCheckIT {

    @ParameterizedTest(name = "REDIS_CLUSTER={0}")
    @ValueSource(booleans = {false, true})
    void readsWhatTheGateHoldsForEachEvent(boolean cluster, Infrastructure infrastructure) {
        // given: the gate's keys of a dozen events, as the ingress writes them
        RedisAddress address = RedisAddress.parse(cluster ? infrastructure.redisCluster().url() : infrastructure.redisUrl(), cluster);
        List<String> events = IntStream.range(0, 12).mapToObj(i -> "audit-" + UUID.randomUUID()).toList();
        try (UnifiedJedis ingress = writer(address)) {
            for (String event : events) {
                String prefix = "fc:{" + event + "}:";
                ingress.sadd(prefix + "users", "a", "b");
                ingress.set(prefix + "count", "2");
                ingress.hset(prefix + "pending", "b", "{\"requestId\":\"r-b\"}");
                ingress.hset(prefix + "entrants", "a", "r-a");
            }
        }

        // when
        try (GateCheck gate = GateCheck.connect(address)) {
            // then
            for (String event : events) {
                assertThat(gate.read(event)).isEqualTo(new GateCheck.GateState(Set.of("a", "b"), 2, Map.of("b", "{\"requestId\":\"r-b\"}"),
                        Set.of(), Map.of("a", "r-a")));
            }
            assertThat(gate.read("audit-never-seen")).isEqualTo(new GateCheck.GateState(Set.of(), 0, Map.of()));
        }
    }

    private static UnifiedJedis writer(RedisAddress address) {
        List<HostAndPort> nodes = address.nodes().stream().map(node -> new HostAndPort(node.host(), node.port())).toList();
        return address.cluster() ? RedisClusterClient.create(Set.copyOf(nodes)) : RedisClient.create(nodes.get(0));
    }
}
