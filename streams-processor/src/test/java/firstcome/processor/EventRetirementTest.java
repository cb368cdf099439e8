package firstcome.processor;

import static firstcome.processor.TopologyFixture.T0;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import firstcome.contract.CouponDecision;
import firstcome.contract.EventDefinition;
import firstcome.contract.IssuedCoupon;
import firstcome.contract.IssuingOutcome;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Events retire {@code EVENT_RETENTION} past their closing, by stream time: their keys leave every
 * store, a marker stays, requests are refused as closed, and a late definition does not open them again.
 */
class EventRetirementTest {

    private static final Duration RETENTION = Duration.ofHours(1);
    private static final Instant CLOSES = T0.plus(Duration.ofMinutes(10));
    private static final Instant RETIRES = CLOSES.plus(RETENTION);
    /** A record this late moves stream time past the retirement and past the next sweep. */
    private static final Instant AFTER_THE_SWEEP = RETIRES.plus(IssuingProcessor.SWEEP_INTERVAL);

    @TempDir
    Path stateDir;

    private TopologyFixture fixture;

    @BeforeEach
    void startDriver() {
        fixture = new TopologyFixture(stateDir, RETENTION, IssuingProcessor.SWEEP_INTERVAL);
    }

    @AfterEach
    void closeDriver() {
        fixture.close();
    }

    /** "old" (limit 2, closes at {@link #CLOSES}: two coupons, one refusal) and "open" (never closes). */
    private List<String> defineOldAndOpenEvents() {
        fixture.define(new EventDefinition("old", 2, T0, CLOSES), T0);
        fixture.define(new EventDefinition("open", 5, T0, null), T0);
        List<String> requestIds = new ArrayList<>();
        requestIds.add(fixture.apply("old", "u-1", T0.plusMillis(1)));
        requestIds.add(fixture.apply("old", "u-2", T0.plusMillis(2)));
        requestIds.add(fixture.apply("old", "u-3", T0.plusMillis(3)));
        requestIds.add(fixture.apply("open", "u-1", T0.plusMillis(4)));
        fixture.decisionsPublished();
        fixture.issuedCoupons();
        return requestIds;
    }

    @Test
    void dropsEveryKeyOfAnEventOnceStreamTimePassesItsRetirementAndKeepsOnlyItsMarker() {
        defineOldAndOpenEvents();
        fixture.apply("open", "u-2", RETIRES.minusMillis(1));

        assertThat(fixture.keysIn(IssuingTopology.DEFINITIONS_STORE)).containsExactly("old", "open");
        assertThat(fixture.keysIn(IssuingTopology.TALLIES_STORE)).containsExactly("old", "open");
        assertThat(fixture.keysIn(IssuingTopology.DECISIONS_STORE)).containsExactly("old/u-1", "old/u-2", "old/u-3",
                "open/u-1", "open/u-2");
        assertThat(fixture.keysIn(IssuingTopology.RETIRED_STORE)).isEmpty();

        fixture.apply("open", "u-3", AFTER_THE_SWEEP);

        assertThat(fixture.keysIn(IssuingTopology.DEFINITIONS_STORE)).containsExactly("open");
        assertThat(fixture.keysIn(IssuingTopology.TALLIES_STORE)).containsExactly("open");
        assertThat(fixture.keysIn(IssuingTopology.DECISIONS_STORE)).containsExactly("open/u-1", "open/u-2", "open/u-3");
        assertThat(fixture.keysIn(IssuingTopology.RETIRED_STORE)).containsExactly("old");
        assertThat(fixture.retiredMarkerOf("old")).isEqualTo(new RetiredEvent(CLOSES, RETIRES));
        assertThat(fixture.retiredMarkerOf("old").answer("old")).isEqualTo(new RetiredEvent.Gone("RETIRED",
                "Event old closed at 2026-11-24T10:10:00Z and its results were retired at 2026-11-24T11:10:00Z;"
                        + " the shop's records keep its coupons."));
        assertThat(fixture.tallyOf("open")).isEqualTo(new EventTally(3, 0, 0, 0, 0, 0));
    }

    @Test
    void decidesRequestsToARetiredEventClosedWithoutRebuildingItsState() {
        List<String> requestIds = defineOldAndOpenEvents();
        fixture.apply("open", "u-2", AFTER_THE_SWEEP);
        fixture.decisionsPublished();
        fixture.issuedCoupons();

        String holder = fixture.apply("old", "u-1", AFTER_THE_SWEEP.plusMillis(1));
        String newcomer = fixture.apply("old", "u-9", AFTER_THE_SWEEP.plusMillis(2));
        fixture.redeliver(requestIds.get(0));

        assertThat(fixture.decisionsPublished()).extracting(CouponDecision::requestId, CouponDecision::userId,
                        CouponDecision::outcome, CouponDecision::couponNo, CouponDecision::decidedAt)
                .containsExactly(
                        tuple(holder, "u-1", IssuingOutcome.CLOSED, null, AFTER_THE_SWEEP.plusMillis(1)),
                        tuple(newcomer, "u-9", IssuingOutcome.CLOSED, null, AFTER_THE_SWEEP.plusMillis(2)),
                        // A re-delivery keeps its record time; the event is gone at this stream time all the same.
                        tuple(requestIds.get(0), "u-1", IssuingOutcome.CLOSED, null, T0.plusMillis(1)));
        assertThat(fixture.issued.isEmpty()).isTrue();
        assertThat(fixture.keysIn(IssuingTopology.TALLIES_STORE)).containsExactly("open");
        assertThat(fixture.keysIn(IssuingTopology.DECISIONS_STORE)).containsExactly("open/u-1", "open/u-2");
    }

    @Test
    void refusesARequestPastTheRetirementInstantAsClosedBeforeTheSweepHasRun() {
        defineOldAndOpenEvents();

        // The first record past the instant is decided before the sweep that follows it drops the state:
        // a holder hears CLOSED, not DUPLICATE, as after the sweep, and nothing is counted.
        String holder = fixture.apply("old", "u-1", RETIRES);

        assertThat(fixture.decisionsPublished()).extracting(CouponDecision::requestId, CouponDecision::outcome)
                .containsExactly(tuple(holder, IssuingOutcome.CLOSED));
        assertThat(fixture.retiredMarkerOf("old")).isEqualTo(new RetiredEvent(CLOSES, RETIRES));
        assertThat(fixture.keysIn(IssuingTopology.DECISIONS_STORE)).containsExactly("open/u-1");
    }

    @Test
    void keepsAnEventThatNeverClosesAndOneStillWithinItsRetention() {
        defineOldAndOpenEvents();
        Instant recentCloses = AFTER_THE_SWEEP.plus(Duration.ofDays(365));
        fixture.define(new EventDefinition("recent", 1, T0, recentCloses), T0.plusMillis(5));
        fixture.apply("recent", "u-1", T0.plusMillis(6));

        fixture.apply("open", "u-2", recentCloses.plus(RETENTION).minusMillis(1));

        assertThat(fixture.keysIn(IssuingTopology.DEFINITIONS_STORE)).containsExactly("open", "recent");
        assertThat(fixture.keysIn(IssuingTopology.DECISIONS_STORE)).containsExactly("open/u-1", "open/u-2", "recent/u-1");
        assertThat(fixture.keysIn(IssuingTopology.RETIRED_STORE)).containsExactly("old");
    }

    @Test
    void neverOpensARetiredEventAgainWhenADefinitionForItArrivesLater() {
        defineOldAndOpenEvents();
        fixture.apply("open", "u-2", AFTER_THE_SWEEP);

        Instant later = AFTER_THE_SWEEP.plusSeconds(1);
        fixture.define(new EventDefinition("old", 100, later, later.plus(Duration.ofDays(30))), later);
        fixture.events.pipeInput(new TestRecord<>("old", null, later.plusMillis(1)));
        fixture.define(new EventDefinition("old", 100, later, null), later.plusMillis(2));
        fixture.decisionsPublished();
        fixture.issuedCoupons();
        String request = fixture.apply("old", "u-4", later.plusMillis(3));

        assertThat(fixture.decisionsPublished()).extracting(CouponDecision::requestId, CouponDecision::outcome)
                .containsExactly(tuple(request, IssuingOutcome.CLOSED));
        assertThat(fixture.issued.isEmpty()).isTrue();
        assertThat(fixture.keysIn(IssuingTopology.DEFINITIONS_STORE)).containsExactly("open");
        assertThat(fixture.retiredMarkerOf("old")).isEqualTo(new RetiredEvent(CLOSES, RETIRES));
    }

    @Test
    void ignoresADefinitionThatArrivesPastTheRetirementInstantBeforeTheSweep() {
        defineOldAndOpenEvents();

        // Stream time passes the instant with this very record: it cannot push the closing back.
        fixture.define(new EventDefinition("old", 100, T0, RETIRES.plus(Duration.ofDays(30))), RETIRES);
        String request = fixture.apply("old", "u-4", RETIRES.plusMillis(1));

        assertThat(fixture.decisionsPublished()).extracting(CouponDecision::requestId, CouponDecision::outcome)
                .containsExactly(tuple(request, IssuingOutcome.CLOSED));
        assertThat(fixture.retiredMarkerOf("old")).isEqualTo(new RetiredEvent(CLOSES, RETIRES));
        assertThat(fixture.keysIn(IssuingTopology.DEFINITIONS_STORE)).containsExactly("open");
    }

    @Test
    void extendsAnEventWhoseClosingIsPushedBackBeforeItRetires() {
        defineOldAndOpenEvents();
        Instant newClosing = CLOSES.plus(Duration.ofDays(2));
        fixture.define(new EventDefinition("old", 3, T0, newClosing), RETIRES.minusMillis(1));

        String request = fixture.apply("old", "u-4", AFTER_THE_SWEEP);

        assertThat(fixture.decisionsPublished())
                .extracting(CouponDecision::requestId, CouponDecision::outcome, CouponDecision::couponNo)
                .containsExactly(tuple(request, IssuingOutcome.ISSUED, 3));
        assertThat(fixture.retiredMarkerOf("old")).isNull();
        assertThat(fixture.tallyOf("old").issued()).isEqualTo(3);
    }

    @Test
    void retiresAnEventWithManyUsersByItsOwnKeyRangeAndLeavesItsNeighboursWhole() {
        // Ids that sort right before and after "big/…" keys: '-' and '.' sort before '/', '0' and 'g' after it.
        List<String> neighbours = List.of("big-1", "big.x", "big0", "bigger", "bi");
        fixture.define(new EventDefinition("big", EventDefinition.MAX_LIMIT, T0, CLOSES), T0);
        for (String event : neighbours) {
            fixture.define(new EventDefinition(event, 5, T0, null), T0);
            fixture.apply(event, "u-00001", T0.plusMillis(1));
        }
        int users = 12_000;
        for (int i = 1; i <= users; i++) {
            fixture.apply("big", String.format("u-%05d", i), T0.plusMillis(2 + i % 1000));
        }
        assertThat(fixture.keysIn(IssuingTopology.DECISIONS_STORE)).hasSize(users + neighbours.size());

        fixture.apply("bi", "u-00002", AFTER_THE_SWEEP);

        assertThat(fixture.keysIn(IssuingTopology.DECISIONS_STORE)).containsExactlyInAnyOrder(
                "big-1/u-00001", "big.x/u-00001", "big0/u-00001", "bigger/u-00001", "bi/u-00001", "bi/u-00002");
        assertThat(fixture.keysIn(IssuingTopology.DEFINITIONS_STORE)).containsExactlyInAnyOrderElementsOf(neighbours);
        assertThat(fixture.keysIn(IssuingTopology.TALLIES_STORE)).containsExactlyInAnyOrderElementsOf(neighbours);
        assertThat(fixture.keysIn(IssuingTopology.RETIRED_STORE)).containsExactly("big");
    }

    @Test
    void finishesTheRetirementOfAnEventWithMoreUsersThanOneSweepDeletesInTheNextSweeps(@TempDir Path smallSweeps) {
        try (var f = new TopologyFixture(smallSweeps, RETENTION, IssuingProcessor.SWEEP_INTERVAL, 500)) {
            f.define(new EventDefinition("big", 100, T0, CLOSES), T0);
            f.define(new EventDefinition("open", 5, T0, null), T0);
            for (int i = 1; i <= 1_200; i++) {
                f.apply("big", String.format("u-%05d", i), T0.plusMillis(i));
            }
            f.decisionsPublished();

            f.apply("open", "u-1", AFTER_THE_SWEEP);
            f.decisionsPublished();

            // Retired at once, though not all its keys are gone yet.
            assertThat(f.retiredMarkerOf("big")).isEqualTo(new RetiredEvent(CLOSES, RETIRES));
            assertThat(f.keysIn(IssuingTopology.DECISIONS_STORE)).hasSize(700 + 1);
            assertThat(f.keysIn(IssuingTopology.TALLIES_STORE)).containsExactly("open");
            String holder = f.apply("big", "u-00001", AFTER_THE_SWEEP.plusMillis(1));
            f.define(new EventDefinition("big", 100, T0, null), AFTER_THE_SWEEP.plusMillis(2));
            assertThat(f.decisionsPublished()).extracting(CouponDecision::requestId, CouponDecision::outcome)
                    .containsExactly(tuple(holder, IssuingOutcome.CLOSED));

            f.apply("open", "u-2", AFTER_THE_SWEEP.plus(IssuingProcessor.SWEEP_INTERVAL));
            assertThat(f.keysIn(IssuingTopology.DECISIONS_STORE)).hasSize(200 + 2);
            assertThat(f.keysIn(IssuingTopology.DEFINITIONS_STORE)).containsExactly("big", "open");

            f.apply("open", "u-3", AFTER_THE_SWEEP.plus(IssuingProcessor.SWEEP_INTERVAL.multipliedBy(2)));
            assertThat(f.keysIn(IssuingTopology.DECISIONS_STORE)).containsExactly("open/u-1", "open/u-2", "open/u-3");
            assertThat(f.keysIn(IssuingTopology.DEFINITIONS_STORE)).containsExactly("open");
            assertThat(f.retiredMarkerOf("big")).isEqualTo(new RetiredEvent(CLOSES, RETIRES));
        }
    }

    @Test
    void anEventWithAMarkerStaysRetiredWhileItsStateIsBeingDeletedEvenUnderALongerRetention(@TempDir Path smallSweeps) {
        try (var f = new TopologyFixture(smallSweeps, RETENTION, IssuingProcessor.SWEEP_INTERVAL, 500)) {
            f.define(new EventDefinition("big", 100, T0, CLOSES), T0);
            f.define(new EventDefinition("open", 5, T0, null), T0);
            for (int i = 1; i <= 1_200; i++) {
                f.apply("big", String.format("u-%05d", i), T0.plusMillis(i));
            }
            f.apply("open", "u-1", AFTER_THE_SWEEP);
            EventDefinition stillStored = f.<EventDefinition>store(IssuingTopology.DEFINITIONS_STORE).get("big");
            assertThat(stillStored).as("the definition stays until the last sweep").isNotNull();
            assertThat(f.retiredMarkerOf("big")).isNotNull();

            // A processor restarted now with EVENT_RETENTION raised to a day judges from the same stores.
            var longer = new EventRetirement(Duration.ofDays(1), f.store(IssuingTopology.DEFINITIONS_STORE),
                    f.store(IssuingTopology.TALLIES_STORE), f.store(IssuingTopology.DECISIONS_STORE),
                    f.store(IssuingTopology.RETIRED_STORE));
            assertThat(IssuingRules.retiredBy(stillStored, Duration.ofDays(1), AFTER_THE_SWEEP))
                    .as("by the instant alone it would be live again").isFalse();
            assertThat(longer.isRetired("big", stillStored, AFTER_THE_SWEEP)).as("its marker keeps it retired").isTrue();
            assertThat(longer.isRetired("open", f.<EventDefinition>store(IssuingTopology.DEFINITIONS_STORE).get("open"),
                    AFTER_THE_SWEEP)).isFalse();
        }
    }

    @Test
    void decidesTheSameInputIntoByteIdenticalDecisionsWhenTheStoresAreSweptAtOtherTimes(@TempDir Path everyRecord,
            @TempDir Path once) {
        // The third run sweeps once, three keys at most: its retired events keep most of their state.
        List<TestRecord<byte[], byte[]>> first = runRetirementScenario(fixture);
        List<TestRecord<byte[], byte[]>> sweptAfterEveryRecord;
        try (var fresh = new TopologyFixture(everyRecord, RETENTION, Duration.ofMillis(1))) {
            sweptAfterEveryRecord = runRetirementScenario(fresh);
        }
        List<TestRecord<byte[], byte[]>> sweptOnce;
        try (var fresh = new TopologyFixture(once, RETENTION, Duration.ofDays(3650), 3)) {
            sweptOnce = runRetirementScenario(fresh);
        }

        assertThat(first).hasSize(400);
        for (List<TestRecord<byte[], byte[]>> other : List.of(sweptAfterEveryRecord, sweptOnce)) {
            assertThat(other).hasSize(first.size());
            for (int i = 0; i < first.size(); i++) {
                assertThat(other.get(i).key()).isEqualTo(first.get(i).key());
                assertThat(other.get(i).value()).as("decision %d", i).isEqualTo(first.get(i).value());
                assertThat(other.get(i).timestamp()).isEqualTo(first.get(i).timestamp());
            }
        }
    }

    /**
     * Three events closing at different times, applications and re-deliveries over three hours, a
     * late definition of a retired event: every decision as bytes.
     */
    private static List<TestRecord<byte[], byte[]>> runRetirementScenario(TopologyFixture f) {
        Duration step = Duration.ofSeconds(27);
        for (String event : List.of("x", "y", "z")) {
            Instant closes = event.equals("z") ? null : T0.plus(Duration.ofMinutes(event.equals("x") ? 20 : 70));
            f.define(new EventDefinition(event, 15, T0, closes), T0);
        }
        List<String> sent = new ArrayList<>();
        for (int i = 0; i < 400; i++) {
            Instant at = T0.plus(step.multipliedBy(i));
            String event = List.of("x", "y", "z").get(i % 3);
            if (i % 7 == 6) {
                f.redeliver(sent.get(i * 5 % sent.size()));
            } else {
                sent.add(f.apply(event, "u-" + (i % 31), at));
            }
            if (i == 250) {
                f.define(new EventDefinition("x", 50, T0, at.plus(Duration.ofDays(1))), at);
            }
        }
        return f.rawDecided.readRecordsToList();
    }

    @Test
    void issuesNothingToARetiredEventEvenWhenItsLimitHadRoomLeft() {
        fixture.define(new EventDefinition("roomy", 100, T0, CLOSES), T0);
        fixture.apply("roomy", "u-1", T0.plusMillis(1));

        fixture.apply("roomy", "u-2", AFTER_THE_SWEEP);

        assertThat(fixture.issuedCoupons()).extracting(IssuedCoupon::userId).containsExactly("u-1");
        assertThat(fixture.decisionsPublished()).extracting(CouponDecision::outcome)
                .containsExactly(IssuingOutcome.ISSUED, IssuingOutcome.CLOSED);
    }
}
