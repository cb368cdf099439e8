package firstcome.ingress.gate;

import firstcome.contract.CouponDecision;
import firstcome.contract.CouponRequest;
import firstcome.contract.EventDefinition;
import firstcome.ingress.api.EventId;
import firstcome.ingress.api.Outcome;
import firstcome.ingress.api.UserId;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The fast filter in front of Kafka: remembers which users of an event passed and how many, in one
 * atomic step per application. Only a filter: the streams-processor decides who gets a coupon.
 * Every method throws {@link GateUnavailableException} when the store cannot answer in time.
 */
public interface Gate {

    /**
     * Lets the user through unless already through (a user who returned their coupon too) or
     * {@code capacity} users hold a place (the event's capacity at the application's time,
     * {@link EventDefinition#capacityAt}: its limit plus its waitlist, or inside a draw window the
     * draw's cap), and when the user is
     * let through, remembers {@code request} as pending: one atomic step, so a place is never taken
     * without a record of what should reach Kafka for it. The request stays pending until its
     * decision comes back ({@link #follow}); one still pending long after it passed the gate is
     * published again by {@link GateReconciler}. {@link Admission#lost()} when the event's count is
     * missing: the store lost the event's state, and nobody may pass until it is rebuilt
     * ({@link #restore}).
     */
    Admission admit(EventId event, UserId user, int capacity, CouponRequest request);

    /**
     * Applies the streams-processor's decisions of one event, atomically: a decided request is no
     * longer pending; a refusal that can change ({@link CouponDecision#freesThePlace()}) gives its
     * place back, but only while that very request is the user's pending one (so a user freed and
     * admitted again with a new request keeps the new place); a holder or waiting user the gate does
     * not know is learned ({@code WAITLISTED} keeps the place, a waiting user's later {@code ISSUED}
     * changes nothing); a returned coupon ({@link CouponDecision#returnsCoupon()}) gives its place
     * back once per user, who stays applied.
     *
     * <p>A draw (docs/fair-opening.md): {@code IN_DRAW} keeps the user's place and remembers the user
     * as an entrant with that request ({@link #entrants}); one the gate does not know is learned, as a
     * waiting user. The draw's {@code ISSUED} or {@code WAITLISTED} of the request ends the entry (the
     * place stays); its {@code NOT_DRAWN} gives the place back when the entry (or the pending request)
     * names that very request, and marks the request as drawn out, so an {@code IN_DRAW} of it read
     * late or again changes nothing.
     *
     * <p>Applying the same decisions twice, late, or in another order changes nothing more: once all
     * are applied, the count is the live coupons plus the waiting users plus the entrants not drawn
     * yet. Touches nothing while the event's state is lost.
     */
    Corrections follow(EventId event, List<CouponDecision> decisions);

    /**
     * Rebuilds an event whose state was lost: the {@code users} taking a place (live coupon holders,
     * waiting users and the entrants of a draw not done yet), the {@code entrants} (user → the request
     * that made them one, each in {@code users} too), the {@code returned} users (applied, no place),
     * plus {@code undecided} requests (pending again, with their users' places), count = users +
     * undecided, and a new release generation. Safe to run twice or on an event that was rebuilt
     * meanwhile (an entrant drawn out since stays out); returns the count.
     */
    long restore(EventId event, Collection<String> users, Collection<String> returned, Map<String, String> entrants,
            Collection<CouponRequest> undecided);

    /** {@link #restore(EventId, Collection, Collection, Map, Collection)} of an event without entrants waiting for a draw. */
    default long restore(EventId event, Collection<String> users, Collection<String> returned, Collection<CouponRequest> undecided) {
        return restore(event, users, returned, Map.of(), undecided);
    }

    /** {@link #restore(EventId, Collection, Collection, Collection)} of an event where nobody returned a coupon. */
    default long restore(EventId event, Collection<String> users, Collection<CouponRequest> undecided) {
        return restore(event, users, List.of(), undecided);
    }

    /** The event's entrants whose draw has not decided them yet: user → the request that made them one. */
    Map<String, String> entrants(EventId event);

    /** The event's requests that passed the gate and were neither decided nor released. */
    List<CouponRequest> pending(EventId event);

    /** How many of {@link #pending} there are, without reading them (the organiser's live view asks every second). */
    default long pendingCount(EventId event) {
        return pending(event).size();
    }

    /**
     * Gives the user's place back (the record certainly never reached Kafka), with its pending
     * request. Atomic, and a no-op when the user holds no place, so a repeated release never frees
     * someone else's place.
     */
    boolean release(EventId event, UserId user);

    /**
     * Prepares the gate for a defined or changed event (idempotent). Only for an event new to the
     * catalog ({@code newEvent}) does it create the count: creating it for a redefinition would mask
     * a loss of the event's state, which a missing count reveals.
     */
    void prime(EventDefinition definition, boolean newEvent);

    /**
     * Moves the expiry of the event's keys to its retirement instant ({@code closesAt + EVENT_RETENTION}),
     * or removes it when the event no longer closes: after its {@code closesAt} changed. Every key the
     * gate writes carries that expiry already, so a retired event's state goes by itself.
     */
    void expire(EventId event);

    /** Whether {@code request} is the one pending for its user: the gate let it through and it is undecided. */
    boolean isPending(CouponRequest request);

    /**
     * How many users hold a place: live coupons, waiting users and entrants not drawn yet, once all is
     * decided (the count decides SOLD_OUT).
     */
    long count(EventId event);

    /**
     * Whether the store knows the event's state: false once it lost it (the count is gone) until
     * {@link #restore} rebuilt it, and for an event never primed as new.
     */
    boolean knows(EventId event);

    /** Whether the user holds a slot. */
    boolean holds(EventId event, UserId user);

    /** Whether the user has a request that passed the gate and is not decided yet (of any request id). */
    boolean hasPending(EventId event, UserId user);

    /**
     * The users of a sold-out event (every applied user, returned ones too), read consistently: empty
     * when the event is not sold out at {@code capacity}, holds more than {@code maxUsers}, or changed
     * while it was read (a place given back moves the release generation).
     */
    Optional<SoldOutSnapshot> soldOutSnapshot(EventId event, int capacity, int maxUsers);

    /** Whether the store answers right now. */
    boolean ping();

    /**
     * What the gate said. {@code position} is set for ACCEPTED, {@code generation} for SOLD_OUT;
     * UNAVAILABLE is {@link #lost()}: the event's state is gone and nothing was counted.
     */
    record Admission(Outcome outcome, long position, long generation) {

        public static Admission lost() {
            return new Admission(Outcome.UNAVAILABLE, 0, 0);
        }

        public boolean isLost() {
            return outcome == Outcome.UNAVAILABLE;
        }

        public static Admission accepted(long position) {
            return new Admission(Outcome.ACCEPTED, position, 0);
        }

        public static Admission alreadyApplied() {
            return new Admission(Outcome.ALREADY_APPLIED, 0, 0);
        }

        public static Admission soldOut(long generation) {
            return new Admission(Outcome.SOLD_OUT, 0, generation);
        }
    }

    /**
     * What applying decisions changed: requests no longer pending, places given back after a
     * refusal, holders (or waiting users) learned, returns taken in (each gives its user's place back
     * if the gate counted one); {@code stateLost} when the event's count was missing and nothing was touched.
     */
    record Corrections(boolean stateLost, int settled, int freed, int learned, int returned) {

        public static final Corrections NONE = new Corrections(false, 0, 0, 0, 0);

        /** Without returns. */
        public Corrections(boolean stateLost, int settled, int freed, int learned) {
            this(stateLost, settled, freed, learned, 0);
        }

        public Corrections plus(Corrections other) {
            return new Corrections(stateLost || other.stateLost, settled + other.settled, freed + other.freed,
                    learned + other.learned, returned + other.returned);
        }
    }

    /**
     * The users holding the slots of a sold-out event. {@code generation} counts the releases of
     * the event: while it and the count stay the same, the set cannot have changed.
     */
    record SoldOutSnapshot(long generation, Set<String> users) {
    }
}
