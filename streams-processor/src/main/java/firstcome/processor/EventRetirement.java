package firstcome.processor;

import firstcome.contract.EventDefinition;
import firstcome.contract.LogContext;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Retires the events of one task: once stream time passes an event's end plus
 * {@code EVENT_RETENTION} ({@link EventDefinition#retiresAt}: the end is the later of
 * {@code closesAt} and {@code couponsValidUntil}, so its coupons can be redeemed until they expire), its definition, tally, every user's decision (and so their coupon's state),
 * its waitlist and its draw's entrants and held requests leave the stores, and a {@link RetiredEvent} marker stays under its id.
 *
 * <p>Whether an event is retired is decided by {@link #isRetired} from stream time alone, so a record
 * is decided the same whether or not {@link #sweep} has dropped the event's state yet; the sweep
 * (a stream-time punctuation) only frees space, and when it runs changes no output.
 */
final class EventRetirement {

    private static final Logger log = LoggerFactory.getLogger(EventRetirement.class);

    /** Decisions deleted per write batch: bounds the keys held in memory while an event with many users retires. */
    private static final int DELETE_BATCH = 10_000;
    /** Sorts after every character an id may hold ({@code [A-Za-z0-9_.:@-]}, all below it in ASCII). */
    private static final String AFTER_EVERY_ID = "\u007f";

    private final Duration retention;
    private final KeyValueStore<String, EventDefinition> definitions;
    private final KeyValueStore<String, EventTally> tallies;
    private final KeyValueStore<String, Decision> decisions;
    private final KeyValueStore<String, RetiredEvent> retired;
    /** The stores whose keys of an event lie under the prefix {@code eventId/}: the waitlist, the draw's entrants and held requests. */
    private final List<KeyValueStore<String, ?>> eventRanges;

    /** Without waitlists: only for looking at retirement, never for sweeping a topology's stores. */
    EventRetirement(Duration retention, KeyValueStore<String, EventDefinition> definitions,
            KeyValueStore<String, EventTally> tallies, KeyValueStore<String, Decision> decisions,
            KeyValueStore<String, RetiredEvent> retired) {
        this(retention, definitions, tallies, decisions, retired, List.of());
    }

    EventRetirement(Duration retention, KeyValueStore<String, EventDefinition> definitions,
            KeyValueStore<String, EventTally> tallies, KeyValueStore<String, Decision> decisions,
            KeyValueStore<String, RetiredEvent> retired, List<KeyValueStore<String, ?>> eventRanges) {
        this.retention = retention;
        this.definitions = definitions;
        this.tallies = tallies;
        this.decisions = decisions;
        this.retired = retired;
        this.eventRanges = eventRanges;
    }

    /**
     * Whether {@code eventId}, whose stored definition is {@code definition} ({@code null}: none),
     * is retired at {@code streamTime}: it has a marker, or its retirement instant has passed even if
     * the sweep has not dropped its state yet.
     */
    boolean isRetired(String eventId, EventDefinition definition, Instant streamTime) {
        return isRetired(retired.get(eventId), definition, streamTime);
    }

    /** The same, given the event's marker as read from the retired-events store ({@code null}: none). */
    boolean isRetired(RetiredEvent marker, EventDefinition definition, Instant streamTime) {
        // The marker first: an event being deleted over several sweeps keeps its definition until the
        // last, and must stay retired even if EVENT_RETENTION was raised since (it lost part of its
        // state). With the retention unchanged both tests agree, so a replay decides the same.
        if (marker != null) {
            return true;
        }
        return definition != null && IssuingRules.retiredBy(definition, retention, streamTime);
    }

    /**
     * Retires the events of this task whose retirement instant is at or before {@code streamTime}:
     * each gets its marker at once, but at most {@code keysPerSweep} decisions are deleted in all, and
     * the next sweeps finish the events with more. One scan of the definitions (one entry per event
     * of the task not retired yet, or not finished), then per retiring event only its own keys: never
     * a scan of every user of every event.
     */
    void sweep(Instant streamTime, long keysPerSweep) {
        Map<String, RetiredEvent> due = new TreeMap<>();
        try (KeyValueIterator<String, EventDefinition> all = definitions.all()) {
            all.forEachRemaining(entry -> {
                RetiredEvent retirement = IssuingRules.retirementOf(entry.value, retention);
                if (retirement != null && !streamTime.isBefore(retirement.retiredAt())) {
                    due.put(entry.key, retirement);
                }
            });
        }
        long budget = keysPerSweep;
        for (Map.Entry<String, RetiredEvent> event : due.entrySet()) {
            budget -= retire(event.getKey(), event.getValue(), budget);
        }
    }

    /**
     * Drops the state of {@code eventId}, at most {@code budget} of its decisions this time, and keeps
     * its marker; returns how many decisions it deleted. The marker is written first: a query that
     * reads the event's decisions and then the marker either sees the state whole or hears 410. The
     * definition goes last, once no decision is left: until then it marks the retirement as
     * unfinished, for the next sweep (a retired event's definition is never written again).
     * <p>
     * Why a budget: the deletions go to the changelog in the task's transaction, which the broker
     * aborts after {@code transaction.timeout.ms} (10 s under exactly-once); an event with millions of
     * users must not be deleted in one punctuation.
     */
    private long retire(String eventId, RetiredEvent retirement, long budget) {
        long started = System.nanoTime();
        boolean marked = retired.get(eventId) == null;
        if (marked) {
            retired.put(eventId, retirement);
            tallies.delete(eventId);
        }
        // The waitlist and the draw's entrants and held requests first: their keys are no more than the
        // decisions, and the definition (deleted last) marks an unfinished retirement until all are gone.
        long dropped = 0;
        for (KeyValueStore<String, ?> range : eventRanges) {
            dropped += deleteRange(range, eventId, budget - dropped);
        }
        dropped += deleteRange(decisions, eventId, budget - dropped);
        boolean finished = dropped < budget;
        if (finished) {
            definitions.delete(eventId);
        }
        if (marked || dropped > 0) {
            try (var context = LogContext.of(eventId, null)) {
                log.info("{} event {} (ended at {}, retired at {}): dropped {} keys in {} ms{}",
                        finished ? "retired" : "retiring", eventId, retirement.closesAt(), retirement.retiredAt(), dropped,
                        (System.nanoTime() - started) / 1_000_000, finished ? "" : "; the next sweeps drop the rest");
            }
        }
        return dropped;
    }

    /**
     * Deletes up to {@code budget} of the event's keys in {@code store} (its decisions, its waitlist),
     * which lie together under the key prefix {@code eventId/}: range scans of that key range only, in
     * batches, each written as one batch of deletions. Returns how many it deleted.
     */
    private static <V> long deleteRange(KeyValueStore<String, V> store, String eventId, long budget) {
        String from = Decision.key(eventId, "");
        String to = from + AFTER_EVERY_ID;
        long dropped = 0;
        while (dropped < budget) {
            List<KeyValue<String, V>> batch = new ArrayList<>();
            long size = Math.min(DELETE_BATCH, budget - dropped);
            try (KeyValueIterator<String, V> range = store.range(from, to)) {
                while (range.hasNext() && batch.size() < size) {
                    // A null value deletes the key without reading it first (KeyValueStore#put).
                    batch.add(KeyValue.pair(range.next().key, null));
                }
            }
            if (batch.isEmpty()) {
                return dropped;
            }
            store.putAll(batch);
            dropped += batch.size();
            if (batch.size() < size) {
                return dropped;
            }
            // The next range starts at the last key deleted, which is gone: the scan seeks past it.
            from = batch.get(batch.size() - 1).key;
        }
        return dropped;
    }
}
