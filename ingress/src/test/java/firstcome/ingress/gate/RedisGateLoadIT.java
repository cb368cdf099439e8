package firstcome.ingress.gate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import firstcome.contract.CouponDecision;
import firstcome.contract.CouponRequest;
import firstcome.contract.EventDefinition;
import firstcome.contract.IssuingOutcome;
import firstcome.contract.query.CouponHolders;
import firstcome.ingress.api.EventId;
import firstcome.ingress.api.Outcome;
import firstcome.ingress.api.UserId;
import firstcome.ingress.catalog.EventCatalog;
import firstcome.ingress.kafka.FakePublisher;
import firstcome.ingress.processor.HoldersLookup;
import firstcome.testkit.Infrastructure;
import firstcome.testkit.InfrastructureExtension;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The gate's promises under load, held on one Redis and on a Redis Cluster of three masters alike:
 * many events (on the cluster, spread over every master), many threads applying at once, exactly
 * {@code limit} places per event and never a user twice; places given back by decisions and
 * releases go to the next applicants; when a node loses its data, exactly its events are rebuilt,
 * and nobody passes there before the rebuild, while the other events go on; and while a node is
 * down, only its events fail, fast.
 */
@ExtendWith(InfrastructureExtension.class)
class RedisGateLoadIT {

    private static final Instant AT = Instant.parse("2026-11-30T10:00:00Z");
    private static final int EVENTS = 24;
    private static final int LIMIT = 5;
    private static final int USERS = 20;
    private static final ExecutorService applicants = Executors.newFixedThreadPool(16);

    @AfterAll
    static void stopApplicants() {
        applicants.shutdownNow();
    }

    @ParameterizedTest(name = "on {0}")
    @EnumSource(GateRedis.class)
    void admitsExactlyTheLimitOfEveryEventToConcurrentApplicantsAndNeverAUserTwice(GateRedis redis, Infrastructure infrastructure)
            throws Exception {
        List<EventId> events = events("rush");
        try (RedisGate gate = RedisGate.connect(redis.config(infrastructure))) {
            // given: many events, on a cluster spread over every master
            events.forEach(event -> gate.prime(definition(event), true));
            assertThat(redis.byNode(infrastructure, events).keySet()).as("the nodes holding the events")
                    .containsExactlyInAnyOrderElementsOf(redis.nodes(infrastructure));

            // when: every user of every event applies twice, all at once
            List<Application> rush = new ArrayList<>();
            for (EventId event : events) {
                for (int u = 0; u < USERS; u++) {
                    rush.add(new Application(event, "u" + u));
                    rush.add(new Application(event, "u" + u));
                }
            }
            Map<Application, List<Gate.Admission>> answers = admitAll(gate, rush);

            // then: per event exactly LIMIT users in, each once, in positions 1..LIMIT
            for (EventId event : events) {
                Set<String> admitted = admittedUsers(answers, event);
                assertThat(admitted).as("admitted to " + event).hasSize(LIMIT);
                assertThat(answersOf(answers, event).stream().filter(a -> a.outcome() == Outcome.ACCEPTED).map(Gate.Admission::position))
                        .containsExactlyInAnyOrder(1L, 2L, 3L, 4L, 5L);
                for (int u = 0; u < USERS; u++) {
                    List<Outcome> outcomes = answers.get(new Application(event, "u" + u)).stream().map(Gate.Admission::outcome).toList();
                    if (admitted.contains("u" + u)) {
                        assertThat(outcomes).containsExactlyInAnyOrder(Outcome.ACCEPTED, Outcome.ALREADY_APPLIED);
                    } else {
                        assertThat(outcomes).containsOnly(Outcome.SOLD_OUT);
                    }
                }
                assertThat(gate.count(event)).isEqualTo(LIMIT);
                assertThat(gate.pending(event)).extracting(CouponRequest::userId).containsExactlyInAnyOrderElementsOf(admitted);
            }

            // and when: per event the processor refuses one for a reason that can change and issues the
            // others, one more place is released, and new users rush in
            Map<EventId, Set<String>> freed = new ConcurrentHashMap<>();
            for (EventId event : events) {
                List<CouponRequest> pending = gate.pending(event);
                List<CouponDecision> decisions = new ArrayList<>();
                for (int i = 0; i < pending.size(); i++) {
                    decisions.add(decided(pending.get(i), i == 0 ? IssuingOutcome.NOT_OPEN : IssuingOutcome.ISSUED));
                }
                assertThat(gate.follow(event, decisions)).isEqualTo(new Gate.Corrections(false, LIMIT, 1, 0));
                assertThat(gate.release(event, new UserId(pending.get(1).userId()))).isTrue();
                freed.put(event, Set.of(pending.get(0).userId(), pending.get(1).userId()));
            }
            List<Application> second = new ArrayList<>();
            events.forEach(event -> IntStream.range(0, USERS).forEach(u -> second.add(new Application(event, "late" + u))));
            Map<Application, List<Gate.Admission>> later = admitAll(gate, second);

            // then: exactly the two places given back are taken again, and the event is full once more
            for (EventId event : events) {
                assertThat(admittedUsers(later, event)).as("admitted again to " + event).hasSize(2);
                assertThat(gate.count(event)).isEqualTo(LIMIT);
                assertThat(freed.get(event)).allSatisfy(user -> assertThat(gate.holds(event, new UserId(user))).isFalse());
                assertThat(gate.admit(event, new UserId("last"), LIMIT, request(event, "last")))
                        .as("two places given back: release generation 2").isEqualTo(Gate.Admission.soldOut(2));
            }
        }
    }

    @ParameterizedTest(name = "on {0}")
    @EnumSource(GateRedis.class)
    void rebuildsTheEventsOfANodeThatLostItsDataBeforeAdmittingAnyoneThere(GateRedis redis, Infrastructure infrastructure)
            throws Exception {
        List<EventId> events = events("flush");
        ExecutorService rebuilds = Executors.newFixedThreadPool(4);
        try (RedisGate gate = RedisGate.connect(redis.config(infrastructure))) {
            // given: three places of five taken in every event, their coupons issued
            EventCatalog catalog = new EventCatalog();
            for (EventId event : events) {
                catalog.apply(event.value(), definition(event), 0);
                gate.prime(definition(event), true);
                List<CouponDecision> issued = new ArrayList<>();
                for (String user : List.of("h0", "h1", "h2")) {
                    CouponRequest request = request(event, user);
                    assertThat(gate.admit(event, new UserId(user), LIMIT, request).outcome()).isEqualTo(Outcome.ACCEPTED);
                    issued.add(decided(request, IssuingOutcome.ISSUED));
                }
                gate.follow(event, issued);
            }

            // when: the node holding the first event loses every key (FLUSHALL)
            String node = redis.nodeOf(infrastructure, events.get(0));
            Set<EventId> lost = redis.byNode(infrastructure, events).get(node);
            redis.flush(node);

            // then: exactly its events are missed, by the reconciler's sweep as by any call
            if (redis == GateRedis.CLUSTER) {
                assertThat(lost).as("one master of three holds only some of the events").hasSizeLessThan(events.size());
            }
            Set<EventId> reported = ConcurrentHashMap.newKeySet();
            try (var reconciler = new GateReconciler(catalog, gate, new FakePublisher(), new OwnRequests(), reported::add,
                    Duration.ofMinutes(1), new SimpleMeterRegistry(), System::nanoTime)) {
                // a reconciler that never saw these events with state calls them lost at its second sweep
                reconciler.sweep();
                assertThat(reported).isEmpty();
                reconciler.sweep();
            }
            assertThat(reported).containsExactlyInAnyOrderElementsOf(lost);
            events.forEach(event -> assertThat(gate.knows(event)).as("knows " + event).isEqualTo(!lost.contains(event)));

            // and when: the lost events are rebuilding (the authority has not answered yet) and new users rush in
            CountDownLatch authorityAnswers = new CountDownLatch(1);
            HoldersLookup authority = (event, requestsEnd, actionsEnd) -> {
                try {
                    authorityAnswers.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return Optional.empty();
                }
                return Optional.of(new CouponHolders(event.value(), List.of("h0", "h1", "h2")));
            };
            GateRebuild rebuild = new GateRebuild(gate, new OwnRequests(), event -> 0L, event -> 0L, authority, Duration.ofSeconds(1),
                    Duration.ofSeconds(20), rebuilds);
            List<CompletableFuture<Long>> rebuilt = lost.stream().map(rebuild::rebuild).toList();
            List<Application> during = new ArrayList<>();
            events.forEach(event -> IntStream.range(0, USERS).forEach(u -> during.add(new Application(event, "during" + u))));
            Map<Application, List<Gate.Admission>> answers = admitAll(gate, during);

            // then: nobody passes where the state is lost; elsewhere the two free places are taken
            for (EventId event : events) {
                if (lost.contains(event)) {
                    assertThat(answersOf(answers, event)).as("answers of lost " + event).allMatch(Gate.Admission::isLost);
                    assertThat(gate.count(event)).isZero();
                } else {
                    assertThat(admittedUsers(answers, event)).as("admitted to " + event).hasSize(2);
                    assertThat(gate.count(event)).isEqualTo(LIMIT);
                }
            }

            // and when: the authority answers and the rebuilds end
            authorityAnswers.countDown();
            for (CompletableFuture<Long> count : rebuilt) {
                assertThat(count.get(30, TimeUnit.SECONDS)).isEqualTo(3L);
            }
            List<Application> after = new ArrayList<>();
            lost.forEach(event -> IntStream.range(0, USERS).forEach(u -> after.add(new Application(event, "after" + u))));
            lost.forEach(event -> after.add(new Application(event, "h1")));
            Map<Application, List<Gate.Admission>> afterAnswers = admitAll(gate, after);

            // then: the holders keep their places, and only the two places left are given, as before the loss
            for (EventId event : lost) {
                assertThat(gate.knows(event)).isTrue();
                assertThat(afterAnswers.get(new Application(event, "h1"))).containsExactly(Gate.Admission.alreadyApplied());
                assertThat(admittedUsers(afterAnswers, event)).as("admitted to rebuilt " + event).hasSize(2);
                assertThat(gate.count(event)).isEqualTo(LIMIT);
            }
        } finally {
            rebuilds.shutdownNow();
        }
    }

    @ParameterizedTest(name = "on {0}")
    @EnumSource(GateRedis.class)
    void failsFastOnlyForTheEventsOfAStoppedNodeAndFindsThemLostOnceItIsBackEmpty(GateRedis redis, Infrastructure infrastructure)
            throws Exception {
        assumeTrue(redis.canStop(infrastructure), "Redis is external");
        List<EventId> events = events("stop");
        try (RedisGate gate = RedisGate.connect(redis.config(infrastructure))) {
            // given: one place taken in every event
            for (EventId event : events) {
                gate.prime(definition(event), true);
                assertThat(gate.admit(event, new UserId("first"), LIMIT, request(event, "first"))).isEqualTo(Gate.Admission.accepted(1));
            }
            String node = redis.nodeOf(infrastructure, events.get(0));
            Set<EventId> down = redis.byNode(infrastructure, events).get(node);

            // when: the node holding the first event stops
            redis.stop(infrastructure, node);
            try {
                // then: the gate reads as down; the stopped node's events fail within about the timeout, the others go on
                assertThat(gate.ping()).isFalse();
                for (EventId event : events) {
                    if (down.contains(event)) {
                        long began = System.nanoTime();
                        assertThatThrownBy(() -> gate.admit(event, new UserId("second"), LIMIT, request(event, "second")))
                                .isInstanceOf(GateUnavailableException.class);
                        assertThat(Duration.ofNanos(System.nanoTime() - began)).isLessThan(Duration.ofSeconds(2));
                    } else {
                        assertThat(gate.admit(event, new UserId("second"), LIMIT, request(event, "second")))
                                .isEqualTo(Gate.Admission.accepted(2));
                    }
                }
            } finally {
                redis.start(infrastructure, node);
            }

            // then: back without its data or scripts, its events are lost (nothing counted) until rebuilt;
            // the others kept their places
            await("the gate answers again").atMost(Duration.ofSeconds(10)).until(gate::ping);
            for (EventId event : events) {
                if (down.contains(event)) {
                    await("event " + event + " reads as lost").atMost(Duration.ofSeconds(10))
                            .ignoreException(GateUnavailableException.class)
                            .until(() -> gate.admit(event, new UserId("third"), LIMIT, request(event, "third")).isLost());
                    assertThat(gate.knows(event)).isFalse();
                } else {
                    assertThat(gate.knows(event)).isTrue();
                    assertThat(gate.count(event)).isEqualTo(2);
                }
            }
        }
    }

    @Test
    void sendsAScriptWhoseReplyTimedOutOnceAndSaysItMayHaveRunOnACluster(Infrastructure infrastructure) throws Exception {
        // given: an event on a master that stops answering (paused, its connections open)
        GateRedis redis = GateRedis.CLUSTER;
        EventId event = events("paused").get(0);
        try (RedisGate gate = RedisGate.connect(redis.config(infrastructure))) {
            gate.prime(definition(event), true);
            String node = redis.nodeOf(infrastructure, event);
            long before = redis.scriptCalls(node);
            CouponRequest request = request(event, "patient");
            int port = Integer.parseInt(node.substring(node.lastIndexOf(':') + 1));
            infrastructure.redisCluster().pause(port);
            try {
                // when / then: the reply does not come within the timeout, and the gate says the script may have run
                assertThatThrownBy(() -> gate.admit(event, new UserId("patient"), LIMIT, request))
                        .isInstanceOfSatisfying(GateUnavailableException.class, e -> assertThat(e.maybeApplied()).isTrue());
            } finally {
                infrastructure.redisCluster().resume(port);
            }

            // then: the master ran it once, when it woke up (no retry sent it again), and the request is pending
            await("the script ran on the master").atMost(Duration.ofSeconds(10))
                    .ignoreException(GateUnavailableException.class)
                    .until(() -> gate.isPending(request));
            assertThat(redis.scriptCalls(node) - before).as("EVALSHA calls on " + node).isEqualTo(1);
            assertThat(gate.count(event)).isEqualTo(1);
        }
    }

    /** One user applying to one event; equal applications are the same user applying again. */
    private record Application(EventId event, String user) {
    }

    /** Runs every application at once on the applicants' threads, in random order; the answers per application. */
    private static Map<Application, List<Gate.Admission>> admitAll(Gate gate, List<Application> applications) throws Exception {
        List<Application> shuffled = new ArrayList<>(applications);
        Collections.shuffle(shuffled);
        CountDownLatch start = new CountDownLatch(1);
        Map<Application, List<Gate.Admission>> answers = new ConcurrentHashMap<>();
        List<Future<?>> running = new ArrayList<>();
        for (Application application : shuffled) {
            running.add(applicants.submit(() -> {
                start.await();
                Gate.Admission answer = gate.admit(application.event(), new UserId(application.user()), LIMIT,
                        request(application.event(), application.user()));
                answers.computeIfAbsent(application, a -> Collections.synchronizedList(new ArrayList<>())).add(answer);
                return null;
            }));
        }
        start.countDown();
        for (Future<?> application : running) {
            application.get(60, TimeUnit.SECONDS);
        }
        return answers;
    }

    private static List<Gate.Admission> answersOf(Map<Application, List<Gate.Admission>> answers, EventId event) {
        return answers.entrySet().stream().filter(e -> e.getKey().event().equals(event))
                .flatMap(e -> e.getValue().stream()).toList();
    }

    private static Set<String> admittedUsers(Map<Application, List<Gate.Admission>> answers, EventId event) {
        return answers.entrySet().stream()
                .filter(e -> e.getKey().event().equals(event))
                .filter(e -> e.getValue().stream().anyMatch(a -> a.outcome() == Outcome.ACCEPTED))
                .map(e -> e.getKey().user())
                .collect(Collectors.toSet());
    }

    private static List<EventId> events(String name) {
        String run = UUID.randomUUID().toString().substring(0, 8);
        return IntStream.range(0, EVENTS).mapToObj(i -> new EventId("load-" + name + "-" + run + "-" + i)).toList();
    }

    private static EventDefinition definition(EventId event) {
        return new EventDefinition(event.value(), LIMIT, AT, null);
    }

    private static CouponRequest request(EventId event, String user) {
        return new CouponRequest(UUID.randomUUID().toString(), event.value(), user, AT);
    }

    private static CouponDecision decided(CouponRequest request, IssuingOutcome outcome) {
        boolean holds = outcome == IssuingOutcome.ISSUED;
        return new CouponDecision(request.requestId(), request.eventId(), request.userId(), outcome, holds ? 1 : null, AT);
    }
}
