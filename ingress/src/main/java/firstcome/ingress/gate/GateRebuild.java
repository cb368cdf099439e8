package firstcome.ingress.gate;

import firstcome.contract.query.CouponHolders;
import firstcome.ingress.api.EventId;
import firstcome.ingress.processor.HoldersLookup;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.function.ToLongFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Rebuilds an event the gate lost (Redis lost its data) from the authority, once per event at a
 * time: waits for this ingress's sends of the event to end, takes the end of the event's
 * coupon-requests and coupon-actions partitions, asks the streams-processor for the users decided up
 * to there (those taking a place: live coupon holders, waiting users and the entrants of a draw not
 * done yet, each entrant with the request that made them one; and those who returned their coupon:
 * applied, no place), and restores them with this ingress's undecided requests in one script. A
 * return decided after the answer is applied by the decision follower, once (the gate remembers the
 * returned users); so is a draw's decision (an entrant's entry names its request). Until then the
 * event's applications get 503 and nothing is counted.
 */
public final class GateRebuild {

    private static final Logger log = LoggerFactory.getLogger(GateRebuild.class);
    private static final long ASK_EVERY_MS = 50;

    private final Gate gate;
    private final OwnRequests own;
    private final ToLongFunction<EventId> requestsEnd;
    private final ToLongFunction<EventId> actionsEnd;
    private final HoldersLookup holders;
    private final Duration sendsWait;
    private final Duration holdersDeadline;
    private final Executor executor;
    /** One entry per rebuild in flight, removed when it ends: bounded by the events being rebuilt, not by all events. */
    private final Map<EventId, CompletableFuture<Long>> running = new ConcurrentHashMap<>();

    /** {@code requestsEnd} and {@code actionsEnd}: the end offsets of the event's coupon-requests and coupon-actions partitions. */
    public GateRebuild(Gate gate, OwnRequests own, ToLongFunction<EventId> requestsEnd, ToLongFunction<EventId> actionsEnd,
            HoldersLookup holders, Duration sendsWait, Duration holdersDeadline, Executor executor) {
        this.gate = gate;
        this.own = own;
        this.requestsEnd = requestsEnd;
        this.actionsEnd = actionsEnd;
        this.holders = holders;
        this.sendsWait = sendsWait;
        this.holdersDeadline = holdersDeadline;
        this.executor = executor;
    }

    /** Starts rebuilding the event unless a rebuild of it is under way; completes with the restored count. */
    public CompletableFuture<Long> rebuild(EventId event) {
        var started = new CompletableFuture<Long>();
        CompletableFuture<Long> current = running.putIfAbsent(event, started);
        if (current != null) {
            return current;
        }
        long began = System.nanoTime();
        own.sendsEnded(event)
                .completeOnTimeout(null, sendsWait.toMillis(), TimeUnit.MILLISECONDS)
                .thenApplyAsync(ignored -> restore(event), executor)
                .whenComplete((count, failure) -> {
                    running.remove(event, started);
                    if (failure != null) {
                        log.warn("could not rebuild event {} at the gate (the next application tries again): {}",
                                event, failure.toString());
                        started.completeExceptionally(failure);
                    } else {
                        log.warn("rebuilt event {} at the gate after Redis lost it: {} places in {} ms", event, count,
                                TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - began));
                        started.complete(count);
                    }
                });
        return started;
    }

    private long restore(EventId event) {
        long requests = requestsEnd.applyAsLong(event);
        long actions = actionsEnd.applyAsLong(event);
        long deadline = System.nanoTime() + holdersDeadline.toNanos();
        while (true) {
            Optional<CouponHolders> answer = holders.find(event, requests, actions);
            if (answer.isPresent()) {
                CouponHolders decided = answer.get();
                return gate.restore(event, decided.users(), decided.returned(), decided.entrants(), own.undecided(event));
            }
            if (System.nanoTime() - deadline >= 0) {
                throw new IllegalStateException("the streams-processor did not name the holders of " + event
                        + " up to offset " + requests + " of its requests and " + actions + " of its actions within "
                        + holdersDeadline.toMillis() + " ms");
            }
            try {
                TimeUnit.MILLISECONDS.sleep(ASK_EVERY_MS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while rebuilding " + event, e);
            }
        }
    }
}
