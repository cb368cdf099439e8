package firstcome.ingress.gate;

import firstcome.ingress.api.EventId;
import firstcome.testkit.Infrastructure;
import firstcome.testkit.InfrastructureExtension;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.extension.ExtendWith;
import redis.clients.jedis.UnifiedJedis;

/**
 * The gate's contract against {@link RedisGate} connected as the ingress connects: on the testkit's
 * Redis, and on its Redis Cluster of three masters ({@code REDIS_CLUSTER=true}).
 */
@ExtendWith(InfrastructureExtension.class)
class RedisGateIT {

    private final Infrastructure infrastructure;

    RedisGateIT(Infrastructure infrastructure) {
        this.infrastructure = infrastructure;
    }

    @Nested
    class OnOneServer extends OnRedis {
        OnOneServer() {
            super(GateRedis.STANDALONE);
        }
    }

    @Nested
    class OnACluster extends OnRedis {
        OnACluster() {
            super(GateRedis.CLUSTER);
        }
    }

    abstract class OnRedis extends GateContract {

        private final GateRedis redis;

        OnRedis(GateRedis redis) {
            this.redis = redis;
        }

        @Override
        Gate newGate() {
            return RedisGate.connect(redis.config(infrastructure));
        }

        /** The event's keys deleted, as a flush would (the Redis is shared with other tests). */
        @Override
        void loseTheStateOf(EventId event) {
            try (UnifiedJedis client = redis.client(infrastructure)) {
                client.del(GateRedis.keysOf(event)); // one slot on a cluster: the hash tag
            }
        }
    }
}
