package firstcome.processor;

import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * The decoded values of one of a task's stores that the processor read or wrote, so that the per-event
 * values every record of an event reads (its definition, its tally, its retirement marker) are decoded
 * from JSON once, not once per record: reads go through it, writes go through it to the store. It holds
 * absent keys too ("no marker" is what nearly every record reads).
 *
 * <p>Correct only while every write to the store goes through it: the processor's own writes do, the
 * retirement's sweep writes the stores directly and so {@link #clear}s it after. Kafka Streams rolls a
 * store back only by closing its task and initialising the processor again, which starts with an empty
 * cache. Interactive queries read the store, which is written at once, so they see the same values.
 */
final class ValueCache<V> {

    /** Per-event keys only: one entry per event of the task, cleared whole if a task ever holds more. */
    static final int MAX_ENTRIES = 10_000;

    private final KeyValueStore<String, V> store;
    private final Map<String, Optional<V>> values = new HashMap<>();

    ValueCache(KeyValueStore<String, V> store) {
        this.store = store;
    }

    V get(String key) {
        Optional<V> known = values.get(key);
        if (known != null) {
            return known.orElse(null);
        }
        V value = store.get(key);
        remember(key, value);
        return value;
    }

    void put(String key, V value) {
        store.put(key, value);
        remember(key, value);
    }

    void delete(String key) {
        store.delete(key);
        remember(key, null);
    }

    void clear() {
        values.clear();
    }

    private void remember(String key, V value) {
        if (values.size() >= MAX_ENTRIES && !values.containsKey(key)) {
            values.clear();
        }
        values.put(key, Optional.ofNullable(value));
    }
}
