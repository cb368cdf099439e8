package firstcome.ingress.gate;

import firstcome.contract.CouponRequest;
import firstcome.contract.EventDefinition;
import firstcome.ingress.api.EventId;
import firstcome.ingress.api.Outcome;
import firstcome.ingress.api.UserId;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The fast filter in front of Kafka: remembers which users of an event passed and how many, in one
 * atomic step per application. Only a filter: the streams-processor decides who gets a coupon.
 * Every method throws {@link GateUnavailableException} when the store cannot answer in time.
 */
public interface Gate {

    /**
     * Lets the user through unless already through or {@code limit} users are, and when the user is
     * let through, remembers {@code request} as pending: one atomic step, so a slot is never taken
     * without a record of what should reach Kafka for it. {@link #settle} forgets it once the broker
     * holds the record, {@link #release} when the slot goes back; one still pending long after its
     * ingress should have heard from Kafka was stranded by a crash, and {@link GateReconciler}
     * publishes it again.
     */
    Admission admit(EventId event, UserId user, int limit, CouponRequest request);

    /** Forgets the pending request once the broker holds it; a no-op unless it is the one pending for its user. */
    void settle(CouponRequest request);

    /** The event's requests that passed the gate and were neither settled nor released. */
    List<CouponRequest> pending(EventId event);

    /**
     * Gives the user's slot back (the record could not be written), with its pending request.
     * Atomic, and a no-op when the user holds no slot, so a repeated release never frees someone
     * else's place.
     */
    boolean release(EventId event, UserId user);

    /** Prepares the gate for a newly defined or changed event (idempotent). */
    void prime(EventDefinition definition);

    /** How many users hold a slot (the count decides SOLD_OUT). */
    long count(EventId event);

    /** Whether the user holds a slot. */
    boolean holds(EventId event, UserId user);

    /**
     * The users of a sold-out event, read consistently: empty when the event is not sold out at
     * {@code limit}, holds more than {@code maxUsers}, or changed while it was read.
     */
    Optional<SoldOutSnapshot> soldOutSnapshot(EventId event, int limit, int maxUsers);

    /** Whether the store answers right now. */
    boolean ping();

    /** What the gate said. {@code position} is set for ACCEPTED, {@code generation} for SOLD_OUT. */
    record Admission(Outcome outcome, long position, long generation) {

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
     * The users holding the slots of a sold-out event. {@code generation} counts the releases of
     * the event: while it and the count stay the same, the set cannot have changed.
     */
    record SoldOutSnapshot(long generation, Set<String> users) {
    }
}
