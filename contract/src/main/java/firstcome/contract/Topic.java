package firstcome.contract;

import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;

/** A topic's name together with the serdes of its keys (event ids) and values. */
public record Topic<V>(String name, Serde<String> keySerde, Serde<V> valueSerde) {

    static <V> Topic<V> keyedByEvent(String name, Class<V> valueType) {
        return new Topic<>(name, Serdes.String(), new JsonSerde<>(valueType));
    }

    public Topic<V> renamed(String newName) {
        return new Topic<>(newName, keySerde, valueSerde);
    }
}
