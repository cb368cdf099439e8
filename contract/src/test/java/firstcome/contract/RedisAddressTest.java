package firstcome.contract;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import firstcome.contract.RedisAddress.Node;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class RedisAddressTest {

    @Test
    void isOneLocalServerByDefault() {
        RedisAddress address = RedisAddress.fromEnv(new Environment(Map.of()));

        assertThat(address).isEqualTo(new RedisAddress(List.of(new Node("localhost", 6379)), Optional.empty(),
                Optional.empty(), false, 0, false));
    }

    @Test
    void readsTheCredentialsTlsAndDatabaseOfOneServer() {
        RedisAddress address = RedisAddress.parse("rediss://gate:s%40cret@cache:6380/2", false);

        assertThat(address.nodes()).containsExactly(new Node("cache", 6380));
        assertThat(address.user()).contains("gate");
        assertThat(address.password()).contains("s@cret");
        assertThat(address.tls()).isTrue();
        assertThat(address.database()).isEqualTo(2);
        assertThat(RedisAddress.parse("redis://:pw@cache", false).password()).contains("pw");
        assertThat(RedisAddress.parse("redis://:pw@cache", false).user()).isEmpty();
        assertThat(RedisAddress.parse("redis://cache", false).first().port()).as("the default port").isEqualTo(6379);
    }

    @Test
    void readsTheSeedNodesOfAClusterWithOneSchemeAndOneSetOfCredentials() {
        RedisAddress address = RedisAddress.fromEnv(new Environment(Map.of(
                "REDIS_URL", "redis://app:pw@h1:7000, h2:7001,[::1]:7002", "REDIS_CLUSTER", "true")));

        assertThat(address.cluster()).isTrue();
        assertThat(address.nodes()).containsExactly(new Node("h1", 7000), new Node("h2", 7001), new Node("::1", 7002));
        assertThat(address.user()).contains("app");
        assertThat(address.password()).contains("pw");
        assertThat(address).hasToString("redis://h1:7000,h2:7001,[::1]:7002 (cluster)");
        assertThat(RedisAddress.parse("redis://h1:7000", true).nodes()).as("one seed is enough").hasSize(1);
    }

    @Test
    void refusesABadValueNamingTheVariableWithoutShowingThePassword() {
        assertThatThrownBy(() -> RedisAddress.parse("localhost:6379", false))
                .hasMessageStartingWith("REDIS_URL must be a URL like redis://host:6379");
        assertThatThrownBy(() -> RedisAddress.parse("http://cache:6379", false)).hasMessageContaining("redis://");
        assertThatThrownBy(() -> RedisAddress.parse("redis://:hunter2@h1:7000,h2:70x1", true))
                .hasMessageContaining("'h2:70x1' is not a host[:port]")
                .hasMessageNotContaining("hunter2");
        assertThatThrownBy(() -> RedisAddress.parse("redis://h1:7000,,h2:7001", true)).hasMessageContaining("is not a host[:port]");
        assertThatThrownBy(() -> RedisAddress.parse("redis://h1:7000,h1:7000", true)).hasMessageContaining("names a node twice");
        assertThatThrownBy(() -> RedisAddress.parse("redis://cache/zero", false)).hasMessageContaining("database number");
        assertThatThrownBy(() -> RedisAddress.parse("redis://hunter2@cache", false))
                .hasMessageContaining("user:password@")
                .hasMessageNotContaining("hunter2");
        assertThatThrownBy(() -> new Environment(Map.of("REDIS_CLUSTER", "maybe")).flag("REDIS_CLUSTER", false))
                .hasMessage("REDIS_CLUSTER must be true or false, was 'maybe'");
    }

    @Test
    void noRefusalQuotesAnyPartOfThePassword() {
        // Each password is made of fragments that no message has in its own words (QZJ, XKW, VBQ).
        List<String> urls = List.of(
                "redis://:QZJ/XKW@host:6379",
                "redis://:QZJ/XKW@host:6379/zero",
                "redis://gate:QZJ/XKW/VBQ@host",
                "redis://:QZJ?XKW@host:6379",
                "redis://:QZJ#XKW@host:6379",
                "redis://:QZJ/XKW@",
                "redis://:QZJ@XKW/VBQ@host:6379",
                "redis://:QZJ XKW@host:6379",
                "redis://:QZJXKW@host:70x1",
                "redis://:QZJXKW@host?db=1",
                "redis://QZJXKW@host",
                "http://:QZJXKW@host:6379",
                "redis:/:QZJ/XKW@host");
        for (String url : urls) {
            assertThatThrownBy(() -> RedisAddress.parse(url, false)).as(url)
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageStartingWith("REDIS_URL must be a URL like")
                    .hasMessageNotContaining("QZJ").hasMessageNotContaining("XKW").hasMessageNotContaining("VBQ");
        }
        List<String> clusterUrls = List.of(
                "redis://app:QZJ/XKW@h1:7000,h2:7001",
                "redis://app:QZJ,XKW@h1:7000,h2:70x1",
                "redis://app:QZJ/XKW,h9:1@h1:7000,,h2:7001");
        for (String url : clusterUrls) {
            assertThatThrownBy(() -> RedisAddress.parse(url, true)).as(url)
                    .hasMessageStartingWith("REDIS_URL must be a URL like redis://host1:7000")
                    .hasMessageNotContaining("QZJ").hasMessageNotContaining("XKW");
        }
        assertThatThrownBy(() -> RedisAddress.parse("redis://:se/cret@host:6379", false))
                .hasMessageContaining("percent-encode '/', '?' and '#'")
                .hasMessageContaining("was 'redis://***@host:6379'")
                .hasMessageNotContaining("'se'").hasMessageNotContaining("cret");
        assertThat(RedisAddress.parse("redis://:se%2Fcret@host:6379", false).password()).as("percent-encoded")
                .contains("se/cret");
    }

    @Test
    void takesSeveralNodesOnlyForACluster() {
        assertThatThrownBy(() -> RedisAddress.parse("redis://h1:7000,h2:7001", false))
                .hasMessageContaining("only a Redis Cluster takes: set REDIS_CLUSTER=true");
        assertThatThrownBy(() -> RedisAddress.parse("redis://h1:7000,h2:7001/1", true))
                .hasMessageContaining("a Redis Cluster has only database 0");
    }

    @Test
    void showsWhereItPointsWithoutCredentials() {
        assertThat(RedisAddress.parse("redis://:hunter2@cache:6380/3", false)).hasToString("redis://cache:6380/3");
    }
}
