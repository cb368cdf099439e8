package firstcome.ingress.draw;

import firstcome.contract.EventDefinition;
import firstcome.contract.query.Tally;
import firstcome.ingress.api.EventId;
import firstcome.ingress.processor.TallyLookup;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Whether an event's draw is done, as the streams-processor's tally tells ({@link Tally#draw()}), for the
 * public event info: asked only once the window has ended, at most once per {@link #ASK_EVERY} per event
 * however many shoppers look, and kept once drawn (a draw is never undone). One small entry per event
 * with a window that somebody looked at after its end, dropped when the event retires.
 */
public final class DrawResults {

    /** How often the processor is asked about one event's draw, at most. */
    public static final Duration ASK_EVERY = Duration.ofSeconds(1);

    private final TallyLookup tallies;
    private final Clock clock;
    private final Map<String, Entry> entries = new ConcurrentHashMap<>();

    public DrawResults(TallyLookup tallies, Clock clock) {
        this.tallies = tallies;
        this.clock = clock;
    }

    /**
     * The draw's summary once it is done; empty before (and for an event without a window). Never
     * completes exceptionally: a processor that does not answer is a draw not known to be done.
     */
    public CompletableFuture<Optional<Tally.DrawSummary>> drawn(EventDefinition definition) {
        if (definition.draw() == null) {
            entries.remove(definition.eventId());
            return CompletableFuture.completedFuture(Optional.empty());
        }
        Instant now = clock.instant();
        if (now.isBefore(definition.drawEndsAt())) {
            return CompletableFuture.completedFuture(Optional.empty());
        }
        String seed = definition.draw().seed();
        CompletableFuture<Optional<Tally.DrawSummary>> asking = new CompletableFuture<>();
        Entry entry = entries.compute(definition.eventId(), (id, current) ->
                current != null && current.seed.equals(seed) && (current.isDrawn() || current.askedAt.plus(ASK_EVERY).isAfter(now))
                        ? current
                        : new Entry(seed, asking, now));
        if (entry.answer == asking) {
            // Only the caller that put the entry there asks; the others share its answer.
            try {
                tallies.find(new EventId(definition.eventId()))
                        .thenApply(tally -> tally.map(Tally::draw).filter(Objects::nonNull).filter(Tally.DrawSummary::drawn))
                        .exceptionally(failure -> Optional.empty())
                        .thenAccept(asking::complete);
            } catch (RuntimeException e) {
                asking.complete(Optional.empty());
            }
        }
        return entry.answer;
    }

    /** An event's definition changed: what was learnt about a draw not done yet is asked again. */
    public void changed(EventId event) {
        entries.computeIfPresent(event.value(), (id, entry) -> entry.isDrawn() ? entry : null);
    }

    /** The event retired: nothing of it is kept. */
    public void retire(EventId event) {
        entries.remove(event.value());
    }

    /** Events with an entry (for tests and a gauge). */
    public int size() {
        return entries.size();
    }

    private record Entry(String seed, CompletableFuture<Optional<Tally.DrawSummary>> answer, Instant askedAt) {

        boolean isDrawn() {
            return answer.isDone() && answer.join().isPresent();
        }
    }
}
