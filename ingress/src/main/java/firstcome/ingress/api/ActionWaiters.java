package firstcome.ingress.api;

import firstcome.contract.CouponDecision;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The shop calls waiting for the streams-processor's decision of their action, by action id. The
 * decision follower hands every action's decision to {@link #decided}; a waiting call's future
 * completes with it, off the follower's thread (writing an HTTP answer must never hold up the
 * following of the decisions). Bounded: past {@code max} waiting calls a new one is refused before
 * anything is written, and a call that stops waiting (answered, timed out, failed) is removed.
 */
public final class ActionWaiters {

    /** Waiting calls at most: far more than a shop's checkout sends within one action timeout. */
    public static final int DEFAULT_MAX = 10_000;

    private final Map<String, CompletableFuture<CouponDecision>> waiting = new ConcurrentHashMap<>();
    private final AtomicInteger size = new AtomicInteger();
    private final int max;
    private final Executor completions;

    public ActionWaiters(int max, Executor completions) {
        if (max < 1) {
            throw new IllegalArgumentException("max must be 1 or more, was " + max);
        }
        this.max = max;
        this.completions = completions;
    }

    /** A future for the decision of {@code actionId}, or empty when {@code max} calls already wait. */
    Optional<CompletableFuture<CouponDecision>> register(String actionId) {
        if (size.incrementAndGet() > max) {
            size.decrementAndGet();
            return Optional.empty();
        }
        CompletableFuture<CouponDecision> decision = new CompletableFuture<>();
        if (waiting.putIfAbsent(actionId, decision) != null) {
            size.decrementAndGet();
            throw new IllegalStateException("action " + actionId + " is already waiting");
        }
        return Optional.of(decision);
    }

    /** The call of {@code actionId} stopped waiting. */
    void forget(String actionId) {
        if (waiting.remove(actionId) != null) {
            size.decrementAndGet();
        }
    }

    /** A decision of an action, from any ingress's call: completes the waiting call of this ingress, if any. */
    public void decided(CouponDecision decision) {
        if (!decision.decidesAction()) {
            return;
        }
        CompletableFuture<CouponDecision> waiter = waiting.remove(decision.requestId());
        if (waiter != null) {
            size.decrementAndGet();
            completions.execute(() -> waiter.complete(decision));
        }
    }

    /** Calls waiting now. */
    public int size() {
        return size.get();
    }
}
