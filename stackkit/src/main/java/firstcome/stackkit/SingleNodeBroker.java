package firstcome.stackkit;

import java.util.Map;

/**
 * The broker settings of a single-node Kafka, declared once in {@code single-node-broker.properties}
 * next to this class: what one node needs for transactions and consumer groups, and the local
 * stack's choices. The callers add their own addresses, directories and {@code num.partitions}.
 */
public final class SingleNodeBroker {

    private static final String RESOURCE = "single-node-broker.properties";

    private SingleNodeBroker() {
    }

    /** Setting name to value, sorted by name. */
    public static Map<String, String> settings() {
        return BrokerSettings.load(RESOURCE);
    }
}
