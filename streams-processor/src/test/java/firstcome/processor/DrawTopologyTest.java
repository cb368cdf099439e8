package firstcome.processor;

import static firstcome.processor.DrawRulesTest.SEED;
import static firstcome.processor.TopologyFixture.T0;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import firstcome.contract.ActionType;
import firstcome.contract.CouponDecision;
import firstcome.contract.CouponRequest;
import firstcome.contract.DrawWindow;
import firstcome.contract.EventDefinition;
import firstcome.contract.IssuedCoupon;
import firstcome.contract.IssuingOutcome;
import firstcome.contract.query.ApplicationStatus;
import firstcome.contract.query.CouponHolders;
import firstcome.contract.query.Tally;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The fair opening through the production topology (docs/fair-opening.md): entrants, held requests, the draw, first-come after it. */
class DrawTopologyTest {

    private static final Logger log = LoggerFactory.getLogger(DrawTopologyTest.class);
    private static final DrawWindow WINDOW = new DrawWindow(10, null, SEED);
    private static final Instant WINDOW_END = T0.plusSeconds(10);
    /** When the draw is due: the first record of the event read from then on sets it off. */
    private static final Instant DUE = WINDOW_END.plus(DrawWindow.GRACE);

    @TempDir
    Path stateDir;

    private TopologyFixture fixture;

    @BeforeEach
    void startDriver() {
        fixture = new TopologyFixture(stateDir);
    }

    @AfterEach
    void closeDriver() {
        fixture.close();
    }

    private static Instant inWindow(long millis) {
        return T0.plusMillis(millis);
    }

    private void defineDraw(String eventId, int limit, int waitlist) {
        defineDraw(new EventDefinition(eventId, limit, T0, null, waitlist, null, WINDOW));
    }

    private void defineDraw(EventDefinition event) {
        fixture.define(event, T0.minusSeconds(60));
    }

    /** The users in drawn order. */
    private static List<String> ranked(String... users) {
        return Stream.of(users).sorted(Comparator.comparing(WINDOW::rankKey)).toList();
    }

    private ApplicationStatus statusOf(String eventId, String userId, Instant now) {
        EventDefinition event = fixture.<EventDefinition>store(IssuingTopology.DEFINITIONS_STORE).get(eventId);
        return LifecycleRules.status(fixture.decisionOf(eventId, userId), event, fixture.tallyOf(eventId), now);
    }

    @Test
    void makesEntrantsInsideTheWindowHoldsRequestsAfterItAndGoesFirstComeAfterTheDraw() {
        defineDraw("d", 2, 1);
        List<String> order = ranked("u-1", "u-2", "u-3");
        String r1 = fixture.apply("d", "u-1", inWindow(1000));
        String r2 = fixture.apply("d", "u-2", inWindow(2000));
        String r3 = fixture.apply("d", "u-3", inWindow(9999));

        assertThat(fixture.decisionsPublished()).containsExactly(
                new CouponDecision(r1, "d", "u-1", IssuingOutcome.IN_DRAW, null, inWindow(1000)),
                new CouponDecision(r2, "d", "u-2", IssuingOutcome.IN_DRAW, null, inWindow(2000)),
                new CouponDecision(r3, "d", "u-3", IssuingOutcome.IN_DRAW, null, inWindow(9999)));
        assertThat(fixture.keysIn(IssuingTopology.DRAW_ENTRANTS_STORE)).containsExactlyElementsOf(
                order.stream().map(u -> DrawEntrant.key("d", WINDOW.rankKey(u))).toList());
        assertThat(statusOf("d", "u-1", inWindow(5000))).isEqualTo(ApplicationStatus.inDraw(WINDOW_END));
        assertThat(InteractiveQueries.tallyAnswer("d", null, fixture.tallyOf("d")).draw())
                .isEqualTo(new Tally.DrawSummary(3, null, null, null));

        // After the window, before the draw is due: held, no decision yet.
        String late = fixture.apply("d", "late", WINDOW_END.plusMillis(100));
        assertThat(fixture.decisionsPublished()).isEmpty();
        assertThat(fixture.keysIn(IssuingTopology.DRAW_HELD_STORE)).containsExactly(HeldRequest.key("d", 0));

        // The next record read once the draw is due: the draw, the held request, then the record.
        String after = fixture.apply("d", "after", DUE.plusMillis(5));

        Map<String, String> requestOf = Map.of("u-1", r1, "u-2", r2, "u-3", r3);
        assertThat(fixture.decisionsPublished()).containsExactly(
                new CouponDecision(requestOf.get(order.get(0)), "d", order.get(0), IssuingOutcome.ISSUED, 1, WINDOW_END,
                        null, null, null, 1, 3),
                new CouponDecision(requestOf.get(order.get(1)), "d", order.get(1), IssuingOutcome.ISSUED, 2, WINDOW_END,
                        null, null, null, 2, 3),
                new CouponDecision(requestOf.get(order.get(2)), "d", order.get(2), IssuingOutcome.WAITLISTED, null,
                        WINDOW_END, null, null, null, 3, 3),
                new CouponDecision(late, "d", "late", IssuingOutcome.SOLD_OUT, null, WINDOW_END.plusMillis(100)),
                new CouponDecision(after, "d", "after", IssuingOutcome.SOLD_OUT, null, DUE.plusMillis(5)));
        assertThat(fixture.issuedCoupons()).containsExactly(
                new IssuedCoupon("d", order.get(0), 1, requestOf.get(order.get(0)), WINDOW_END),
                new IssuedCoupon("d", order.get(1), 2, requestOf.get(order.get(1)), WINDOW_END));
        assertThat(fixture.keysIn(IssuingTopology.DRAW_HELD_STORE)).isEmpty();
        assertThat(fixture.waitingAt("d", 0)).isEqualTo(new WaitingUser(order.get(2), requestOf.get(order.get(2)), 3));
        assertThat(statusOf("d", order.get(0), DUE)).isEqualTo(ApplicationStatus.issued(1).withDraw(1, 3));
        assertThat(statusOf("d", order.get(2), DUE)).isEqualTo(ApplicationStatus.waitlisted(1).withDraw(3, 3));
        assertThat(InteractiveQueries.tallyAnswer("d", null, fixture.tallyOf("d")).draw()).isEqualTo(new Tally.DrawSummary(3,
                WINDOW_END, WINDOW.rankKey(order.get(1)), WINDOW.rankKey(order.get(2))));
    }

    @Test
    void decidesAnEntrantReadAfterTheDrawFirstComeAtItsPlaceInTheLog() {
        defineDraw("d", 2, 0);
        fixture.apply("d", "u-1", inWindow(1000));
        fixture.tick("d", DUE);
        fixture.decisionsPublished();

        // Stamped inside the window by a slow ingress, appended after the draw.
        String slow = fixture.apply("d", "slow", inWindow(9000));

        assertThat(fixture.decisionsPublished())
                .containsExactly(new CouponDecision(slow, "d", "slow", IssuingOutcome.ISSUED, 2, inWindow(9000)));
        assertThat(fixture.keysIn(IssuingTopology.DRAW_ENTRANTS_STORE)).hasSize(1);
    }

    /**
     * The defect of issue 22: an entrant stamped inside the window but appended after the draw's tick.
     * The tick is in coupon-requests, in the event's partition with the entrants, so the processor reads
     * the entrant after the tick live, and a replay, which merges the topics by record time but keeps a
     * partition in its offset order, reads it after the tick too: first-come in both, the same bytes.
     */
    @Test
    void decidesAnEntrantAppendedAfterTheTickFirstComeAndAReplayOfTheLogsPublishesTheSameBytes() {
        EventDefinition event = new EventDefinition("d", 3, T0, null, 0, null, WINDOW);
        var definitions = List.of(new Input(event, T0.minusSeconds(60)));
        var requests = List.of(
                new Input(new CouponRequest("r-1", "d", "u-1", inWindow(1000)), inWindow(1000)),
                new Input(new CouponRequest("r-2", "d", "u-2", inWindow(2000)), inWindow(2000)),
                new Input(new CouponRequest("r-held", "d", "held", WINDOW_END.plusMillis(100)), WINDOW_END.plusMillis(100)),
                new Input(new CouponRequest("t-1", "d", null, DUE, true), DUE),
                // stamped inside the window by a slow ingress, appended after the tick
                new Input(new CouponRequest("r-slow", "d", "slow", inWindow(9000)), inWindow(9000)),
                new Input(new CouponRequest("r-after", "d", "after", DUE.plusMillis(50)), DUE.plusMillis(50)));

        // Live: the definition long before, then the requests as they were appended.
        List<Input> live = Stream.concat(definitions.stream(), requests.stream()).toList();
        Published published = run(live, fixture);

        List<CouponDecision> decisions = published.decisions();
        List<String> order = ranked("u-1", "u-2");
        assertThat(decisions).extracting(CouponDecision::requestId, CouponDecision::outcome, CouponDecision::couponNo,
                CouponDecision::drawRank, CouponDecision::decidedAt).containsExactly(
                tuple("r-1", IssuingOutcome.IN_DRAW, null, null, inWindow(1000)),
                tuple("r-2", IssuingOutcome.IN_DRAW, null, null, inWindow(2000)),
                tuple("r-" + order.get(0).substring(2), IssuingOutcome.ISSUED, 1, 1, WINDOW_END),
                tuple("r-" + order.get(1).substring(2), IssuingOutcome.ISSUED, 2, 2, WINDOW_END),
                tuple("r-held", IssuingOutcome.ISSUED, 3, null, WINDOW_END.plusMillis(100)),
                // first-come after the draw, at its own record time: no rank, no entrant
                tuple("r-slow", IssuingOutcome.SOLD_OUT, null, null, inWindow(9000)),
                tuple("r-after", IssuingOutcome.SOLD_OUT, null, null, DUE.plusMillis(50)));
        assertThat(decisions).extracting(CouponDecision::requestId).doesNotContain("t-1");
        assertThat(fixture.keysIn(IssuingTopology.DRAW_ENTRANTS_STORE)).hasSize(2);
        assertThat(fixture.tallyOf("d").drawState().entrants()).isEqualTo(2);

        // A replay: every partition full, the task takes the earliest head; a partition keeps its order.
        List<Input> replayed = new ArrayList<>();
        int d = 0;
        int r = 0;
        while (d < definitions.size() || r < requests.size()) {
            boolean definitionFirst = r == requests.size()
                    || (d < definitions.size() && !definitions.get(d).at().isAfter(requests.get(r).at()));
            replayed.add(definitionFirst ? definitions.get(d++) : requests.get(r++));
        }
        assertThat(replayed).isEqualTo(live);
        try (var replay = new TopologyFixture(stateDir.resolve("replay"))) {
            List<byte[]> replayBytes = run(replayed, replay).bytes();
            assertThat(replayBytes).hasSameSizeAs(published.bytes()).isNotEmpty();
            for (int i = 0; i < replayBytes.size(); i++) {
                assertThat(replayBytes.get(i)).as("output %d", i).isEqualTo(published.bytes().get(i));
            }
        }
    }

    /** An input record: a definition or a request (a tick among them), with its record time. */
    private record Input(Object value, Instant at) {
    }

    /** What a run published: every key and value on decisions, issued and changes, and the decisions read. */
    private record Published(List<byte[]> bytes, List<CouponDecision> decisions) {
    }

    /** Pipes {@code inputs} in order into {@code into}; returns what it published. */
    private static Published run(List<Input> inputs, TopologyFixture into) {
        for (Input input : inputs) {
            if (input.value() instanceof EventDefinition definition) {
                into.define(definition, input.at());
            } else {
                CouponRequest request = (CouponRequest) input.value();
                into.requests.pipeInput(new TestRecord<>(request.eventId(), request, input.at()));
            }
        }
        List<byte[]> bytes = new ArrayList<>();
        List<CouponDecision> decisions = new ArrayList<>();
        for (TestRecord<byte[], byte[]> record : into.rawDecided.readRecordsToList()) {
            bytes.add(record.key());
            bytes.add(record.value());
            decisions.add(into.topics.decisions().valueSerde().deserializer().deserialize(into.topics.decisions().name(),
                    record.value()));
        }
        for (var output : List.of(into.rawIssued, into.rawChanges)) {
            for (TestRecord<byte[], byte[]> record : output.readRecordsToList()) {
                bytes.add(record.key());
                bytes.add(record.value());
            }
        }
        return new Published(bytes, decisions);
    }

    @Test
    void decidesTheHeldRequestsAfterTheDrawInTheOrderTheyWereRead() {
        defineDraw("d", 3, 0);
        String entrant = fixture.apply("d", "entrant", inWindow(500));
        String third = fixture.apply("d", "c", WINDOW_END.plusMillis(200));
        String first = fixture.apply("d", "a", WINDOW_END);
        String again = fixture.apply("d", "entrant", WINDOW_END.plusMillis(10));
        String second = fixture.apply("d", "b", WINDOW_END.plusMillis(249));
        fixture.decisionsPublished();
        assertThat(fixture.tallyOf("d").drawState().held()).isEqualTo(4);

        fixture.tick("d", DUE);

        // In log order, each at its own record time, first-come after the draw.
        assertThat(fixture.decisionsPublished()).containsExactly(
                new CouponDecision(entrant, "d", "entrant", IssuingOutcome.ISSUED, 1, WINDOW_END, null, null, null, 1, 1),
                new CouponDecision(third, "d", "c", IssuingOutcome.ISSUED, 2, WINDOW_END.plusMillis(200)),
                new CouponDecision(first, "d", "a", IssuingOutcome.ISSUED, 3, WINDOW_END),
                new CouponDecision(again, "d", "entrant", IssuingOutcome.DUPLICATE, 1, WINDOW_END.plusMillis(10)),
                new CouponDecision(second, "d", "b", IssuingOutcome.SOLD_OUT, null, WINDOW_END.plusMillis(249)));
        assertThat(fixture.tallyOf("d").drawState().held()).isZero();
        assertThat(fixture.keysIn(IssuingTopology.DRAW_HELD_STORE)).isEmpty();
    }

    @Test
    void aTickSetsOffTheDrawAndGetsNoDecisionOfItsOwn() {
        defineDraw("d", 1, 0);
        String only = fixture.apply("d", "u-1", inWindow(1));
        fixture.decisionsPublished();

        fixture.tick("d", DUE.minusMillis(1));
        assertThat(fixture.decisionsPublished()).as("not due yet").isEmpty();
        assertThat(fixture.tallyOf("d").drawn()).isFalse();

        fixture.tick("d", DUE);
        assertThat(fixture.decisionsPublished())
                .containsExactly(new CouponDecision(only, "d", "u-1", IssuingOutcome.ISSUED, 1, WINDOW_END, null, null, null, 1, 1));
        fixture.tick("d", DUE.plusSeconds(5));
        assertThat(fixture.decisionsPublished()).as("a tick after the draw changes nothing").isEmpty();
        assertThat(fixture.tallyOf("d").drawState().drawnAt()).isEqualTo(WINDOW_END);
    }

    static Stream<String> triggers() {
        return Stream.of("definition", "request", "action", "tick");
    }

    @ParameterizedTest
    @MethodSource("triggers")
    void drawsBeforeAnyRecordOfTheEventReadOnceDue(String trigger) {
        EventDefinition event = new EventDefinition("d", 1, T0, null, 1, null, WINDOW);
        defineDraw(event);
        List<String> order = ranked("u-1", "u-2", "u-3");
        fixture.apply("d", "u-1", inWindow(1));
        fixture.apply("d", "u-2", inWindow(2));
        fixture.apply("d", "u-3", inWindow(3));
        fixture.decisionsPublished();

        Instant at = DUE.plusSeconds(1);
        Map<String, Consumer<Instant>> records = Map.of(
                "definition", t -> fixture.define(new EventDefinition("d", 2, T0, null, 1, null, WINDOW), t),
                "request", t -> fixture.apply("d", "later", t),
                "action", t -> fixture.act("d", order.get(0), ActionType.REDEEM, "o-1", t),
                "tick", t -> fixture.tick("d", t));
        records.get(trigger).accept(at);

        List<CouponDecision> decisions = fixture.decisionsPublished();
        // The draw's decisions are the same whichever record set it off: with the definition before it.
        assertThat(decisions.subList(0, 3)).extracting(CouponDecision::userId, CouponDecision::outcome,
                CouponDecision::couponNo, CouponDecision::drawRank, CouponDecision::decidedAt).containsExactly(
                tuple(order.get(0), IssuingOutcome.ISSUED, 1, 1, WINDOW_END),
                tuple(order.get(1), IssuingOutcome.WAITLISTED, null, 2, WINDOW_END),
                tuple(order.get(2), IssuingOutcome.NOT_DRAWN, null, 3, WINDOW_END));
        List<CouponDecision> rest = decisions.subList(3, decisions.size());
        switch (trigger) {
            // The raised limit serves the waitlist's first, drawn second.
            case "definition" -> assertThat(rest).extracting(CouponDecision::userId, CouponDecision::outcome,
                    CouponDecision::couponNo).containsExactly(tuple(order.get(1), IssuingOutcome.ISSUED, 2));
            case "request" -> assertThat(rest).extracting(CouponDecision::userId, CouponDecision::outcome)
                    .containsExactly(tuple("later", IssuingOutcome.SOLD_OUT));
            case "action" -> assertThat(rest).extracting(CouponDecision::userId, CouponDecision::outcome)
                    .containsExactly(tuple(order.get(0), IssuingOutcome.REDEEMED));
            default -> assertThat(rest).isEmpty();
        }
    }

    @Test
    void tellsARedeliveredEntrantItsDecisionAgainBeforeAndAfterTheDraw() {
        defineDraw("d", 1, 0);
        String winner = fixture.apply("d", "u-1", inWindow(1));
        String other = fixture.apply("d", "u-2", inWindow(2));
        List<CouponDecision> first = fixture.decisionsPublished();

        fixture.redeliver(winner);
        fixture.redeliver(other);
        assertThat(fixture.decisionsPublished()).containsExactlyElementsOf(first);
        assertThat(fixture.tallyOf("d").drawState().entrants()).isEqualTo(2);
        assertThat(fixture.keysIn(IssuingTopology.DRAW_ENTRANTS_STORE)).hasSize(2);

        fixture.tick("d", DUE);
        List<CouponDecision> drawn = fixture.decisionsPublished();
        fixture.issuedCoupons();
        EventTally afterTheDraw = fixture.tallyOf("d");

        fixture.redeliver(winner);
        fixture.redeliver(other);

        assertThat(fixture.decisionsPublished()).containsExactlyInAnyOrderElementsOf(drawn);
        assertThat(fixture.issuedCoupons()).as("no coupon for a re-delivery").isEmpty();
        assertThat(fixture.tallyOf("d")).isEqualTo(afterTheDraw);
    }

    @Test
    void refusesEntrantsPastTheDrawCapAndDuplicatesOfEntrants() {
        defineDraw(new EventDefinition("d", 1, T0, null, 0, null, new DrawWindow(10, 2, SEED)));
        fixture.apply("d", "u-1", inWindow(1));
        String again = fixture.apply("d", "u-1", inWindow(2));
        fixture.apply("d", "u-2", inWindow(3));
        String third = fixture.apply("d", "u-3", inWindow(4));

        assertThat(fixture.decisionsPublished()).extracting(CouponDecision::requestId, CouponDecision::outcome)
                .contains(tuple(again, IssuingOutcome.DUPLICATE), tuple(third, IssuingOutcome.SOLD_OUT));
        assertThat(fixture.tallyOf("d").drawState().entrants()).isEqualTo(2);
        assertThat(fixture.tallyOf("d").soldOut()).isEqualTo(1);
        assertThat(fixture.decisionOf("d", "u-3").outcome()).isEqualTo(IssuingOutcome.SOLD_OUT);
        assertThat(InteractiveQueries.holdersOf("d", fixture.decisions())).isEqualTo(new CouponHolders("d",
                List.of("u-1", "u-2"), List.of(), Map.of("u-1", fixture.decisionOf("d", "u-1").requestId(), "u-2",
                fixture.decisionOf("d", "u-2").requestId())));
    }

    @Test
    void letsAUserNotDrawnApplyAgainFirstCome() {
        defineDraw("d", 1, 0);
        List<String> order = ranked("u-1", "u-2");
        fixture.apply("d", "u-1", inWindow(1));
        fixture.apply("d", "u-2", inWindow(2));
        fixture.tick("d", DUE);
        String loser = order.get(1);
        assertThat(statusOf("d", loser, DUE)).isEqualTo(ApplicationStatus.rejected(IssuingOutcome.NOT_DRAWN).withDraw(2, 2));
        assertThat(InteractiveQueries.holdersOf("d", fixture.decisions()))
                .isEqualTo(new CouponHolders("d", List.of(order.get(0)), List.of(), Map.of()));
        fixture.decisionsPublished();

        String soldOut = fixture.apply("d", loser, DUE.plusSeconds(1));
        fixture.act("d", order.get(0), ActionType.RETURN, null, DUE.plusSeconds(2));
        String issued = fixture.apply("d", loser, DUE.plusSeconds(3));

        assertThat(fixture.decisionsPublished()).extracting(CouponDecision::requestId, CouponDecision::outcome,
                CouponDecision::couponNo, CouponDecision::drawRank).containsSubsequence(
                tuple(soldOut, IssuingOutcome.SOLD_OUT, null, null), tuple(issued, IssuingOutcome.ISSUED, 2, null));
        assertThat(statusOf("d", loser, DUE.plusSeconds(4))).as("no rank once the user applied again")
                .isEqualTo(ApplicationStatus.issued(2));
    }

    @Test
    void fillsTheWaitlistInDrawnOrderAndServesItOnAReturnKeepingTheRank() {
        defineDraw("d", 1, 2);
        List<String> order = ranked("u-1", "u-2", "u-3", "u-4");
        for (int i = 0; i < order.size(); i++) {
            fixture.apply("d", "u-" + (i + 1), inWindow(i + 1));
        }
        fixture.decisionsPublished();
        fixture.tick("d", DUE);
        assertThat(fixture.decisionsPublished()).extracting(CouponDecision::userId, CouponDecision::outcome)
                .containsExactly(tuple(order.get(0), IssuingOutcome.ISSUED), tuple(order.get(1), IssuingOutcome.WAITLISTED),
                        tuple(order.get(2), IssuingOutcome.WAITLISTED), tuple(order.get(3), IssuingOutcome.NOT_DRAWN));
        assertThat(statusOf("d", order.get(2), DUE)).isEqualTo(ApplicationStatus.waitlisted(2).withDraw(3, 4));

        fixture.act("d", order.get(0), ActionType.RETURN, null, DUE.plusSeconds(1));

        assertThat(fixture.decisionsPublished()).extracting(CouponDecision::userId, CouponDecision::outcome,
                CouponDecision::couponNo).containsExactly(tuple(order.get(0), IssuingOutcome.RETURNED, 1),
                tuple(order.get(1), IssuingOutcome.ISSUED, 2));
        assertThat(fixture.decisionOf("d", order.get(1)).drawRank()).isEqualTo(2);
        assertThat(statusOf("d", order.get(1), DUE.plusSeconds(2))).isEqualTo(ApplicationStatus.issued(2).withDraw(2, 4));
        assertThat(statusOf("d", order.get(2), DUE.plusSeconds(2))).isEqualTo(ApplicationStatus.waitlisted(1).withDraw(3, 4));
    }

    @Test
    void dropsTheDrawsEntrantsAndHeldRequestsWhenTheEventRetires(@TempDir Path retiring) {
        Duration retention = Duration.ofHours(1);
        Instant closes = T0.plus(Duration.ofMinutes(10));
        Instant afterTheSweep = closes.plus(retention).plus(IssuingProcessor.SWEEP_INTERVAL);
        try (var f = new TopologyFixture(retiring, retention, IssuingProcessor.SWEEP_INTERVAL)) {
            f.define(new EventDefinition("old", 1, T0, closes, 0, null, WINDOW), T0.minusSeconds(1));
            f.define("open", 5);
            f.apply("old", "u-1", inWindow(1));
            f.apply("old", "u-2", WINDOW_END.plusMillis(1));
            assertThat(f.keysIn(IssuingTopology.DRAW_ENTRANTS_STORE)).hasSize(1);
            assertThat(f.keysIn(IssuingTopology.DRAW_HELD_STORE)).hasSize(1);

            // Only the other event's records move stream time: "old" retires without ever being drawn.
            f.apply("open", "u-1", afterTheSweep);

            assertThat(f.keysIn(IssuingTopology.DRAW_ENTRANTS_STORE)).isEmpty();
            assertThat(f.keysIn(IssuingTopology.DRAW_HELD_STORE)).isEmpty();
            assertThat(f.keysIn(IssuingTopology.DECISIONS_STORE)).containsExactly("open/u-1");
        }
    }

    @Test
    void drawsAHundredThousandEntrantsInOneGo() {
        int entrants = 100_000;
        defineDraw(new EventDefinition("big", 100, T0, null, 100, null, new DrawWindow(10, entrants, SEED)));
        for (int i = 0; i < entrants; i++) {
            fixture.apply("big", String.format("u-%06d", i), inWindow(i / 10));
        }
        fixture.decided.readRecordsToList();

        long started = System.nanoTime();
        fixture.tick("big", DUE);
        long millis = (System.nanoTime() - started) / 1_000_000;
        log.info("drew {} entrants in {} ms (test driver)", entrants, millis);

        List<CouponDecision> drawn = fixture.decisionsPublished();
        assertThat(drawn).hasSize(entrants);
        assertThat(drawn).extracting(CouponDecision::drawRank).containsExactlyElementsOf(
                IntStream.rangeClosed(1, entrants).boxed().toList());
        assertThat(drawn).filteredOn(d -> d.outcome() == IssuingOutcome.ISSUED).extracting(CouponDecision::couponNo)
                .containsExactlyElementsOf(IntStream.rangeClosed(1, 100).boxed().toList());
        assertThat(drawn).filteredOn(d -> d.outcome() == IssuingOutcome.WAITLISTED).hasSize(100);
        assertThat(fixture.issuedCoupons()).hasSize(100);
        assertThat(fixture.tallyOf("big").drawState().notDrawn()).isEqualTo(entrants - 200);
    }
}
