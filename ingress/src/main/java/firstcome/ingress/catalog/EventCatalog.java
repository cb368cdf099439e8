package firstcome.ingress.catalog;

import firstcome.contract.EventDefinition;
import firstcome.contract.Ids;
import firstcome.ingress.api.EventId;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/**
 * The ingress's own view of coupon-events: every event definition, as of the latest record read
 * or written. It answers UNKNOWN_EVENT, NOT_OPEN and CLOSED without Redis, and it is what remembers
 * an event's limit when Redis loses its data. {@link CatalogFollower} fills it from the topic;
 * the admin call updates it directly after the broker acknowledged the new definition.
 */
public final class EventCatalog {

    private final Map<String, Versioned> events = new ConcurrentHashMap<>();
    private final List<Consumer<EventId>> listeners = new CopyOnWriteArrayList<>();
    private volatile boolean loaded;

    public Optional<EventDefinition> find(EventId event) {
        Versioned entry = events.get(event.value());
        return entry == null ? Optional.empty() : Optional.ofNullable(entry.definition);
    }

    /**
     * Applies the record at {@code offset} of the event's partition ({@code definition} null: a
     * tombstone). Older offsets than the one already applied are ignored, so the follower catching
     * up behind an admin call never rolls the event back.
     */
    public void apply(String eventId, EventDefinition definition, long offset) {
        boolean[] changed = {false};
        events.compute(eventId, (id, current) -> {
            if (current != null && current.offset >= offset) {
                return current;
            }
            changed[0] = current == null || !Objects.equals(current.definition, definition);
            return new Versioned(definition, offset);
        });
        if (changed[0] && Ids.isValid(eventId)) {
            EventId event = new EventId(eventId);
            listeners.forEach(listener -> listener.accept(event));
        }
    }

    /** Called with the event whenever its definition changes. */
    public void onChange(Consumer<EventId> listener) {
        listeners.add(listener);
    }

    /** Whether the topic has been read up to where it ended when the ingress started. */
    public boolean isLoaded() {
        return loaded;
    }

    public void markLoaded() {
        loaded = true;
    }

    /** Every defined event (tombstoned ones excluded), in no particular order. */
    public List<EventDefinition> definitions() {
        return events.values().stream().map(Versioned::definition).filter(Objects::nonNull).toList();
    }

    /** Defined events (tombstoned ones excluded). */
    public int size() {
        return (int) events.values().stream().filter(entry -> entry.definition != null).count();
    }

    private record Versioned(EventDefinition definition, long offset) {
    }
}
