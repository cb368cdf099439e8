package firstcome.ingress.api;

import firstcome.contract.Ids;
import firstcome.ingress.catalog.EventCatalog;
import java.time.Clock;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * How this ingress answered the applications to each event since it started, by outcome: what the
 * organiser's live view turns into requests per second. Only events in the catalog are counted,
 * so memory is bounded by the number of defined events, not by what clients send; a retired event's
 * counts are dropped ({@link #retire}), so it is bounded by the events not retired yet.
 */
public final class ApplyAnswerCounts {

    private final EventCatalog catalog;
    private final Map<String, Map<Outcome, LongAdder>> byEvent = new ConcurrentHashMap<>();

    private final Clock clock;

    public ApplyAnswerCounts(EventCatalog catalog, Clock clock) {
        this.catalog = catalog;
        this.clock = clock;
    }

    /** Drops the counts of a retired event. */
    public void retire(EventId event) {
        byEvent.remove(event.value());
    }

    /** Events with counts (for tests). */
    int events() {
        return byEvent.size();
    }

    /** Counts one answer to {@code POST /events/{eventId}/applications}; ignores ids the catalog does not know. */
    void record(String eventId, Outcome outcome) {
        if (eventId == null) {
            return;
        }
        Map<Outcome, LongAdder> counts = byEvent.get(eventId);
        if (counts == null) {
            if (!Ids.isValid(eventId) || catalog.find(new EventId(eventId)).isEmpty()
                    || catalog.retiredAt(new EventId(eventId), clock.instant()).isPresent()) {
                return; // unknown, or retired: its counts were dropped and are not started again
            }
            counts = byEvent.computeIfAbsent(eventId, id -> new ConcurrentHashMap<>());
        }
        counts.computeIfAbsent(outcome, o -> new LongAdder()).increment();
    }

    /** Cumulative answers to the event's applications, by outcome name (only outcomes seen so far). */
    Map<String, Long> of(EventId event) {
        Map<String, Long> answers = new TreeMap<>();
        byEvent.getOrDefault(event.value(), Map.of()).forEach((outcome, count) -> answers.put(outcome.name(), count.sum()));
        return answers;
    }
}
