package firstcome.ingress.catalog;

import firstcome.contract.EventDefinition;
import firstcome.contract.Ids;
import firstcome.ingress.api.EventId;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.NavigableSet;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListSet;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/**
 * The ingress's own view of coupon-events: every event definition, as of the latest record read
 * or written. It answers UNKNOWN_EVENT, NOT_OPEN, CLOSED and RETIRED without Redis, and it is what
 * remembers an event's limit when Redis loses its data. {@link CatalogFollower} fills it from the topic;
 * the admin call updates it directly after the broker acknowledged the new definition.
 *
 * <p>Retired events stay here on purpose: the catalog answers their status look-ups (410 RETIRED)
 * and refuses to reuse their ids. That is one small definition per event id ever defined, the
 * size of the compacted coupon-events topic itself, and nothing per user. Everything that holds
 * state per user of an event drops it when {@link #retireDue} announces the event's retirement.
 */
public final class EventCatalog {

    private final Retirement retirement;
    private final Map<String, Versioned> events = new ConcurrentHashMap<>();
    /** The events with a retirement instant not announced yet, soonest first. */
    private final NavigableSet<Due> due = new ConcurrentSkipListSet<>(
            Comparator.comparing(Due::at).thenComparing(Due::eventId));
    private final List<Consumer<EventId>> listeners = new CopyOnWriteArrayList<>();
    private final List<Consumer<EventDefinition>> retirementMoves = new CopyOnWriteArrayList<>();
    private final List<Consumer<EventId>> retirements = new CopyOnWriteArrayList<>();
    private volatile boolean loaded;

    /** With the default {@code EVENT_RETENTION}. */
    public EventCatalog() {
        this(Retirement.DEFAULT);
    }

    public EventCatalog(Retirement retirement) {
        this.retirement = retirement;
    }

    public Retirement retirement() {
        return retirement;
    }

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
        apply(eventId, definition, offset, null);
    }

    /**
     * As {@link #apply(String, EventDefinition, long)}, for a record written at {@code writtenAt}
     * (its timestamp): a definition written once the event held here had retired is ignored, so a
     * retired event is never opened again, whatever arrives later for its id.
     */
    public void apply(String eventId, EventDefinition definition, long offset, Instant writtenAt) {
        boolean[] changed = {false};
        EventDefinition[] before = {null};
        events.compute(eventId, (id, current) -> {
            if (current != null && current.offset >= offset) {
                return current;
            }
            if (current != null && current.definition != null && writtenAt != null
                    && retirement.retiredAt(current.definition, writtenAt)) {
                return current;
            }
            before[0] = current == null ? null : current.definition;
            changed[0] = current == null || !Objects.equals(current.definition, definition);
            if (changed[0]) {
                retirementOf(before[0]).ifPresent(at -> due.remove(new Due(at, id)));
                retirementOf(definition).ifPresent(at -> due.add(new Due(at, id)));
            }
            return new Versioned(definition, offset);
        });
        if (changed[0] && Ids.isValid(eventId)) {
            EventId event = new EventId(eventId);
            listeners.forEach(listener -> listener.accept(event));
            if (before[0] != null && definition != null && !retirementOf(before[0]).equals(retirementOf(definition))) {
                retirementMoves.forEach(listener -> listener.accept(definition));
            }
        }
    }

    /** Called with the event whenever its definition changes. */
    public void onChange(Consumer<EventId> listener) {
        listeners.add(listener);
    }

    /** Called with the new definition when a known event's retirement moved (its {@code closesAt} or {@code couponsValidUntil} did). */
    public void onRetirementMoved(Consumer<EventDefinition> listener) {
        retirementMoves.add(listener);
    }

    /** Called once with each event as {@link #retireDue} finds it retired. */
    public void onRetired(Consumer<EventId> listener) {
        retirements.add(listener);
    }

    /**
     * Announces the events retired by {@code now} and not announced yet to the {@link #onRetired}
     * listeners, soonest first; returns them. Nothing before the catalog is loaded: a later record
     * of the topic may still move an event's closing.
     */
    public List<EventId> retireDue(Instant now) {
        List<EventId> retired = new ArrayList<>();
        if (!loaded) {
            return retired;
        }
        for (Due next = first(); next != null && !now.isBefore(next.at()); next = first()) {
            if (due.remove(next) && Ids.isValid(next.eventId())) {
                EventId event = new EventId(next.eventId());
                retired.add(event);
                retirements.forEach(listener -> listener.accept(event));
            }
        }
        return retired;
    }

    /** The instant the event retired, when it is retired at {@code now}; empty for a live or unknown event. */
    public Optional<Instant> retiredAt(EventId event, Instant now) {
        return find(event).filter(definition -> retirement.retiredAt(definition, now)).flatMap(retirement::retiresAt);
    }

    /** When the event retires (its gate keys expire then), or empty: unknown, or never closes. */
    public Optional<Instant> retiresAt(EventId event) {
        return find(event).flatMap(retirement::retiresAt);
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

    /** The defined events not retired at {@code now}: those that can still hold state at the gate. */
    public List<EventDefinition> live(Instant now) {
        return events.values().stream()
                .map(Versioned::definition)
                .filter(definition -> definition != null && !retirement.retiredAt(definition, now))
                .toList();
    }

    /** Defined events (tombstoned ones excluded). */
    public int size() {
        return (int) events.values().stream().filter(entry -> entry.definition != null).count();
    }

    private Optional<Instant> retirementOf(EventDefinition definition) {
        return definition == null ? Optional.empty() : retirement.retiresAt(definition);
    }

    private Due first() {
        return due.isEmpty() ? null : due.first();
    }

    private record Versioned(EventDefinition definition, long offset) {
    }

    private record Due(Instant at, String eventId) {
    }
}
