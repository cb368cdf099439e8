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
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Answers applications to a sold-out event from memory, so the long tail of a spike does not cost
 * a Redis round trip each. Once the gate says SOLD_OUT, the event's users are copied (in the
 * background) and later applications are answered SOLD_OUT, or ALREADY_APPLIED for a user in the
 * copy (a user who returned their coupon too): the same answer the gate would give, since a sold-out
 * event's set only changes when a slot is released or a coupon returned, and either moves the
 * event's release generation.
 *
 * <p>Staleness is bounded: at most every {@code recheck} one application per event goes to the
 * gate again; if the gate then accepts, or reports another release generation, the copy is
 * dropped. A slot released by another ingress can therefore be refused here for up to
 * {@code recheck}. The copy is also dropped when the event's definition changes and when this
 * ingress releases a slot. Events whose capacity (limit + waitlist) exceeds {@code maxUsers} never use the short-cut.
 *
 * <p>Inside an event's draw window the gate admits up to the draw's cap instead, so the short-cut is
 * neither asked nor told there ({@code ApplyController}); a copy is only made after the window, at
 * limit + waitlist. Until the draw frees the places of those not drawn, the set may then hold more
 * users than that (every entrant): the copy holds them all (an entrant hears ALREADY_APPLIED, as from
 * the gate), counted against the caps like any other, and each place the draw frees moves the release
 * generation, so the next recheck drops the copy.
 *
 * <p>Memory is bounded twice: per event by {@code maxUsers}, and across events by {@code maxTotalUsers}
 * (a copy reserves its event's capacity before it is made, then holds its size). Past that cap further
 * sold-out events are not copied and go to the gate as usual (logged once). A retired event's copy
 * goes ({@link #retire}), as does the copy of any event whose definition changes.
 */
public final class SoldOutShortcut {

    private static final Logger log = LoggerFactory.getLogger(SoldOutShortcut.class);

    private final Gate gate;
    private final boolean enabled;
    private final long recheckNanos;
    private final int maxUsers;
    private final long maxTotalUsers;
    /** Users held or reserved by the copies, across events; at most {@code maxTotalUsers}. */
    private final AtomicLong heldUsers = new AtomicLong();
    private final AtomicBoolean capLogged = new AtomicBoolean();
    private final Executor loader;
    private final LongSupplier nanoTime;
    private final Map<EventId, Entry> entries = new ConcurrentHashMap<>();

    public SoldOutShortcut(Gate gate, boolean enabled, Duration recheck, int maxUsers, long maxTotalUsers, Executor loader,
            LongSupplier nanoTime) {
        this.gate = gate;
        this.enabled = enabled;
        this.recheckNanos = recheck.toNanos();
        this.maxUsers = maxUsers;
        this.maxTotalUsers = maxTotalUsers;
        this.loader = loader;
        this.nanoTime = nanoTime;
    }

    public static SoldOutShortcut from(IngressConfig config, Gate gate, Executor loader) {
        return new SoldOutShortcut(gate, config.soldOutShortcut(), config.soldOutRecheck(), config.soldOutSnapshotMax(),
                config.soldOutShortcutMaxUsers(), loader, System::nanoTime);
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

    /** Takes note of what the gate said for an event with this capacity (limit + waitlist: how many users it admits). */
    public void observe(EventId event, int capacity, Gate.Admission admission) {
        if (!enabled) {
            return;
        }
        switch (admission.outcome()) {
            case SOLD_OUT -> soldOut(event, capacity, admission.generation());
            case ACCEPTED -> drop(event);
            default -> {
                // ALREADY_APPLIED says nothing about the count.
            }
        }
    }

    /** Drops what is known about the event: its definition changed, or a slot went back. */
    public void forget(EventId event) {
        drop(event);
    }

    /** Drops the copy of a retired event: nobody can apply to it any more. */
    public void retire(EventId event) {
        drop(event);
    }

    /** Events answered from memory right now. */
    int size() {
        return (int) entries.values().stream().filter(entry -> entry.users != null).count();
    }

    /** Users held (or reserved by copies being made) across events. */
    public long heldUsers() {
        return heldUsers.get();
    }

    private void drop(EventId event) {
        Entry removed = entries.remove(event);
        if (removed != null) {
            heldUsers.addAndGet(-removed.reserved);
        }
    }

    private void drop(EventId event, Entry entry) {
        if (entries.remove(event, entry)) {
            heldUsers.addAndGet(-entry.reserved);
        }
    }

    /** Reserves room for {@code users} under the overall cap; false (said once in the log) when there is none. */
    private boolean reserve(long users) {
        long held;
        do {
            held = heldUsers.get();
            if (held + users > maxTotalUsers) {
                if (capLogged.compareAndSet(false, true)) {
                    log.warn("the sold-out short-cut holds {} users, and another {} would pass its cap of {}"
                            + " (INGRESS_SOLD_OUT_SHORTCUT_MAX_USERS): further sold-out events are answered by Redis"
                            + " until copies are dropped", held, users, maxTotalUsers);
                }
                return false;
            }
        } while (!heldUsers.compareAndSet(held, held + users));
        return true;
    }

    private void soldOut(EventId event, int capacity, long generation) {
        Entry current = entries.get(event);
        if (current != null) {
            if (current.users == null) {
                return; // a copy is being made
            }
            if (current.generation == generation) {
                current.checkedAt.set(nanoTime.getAsLong());
                return;
            }
            drop(event, current); // slots were released and taken again: copy anew
        }
        if (capacity > maxUsers || !reserve(capacity)) {
            return;
        }
        Entry loading = Entry.loading(capacity);
        if (entries.putIfAbsent(event, loading) != null) {
            heldUsers.addAndGet(-capacity);
            return;
        }
        try {
            loader.execute(() -> load(event, capacity, loading));
        } catch (RejectedExecutionException shuttingDown) {
            drop(event, loading);
        }
    }

    private void load(EventId event, int capacity, Entry loading) {
        try {
            Optional<Gate.SoldOutSnapshot> snapshot = gate.soldOutSnapshot(event, capacity, maxUsers);
            if (snapshot.isPresent()) {
                Entry loaded = new Entry(snapshot.get().generation(), snapshot.get().users(), nanoTime.getAsLong());
                // After a draw window the set may hold more users than the capacity (entrants not drawn
                // yet, up to the draw's cap): the copy reserves the difference too, under the overall cap.
                long beyond = loaded.reserved - loading.reserved;
                if (beyond > 0 && !reserve(beyond)) {
                    drop(event, loading);
                    return;
                }
                // Only if nothing dropped the placeholder meanwhile (an accept, a release, a new definition,
                // the retirement), whose removal gave its reservation back.
                if (entries.replace(event, loading, loaded)) {
                    heldUsers.addAndGet(Math.min(0, beyond));
                } else if (beyond > 0) {
                    heldUsers.addAndGet(-beyond);
                }
            } else {
                drop(event, loading);
            }
        } catch (RuntimeException e) {
            drop(event, loading);
            log.debug("could not copy the users of sold-out event {}: {}", event, e.getMessage());
        }
    }

    private static final class Entry {
        final long generation;
        final Set<String> users;
        final AtomicLong checkedAt;
        /** The users this entry counts against the overall cap: its event's capacity while loading, then its size. */
        final long reserved;

        Entry(long generation, Set<String> users, long checkedAt) {
            this(generation, users, checkedAt, users.size());
        }

        private Entry(long generation, Set<String> users, long checkedAt, long reserved) {
            this.generation = generation;
            this.users = users;
            this.checkedAt = new AtomicLong(checkedAt);
            this.reserved = reserved;
        }

        static Entry loading(int capacity) {
            return new Entry(-1, null, 0, capacity);
        }
    }
}
