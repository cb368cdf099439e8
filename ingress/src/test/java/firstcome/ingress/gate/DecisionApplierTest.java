package firstcome.ingress.gate;

import static org.assertj.core.api.Assertions.assertThat;

import firstcome.contract.CouponDecision;
import firstcome.contract.CouponRequest;
import firstcome.contract.IssuingOutcome;
import firstcome.ingress.api.EventId;
import firstcome.ingress.api.UserId;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Decisions are applied to the gate per event; those of an event whose state is lost wait for its rebuild. */
class DecisionApplierTest {

    private static final EventId EVENT = new EventId("e1");
    private static final Instant NOW = Instant.parse("2026-11-24T10:00:00Z");

    private final FakeGate gate = new FakeGate();
    private final OwnRequests own = new OwnRequests();
    private final DecisionApplier applier = new DecisionApplier(gate, own, 2, () -> true, new SimpleMeterRegistry());

    @BeforeEach
    void createTheEvent() {
        gate.created(EVENT);
    }

    @Test
    void settlesTheRequestsItDecidesAndForgetsThem() throws Exception {
        CouponRequest request = admitAndSend("r1", "a");

        applier.apply(Map.of(EVENT, List.of(decision(request, IssuingOutcome.ISSUED, 1))));

        assertThat(gate.pending(EVENT)).isEmpty();
        assertThat(gate.holds(EVENT, new UserId("a"))).isTrue();
        assertThat(own.undecided(EVENT)).isEmpty();
    }

    @Test
    void keepsADecisionMadeWhileTheStateIsLostUntilTheRebuildAndThenCountsItsHolder() throws Exception {
        // given: a's request sent, then Redis lost the event; the rebuild's holders answer came before a's decision
        CouponRequest request = admitAndSend("r1", "a");
        gate.loseEverything();
        List<String> holdersAnswer = List.of();

        // when: a's coupon is issued before restore.lua runs
        applier.apply(Map.of(EVENT, List.of(decision(request, IssuingOutcome.ISSUED, 1))));

        // then: the request stays undecided here, so the restore puts it back, and the kept decision settles it
        assertThat(own.undecided(EVENT)).containsExactly(request);
        assertThat(applier.held()).isEqualTo(1);
        gate.restore(EVENT, holdersAnswer, own.undecided(EVENT));
        applier.apply(Map.of());
        assertThat(gate.count(EVENT)).isEqualTo(1);
        assertThat(gate.holds(EVENT, new UserId("a"))).isTrue();
        assertThat(gate.pending(EVENT)).isEmpty();
        assertThat(own.undecided(EVENT)).isEmpty();
        assertThat(applier.held()).isZero();
    }

    @Test
    void forgetsAnEntrantsRequestOnceItsInDrawIsAppliedAndFreesItsPlaceWhenTheDrawLeavesItOut() throws Exception {
        CouponRequest entrant = admitAndSend("r1", "a");

        applier.apply(Map.of(EVENT, List.of(decision(entrant, IssuingOutcome.IN_DRAW, null))));

        assertThat(own.undecided(EVENT)).as("decided: nothing for the reconciler or a rebuild to send again").isEmpty();
        assertThat(gate.pending(EVENT)).isEmpty();
        assertThat(gate.entrants(EVENT)).isEqualTo(Map.of("a", "r1"));
        assertThat(gate.count(EVENT)).isEqualTo(1);

        applier.apply(Map.of(EVENT, List.of(notDrawn(entrant))));

        assertThat(gate.holds(EVENT, new UserId("a"))).isFalse();
        assertThat(gate.count(EVENT)).isZero();
    }

    @Test
    void keepsTheDecisionsOfADrawAsideWhileTheStateIsLostAndAppliesThemInOrderAfterTheRebuild() throws Exception {
        // given: a's and b's requests sent, then Redis lost the event; the holders answer came before their IN_DRAWs
        DecisionApplier applier = new DecisionApplier(gate, own, 10, () -> true, new SimpleMeterRegistry());
        CouponRequest a = admitAndSend("r1", "a");
        CouponRequest b = admitAndSend("r2", "b");
        gate.loseEverything();

        // when: both enter the draw, a is not drawn, before restore.lua runs
        applier.apply(Map.of(EVENT, List.of(decision(a, IssuingOutcome.IN_DRAW, null), decision(b, IssuingOutcome.IN_DRAW, null))));
        applier.apply(Map.of(EVENT, List.of(notDrawn(a))));
        assertThat(applier.held()).isEqualTo(3);
        gate.restore(EVENT, List.of(), own.undecided(EVENT));
        applier.apply(Map.of());

        // then: b waits for the draw with its place, a's place is free
        assertThat(applier.held()).isZero();
        assertThat(gate.entrants(EVENT)).isEqualTo(Map.of("b", "r2"));
        assertThat(gate.count(EVENT)).isEqualTo(1);
        assertThat(gate.holds(EVENT, new UserId("a"))).isFalse();
        assertThat(gate.pending(EVENT)).isEmpty();
        assertThat(own.undecided(EVENT)).isEmpty();
    }

    @Test
    void keepsAsideNoMoreThanItsCapAndNeverForgetsWhatItDrops() throws Exception {
        CouponRequest a = admitAndSend("r1", "a");
        CouponRequest b = admitAndSend("r2", "b");
        CouponRequest c = admitAndSend("r3", "c");
        gate.loseEverything();

        applier.apply(Map.of(EVENT, List.of(decision(a, IssuingOutcome.ISSUED, 1), decision(b, IssuingOutcome.ISSUED, 2),
                decision(c, IssuingOutcome.ISSUED, 3))));

        assertThat(applier.held()).isEqualTo(2);
        assertThat(own.undecided(EVENT)).containsExactlyInAnyOrder(a, b, c);
    }

    @Test
    void onlyForgetsTheDecisionsOfARetiredEventNeitherApplyingNorKeepingThem() throws Exception {
        // given: the event retired, so its keys expired (the gate reads that as a lost state)
        Set<EventId> retired = new HashSet<>();
        DecisionApplier applier = new DecisionApplier(gate, own, 2, () -> true, retired::contains, new SimpleMeterRegistry());
        CouponRequest request = admitAndSend("r1", "a");
        gate.loseEverything();
        retired.add(EVENT);

        // when: its decision comes late
        applier.apply(Map.of(EVENT, List.of(decision(request, IssuingOutcome.ISSUED, 1))));

        // then
        assertThat(applier.held()).as("nothing kept aside for a rebuild that never comes").isZero();
        assertThat(own.undecided(EVENT)).isEmpty();
        assertThat(gate.knows(EVENT)).as("nothing written back").isFalse();
    }

    @Test
    void ownRequestsForgetEveryRequestOfARetiredEvent() {
        CouponRequest request = admitAndSend("r1", "a");
        EventId other = new EventId("other");
        CouponRequest kept = new CouponRequest("r2", other.value(), "b", NOW);
        own.send(kept, () -> CompletableFuture.completedFuture(0L));

        own.retire(EVENT);

        assertThat(own.undecided(EVENT)).isEmpty();
        assertThat(own.undecided(other)).containsExactly(kept);
        assertThat(own.size()).isEqualTo(1);
        assertThat(request).isNotNull();
    }

    private CouponRequest admitAndSend(String requestId, String user) {
        CouponRequest request = new CouponRequest(requestId, EVENT.value(), user, NOW);
        gate.admit(EVENT, new UserId(user), 10, request);
        own.send(request, () -> CompletableFuture.completedFuture(0L));
        return request;
    }

    private static CouponDecision notDrawn(CouponRequest request) {
        return new CouponDecision(request.requestId(), request.eventId(), request.userId(), IssuingOutcome.NOT_DRAWN, null,
                request.receivedAt(), null, null, null, 1, 1);
    }

    private static CouponDecision decision(CouponRequest request, IssuingOutcome outcome, Integer couponNo) {
        return new CouponDecision(request.requestId(), request.eventId(), request.userId(), outcome, couponNo,
                request.receivedAt());
    }
}
