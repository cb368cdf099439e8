package firstcome.ingress.gate;

import firstcome.contract.CouponRequest;
import firstcome.contract.EventDefinition;
import firstcome.ingress.api.EventId;
import firstcome.ingress.api.Outcome;
import firstcome.ingress.api.UserId;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/** The gate's rules in memory, with a switch that makes every call fail like an unreachable Redis. */
public final class FakeGate implements Gate {

    private final Map<EventId, Set<String>> users = new ConcurrentHashMap<>();
    private final Map<EventId, Long> releases = new ConcurrentHashMap<>();
    private final Map<EventId, Map<String, CouponRequest>> pending = new ConcurrentHashMap<>();
    public final Set<EventId> primed = ConcurrentHashMap.newKeySet();
    public final AtomicInteger admitCalls = new AtomicInteger();
    public volatile boolean down;

    private Admission admit(EventId event, UserId user, int limit) {
        failIfDown();
        admitCalls.incrementAndGet();
        Set<String> holders = users.computeIfAbsent(event, e -> new HashSet<>());
        if (holders.contains(user.value())) {
            return Admission.alreadyApplied();
        }
        if (holders.size() >= limit) {
            return Admission.soldOut(releases.getOrDefault(event, 0L));
        }
        holders.add(user.value());
        return Admission.accepted(holders.size());
    }

    @Override
    public synchronized Admission admit(EventId event, UserId user, int limit, CouponRequest request) {
        Admission admission = admit(event, user, limit);
        if (admission.outcome() == Outcome.ACCEPTED) {
            pending.computeIfAbsent(event, e -> new ConcurrentHashMap<>()).put(user.value(), request);
        }
        return admission;
    }

    @Override
    public synchronized boolean release(EventId event, UserId user) {
        failIfDown();
        boolean released = users.getOrDefault(event, new HashSet<>()).remove(user.value());
        if (released) {
            releases.merge(event, 1L, Long::sum);
            Map<String, CouponRequest> ofEvent = pending.get(event);
            if (ofEvent != null) {
                ofEvent.remove(user.value());
            }
        }
        return released;
    }

    @Override
    public synchronized void settle(CouponRequest request) {
        failIfDown();
        Map<String, CouponRequest> ofEvent = pending.getOrDefault(new EventId(request.eventId()), Map.of());
        CouponRequest current = ofEvent.get(request.userId());
        if (current != null && current.requestId().equals(request.requestId())) {
            ofEvent.remove(request.userId());
        }
    }

    @Override
    public synchronized List<CouponRequest> pending(EventId event) {
        failIfDown();
        return List.copyOf(pending.getOrDefault(event, Map.of()).values());
    }

    @Override
    public void prime(EventDefinition definition) {
        failIfDown();
        primed.add(new EventId(definition.eventId()));
    }

    @Override
    public synchronized long count(EventId event) {
        failIfDown();
        return users.getOrDefault(event, Set.of()).size();
    }

    @Override
    public synchronized boolean holds(EventId event, UserId user) {
        failIfDown();
        return users.getOrDefault(event, Set.of()).contains(user.value());
    }

    @Override
    public synchronized Optional<SoldOutSnapshot> soldOutSnapshot(EventId event, int limit, int maxUsers) {
        failIfDown();
        Set<String> holders = users.getOrDefault(event, Set.of());
        if (holders.size() < limit || holders.size() > maxUsers) {
            return Optional.empty();
        }
        return Optional.of(new SoldOutSnapshot(releases.getOrDefault(event, 0L), Set.copyOf(holders)));
    }

    @Override
    public boolean ping() {
        return !down;
    }

    private void failIfDown() {
        if (down) {
            throw new GateUnavailableException("Redis did not answer: switched off by the test", null);
        }
    }
}
