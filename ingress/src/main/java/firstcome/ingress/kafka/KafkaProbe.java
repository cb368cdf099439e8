package firstcome.ingress.kafka;

import firstcome.contract.KafkaConnection;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.DescribeClusterOptions;

/** Asks the cluster to describe itself, within a second: the ingress's Kafka health. */
public final class KafkaProbe implements Probe, AutoCloseable {

    private static final Duration WAIT = Duration.ofSeconds(1);

    private final Admin admin;

    public KafkaProbe(KafkaConnection kafka) {
        this.admin = Admin.create(kafka.settings(Map.of(
                AdminClientConfig.CLIENT_ID_CONFIG, "firstcome-ingress-health",
                AdminClientConfig.RECONNECT_BACKOFF_MAX_MS_CONFIG, 1000)));
    }

    @Override
    public boolean up() {
        try {
            var options = new DescribeClusterOptions().timeoutMs((int) WAIT.toMillis());
            return !admin.describeCluster(options).nodes().get(WAIT.toMillis() + 200, TimeUnit.MILLISECONDS).isEmpty();
        } catch (ExecutionException | TimeoutException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    @Override
    public void close() {
        admin.close(Duration.ofSeconds(2));
    }
}
