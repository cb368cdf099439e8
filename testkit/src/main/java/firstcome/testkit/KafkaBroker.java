package firstcome.testkit;

import firstcome.stackkit.SingleNodeBroker;
import java.nio.file.Path;
import java.util.HashMap;
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
     * The stack's single-node settings (internal topics on one replica, so transactions and consumer
     * groups work), with what a test broker does differently.
     */
    private static final Map<String, String> SETTINGS = testBrokerSettings();

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
        SETTINGS.forEach(builder::setConfigProp);
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

    private static Map<String, String> testBrokerSettings() {
        Map<String, String> settings = new HashMap<>(SingleNodeBroker.settings());
        // A test broker lives for one run: one partition per internal topic makes its first
        // consumer group and first transaction quickest.
        settings.put("offsets.topic.num.partitions", "1");
        settings.put("transaction.state.log.num.partitions", "1");
        // Tests write records stamped with instants of their own choosing, months in the past too; a
        // time-based retention check (every 5 minutes) would delete them while a test still reads its
        // topics. A test broker keeps everything for its one run.
        settings.put("log.retention.ms", "-1");
        // The testkit has always run with Kafka's default here (topics auto-created on first use);
        // turning that off for the tests would be a change of its own.
        settings.remove("auto.create.topics.enable");
        // The test kit switches unreleased APIs on; production brokers run without them.
        settings.put("unstable.api.versions.enable", "false");
        settings.put("unstable.feature.versions.enable", "false");
        return Map.copyOf(settings);
    }

    String bootstrapServers() {
        return cluster.bootstrapServers();
    }

    @Override
    public void close() throws Exception {
        cluster.close();
    }
}
