package firstcome.processor;

import static firstcome.processor.TopologyFixture.T0;
import static org.assertj.core.api.Assertions.assertThat;

import firstcome.contract.ActionType;
import firstcome.contract.CouponAction;
import firstcome.contract.CouponChange;
import firstcome.contract.CouponDecision;
import firstcome.contract.CouponRequest;
import firstcome.contract.CouponState;
import firstcome.contract.Eligibility;
import firstcome.contract.EligibleAs;
import firstcome.contract.EventDefinition;
import firstcome.contract.IssuedCoupon;
import firstcome.contract.IssuingOutcome;
import firstcome.contract.Topic;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Stream;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.jqwik.api.statistics.Statistics;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.test.TestRecord;

/**
 * Random interleavings of applications (new and repeated users), re-delivered requests, redemptions,
 * cancelled redemptions (of the same and other orders), returns, limit changes and waitlists, and an
 * eligibility that redefinitions add, change and remove (applications carrying a matching, another or
 * no {@code eligibleAs}), through
 * the pure {@link LifecycleRules} ({@link RulesLedger}) and through the topology: both decide the same,
 * and whatever the order the lifecycle keeps its promises.
 */
class LifecyclePropertiesTest {

    private static final List<String> EVENTS = List.of("a", "b");
    private static final Eligibility GOLD = new Eligibility("tier", List.of("gold", "vip"));
    private static final Eligibility VIP_ONLY = new Eligibility("tier", List.of("vip"));
    private static final EligibleAs AS_GOLD = new EligibleAs("tier", "gold");
    private static final EligibleAs AS_VIP = new EligibleAs("tier", "vip");
    private static final EligibleAs AS_SILVER = new EligibleAs("tier", "silver");

    sealed interface Step permits Define, Apply, Redeliver, Act {
    }

    /** A definition; {@code eligibility}: its rule of who may apply (null: everyone). */
    record Define(String eventId, int limit, int waitlist, Eligibility eligibility) implements Step {
    }

    /** An application; {@code eligibleAs}: what the ingress checked (null: nothing). */
    record Apply(String eventId, String userId, EligibleAs eligibleAs) implements Step {
    }

    /** The earlier application number {@code pick} modulo how many there were, published again byte for byte. */
    record Redeliver(int pick) implements Step {
    }

    record Act(String eventId, String userId, ActionType action, String orderId) implements Step {
    }

    /** When each event closes and its coupons expire, in steps (null: never). */
    record Window(Integer closesAfter, Integer validAfter) {
    }

    record Scenario(Map<String, Window> windows, List<Step> steps) {
    }

    /** What one step published, through the topology, in order. */
    record Published(String recordId, boolean redelivery, List<CouponDecision> decisions, List<IssuedCoupon> coupons,
            List<CouponChange> changes) {
    }

    @Property(tries = 100)
    void keepsTheLifecyclesPromisesUnderAnyInterleaving(@ForAll("scenarios") Scenario scenario) throws IOException {
        List<Published> steps = new ArrayList<>();
        List<byte[]> firstBytes = run(scenario, steps, true);
        List<byte[]> secondBytes = run(scenario, new ArrayList<>(), false);

        // Same inputs, same outputs, byte for byte.
        assertThat(secondBytes).hasSameSizeAs(firstBytes);
        for (int i = 0; i < firstBytes.size(); i++) {
            assertThat(secondBytes.get(i)).as("output %d", i).isEqualTo(firstBytes.get(i));
        }

        Map<String, Integer> limitOf = new HashMap<>();
        Map<String, EventDefinition> definitionOf = new HashMap<>();
        Map<String, EligibleAs> checkedOf = new HashMap<>();
        int applied = 0;
        Map<String, Long> live = new HashMap<>();
        Map<String, Integer> lastNumber = new HashMap<>();
        Map<String, Set<String>> holders = new HashMap<>();
        Map<String, List<String>> waitlisted = new HashMap<>();
        Map<String, List<String>> served = new HashMap<>();
        Map<String, CouponChange> lastChange = new HashMap<>();
        Map<String, IssuedCoupon> couponOf = new HashMap<>();
        Map<String, CouponDecision> latestOf = new HashMap<>();
        Set<String> waitlistedRequests = new HashSet<>();
        Set<String> servedRequests = new HashSet<>();
        int s = 0;
        for (Step step : scenario.steps()) {
            Published published = steps.get(s++);
            if (step instanceof Define define) {
                limitOf.put(define.eventId(), define.limit());
                definitionOf.put(define.eventId(), definitionOf(define, scenario.windows().get(define.eventId())));
            } else if (step instanceof Apply apply) {
                checkedOf.put(new UUID(0, ++applied).toString(), apply.eligibleAs());
            }
            // Every record gets exactly one decision; every other decision serves a waiting user, once.
            if (published.recordId() != null) {
                assertThat(published.decisions()).filteredOn(d -> d.requestId().equals(published.recordId())).hasSize(1);
            }
            for (CouponDecision decision : published.decisions()) {
                if (!decision.requestId().equals(published.recordId())) {
                    assertThat(decision.outcome()).isEqualTo(IssuingOutcome.ISSUED);
                    assertThat(waitlistedRequests).contains(decision.requestId());
                    assertThat(servedRequests.add(decision.requestId())).as("served once: %s", decision).isTrue();
                    served.computeIfAbsent(decision.eventId(), e -> new ArrayList<>()).add(decision.userId());
                } else if (published.redelivery()) {
                    // A re-delivered request hears its latest decision's outcome again and changes nothing.
                    assertThat(decision.outcome()).isEqualTo(latestOf.get(decision.requestId()).outcome());
                    assertThat(published.coupons()).noneMatch(c -> c.requestId().equals(decision.requestId()));
                    assertThat(published.changes()).isEmpty();
                } else {
                    // A request's new decision: NOT_ELIGIBLE exactly when the rule in force refused a request the room would decide.
                    boolean admitted = decision.decidesAction()
                            || definitionOf.get(decision.eventId()).admits(checkedOf.get(decision.requestId()));
                    switch (decision.decidesAction() ? IssuingOutcome.DUPLICATE : decision.outcome()) {
                        case NOT_ELIGIBLE -> assertThat(admitted).as("refused by the rule: %s", decision).isFalse();
                        case ISSUED, WAITLISTED, SOLD_OUT -> assertThat(admitted).as("admitted by the rule: %s", decision).isTrue();
                        default -> {
                        }
                    }
                    if (decision.outcome() == IssuingOutcome.WAITLISTED) {
                        waitlistedRequests.add(decision.requestId());
                        waitlisted.computeIfAbsent(decision.eventId(), e -> new ArrayList<>()).add(decision.userId());
                    }
                }
                latestOf.put(decision.requestId(), decision);
            }
            // A return comes before the coupon it frees for the waitlist.
            for (CouponChange change : published.changes()) {
                String key = change.eventId() + "/" + change.userId();
                CouponChange before = lastChange.get(key);
                CouponState previous = before == null ? CouponState.ISSUED : before.state();
                assertThat(change.version()).isEqualTo(before == null ? 1 : before.version() + 1);
                assertThat(change.couponNo()).isEqualTo(couponOf.get(key).couponNo());
                assertThat(previous).as("a returned coupon never changes again").isNotEqualTo(CouponState.RETURNED);
                if (change.state() == CouponState.REDEEMED) {
                    // One order at a time, and never at or past the coupon's validity.
                    assertThat(previous).isEqualTo(CouponState.ISSUED);
                    if (change.validUntil() != null) {
                        assertThat(change.changedAt()).isBefore(change.validUntil());
                    }
                } else {
                    assertThat(previous).isNotEqualTo(change.state());
                }
                if (change.state() == CouponState.RETURNED) {
                    assertThat(previous).isEqualTo(CouponState.ISSUED);
                    live.merge(change.eventId(), -1L, Long::sum);
                }
                lastChange.put(key, change);
            }
            for (IssuedCoupon coupon : published.coupons()) {
                String e = coupon.eventId();
                // Issued only while live coupons are below the limit; numbers 1, 2, ... never reused; one per user ever.
                assertThat(live.getOrDefault(e, 0L)).as("live before %s", coupon).isLessThan(limitOf.get(e));
                live.merge(e, 1L, Long::sum);
                assertThat(coupon.couponNo()).isEqualTo(lastNumber.getOrDefault(e, 0) + 1);
                lastNumber.put(e, coupon.couponNo());
                assertThat(holders.computeIfAbsent(e, x -> new HashSet<>()).add(coupon.userId())).isTrue();
                couponOf.put(e + "/" + coupon.userId(), coupon);
            }
        }
        Statistics.label("a waiting user served").collect(!servedRequests.isEmpty());
        Statistics.label("a request not eligible").collect(latestOf.values().stream()
                .anyMatch(d -> d.outcome() == IssuingOutcome.NOT_ELIGIBLE));
        Statistics.label("a coupon returned").collect(lastChange.values().stream().anyMatch(c -> c.state() == CouponState.RETURNED));
        // The waitlist is served in arrival order.
        served.forEach((eventId, users) ->
                assertThat(waitlisted.get(eventId).subList(0, users.size())).isEqualTo(users));
    }

    /**
     * Runs the scenario through a fresh topology (and, when {@code compare}, through the rules alone,
     * which must decide the same); fills {@code published} per step; returns every output's bytes.
     */
    private static List<byte[]> run(Scenario scenario, List<Published> published, boolean compare) throws IOException {
        Path stateDir = Files.createTempDirectory("lifecycle-properties");
        try (var fixture = new TopologyFixture(stateDir)) {
            var ledger = new RulesLedger();
            List<byte[]> bytes = new ArrayList<>();
            List<CouponRequest> sent = new ArrayList<>();
            int actions = 0;
            for (int i = 0; i < scenario.steps().size(); i++) {
                Instant at = T0.plusMillis(i);
                Step step = scenario.steps().get(i);
                List<Decided> expected = new ArrayList<>();
                String recordId = null;
                boolean redelivery = false;
                if (step instanceof Define define) {
                    EventDefinition definition = definitionOf(define, scenario.windows().get(define.eventId()));
                    fixture.define(definition, at);
                    expected = ledger.define(definition, at);
                } else if (step instanceof Apply apply) {
                    var request = CouponRequest.application(new UUID(0, sent.size() + 1).toString(), apply.eventId(),
                            apply.userId(), at, apply.eligibleAs());
                    sent.add(request);
                    fixture.requests.pipeInput(new TestRecord<>(request.eventId(), request, at));
                    expected = ledger.request(request, at);
                    recordId = request.requestId();
                } else if (step instanceof Redeliver redeliver) {
                    if (!sent.isEmpty()) {
                        CouponRequest request = sent.get(redeliver.pick() % sent.size());
                        Decision latest = ledger.user(request.eventId(), request.userId());
                        redelivery = latest != null && latest.requestId().equals(request.requestId());
                        fixture.requests.pipeInput(new TestRecord<>(request.eventId(), request, request.receivedAt()));
                        expected = ledger.request(request, request.receivedAt());
                        recordId = request.requestId();
                    }
                } else if (step instanceof Act act) {
                    var action = new CouponAction(new UUID(1, ++actions).toString(), act.eventId(), act.userId(), act.action(),
                            act.orderId(), null, at);
                    fixture.act(action);
                    expected = ledger.action(action, at);
                    recordId = action.actionId();
                }
                List<CouponDecision> decisions = read(fixture.rawDecided, fixture.topics.decisions(), bytes);
                List<IssuedCoupon> coupons = read(fixture.rawIssued, fixture.topics.issued(), bytes);
                List<CouponChange> changes = read(fixture.rawChanges, fixture.topics.changes(), bytes);
                if (compare) {
                    assertThat(decisions).as("step %d: %s", i, step).containsExactlyElementsOf(
                            expected.stream().map(Decided::decision).toList());
                    assertThat(coupons).containsExactlyElementsOf(
                            expected.stream().map(Decided::coupon).filter(Objects::nonNull).toList());
                    assertThat(changes).containsExactlyElementsOf(
                            expected.stream().map(Decided::change).filter(Objects::nonNull).toList());
                }
                published.add(new Published(recordId, redelivery, decisions, coupons, changes));
            }
            for (String eventId : EVENTS) {
                if (compare) {
                    assertThat(fixture.tallyOf(eventId)).isEqualTo(ledger.tally(eventId));
                }
            }
            return bytes;
        } finally {
            try (Stream<Path> paths = Files.walk(stateDir)) {
                for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                    Files.deleteIfExists(p);
                }
            }
        }
    }

    /** Short enough that events with a closing retire half-way through most scenarios (steps are a millisecond apart). */
    private static final Duration RETENTION = Duration.ofMillis(10);

    @Property(tries = 40)
    void decidesTheSameWhenEverTheStoresAreSweptAndNothingChangesPastRetirement(@ForAll("scenarios") Scenario scenario)
            throws IOException {
        List<byte[]> sweptEveryRecord = runRetiring(scenario, Duration.ofMillis(1), Long.MAX_VALUE);
        List<byte[]> sweptRarely = runRetiring(scenario, Duration.ofDays(1), 2);

        assertThat(sweptRarely).hasSameSizeAs(sweptEveryRecord);
        for (int i = 0; i < sweptEveryRecord.size(); i++) {
            assertThat(sweptRarely.get(i)).as("output %d", i).isEqualTo(sweptEveryRecord.get(i));
        }
    }

    /**
     * Runs the scenario through a topology whose events retire {@link #RETENTION} past their end (the
     * later of the closing and the coupons' validity):
     * past its retirement (by stream time) an event's requests are refused {@code CLOSED}, its actions
     * {@code UNKNOWN_EVENT}, and it issues and changes nothing; with a sweep after every record its keys
     * are gone from every store. Returns every output's bytes.
     */
    private static List<byte[]> runRetiring(Scenario scenario, Duration sweepInterval, long keysPerSweep) throws IOException {
        Path stateDir = Files.createTempDirectory("lifecycle-retirement");
        try (var fixture = new TopologyFixture(stateDir, RETENTION, sweepInterval, keysPerSweep)) {
            List<byte[]> bytes = new ArrayList<>();
            List<CouponRequest> sent = new ArrayList<>();
            int actions = 0;
            Instant streamTime = Instant.MIN;
            for (int i = 0; i < scenario.steps().size(); i++) {
                Instant at = T0.plusMillis(i);
                Step step = scenario.steps().get(i);
                String eventId = null;
                if (step instanceof Define define) {
                    fixture.define(definitionOf(define, scenario.windows().get(define.eventId())), at);
                    streamTime = at.isAfter(streamTime) ? at : streamTime;
                } else if (step instanceof Apply apply) {
                    var request = CouponRequest.application(new UUID(0, sent.size() + 1).toString(), apply.eventId(),
                            apply.userId(), at, apply.eligibleAs());
                    sent.add(request);
                    fixture.requests.pipeInput(new TestRecord<>(request.eventId(), request, at));
                    streamTime = at.isAfter(streamTime) ? at : streamTime;
                    eventId = apply.eventId();
                } else if (step instanceof Redeliver redeliver && !sent.isEmpty()) {
                    CouponRequest request = sent.get(redeliver.pick() % sent.size());
                    fixture.requests.pipeInput(new TestRecord<>(request.eventId(), request, request.receivedAt()));
                    eventId = request.eventId();
                } else if (step instanceof Act act) {
                    fixture.act(new CouponAction(new UUID(1, ++actions).toString(), act.eventId(), act.userId(), act.action(),
                            act.orderId(), null, at));
                    streamTime = at.isAfter(streamTime) ? at : streamTime;
                    eventId = act.eventId();
                }
                List<CouponDecision> decisions = read(fixture.rawDecided, fixture.topics.decisions(), bytes);
                List<IssuedCoupon> coupons = read(fixture.rawIssued, fixture.topics.issued(), bytes);
                List<CouponChange> changes = read(fixture.rawChanges, fixture.topics.changes(), bytes);
                Instant retiresAt = eventId == null ? null : retirementOf(scenario.windows().get(eventId));
                if (retiresAt != null && !streamTime.isBefore(retiresAt)) {
                    String retired = eventId;
                    assertThat(decisions).filteredOn(d -> d.eventId().equals(retired)).extracting(CouponDecision::outcome)
                            .allMatch(o -> o == IssuingOutcome.CLOSED || o == IssuingOutcome.UNKNOWN_EVENT);
                    assertThat(coupons).noneMatch(c -> c.eventId().equals(retired));
                    assertThat(changes).noneMatch(c -> c.eventId().equals(retired));
                    if (keysPerSweep == Long.MAX_VALUE && sweepInterval.equals(Duration.ofMillis(1))) {
                        assertThat(fixture.keysIn(IssuingTopology.WAITLIST_STORE)).noneMatch(k -> k.startsWith(retired + "/"));
                        assertThat(fixture.keysIn(IssuingTopology.DECISIONS_STORE)).noneMatch(k -> k.startsWith(retired + "/"));
                    }
                }
            }
            return bytes;
        } finally {
            try (Stream<Path> paths = Files.walk(stateDir)) {
                for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                    Files.deleteIfExists(p);
                }
            }
        }
    }

    /** The records {@code output} got since the last read, as {@code topic}'s values; their key and value bytes go to {@code bytes}. */
    private static <T> List<T> read(TestOutputTopic<byte[], byte[]> output, Topic<T> topic, List<byte[]> bytes) {
        List<T> values = new ArrayList<>();
        for (TestRecord<byte[], byte[]> record : output.readRecordsToList()) {
            bytes.add(record.key());
            bytes.add(record.value());
            values.add(topic.valueSerde().deserializer().deserialize(topic.name(), record.value()));
        }
        return values;
    }

    @Provide
    Arbitrary<Scenario> scenarios() {
        Arbitrary<Window> window = Combinators.combine(
                        Arbitraries.integers().between(20, 120).injectNull(0.5),
                        Arbitraries.integers().between(10, 120).injectNull(0.5))
                .as(Window::new);
        Arbitrary<Eligibility> rule = Arbitraries.of(GOLD, VIP_ONLY).injectNull(0.5);
        Arbitrary<Step> define = Combinators.combine(Arbitraries.of(EVENTS), Arbitraries.integers().between(1, 4),
                        Arbitraries.integers().between(0, 3), rule)
                .as(Define::new);
        Arbitrary<String> user = Arbitraries.integers().between(1, 12).map(u -> "u-" + u);
        Arbitrary<EligibleAs> checked = Arbitraries.of(AS_GOLD, AS_VIP, AS_SILVER).injectNull(0.3);
        Arbitrary<Step> apply = Combinators.combine(Arbitraries.of(EVENTS), user, checked).as(Apply::new);
        Arbitrary<Step> redeliver = Arbitraries.integers().between(0, 1_000).map(Redeliver::new);
        // The shop's actions on a coupon (DrawPropertiesTest sends ticks, into coupon-requests).
        Arbitrary<ActionType> shopAction = Arbitraries.of(ActionType.REDEEM, ActionType.UNREDEEM, ActionType.RETURN);
        Arbitrary<Step> act = Combinators.combine(Arbitraries.of(EVENTS), user, shopAction,
                        Arbitraries.of("o-1", "o-2", "o-3"))
                .as((e, u, type, order) -> new Act(e, u, type, type == ActionType.RETURN ? null : order));
        Arbitrary<List<Step>> steps = Arbitraries.frequencyOf(Tuple.of(1, define), Tuple.of(8, apply), Tuple.of(2, redeliver),
                        Tuple.of(6, act))
                .list().ofMinSize(1).ofMaxSize(90);
        return Combinators.combine(window.list().ofSize(EVENTS.size()), steps,
                        Arbitraries.integers().between(1, 3), Arbitraries.integers().between(0, 3), rule)
                .as((windows, list, limit, waitlist, firstRule) -> {
                    Map<String, Window> byEvent = new HashMap<>();
                    List<Step> all = new ArrayList<>();
                    for (int i = 0; i < EVENTS.size(); i++) {
                        byEvent.put(EVENTS.get(i), windows.get(i));
                        // The first event may have a rule from its first definition on, the second starts without.
                        all.add(new Define(EVENTS.get(i), limit, waitlist, i == 0 ? firstRule : null));
                    }
                    all.addAll(list);
                    return new Scenario(byEvent, all);
                });
    }

    /**
     * When an event with this window retires: {@link #RETENTION} past its end, the later of its
     * closing and its coupons' validity (null: it never ends).
     */
    private static Instant retirementOf(Window window) {
        Integer end = window.closesAfter();
        if (end == null || window.validAfter() != null && window.validAfter() > end) {
            end = window.validAfter();
        }
        return end == null ? null : T0.plusMillis(end).plus(RETENTION);
    }

    private static EventDefinition definitionOf(Define define, Window window) {
        return new EventDefinition(define.eventId(), define.limit(), T0,
                window.closesAfter() == null ? null : T0.plusMillis(window.closesAfter()), define.waitlist(),
                window.validAfter() == null ? null : T0.plusMillis(window.validAfter())).withEligibility(define.eligibility());
    }
}
