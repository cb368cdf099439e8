package firstcome.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.util.UUID;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import redis.clients.jedis.RedisClient;

/** The harness Redis answers the same client the ingress gate uses. */
@ExtendWith(InfrastructureExtension.class)
class RedisIT {

    @Test
    void storesAndReturnsAValueThroughTheUrl(Infrastructure infrastructure) {
        // given
        String key = "testkit:" + UUID.randomUUID();
        try (RedisClient redis = RedisClient.create(URI.create(infrastructure.redisUrl()))) {

            // when
            redis.set(key + ":greeting", "hello");
            long counted = redis.incr(key + ":counter");

            // then
            assertThat(redis.get(key + ":greeting")).isEqualTo("hello");
            assertThat(counted).isEqualTo(1);
        }
    }

    @Test
    void hostAndPortNameTheSameServerAsTheUrl(Infrastructure infrastructure) {
        assertThat(infrastructure.redisUrl())
                .isEqualTo("redis://" + infrastructure.redisHost() + ":" + infrastructure.redisPort());
    }
}
