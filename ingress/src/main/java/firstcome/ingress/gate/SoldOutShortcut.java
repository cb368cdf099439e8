package firstcome.ingress.gate;

import firstcome.ingress.IngressConfig;
import firstcome.ingress.api.EventId;
import firstcome.ingress.api.Outcome;
import firstcome.ingress.api.UserId;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Answers applications to a sold-out event from memory, so the long tail of a spike does not cost
 * a Redis round trip each. Once the gate says SOLD_OUT, the event's users are copied (in the
 * background) and later applications are answered SOLD_OUT, or ALREADY_APPLIED for a user in the
 * copy: the same answer the gate would give, since a sold-out event's set only changes when a slot
 * is released.
 *
 * <p>Staleness is bounded: at most every {@code recheck} one application per event goes to the
 * gate again; if the gate then accepts, or reports another release generation, the copy is
 * dropped. A slot released by another ingress can therefore be refused here for up to
 * {@code recheck}. The copy is also dropped when the event's definition changes and when this
 * ingress releases a slot. Events whose limit exceeds {@code maxUsers} never use the short-cut.
 */
public final class SoldOutShortcut {

    private static final Logger log = LoggerFactory.getLogger(SoldOutShortcut.class);

    private final Gate gate;
    private final boolean enabled;
    private final long recheckNanos;
    private final int maxUsers;
    private final Executor loader;
    private final LongSupplier nanoTime;
    private final Map<EventId, Entry> entries = new ConcurrentHashMap<>();

    public SoldOutShortcut(Gate gate, boolean enabled, Duration recheck, int maxUsers, Executor loader, LongSupplier nanoTime) {
        this.gate = gate;
        this.enabled = enabled;
        this.recheckNanos = recheck.toNanos();
        this.maxUsers = maxUsers;
        this.loader = loader;
        this.nanoTime = nanoTime;
    }

    public static SoldOutShortcut from(IngressConfig config, Gate gate, Executor loader) {
        return new SoldOutShortcut(gate, config.soldOutShortcut(), config.soldOutRecheck(), config.soldOutSnapshotMax(),
                loader, System::nanoTime);
    }

    /**
     * SOLD_OUT or ALREADY_APPLIED from memory, or empty: ask the gate. Once per {@code recheck}
     * per event, one caller gets empty so the gate confirms the copy.
     */
    public Optional<Outcome> answer(EventId event, UserId user) {
        if (!enabled) {
            return Optional.empty();
        }
        Entry entry = entries.get(event);
        if (entry == null || entry.users == null) {
            return Optional.empty();
        }
        long now = nanoTime.getAsLong();
        long checked = entry.checkedAt.get();
        if (now - checked >= recheckNanos && entry.checkedAt.compareAndSet(checked, now)) {
            return Optional.empty();
        }
        return Optional.of(entry.users.contains(user.value()) ? Outcome.ALREADY_APPLIED : Outcome.SOLD_OUT);
    }

    /** Takes note of what the gate said for an event with this limit. */
    public void observe(EventId event, int limit, Gate.Admission admission) {
        if (!enabled) {
            return;
        }
        switch (admission.outcome()) {
            case SOLD_OUT -> soldOut(event, limit, admission.generation());
            case ACCEPTED -> forget(event);
            default -> {
                // ALREADY_APPLIED says nothing about the count.
            }
        }
    }

    /** Drops what is known about the event: its definition changed, or a slot went back. */
    public void forget(EventId event) {
        if (enabled) {
            entries.remove(event);
        }
    }

    /** Events answered from memory right now. */
    int size() {
        return (int) entries.values().stream().filter(entry -> entry.users != null).count();
    }

    private void soldOut(EventId event, int limit, long generation) {
        Entry current = entries.get(event);
        if (current != null) {
            if (current.users == null) {
                return; // a copy is being made
            }
            if (current.generation == generation) {
                current.checkedAt.set(nanoTime.getAsLong());
                return;
            }
            entries.remove(event, current); // slots were released and taken again: copy anew
        }
        if (limit > maxUsers) {
            return;
        }
        Entry loading = Entry.loading();
        if (entries.putIfAbsent(event, loading) != null) {
            return;
        }
        try {
            loader.execute(() -> load(event, limit, loading));
        } catch (RejectedExecutionException shuttingDown) {
            entries.remove(event, loading);
        }
    }

    private void load(EventId event, int limit, Entry loading) {
        try {
            Optional<Gate.SoldOutSnapshot> snapshot = gate.soldOutSnapshot(event, limit, maxUsers);
            if (snapshot.isPresent()) {
                Entry loaded = new Entry(snapshot.get().generation(), snapshot.get().users(), nanoTime.getAsLong());
                // Only if nothing dropped the placeholder meanwhile (an accept, a release, a new definition).
                entries.replace(event, loading, loaded);
            } else {
                entries.remove(event, loading);
            }
        } catch (RuntimeException e) {
            entries.remove(event, loading);
            log.debug("could not copy the users of sold-out event {}: {}", event, e.getMessage());
        }
    }

    private static final class Entry {
        final long generation;
        final Set<String> users;
        final AtomicLong checkedAt;

        Entry(long generation, Set<String> users, long checkedAt) {
            this.generation = generation;
            this.users = users;
            this.checkedAt = new AtomicLong(checkedAt);
        }

        static Entry loading() {
            return new Entry(-1, null, 0);
        }
    }
}
