package firstcome.processor;

import static firstcome.processor.TopologyFixture.T0;
import static org.assertj.core.api.Assertions.assertThat;

import firstcome.contract.CouponDecision;
import firstcome.contract.EventDefinition;
import firstcome.contract.IssuedCoupon;
import firstcome.contract.IssuingOutcome;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * Random interleavings of events, users, repeated applications, re-delivered requests, opening
 * windows and limit changes: whatever the order, the issued coupons keep firstcome's promise, and
 * a re-delivered request repeats its decision and changes nothing.
 */
class IssuingPropertiesTest {

    private static final List<String> EVENTS = List.of("a", "b", "c");

    /**
     * One step of the log, in time order: a definition (or redefinition), an application, or an
     * earlier application published again byte for byte (its original record time).
     */
    sealed interface Step permits Define, Apply, Redeliver {
    }

    /** Re-delivers the earlier application number {@code pick} modulo how many there were (none: nothing). */
    record Redeliver(int pick) implements Step {
    }

    record Define(String eventId, int limit) implements Step {
    }

    record Apply(String eventId, String userId) implements Step {
    }

    /** When each event opens and closes, relative to the first step, in steps. */
    record Window(int opensAfter, Integer closesAfter) {
    }

    record Scenario(Map<String, Window> windows, List<Step> steps) {
    }

    @Property(tries = 150)
    void keepsThePromiseUnderAnyInterleaving(@ForAll("scenarios") Scenario scenario) throws IOException {
        Path stateDir = Files.createTempDirectory("issuing-properties");
        try (var fixture = new TopologyFixture(stateDir)) {
            Map<String, List<Integer>> limitsOverTime = new HashMap<>();
            Map<String, List<Instant>> definitionTimes = new HashMap<>();
            Map<String, Set<String>> eligibleUsers = new HashMap<>();
            List<Apply> applications = new ArrayList<>();
            List<Instant> applicationTimes = new ArrayList<>();
            List<String> requestIds = new ArrayList<>();
            Map<String, CouponDecision> lastDecisionOf = new HashMap<>();
            List<IssuedCoupon> issued = new ArrayList<>();

            for (int i = 0; i < scenario.steps().size(); i++) {
                Instant at = T0.plusMillis(i);
                Step step = scenario.steps().get(i);
                if (step instanceof Define define) {
                    fixture.define(definitionOf(define, scenario.windows().get(define.eventId())), at);
                    limitsOverTime.computeIfAbsent(define.eventId(), e -> new ArrayList<>()).add(define.limit());
                    definitionTimes.computeIfAbsent(define.eventId(), e -> new ArrayList<>()).add(at);
                } else if (step instanceof Apply apply) {
                    String requestId = fixture.apply(apply.eventId(), apply.userId(), at);
                    issued.addAll(fixture.issuedCoupons());
                    CouponDecision decision = onlyDecision(fixture, requestId);
                    lastDecisionOf.put(requestId, decision);
                    applications.add(apply);
                    applicationTimes.add(at);
                    requestIds.add(requestId);
                    if (limitsOverTime.containsKey(apply.eventId())
                            && isOpen(scenario.windows().get(apply.eventId()), at)) {
                        eligibleUsers.computeIfAbsent(apply.eventId(), e -> new HashSet<>()).add(apply.userId());
                    }
                } else if (step instanceof Redeliver redeliver && !applications.isEmpty()) {
                    int picked = redeliver.pick() % applications.size();
                    Apply apply = applications.get(picked);
                    String requestId = requestIds.get(picked);
                    Decision latest = fixture.decisionOf(apply.eventId(), apply.userId());
                    EventTally tally = fixture.tallyOf(apply.eventId());
                    CouponDecision earlier = lastDecisionOf.get(requestId);

                    fixture.redeliver(requestId);
                    List<IssuedCoupon> newCoupons = fixture.issuedCoupons();
                    CouponDecision decision = onlyDecision(fixture, requestId);
                    lastDecisionOf.put(requestId, decision);
                    issued.addAll(newCoupons);

                    if (latest != null && latest.requestId().equals(requestId)) {
                        // A re-delivery: the same decision again, and nothing else changes.
                        assertThat(decision).isEqualTo(earlier);
                        assertThat(newCoupons).isEmpty();
                        assertThat(fixture.tallyOf(apply.eventId())).isEqualTo(tally);
                        assertThat(fixture.decisionOf(apply.eventId(), apply.userId())).isEqualTo(latest);
                    } else if (earlier.outcome() == IssuingOutcome.DUPLICATE && latest != null && latest.holdsCoupon()) {
                        // Duplicates are not stored: decided afresh, the user still holds the same coupon.
                        assertThat(decision).isEqualTo(earlier);
                        assertThat(newCoupons).isEmpty();
                    }
                }
            }
            assertThat(fixture.decided.isEmpty()).isTrue();
            Map<String, List<IssuedCoupon>> couponsByEvent = issued.stream()
                    .collect(Collectors.groupingBy(IssuedCoupon::eventId));

            for (String eventId : EVENTS) {
                List<IssuedCoupon> coupons = couponsByEvent.getOrDefault(eventId, List.of());
                List<Integer> limits = limitsOverTime.getOrDefault(eventId, List.of());
                // Numbers 1..k in log order, without gaps.
                assertThat(coupons).extracting(IssuedCoupon::couponNo)
                        .containsExactlyElementsOf(Stream.iterate(1, n -> n + 1).limit(coupons.size()).toList());
                // One per user.
                assertThat(coupons).extracting(IssuedCoupon::userId).doesNotHaveDuplicates();
                // Never more than the largest limit ever in force (lowering never revokes).
                assertThat(coupons.size()).isLessThanOrEqualTo(limits.stream().max(Integer::compare).orElse(0));
                // Only users who applied while the event was defined and open.
                assertThat(coupons).extracting(IssuedCoupon::userId)
                        .allMatch(u -> eligibleUsers.getOrDefault(eventId, Set.of()).contains(u));
                if (limits.size() == 1) {
                    int expected = Math.min(limits.get(0), eligibleUsers.getOrDefault(eventId, Set.of()).size());
                    assertThat(coupons).as("coupons of %s", eventId).hasSize(expected);
                }
            }
            // With limit changes: a refusal as sold out only ever happens when the event had
            // issued as many coupons as the limit in force at that moment.
            for (int i = 0; i < applications.size(); i++) {
                Apply apply = applications.get(i);
                Decision decision = fixture.decisionOf(apply.eventId(), apply.userId());
                if (decision.outcome() == IssuingOutcome.SOLD_OUT && decision.decidedAt().equals(applicationTimes.get(i))) {
                    Instant at = applicationTimes.get(i);
                    long issuedBefore = couponsByEvent.getOrDefault(apply.eventId(), List.of()).stream()
                            .filter(c -> c.issuedAt().isBefore(at)).count();
                    assertThat(issuedBefore).isGreaterThanOrEqualTo(
                            limitInForce(limitsOverTime.get(apply.eventId()), definitionTimes.get(apply.eventId()), at));
                }
            }
        } finally {
            deleteRecursively(stateDir);
        }
    }

    @Provide
    Arbitrary<Scenario> scenarios() {
        Arbitrary<Window> window = Combinators.combine(
                        Arbitraries.integers().between(0, 15),
                        Arbitraries.integers().between(5, 80).injectNull(0.5))
                .as((opens, length) -> new Window(opens, length == null ? null : opens + length));
        Arbitrary<Step> define = Combinators.combine(
                        Arbitraries.of(EVENTS), Arbitraries.integers().between(1, 12))
                .as(Define::new);
        Arbitrary<Step> apply = Combinators.combine(
                        Arbitraries.of(EVENTS), Arbitraries.integers().between(1, 20).map(u -> "u-" + u))
                .as(Apply::new);
        Arbitrary<Step> redeliver = Arbitraries.integers().between(0, 1_000).map(Redeliver::new);
        Arbitrary<List<Step>> steps = Arbitraries.frequencyOf(
                        net.jqwik.api.Tuple.of(1, define), net.jqwik.api.Tuple.of(12, apply), net.jqwik.api.Tuple.of(3, redeliver))
                .list().ofMinSize(1).ofMaxSize(120);
        return Combinators.combine(window.list().ofSize(EVENTS.size()), steps)
                .as((windows, list) -> {
                    Map<String, Window> byEvent = new HashMap<>();
                    for (int i = 0; i < EVENTS.size(); i++) {
                        byEvent.put(EVENTS.get(i), windows.get(i));
                    }
                    // Most scenarios define their events up front, as an organiser would.
                    List<Step> all = new ArrayList<>();
                    EVENTS.forEach(e -> all.add(new Define(e, 1 + Math.abs(e.hashCode() + list.size()) % 10)));
                    all.addAll(list);
                    return new Scenario(byEvent, all);
                });
    }

    /** The one decision the last step published, for {@code requestId}. */
    private static CouponDecision onlyDecision(TopologyFixture fixture, String requestId) {
        List<CouponDecision> decisions = fixture.decisionsPublished();
        assertThat(decisions).hasSize(1);
        assertThat(decisions.get(0).requestId()).isEqualTo(requestId);
        return decisions.get(0);
    }

    private static EventDefinition definitionOf(Define define, Window window) {
        return new EventDefinition(define.eventId(), define.limit(),
                T0.plusMillis(window.opensAfter()),
                window.closesAfter() == null ? null : T0.plusMillis(window.closesAfter()));
    }

    private static boolean isOpen(Window window, Instant at) {
        Instant opens = T0.plusMillis(window.opensAfter());
        return !at.isBefore(opens) && (window.closesAfter() == null || at.isBefore(T0.plusMillis(window.closesAfter())));
    }

    private static int limitInForce(List<Integer> limits, List<Instant> times, Instant at) {
        int limit = 0;
        for (int i = 0; i < times.size() && times.get(i).isBefore(at); i++) {
            limit = limits.get(i);
        }
        return limit;
    }

    private static void deleteRecursively(Path dir) throws IOException {
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
