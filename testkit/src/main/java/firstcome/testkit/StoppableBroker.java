package firstcome.testkit;

import firstcome.contract.Topics;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.common.test.KafkaClusterTestKit;
import org.apache.kafka.common.test.TestKitNodes;
import org.apache.kafka.server.common.MetadataVersion;

/**
 * A broker of one test's own, for the tests that stop Kafka: the shared broker of
 * {@link Infrastructure} cannot be stopped without breaking every other test of the run. Same
 * single-node settings as the testkit's.
 */
public final class StoppableBroker implements AutoCloseable {

    private final KafkaClusterTestKit cluster;
    private boolean stopped;

    private StoppableBroker(KafkaClusterTestKit cluster) {
        this.cluster = cluster;
    }

    public static StoppableBroker start() throws Exception {
        Path dir = Files.createTempDirectory("stoppable-broker-");
        TestKitNodes nodes = new TestKitNodes.Builder()
                .setCombined(true)
                .setNumBrokerNodes(1)
                .setNumControllerNodes(1)
                .setBaseDirectory(dir)
                .setBootstrapMetadataVersion(MetadataVersion.latestProduction())
                .build();
        var builder = new KafkaClusterTestKit.Builder(nodes);
        Map.of("offsets.topic.replication.factor", "1",
                "offsets.topic.num.partitions", "1",
                "transaction.state.log.replication.factor", "1",
                "transaction.state.log.min.isr", "1",
                "transaction.state.log.num.partitions", "1",
                "group.initial.rebalance.delay.ms", "0",
                "unstable.api.versions.enable", "false",
                "unstable.feature.versions.enable", "false").forEach(builder::setConfigProp);
        KafkaClusterTestKit cluster = builder.build();
        cluster.format();
        cluster.startup();
        cluster.waitForReadyBrokers();
        return new StoppableBroker(cluster);
    }

    public String bootstrapServers() {
        return cluster.bootstrapServers();
    }

    public void createTopics(Topics topics) {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers()))) {
            topics.createAll(admin, 1);
        }
    }

    /** Stops the broker for good: clients see it gone, as in an outage. */
    public void stop() throws Exception {
        if (!stopped) {
            stopped = true;
            cluster.close();
        }
    }

    /** Stops the broker if still running; the test kit deletes its directory on close. */
    @Override
    public void close() throws Exception {
        stop();
    }
}
