package firstcome.stackkit;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Collections;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;

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
        Properties properties = new Properties();
        try (InputStream in = SingleNodeBroker.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException(RESOURCE + " is missing from the class path");
            }
            properties.load(in);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + RESOURCE, e);
        }
        Map<String, String> settings = new TreeMap<>();
        properties.stringPropertyNames().forEach(name -> settings.put(name, properties.getProperty(name)));
        return Collections.unmodifiableMap(settings);
    }
}
