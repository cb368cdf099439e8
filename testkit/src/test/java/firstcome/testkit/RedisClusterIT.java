package firstcome.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.RedisClusterClient;
import redis.clients.jedis.util.JedisClusterCRC16;

/** The harness's Redis Cluster: three masters sharing every slot, reachable through any seed, gone once closed. */
@ExtendWith(InfrastructureExtension.class)
class RedisClusterIT {

    @Test
    void spreadsKeysOverThreeMastersThatAClusterClientReachesThroughTheSeeds(Infrastructure infrastructure) throws IOException {
        // given
        RedisCluster cluster = infrastructure.redisCluster();
        String prefix = "testkit:" + UUID.randomUUID() + ":";

        try (RedisClusterClient redis = RedisClusterClient.create(seeds(cluster))) {
            // when
            IntStream.range(0, 30).forEach(i -> redis.set(prefix + i, Integer.toString(i)));

            // then
            assertThat(redis.getClusterNodes()).hasSize(RedisCluster.MASTERS);
            assertThat(redis.get(prefix + 7)).isEqualTo("7");
            Set<Integer> owners = new HashSet<>();
            for (int i = 0; i < 30; i++) {
                owners.add(owner(cluster, prefix + i));
            }
            assertThat(owners).as("30 keys land on every master").hasSize(RedisCluster.MASTERS);
        }
        assertThat(cluster.url()).startsWith("redis://127.0.0.1:").contains(",");
    }

    @Test
    void stopsEveryNodeWhenClosed() throws Exception {
        // given
        List<Integer> ports;
        try (Infrastructure own = Infrastructure.fromEnvironment(Map.of())) {
            ports = own.redisCluster().ports();
            assertThat(RedisServer.ask(ports.get(0), "CLUSTER", "INFO")).contains("cluster_state:ok");
        }

        // then
        for (int port : ports) {
            assertThatThrownBy(() -> RedisServer.ask(port, "PING")).isInstanceOf(IOException.class);
        }
    }

    /** The master that holds the key, asked of each one (a node counts only the keys it holds itself). */
    private static int owner(RedisCluster cluster, String key) throws IOException {
        String slot = Integer.toString(JedisClusterCRC16.getSlot(key));
        for (int port : cluster.ports()) {
            if (!"0".equals(RedisServer.ask(port, "CLUSTER", "COUNTKEYSINSLOT", slot))) {
                return port;
            }
        }
        throw new AssertionError(key + " is on no master");
    }

    private static Set<HostAndPort> seeds(RedisCluster cluster) {
        return cluster.ports().stream().map(port -> new HostAndPort(cluster.host(), port)).collect(Collectors.toSet());
    }
}
