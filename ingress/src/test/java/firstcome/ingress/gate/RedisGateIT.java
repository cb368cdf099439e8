package firstcome.ingress.gate;

import firstcome.ingress.IngressConfig;
import firstcome.testkit.Infrastructure;
import firstcome.testkit.InfrastructureExtension;
import java.util.Map;
import org.junit.jupiter.api.extension.ExtendWith;

/** The gate's contract against {@link RedisGate} on the testkit's Redis, connected as the ingress connects. */
@ExtendWith(InfrastructureExtension.class)
class RedisGateIT extends GateContract {

    private final IngressConfig config;

    RedisGateIT(Infrastructure infrastructure) {
        this.config = IngressConfig.fromEnv(Map.of("REDIS_URL", infrastructure.redisUrl()));
    }

    @Override
    Gate newGate() {
        return RedisGate.connect(config);
    }
}
