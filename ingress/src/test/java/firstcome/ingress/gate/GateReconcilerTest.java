package firstcome.ingress.gate;

import static org.assertj.core.api.Assertions.assertThat;

import firstcome.contract.CouponDecision;
import firstcome.contract.CouponRequest;
import firstcome.contract.EventDefinition;
import firstcome.contract.IssuingOutcome;
import firstcome.contract.Topics;
import firstcome.ingress.api.EventId;
import firstcome.ingress.api.Outcome;
import firstcome.ingress.api.UserId;
import firstcome.ingress.catalog.EventCatalog;
import firstcome.ingress.kafka.FakePublisher;
import firstcome.ingress.kafka.RequestsLogEnd;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** A request still undecided long after it passed the gate is published again, and nothing else is. */
class GateReconcilerTest {

    private static final Duration AFTER = Duration.ofSeconds(5);
    private static final EventId EVENT = new EventId("e1");
    private static final Instant NOW = Instant.parse("2026-11-24T10:00:00Z");

    private final FakeGate gate = new FakeGate();
    private final FakePublisher publisher = new FakePublisher();
    private final EventCatalog catalog = new EventCatalog();
    private final AtomicLong nanos = new AtomicLong();
    private final OwnRequests own = new OwnRequests();
    private final List<EventId> lost = new ArrayList<>();
    private final GateReconciler reconciler = new GateReconciler(catalog, gate, publisher, own, lost::add, AFTER,
            new SimpleMeterRegistry(), nanos::get);
    /** How far the authority's decisions came, as the follower would tell it (one partition unless a test says more). */
    private final AuthorityProgress progress = following(1);
    /** A reconciler that asks {@link #progress} before publishing a request again. */
    private final GateReconciler patient = new GateReconciler(catalog, gate, publisher, own, lost::add, AFTER,
            new SimpleMeterRegistry(), nanos::get, Clock.fixed(NOW, ZoneOffset.UTC), progress);

    @BeforeEach
    void defineTheEvent() {
        EventDefinition definition = new EventDefinition(EVENT.value(), 10, NOW.minusSeconds(60), null);
        catalog.apply(EVENT.value(), definition, 0);
        catalog.markLoaded();
        gate.prime(definition, true);
    }

    @Test
    void publishesTheVeryRequestStillPendingLongAfterItPassedTheGate() {
        CouponRequest stranded = passTheGateAndDie("u1");
        reconciler.sweep();

        nanos.addAndGet(AFTER.toNanos());
        int republished = reconciler.sweep();

        assertThat(republished).isEqualTo(1);
        assertThat(publisher.requests).extracting(FakePublisher.Sent::value).containsExactly(stranded);
        assertThat(gate.pending(EVENT)).as("pending until decided, not until Kafka has it").containsExactly(stranded);
        assertThat(gate.count(EVENT)).as("the slot stays with its user").isEqualTo(1);
    }

    @Test
    void publishesAnUndecidedRequestAgainAtMostOncePerPeriodUntilItsDecisionRemovesIt() {
        CouponRequest stranded = passTheGateAndDie("u1");
        reconciler.sweep();
        nanos.addAndGet(AFTER.toNanos());
        assertThat(reconciler.sweep()).isEqualTo(1);

        nanos.addAndGet(AFTER.toNanos() - 1);
        assertThat(reconciler.sweep()).as("within the period").isZero();
        nanos.addAndGet(1);
        assertThat(reconciler.sweep()).as("a period later, still undecided").isEqualTo(1);

        gate.follow(EVENT, List.of(new CouponDecision(stranded.requestId(), EVENT.value(), "u1", IssuingOutcome.ISSUED, 1, NOW)));
        nanos.addAndGet(AFTER.toNanos());
        assertThat(reconciler.sweep()).as("decided").isZero();
        assertThat(publisher.requests).hasSize(2);
    }

    @Test
    void neverPublishesAgainAnEntrantWaitingForTheDrawNorOneTheDrawDecided() {
        // given: three entrants passed; the processor read them (IN_DRAW); the draw decided one of them
        CouponRequest waiting = passTheGateAndDie("waiting");
        CouponRequest drawnOut = passTheGateAndDie("drawn-out");
        CouponRequest stranded = passTheGateAndDie("stranded");
        gate.follow(EVENT, List.of(inDraw(waiting), inDraw(drawnOut)));
        gate.follow(EVENT, List.of(new CouponDecision(drawnOut.requestId(), EVENT.value(), "drawn-out", IssuingOutcome.NOT_DRAWN,
                null, NOW.plusSeconds(10), null, null, null, 1, 2)));

        // when: long after
        reconciler.sweep();
        nanos.addAndGet(AFTER.toNanos() * 10);
        int republished = reconciler.sweep();

        // then: only the one never decided goes out again; the entrant keeps its place without being pending
        assertThat(republished).isEqualTo(1);
        assertThat(publisher.requests).extracting(FakePublisher.Sent::value).containsExactly(stranded);
        assertThat(gate.pending(EVENT)).containsExactly(stranded);
        assertThat(gate.count(EVENT)).as("waiting and stranded").isEqualTo(2);
    }

    private static CouponDecision inDraw(CouponRequest request) {
        return new CouponDecision(request.requestId(), EVENT.value(), request.userId(), IssuingOutcome.IN_DRAW, null, NOW);
    }

    @Test
    void waitsTwiceAsLongBeforeEachNextPublicationUpToTheCap() {
        passTheGateAndDie("u1");
        reconciler.sweep();
        nanos.addAndGet(AFTER.toNanos());
        assertThat(reconciler.sweep()).as("first publication").isEqualTo(1);

        // then: the gaps between publications are 1, 2, 4, 8, 16, 16 periods
        for (int gap : new int[] {1, 2, 4, 8, GateReconciler.MAX_BACKOFF, GateReconciler.MAX_BACKOFF}) {
            nanos.addAndGet(AFTER.toNanos() * gap - 1);
            assertThat(reconciler.sweep()).as("before %d period(s)", gap).isZero();
            nanos.addAndGet(1);
            assertThat(reconciler.sweep()).as("after %d period(s)", gap).isEqualTo(1);
        }
    }

    @Test
    void asksForTheRebuildOfAnEventWhoseStateTheGateLostEvenWhenNobodyApplies() {
        passTheGateAndDie("u1");
        reconciler.sweep();
        assertThat(lost).isEmpty();

        gate.loseEverything();
        nanos.addAndGet(AFTER.toNanos());

        assertThat(reconciler.sweep()).as("nothing left to publish").isZero();
        assertThat(lost).containsExactly(EVENT);
    }

    @Test
    void setsTheKeysExpiryAgainOncePerSweepForEveryLiveEventWithState() {
        EventId unprimed = new EventId("unprimed");
        catalog.apply(unprimed.value(), new EventDefinition(unprimed.value(), 10, NOW.minusSeconds(60), null), 1);
        EventId retired = new EventId("retired");
        catalog.apply(retired.value(), new EventDefinition(retired.value(), 10, NOW.minus(Duration.ofDays(9)),
                NOW.minus(Duration.ofDays(8))), 2);
        gate.created(retired);
        GateReconciler reconciler = new GateReconciler(catalog, gate, publisher, own, lost::add, AFTER,
                new SimpleMeterRegistry(), nanos::get, Clock.fixed(NOW, ZoneOffset.UTC));

        reconciler.sweep();
        assertThat(gate.expiryMoved).as("the live event with state, not the one without, nor the retired one")
                .containsExactly(EVENT);
        reconciler.sweep();
        assertThat(gate.expiryMoved).containsExactly(EVENT, EVENT);
    }

    @Test
    void neverSweepsNorRebuildsARetiredEventWhoseKeysExpired() {
        // given: an event closed eight days ago (retention: seven), its keys gone by design
        EventId retired = new EventId("retired");
        catalog.apply(retired.value(), new EventDefinition(retired.value(), 10, NOW.minus(Duration.ofDays(9)),
                NOW.minus(Duration.ofDays(8))), 1);
        GateReconciler reconciler = new GateReconciler(catalog, gate, publisher, own, lost::add, AFTER,
                new SimpleMeterRegistry(), nanos::get, Clock.fixed(NOW, ZoneOffset.UTC));

        // when
        reconciler.sweep();
        nanos.addAndGet(AFTER.toNanos());
        reconciler.sweep();

        // then
        assertThat(gate.knows(retired)).isFalse();
        assertThat(lost).as("expired by design, not lost").isEmpty();
        assertThat(publisher.requests).isEmpty();
    }

    @Test
    void takesKeysGoneMomentsBeforeTheRetirementForRedisClockRunningAheadNotForALoss() {
        // given: retention seven days; one event retires in two seconds, another in a minute
        Instant closed = NOW.minus(Duration.ofDays(7));
        catalog.apply("soon", new EventDefinition("soon", 10, closed.minusSeconds(60), closed.plusSeconds(2)), 1);
        catalog.apply("later", new EventDefinition("later", 10, closed.minusSeconds(60), closed.plusSeconds(60)), 2);
        GateReconciler reconciler = new GateReconciler(catalog, gate, publisher, own, lost::add, AFTER,
                new SimpleMeterRegistry(), nanos::get, Clock.fixed(NOW, ZoneOffset.UTC));

        // when: neither has keys at the gate, two sweeps in a row
        reconciler.sweep();
        reconciler.sweep();

        // then
        assertThat(lost).containsExactly(new EventId("later"));
    }

    @Test
    void givesAnEventJustDefinedOneSweepToBePrimedBeforeCallingItLost() {
        // given: the catalog holds a new event whose gate has not been primed yet
        EventId fresh = new EventId("fresh");
        catalog.apply(fresh.value(), new EventDefinition(fresh.value(), 10, NOW.minusSeconds(60), null), 1);

        // when: a sweep comes between the definition and the priming
        reconciler.sweep();

        // then: not a loss yet; once primed, never
        assertThat(lost).isEmpty();
        gate.created(fresh);
        reconciler.sweep();
        assertThat(lost).isEmpty();

        // and: still missing at a second sweep in a row, it is
        GateReconciler other = new GateReconciler(catalog, new FakeGate(), publisher, own, lost::add, AFTER,
                new SimpleMeterRegistry(), nanos::get, Clock.fixed(NOW, ZoneOffset.UTC));
        other.sweep();
        assertThat(lost).isEmpty();
        other.sweep();
        assertThat(lost).contains(fresh);
    }

    @Test
    void neverPublishesARequestWhoseSendFromThisIngressIsStillInFlight() {
        CouponRequest request = passTheGateAndDie("u1");
        var send = new CompletableFuture<Long>();
        own.send(request, () -> send);
        reconciler.sweep();
        nanos.addAndGet(AFTER.toNanos() * 3);

        assertThat(reconciler.sweep()).as("in flight").isZero();

        send.completeExceptionally(new org.apache.kafka.common.errors.TimeoutException("no answer"));
        assertThat(reconciler.sweep()).as("the send ended without an answer").isEqualTo(1);
        assertThat(publisher.requests).extracting(FakePublisher.Sent::value).containsExactly(request);
    }

    @Test
    void leavesAloneARequestWhoseIngressMayStillHearFromKafka() {
        passTheGateAndDie("u1");
        reconciler.sweep();

        nanos.addAndGet(AFTER.toNanos() - 1);

        assertThat(reconciler.sweep()).isZero();
        assertThat(publisher.requests).isEmpty();
    }

    @Test
    void neverPublishesADecidedRequest() {
        CouponRequest request = request("u1");
        gate.admit(EVENT, new UserId("u1"), 10, request);
        gate.follow(EVENT, List.of(new CouponDecision(request.requestId(), EVENT.value(), "u1", IssuingOutcome.SOLD_OUT, null, NOW)));

        reconciler.sweep();
        nanos.addAndGet(AFTER.toNanos());

        assertThat(reconciler.sweep()).isZero();
        assertThat(publisher.requests).isEmpty();
    }

    @Test
    void leavesASlotThatWasGivenBackAlone() {
        passTheGateAndDie("u1");
        reconciler.sweep();
        gate.release(EVENT, new UserId("u1"));

        nanos.addAndGet(AFTER.toNanos());

        assertThat(reconciler.sweep()).isZero();
        assertThat(publisher.requests).isEmpty();
    }

    @Test
    void triesAgainOnTheNextSweepWhileKafkaRefusesTheRequest() {
        CouponRequest stranded = passTheGateAndDie("u1");
        reconciler.sweep();
        nanos.addAndGet(AFTER.toNanos());
        publisher.failing = true;
        reconciler.sweep();
        assertThat(gate.pending(EVENT)).as("still pending after a refusal").containsExactly(stranded);

        publisher.failing = false;
        nanos.addAndGet(AFTER.toNanos() / 2);
        reconciler.sweep();

        assertThat(publisher.requests).extracting(FakePublisher.Sent::value).containsExactly(stranded);
        assertThat(gate.pending(EVENT)).containsExactly(stranded);
    }

    @Test
    void waitsAFullPeriodForARequestItHasNotSeenBefore() {
        reconciler.sweep();
        nanos.addAndGet(AFTER.toNanos());
        passTheGateAndDie("late");

        assertThat(reconciler.sweep()).as("first sighting").isZero();
        nanos.addAndGet(AFTER.toNanos());
        assertThat(reconciler.sweep()).isEqualTo(1);
    }

    @Test
    void holdsBackARequestWhileTheAuthoritysDecisionsKeepComingBeforeItThenPublishesItOnceTheyPassIt() {
        // given: the processor works through a backlog: its decisions of the event move forward, stamped before the request
        CouponRequest waiting = passTheGateAndDie("u1");
        patient.sweep();

        // when: due several times over, the decisions still a second behind it and moving each period
        for (int period = 1; period <= 4; period++) {
            nanos.addAndGet(AFTER.toNanos());
            progress.decided(0, NOW.minusSeconds(5 - period).toEpochMilli());
            assertThat(patient.sweep()).as("period %d: behind, and decisions keep coming", period).isZero();
        }

        // then: decisions stamped a period after it were applied and its own is missing: stranded, published
        progress.decided(0, NOW.plus(AFTER).minusMillis(1).toEpochMilli());
        assertThat(patient.sweep()).as("a record stamped before it may still come after them").isZero();
        progress.decided(0, NOW.plus(AFTER).toEpochMilli());
        assertThat(patient.sweep()).isEqualTo(1);
        assertThat(publisher.requests).extracting(FakePublisher.Sent::value).containsExactly(waiting);
    }

    @Test
    void publishesAHeldBackRequestOnceTheAuthoritysDecisionsStopComing() {
        CouponRequest stranded = passTheGateAndDie("u1");
        patient.sweep();
        nanos.addAndGet(AFTER.toNanos());
        progress.decided(0, NOW.minusSeconds(1).toEpochMilli());
        assertThat(patient.sweep()).as("decisions just came").isZero();

        // when: nothing newer is decided for a whole period (the processor caught up, or stopped)
        nanos.addAndGet(AFTER.toNanos() - 1);
        assertThat(patient.sweep()).as("within the period").isZero();
        nanos.addAndGet(1);

        // then
        assertThat(patient.sweep()).isEqualTo(1);
        assertThat(publisher.requests).extracting(FakePublisher.Sent::value).containsExactly(stranded);
    }

    @Test
    void judgesByTheDecisionsOfTheEventsOwnPartitionOnly() {
        int partitions = 6;
        int mine = RequestsLogEnd.partition(EVENT.value().getBytes(StandardCharsets.UTF_8), partitions);
        progress.following(partitions);
        passTheGateAndDie("u1");
        patient.sweep();
        nanos.addAndGet(AFTER.toNanos());

        progress.decided((mine + 1) % partitions, NOW.minusSeconds(1).toEpochMilli());
        assertThat(patient.sweep()).as("another partition's backlog says nothing of this request").isEqualTo(1);

        nanos.addAndGet(AFTER.toNanos());
        progress.decided(mine, NOW.minusSeconds(1).toEpochMilli());
        assertThat(patient.sweep()).as("its own partition is still being decided up to it").isZero();
    }

    @Test
    void holdsBackARequestNoLongerThanTheLongestBackoffWhateverTheDecisionsDo() {
        CouponRequest held = passTheGateAndDie("u1");
        patient.sweep();

        // when: decisions keep coming, stamped before it (a skewed clock, a processor far behind), sweep after sweep
        long step = AFTER.toNanos() / 2;
        long waited = 0;
        while (waited + step < AFTER.toNanos() * GateReconciler.MAX_BACKOFF) {
            nanos.addAndGet(step);
            waited += step;
            progress.decided(0, NOW.minusSeconds(1).toEpochMilli());
            assertThat(patient.sweep()).as("held, %d ms after its first sighting", waited / 1_000_000).isZero();
        }

        // then: the longest backoff after its first sighting, it goes out (the republication horizon counts on it)
        nanos.addAndGet(AFTER.toNanos() * GateReconciler.MAX_BACKOFF - waited);
        progress.decided(0, NOW.minusSeconds(1).toEpochMilli());
        assertThat(patient.sweep()).isEqualTo(1);
        assertThat(publisher.requests).extracting(FakePublisher.Sent::value).containsExactly(held);
    }

    private AuthorityProgress following(int partitions) {
        AuthorityProgress progress = new AuthorityProgress(Topics.standard().decisions(), nanos::get);
        progress.following(partitions);
        return progress;
    }

    /** What a process killed between the gate and Kafka's answer leaves behind. */
    private CouponRequest passTheGateAndDie(String user) {
        CouponRequest request = request(user);
        assertThat(gate.admit(EVENT, new UserId(user), 10, request).outcome()).isEqualTo(Outcome.ACCEPTED);
        return request;
    }

    private static CouponRequest request(String user) {
        return new CouponRequest(UUID.randomUUID().toString(), EVENT.value(), user, NOW);
    }
}
