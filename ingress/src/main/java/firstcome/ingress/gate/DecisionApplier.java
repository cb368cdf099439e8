package firstcome.ingress.gate;

import firstcome.contract.CouponDecision;
import firstcome.ingress.RateLimitedLog;
import firstcome.ingress.api.EventId;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What {@link DecisionFollower} does with the decisions it read: applies them to the gate per event
 * ({@link Gate#follow}) and forgets the requests they decide ({@link OwnRequests#forget}).
 *
 * <p>While an event's state is lost, its decisions are kept aside, not forgotten, and applied again
 * with every later batch until a rebuild brought the state back ({@code decide.lua} is idempotent).
 * Forgetting them would lose a decision made after the rebuild's holders answer but before its
 * {@code restore.lua}: that request would then be neither a holder nor an undecided request of this
 * ingress, and the gate would count one user too few for good. At most {@code maxHeld} decisions are
 * kept; beyond that they are dropped (logged), still not forgotten, so the rebuild puts their
 * requests back as pending and the reconciler has them decided again.
 */
final class DecisionApplier {

    private static final Logger log = LoggerFactory.getLogger(DecisionApplier.class);
    private static final RateLimitedLog outageLog = new RateLimitedLog(log, Duration.ofSeconds(30));
    private static final RateLimitedLog heldLog = new RateLimitedLog(log, Duration.ofSeconds(30));
    /** Decisions per script call: bounds how long one call holds Redis. */
    static final int PER_CALL = 500;

    private final Gate gate;
    private final OwnRequests own;
    private final int maxHeld;
    private final BooleanSupplier running;
    private final Predicate<EventId> retired;
    private final Counter settled;
    private final Counter freed;
    private final Counter learned;
    private final Counter returned;
    /** Decisions of events whose state was lost, in log order, to apply again. */
    private Map<EventId, List<CouponDecision>> held = new LinkedHashMap<>();
    private int heldCount;

    DecisionApplier(Gate gate, OwnRequests own, int maxHeld, BooleanSupplier running, MeterRegistry registry) {
        this(gate, own, maxHeld, running, event -> false, registry);
    }

    /**
     * {@code retired} tells the events retired by now: their decisions are not applied (their keys
     * expired by design, which the gate would take for a lost state) nor kept aside, only forgotten.
     */
    DecisionApplier(Gate gate, OwnRequests own, int maxHeld, BooleanSupplier running, Predicate<EventId> retired,
            MeterRegistry registry) {
        this.retired = retired;
        this.gate = gate;
        this.own = own;
        this.maxHeld = maxHeld;
        this.running = running;
        this.settled = correction(registry, "settled", "a decided request is no longer pending");
        this.freed = correction(registry, "freed", "a place given back after a refusal that can change");
        this.learned = correction(registry, "learned", "a coupon holder or waiting user the gate did not know");
        this.returned = correction(registry, "returned", "a returned coupon: its user's place given back, once");
    }

    private static Counter correction(MeterRegistry registry, String kind, String what) {
        return Counter.builder("ingress.gate.corrections")
                .description("Changes the decisions made to the gate: " + what)
                .tag("kind", kind)
                .register(registry);
    }

    /**
     * Applies the decisions kept aside, then {@code batch} (decisions by event, in log order),
     * retrying while Redis does not answer.
     */
    void apply(Map<EventId, List<CouponDecision>> batch) throws InterruptedException {
        Map<EventId, List<CouponDecision>> todo = held;
        held = new LinkedHashMap<>();
        heldCount = 0;
        batch.forEach((event, decisions) -> todo.computeIfAbsent(event, e -> new ArrayList<>()).addAll(decisions));
        for (var event : todo.entrySet()) {
            applyUntilDone(event.getKey(), event.getValue());
        }
    }

    /** How many decisions are kept aside for events whose state is lost. */
    int held() {
        return heldCount;
    }

    private void applyUntilDone(EventId event, List<CouponDecision> all) throws InterruptedException {
        if (retired.test(event)) {
            all.forEach(decision -> own.forget(decision.requestId()));
            return;
        }
        // Every request's decision goes to the gate (a draw's IN_DRAW and its ISSUED / WAITLISTED /
        // NOT_DRAWN too, see DecisionEffect). Of the shop's actions only a returned coupon changes the
        // gate; a redemption or its cancellation is nothing to it, so it costs no script call.
        List<CouponDecision> decisions = all.stream()
                .filter(decision -> !decision.decidesAction() || decision.returnsCoupon())
                .toList();
        for (int from = 0; from < decisions.size(); from += PER_CALL) {
            List<CouponDecision> chunk = decisions.subList(from, Math.min(decisions.size(), from + PER_CALL));
            long backoff = 50;
            while (running.getAsBoolean()) {
                try {
                    Gate.Corrections corrections = gate.follow(event, chunk);
                    if (corrections.stateLost()) {
                        holdAside(event, decisions.subList(from, decisions.size()));
                        return;
                    }
                    settled.increment(corrections.settled());
                    freed.increment(corrections.freed());
                    learned.increment(corrections.learned());
                    returned.increment(corrections.returned());
                    chunk.forEach(decision -> own.forget(decision.requestId()));
                    break;
                } catch (GateUnavailableException e) {
                    outageLog.warn("could not apply decisions of event {} to the gate (retrying): {}", event, e.getMessage());
                    TimeUnit.MILLISECONDS.sleep(backoff);
                    backoff = Math.min(1000, backoff * 2);
                }
            }
        }
    }

    private void holdAside(EventId event, List<CouponDecision> decisions) {
        int room = Math.max(0, maxHeld - heldCount);
        List<CouponDecision> kept = decisions.subList(0, Math.min(room, decisions.size()));
        if (!kept.isEmpty()) {
            held.computeIfAbsent(event, e -> new ArrayList<>()).addAll(kept);
            heldCount += kept.size();
        }
        if (kept.size() < decisions.size()) {
            heldLog.error("the gate lost the state of event {} and {} decisions are already kept aside: dropping {}"
                    + " (their requests stay undecided here; the rebuild puts them back as pending and the reconciler"
                    + " has them decided again)", event, maxHeld, decisions.size() - kept.size());
        }
    }
}
