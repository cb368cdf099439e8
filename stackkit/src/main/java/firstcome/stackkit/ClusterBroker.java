package firstcome.stackkit;

import java.util.Map;

/**
 * The settings of each node of a three-node Kafka cluster, declared once in
 * {@code cluster-broker.properties} next to this class: Kafka's internal topics and the default for
 * new topics with three copies, two needed for a write, no unclean leader election. The callers add
 * their own node ids, addresses, voters, directories and {@code num.partitions}.
 */
public final class ClusterBroker {

    /** Nodes of the cluster, each a broker and a controller: three voters survive one node down. */
    public static final int NODES = 3;

    private static final String RESOURCE = "cluster-broker.properties";

    private ClusterBroker() {
    }

    /** Setting name to value, sorted by name. */
    public static Map<String, String> settings() {
        return BrokerSettings.load(RESOURCE);
    }
}
