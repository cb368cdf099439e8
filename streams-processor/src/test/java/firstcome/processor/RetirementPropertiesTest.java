package firstcome.processor;

import static firstcome.processor.TopologyFixture.T0;
import static org.assertj.core.api.Assertions.assertThat;

import firstcome.contract.CouponDecision;
import firstcome.contract.EventDefinition;
import firstcome.contract.IssuedCoupon;
import firstcome.contract.IssuingOutcome;
import firstcome.processor.IssuingPropertiesTest.Apply;
import firstcome.processor.IssuingPropertiesTest.Define;
import firstcome.processor.IssuingPropertiesTest.Redeliver;
import firstcome.processor.IssuingPropertiesTest.Scenario;
import firstcome.processor.IssuingPropertiesTest.Step;
import firstcome.processor.IssuingPropertiesTest.Window;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.jqwik.api.statistics.Statistics;
import org.apache.kafka.streams.test.TestRecord;

/**
 * The interleavings of {@link IssuingPropertiesTest} with events that retire in the middle of them:
 * whenever the stores are swept, the decisions are the same bytes; past its retirement an event
 * issues nothing and keeps no key but its marker; the coupons it issued before keep their promise.
 */
class RetirementPropertiesTest {

    private static final List<String> EVENTS = List.of("a", "b", "c");
    /** Short enough that most scenarios retire an event half-way (steps are a millisecond apart). */
    private static final Duration RETENTION = Duration.ofMillis(10);

    /** What one run of a scenario published, and when (stream time) each decision was made. */
    record Run(List<TestRecord<byte[], byte[]>> decisions, List<CouponDecision> decided, List<Instant> streamTimes,
            List<IssuedCoupon> coupons) {
    }

    @Property(tries = 60)
    void decidesTheSameWhenEverTheStoresAreSweptAndIssuesNothingPastRetirement(@ForAll("scenarios") Scenario scenario)
            throws IOException {
        Map<String, RetiredEvent> markers = new HashMap<>();
        Run sweptEveryRecord = run(scenario, Duration.ofMillis(1), Long.MAX_VALUE, fixture -> {
            // With a sweep after every record, every event retired by now has nothing left but its marker.
            for (String eventId : EVENTS) {
                if (fixture.retiredMarkerOf(eventId) != null) {
                    assertThat(fixture.keysIn(IssuingTopology.DEFINITIONS_STORE)).doesNotContain(eventId);
                    assertThat(fixture.keysIn(IssuingTopology.TALLIES_STORE)).doesNotContain(eventId);
                    assertThat(fixture.keysIn(IssuingTopology.DECISIONS_STORE)).noneMatch(key -> key.startsWith(eventId + "/"));
                }
            }
        }, markers);
        Statistics.label("events retired").collect(markers.size());
        Run sweptRarely = run(scenario, Duration.ofDays(1), 2, fixture -> { }, new HashMap<>());

        assertThat(sweptRarely.decisions()).hasSize(sweptEveryRecord.decisions().size());
        for (int i = 0; i < sweptEveryRecord.decisions().size(); i++) {
            assertThat(sweptRarely.decisions().get(i).value()).as("decision %d", i)
                    .isEqualTo(sweptEveryRecord.decisions().get(i).value());
        }
        // Past its retirement instant (in stream time) an event only refuses, as closed.
        for (int i = 0; i < sweptEveryRecord.decided().size(); i++) {
            CouponDecision decision = sweptEveryRecord.decided().get(i);
            RetiredEvent marker = markers.get(decision.eventId());
            if (marker != null && !sweptEveryRecord.streamTimes().get(i).isBefore(marker.retiredAt())) {
                assertThat(decision.outcome()).as("%s at stream time %s", decision, sweptEveryRecord.streamTimes().get(i))
                        .isEqualTo(IssuingOutcome.CLOSED);
            }
        }
        // An event that never closes never retires.
        for (String eventId : EVENTS) {
            if (scenario.windows().get(eventId).closesAfter() == null) {
                assertThat(markers).doesNotContainKey(eventId);
            }
        }
        // The coupons issued before retirement keep the promise: numbers 1..k, one per user.
        Map<String, List<IssuedCoupon>> byEvent = sweptEveryRecord.coupons().stream()
                .collect(Collectors.groupingBy(IssuedCoupon::eventId));
        byEvent.forEach((eventId, coupons) -> {
            assertThat(coupons).extracting(IssuedCoupon::couponNo)
                    .containsExactlyElementsOf(Stream.iterate(1, n -> n + 1).limit(coupons.size()).toList());
            assertThat(coupons).extracting(IssuedCoupon::userId).doesNotHaveDuplicates();
            RetiredEvent marker = markers.get(eventId);
            if (marker != null) {
                assertThat(coupons).allMatch(c -> c.issuedAt().isBefore(marker.closesAt()));
            }
        });
    }

    private static Run run(Scenario scenario, Duration sweepInterval, long keysPerSweep,
            Consumer<TopologyFixture> atTheEnd, Map<String, RetiredEvent> markers) throws IOException {
        Path stateDir = Files.createTempDirectory("retirement-properties");
        try (var fixture = new TopologyFixture(stateDir, RETENTION, sweepInterval, keysPerSweep)) {
            List<String> requestIds = new ArrayList<>();
            List<Instant> streamTimes = new ArrayList<>();
            List<CouponDecision> decided = new ArrayList<>();
            List<TestRecord<byte[], byte[]>> raw = new ArrayList<>();
            var decisions = fixture.topics.decisions().valueSerde().deserializer();
            Instant streamTime = Instant.MIN;
            for (int i = 0; i < scenario.steps().size(); i++) {
                Instant at = T0.plusMillis(i);
                Step step = scenario.steps().get(i);
                if (step instanceof Define define) {
                    fixture.define(definitionOf(define, scenario.windows().get(define.eventId())), at);
                    streamTime = later(streamTime, at);
                } else if (step instanceof Apply apply) {
                    requestIds.add(fixture.apply(apply.eventId(), apply.userId(), at));
                    streamTime = later(streamTime, at);
                } else if (step instanceof Redeliver redeliver && !requestIds.isEmpty()) {
                    // Its own, earlier record time: stream time stays where it is.
                    fixture.redeliver(requestIds.get(redeliver.pick() % requestIds.size()));
                }
                for (TestRecord<byte[], byte[]> published : fixture.rawDecided.readRecordsToList()) {
                    raw.add(published);
                    decided.add(decisions.deserialize(fixture.topics.decisions().name(), published.value()));
                    streamTimes.add(streamTime);
                }
            }
            for (String eventId : EVENTS) {
                RetiredEvent marker = fixture.retiredMarkerOf(eventId);
                if (marker != null) {
                    markers.put(eventId, marker);
                }
            }
            atTheEnd.accept(fixture);
            return new Run(raw, decided, streamTimes, fixture.issuedCoupons());
        } finally {
            try (Stream<Path> paths = Files.walk(stateDir)) {
                for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                    Files.deleteIfExists(p);
                }
            }
        }
    }

    /** As {@link IssuingPropertiesTest#scenarios()}, but longer, and with windows that close early enough to retire. */
    @Provide
    Arbitrary<Scenario> scenarios() {
        Arbitrary<Window> window = Combinators.combine(
                        Arbitraries.integers().between(0, 10),
                        Arbitraries.integers().between(5, 40).injectNull(0.25))
                .as((opens, length) -> new Window(opens, length == null ? null : opens + length));
        Arbitrary<Step> define = Combinators.combine(Arbitraries.of(EVENTS), Arbitraries.integers().between(1, 12))
                .as(Define::new);
        Arbitrary<Step> apply = Combinators.combine(
                        Arbitraries.of(EVENTS), Arbitraries.integers().between(1, 20).map(u -> "u-" + u))
                .as(Apply::new);
        Arbitrary<Step> redeliver = Arbitraries.integers().between(0, 1_000).map(Redeliver::new);
        Arbitrary<List<Step>> steps = Arbitraries.frequencyOf(Tuple.of(2, define), Tuple.of(12, apply), Tuple.of(3, redeliver))
                .list().ofMinSize(20).ofMaxSize(100);
        return Combinators.combine(window.list().ofSize(EVENTS.size()), steps)
                .as((windows, list) -> {
                    Map<String, Window> byEvent = new HashMap<>();
                    List<Step> all = new ArrayList<>();
                    for (int i = 0; i < EVENTS.size(); i++) {
                        byEvent.put(EVENTS.get(i), windows.get(i));
                        all.add(new Define(EVENTS.get(i), 5));
                    }
                    all.addAll(list);
                    return new Scenario(byEvent, all);
                });
    }

    private static Instant later(Instant a, Instant b) {
        return a.isAfter(b) ? a : b;
    }

    private static EventDefinition definitionOf(Define define, Window window) {
        return new EventDefinition(define.eventId(), define.limit(),
                T0.plusMillis(window.opensAfter()),
                window.closesAfter() == null ? null : T0.plusMillis(window.closesAfter()));
    }
}
