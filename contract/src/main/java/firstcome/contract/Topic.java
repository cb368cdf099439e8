package firstcome.contract;

import java.util.Map;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;

/**
 * A topic's name together with the serdes of its keys (event ids) and values, and the topic
 * settings it must be created with ({@code cleanup.policy}, ...).
 */
public record Topic<V>(String name, Serde<String> keySerde, Serde<V> valueSerde, Map<String, String> configs) {

    public Topic {
        configs = Map.copyOf(configs);
    }

    static <V> Topic<V> keyedByEvent(String name, Class<V> valueType, Map<String, String> configs) {
        return new Topic<>(name, Serdes.String(), new JsonSerde<>(valueType), configs);
    }

    public Topic<V> renamed(String newName) {
        return new Topic<>(newName, keySerde, valueSerde, configs);
    }
}
