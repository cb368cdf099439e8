package firstcome.testkit;

import java.nio.file.Path;
import java.util.Map;

import org.apache.kafka.common.test.KafkaClusterTestKit;
import org.apache.kafka.common.test.TestKitNodes;
import org.apache.kafka.server.common.MetadataVersion;

/**
 * A single-node KRaft Kafka (broker and controller in one) running inside the test JVM, from
 * Kafka's own test kit: the real broker code, so transactions and exactly-once behave as in production.
 */
final class KafkaBroker implements AutoCloseable {

    /**
     * The internal topics default to three replicas, which one node cannot host: without the
     * transaction-log settings {@code initTransactions()} times out; without the offsets-topic one,
     * no consumer group can commit.
     */
    private static final Map<String, String> SINGLE_NODE_SETTINGS = Map.of(
            "offsets.topic.replication.factor", "1",
            "offsets.topic.num.partitions", "1",
            "transaction.state.log.replication.factor", "1",
            "transaction.state.log.min.isr", "1",
            "transaction.state.log.num.partitions", "1",
            "share.coordinator.state.topic.replication.factor", "1",
            "share.coordinator.state.topic.min.isr", "1",
            // A group's first member must not wait 3 s for others that will never come.
            "group.initial.rebalance.delay.ms", "0",
            // The test kit switches unreleased APIs on; production brokers run without them.
            "unstable.api.versions.enable", "false",
            "unstable.feature.versions.enable", "false");

    private final KafkaClusterTestKit cluster;

    private KafkaBroker(KafkaClusterTestKit cluster) {
        this.cluster = cluster;
    }

    static KafkaBroker start(Path dir) throws Exception {
        TestKitNodes nodes = new TestKitNodes.Builder()
                .setCombined(true)
                .setNumBrokerNodes(1)
                .setNumControllerNodes(1)
                .setBaseDirectory(dir)
                // The test kit defaults to the next, unreleased metadata version.
                .setBootstrapMetadataVersion(MetadataVersion.latestProduction())
                .build();
        KafkaClusterTestKit.Builder builder = new KafkaClusterTestKit.Builder(nodes);
        SINGLE_NODE_SETTINGS.forEach(builder::setConfigProp);
        KafkaClusterTestKit cluster = builder.build();
        try {
            cluster.format();
            cluster.startup();
            cluster.waitForReadyBrokers();
            return new KafkaBroker(cluster);
        } catch (Exception e) {
            cluster.close();
            throw e;
        }
    }

    String bootstrapServers() {
        return cluster.bootstrapServers();
    }

    @Override
    public void close() throws Exception {
        cluster.close();
    }
}
