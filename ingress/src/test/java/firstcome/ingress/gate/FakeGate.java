package firstcome.ingress.gate;

import firstcome.contract.CouponDecision;
import firstcome.contract.CouponRequest;
import firstcome.contract.EventDefinition;
import firstcome.ingress.api.EventId;
import firstcome.ingress.api.Outcome;
import firstcome.ingress.api.UserId;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The gate's rules in memory, with a switch that makes every call fail like an unreachable Redis
 * and one that loses everything like a flushed Redis. An event's count "exists" once the event was
 * primed as new or restored, as in {@link RedisGate}.
 */
public final class FakeGate implements Gate {

    private final Set<EventId> counted = new HashSet<>();
    private final Map<EventId, Set<String>> users = new HashMap<>();
    /** Users who returned their coupon: still in {@link #users} (applied), without a place. */
    private final Map<EventId, Set<String>> returned = new HashMap<>();
    private final Map<EventId, Long> releases = new HashMap<>();
    private final Map<EventId, Map<String, CouponRequest>> pending = new HashMap<>();
    /** Entrants of a draw not decided by it yet: user → the request id that made them one. */
    private final Map<EventId, Map<String, String>> entrants = new HashMap<>();
    /** Requests the draw did not draw: user → request id. */
    private final Map<EventId, Map<String, String>> notDrawn = new HashMap<>();
    public final Set<EventId> primed = ConcurrentHashMap.newKeySet();
    public final AtomicInteger admitCalls = new AtomicInteger();
    public volatile boolean down;
    /**
     * What the next {@link #admit} does before its reply "times out" (a read timeout: the script was
     * sent): {@code RAN} admits as usual first, {@code DID_NOT_RUN} touches nothing; {@code null} = a normal reply.
     */
    public volatile ReplyLost nextAdmitReplyLost;
    /** Makes every call fail like an unreachable Redis once an admit's reply was lost. */
    public volatile boolean downAfterLostReply;

    public enum ReplyLost { RAN, DID_NOT_RUN }

    /** Thrown once by the next {@link #follow}, like a failure nobody foresaw. */
    public final AtomicReference<RuntimeException> nextFollowFails = new AtomicReference<>();

    @Override
    public synchronized Admission admit(EventId event, UserId user, int capacity, CouponRequest request) {
        ReplyLost lost = nextAdmitReplyLost;
        if (lost != null) {
            nextAdmitReplyLost = null;
            if (lost == ReplyLost.RAN) {
                admit(event, user, capacity, request);
            }
            down = downAfterLostReply;
            throw new GateUnavailableException("Redis did not answer: Read timed out", null, true);
        }
        failIfDown();
        admitCalls.incrementAndGet();
        if (!counted.contains(event)) {
            return Admission.lost();
        }
        Set<String> holders = users(event);
        if (holders.contains(user.value())) {
            return Admission.alreadyApplied();
        }
        if (places(event) >= capacity) {
            return Admission.soldOut(releases.getOrDefault(event, 0L));
        }
        holders.add(user.value());
        pendingOf(event).put(user.value(), request);
        return Admission.accepted(places(event));
    }

    @Override
    public synchronized Corrections follow(EventId event, List<CouponDecision> decisions) {
        failIfDown();
        RuntimeException failure = nextFollowFails.getAndSet(null);
        if (failure != null) {
            throw failure;
        }
        if (!counted.contains(event)) {
            return new Corrections(true, 0, 0, 0);
        }
        int settled = 0;
        int freed = 0;
        int learned = 0;
        int returns = 0;
        for (CouponDecision decision : decisions) {
            CouponRequest current = pendingOf(event).get(decision.userId());
            boolean mine = current != null && current.requestId().equals(decision.requestId());
            if (mine) {
                pendingOf(event).remove(decision.userId());
                settled++;
            }
            String user = decision.userId();
            DecisionEffect effect = DecisionEffect.of(decision);
            if (effect == DecisionEffect.ENTER) {
                if (!decision.requestId().equals(notDrawnOf(event).get(user))) {
                    if (mine) {
                        entrantsOf(event).put(user, decision.requestId());
                    } else if (users(event).add(user)) {
                        entrantsOf(event).put(user, decision.requestId());
                        learned++;
                    }
                }
                continue;
            }
            boolean entered = entrantsOf(event).remove(user, decision.requestId());
            switch (effect) {
                case RETURN -> {
                    if (returned(event).add(user)) {
                        if (!mine && pendingOf(event).remove(user) != null) {
                            settled++;
                        }
                        if (!users(event).add(user)) {
                            releases.merge(event, 1L, Long::sum);
                        }
                        returns++;
                    }
                }
                case FREE, NOT_DRAWN -> {
                    if ((mine || entered) && users(event).remove(user)) {
                        releases.merge(event, 1L, Long::sum);
                        freed++;
                    }
                    if (effect == DecisionEffect.NOT_DRAWN) {
                        notDrawnOf(event).put(user, decision.requestId());
                    }
                }
                case HOLD -> {
                    if (users(event).add(user)) {
                        learned++;
                    }
                }
                default -> {
                    // settling was all
                }
            }
        }
        return new Corrections(false, settled, freed, learned, returns);
    }

    @Override
    public synchronized long restore(EventId event, Collection<String> holders, Collection<String> gaveBack,
            Map<String, String> waitingForTheDraw, Collection<CouponRequest> undecided) {
        failIfDown();
        Set<String> drawnOut = new HashSet<>();
        waitingForTheDraw.forEach((user, requestId) -> {
            if (requestId.equals(notDrawnOf(event).get(user))) {
                drawnOut.add(user);
            } else {
                users(event).add(user);
                entrantsOf(event).put(user, requestId);
            }
        });
        holders.stream().filter(user -> !drawnOut.contains(user)).forEach(users(event)::add);
        users(event).addAll(gaveBack);
        returned(event).addAll(gaveBack);
        for (CouponRequest request : undecided) {
            if (!returned(event).contains(request.userId())
                    && !request.requestId().equals(notDrawnOf(event).get(request.userId()))) {
                users(event).add(request.userId());
                pendingOf(event).putIfAbsent(request.userId(), request);
            }
        }
        counted.add(event);
        releases.merge(event, 1L, Long::sum);
        return places(event);
    }

    @Override
    public synchronized boolean release(EventId event, UserId user) {
        failIfDown();
        boolean released = users(event).remove(user.value());
        if (released) {
            releases.merge(event, 1L, Long::sum);
            pendingOf(event).remove(user.value());
        }
        return released;
    }

    @Override
    public synchronized Map<String, String> entrants(EventId event) {
        failIfDown();
        return Map.copyOf(entrantsOf(event));
    }

    @Override
    public synchronized List<CouponRequest> pending(EventId event) {
        failIfDown();
        return List.copyOf(pendingOf(event).values());
    }

    @Override
    public synchronized void prime(EventDefinition definition, boolean newEvent) {
        failIfDown();
        EventId event = new EventId(definition.eventId());
        primed.add(event);
        if (newEvent) {
            counted.add(event);
        }
    }

    @Override
    public synchronized long count(EventId event) {
        failIfDown();
        return places(event);
    }

    @Override
    public synchronized boolean hasPending(EventId event, UserId user) {
        return pendingOf(event).containsKey(user.value());
    }

    @Override
    public synchronized boolean holds(EventId event, UserId user) {
        failIfDown();
        return users(event).contains(user.value());
    }

    @Override
    public synchronized Optional<SoldOutSnapshot> soldOutSnapshot(EventId event, int capacity, int maxUsers) {
        failIfDown();
        Set<String> holders = users(event);
        if (places(event) < capacity || holders.size() > maxUsers) {
            return Optional.empty();
        }
        return Optional.of(new SoldOutSnapshot(releases.getOrDefault(event, 0L), Set.copyOf(holders)));
    }

    @Override
    public boolean ping() {
        return !down;
    }

    /** The events whose keys' expiry was moved ({@link #expire}), in call order. */
    public final List<EventId> expiryMoved = new java.util.concurrent.CopyOnWriteArrayList<>();

    @Override
    public synchronized void expire(EventId event) {
        failIfDown();
        expiryMoved.add(event);
    }

    /** As after an admin call of any ingress primed the new event (without counting as primed here). */
    public synchronized void created(EventId event) {
        counted.add(event);
    }

    @Override
    public synchronized boolean isPending(CouponRequest request) {
        failIfDown();
        CouponRequest pendingOne = pendingOf(new EventId(request.eventId())).get(request.userId());
        return pendingOne != null && pendingOne.requestId().equals(request.requestId());
    }

    @Override
    public synchronized boolean knows(EventId event) {
        failIfDown();
        return counted.contains(event);
    }

    /** As a flushed Redis: every event's users, counts, releases, pending requests and entrants are gone. */
    public synchronized void loseEverything() {
        counted.clear();
        users.clear();
        returned.clear();
        releases.clear();
        pending.clear();
        entrants.clear();
        notDrawn.clear();
    }

    private Set<String> users(EventId event) {
        return users.computeIfAbsent(event, e -> new HashSet<>());
    }

    private Set<String> returned(EventId event) {
        return returned.computeIfAbsent(event, e -> new HashSet<>());
    }

    /** The places taken: applied users who did not return a coupon. */
    private long places(EventId event) {
        return users(event).size() - returned(event).size();
    }

    private Map<String, String> entrantsOf(EventId event) {
        return entrants.computeIfAbsent(event, e -> new HashMap<>());
    }

    private Map<String, String> notDrawnOf(EventId event) {
        return notDrawn.computeIfAbsent(event, e -> new HashMap<>());
    }

    private Map<String, CouponRequest> pendingOf(EventId event) {
        return pending.computeIfAbsent(event, e -> new HashMap<>());
    }

    private void failIfDown() {
        if (down) {
            throw new GateUnavailableException("Redis did not answer: switched off by the test", null);
        }
    }
}
