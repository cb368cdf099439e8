package firstcome.ingress.gate;

import firstcome.ingress.IngressConfig;
import firstcome.ingress.api.EventId;
import firstcome.testkit.Infrastructure;
import firstcome.testkit.InfrastructureExtension;
import java.net.URI;
import java.util.Map;
import org.junit.jupiter.api.extension.ExtendWith;
import redis.clients.jedis.RedisClient;

/** The gate's contract against {@link RedisGate} on the testkit's Redis, connected as the ingress connects. */
@ExtendWith(InfrastructureExtension.class)
class RedisGateIT extends GateContract {

    private final IngressConfig config;

    private final Infrastructure infrastructure;

    RedisGateIT(Infrastructure infrastructure) {
        this.infrastructure = infrastructure;
        this.config = IngressConfig.fromEnv(Map.of("REDIS_URL", infrastructure.redisUrl()));
    }

    @Override
    Gate newGate() {
        return RedisGate.connect(config);
    }

    /** The event's keys deleted, as a flush would (the Redis is shared with other tests). */
    @Override
    void loseTheStateOf(EventId event) {
        String prefix = "fc:{" + event.value() + "}:";
        try (RedisClient redis = RedisClient.create(URI.create(infrastructure.redisUrl()))) {
            redis.del(prefix + "users", prefix + "count", prefix + "releases", prefix + "pending");
        }
    }
}
