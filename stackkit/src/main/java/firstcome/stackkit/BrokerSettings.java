package firstcome.stackkit;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Collections;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;

/** Reads a broker settings file next to the classes of this package. */
final class BrokerSettings {

    private BrokerSettings() {
    }

    /** Setting name to value, sorted by name. */
    static Map<String, String> load(String resource) {
        Properties properties = new Properties();
        try (InputStream in = BrokerSettings.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException(resource + " is missing from the class path");
            }
            properties.load(in);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + resource, e);
        }
        Map<String, String> settings = new TreeMap<>();
        properties.stringPropertyNames().forEach(name -> settings.put(name, properties.getProperty(name)));
        return Collections.unmodifiableMap(settings);
    }
}
