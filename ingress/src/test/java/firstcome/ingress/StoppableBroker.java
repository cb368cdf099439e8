package firstcome.ingress;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.test.KafkaClusterTestKit;
import org.apache.kafka.common.test.TestKitNodes;
import org.apache.kafka.server.common.MetadataVersion;

/**
 * A broker of this test's own, for the one test that stops Kafka: the testkit's shared broker
 * cannot be stopped without breaking every other test of the run. Same single-node settings as
 * the testkit's.
 */
final class StoppableBroker implements AutoCloseable {

    private final KafkaClusterTestKit cluster;
    private boolean stopped;

    private StoppableBroker(KafkaClusterTestKit cluster) {
        this.cluster = cluster;
    }

    static StoppableBroker start() throws Exception {
        Path dir = Files.createTempDirectory("ingress-broker-");
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

    String bootstrapServers() {
        return cluster.bootstrapServers();
    }

    void createTopics(Map<String, Map<String, String>> topics) throws Exception {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers()))) {
            List<NewTopic> newTopics = topics.entrySet().stream()
                    .map(topic -> new NewTopic(topic.getKey(), Optional.of(1), Optional.empty()).configs(topic.getValue()))
                    .toList();
            admin.createTopics(newTopics).all().get();
        }
    }

    /** Stops the broker for good: clients see it gone, as in an outage. */
    void stop() throws Exception {
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
