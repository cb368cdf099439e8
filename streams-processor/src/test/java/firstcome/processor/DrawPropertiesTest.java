package firstcome.processor;

import static firstcome.processor.TopologyFixture.T0;
import static org.assertj.core.api.Assertions.assertThat;

import firstcome.contract.ActionType;
import firstcome.contract.CouponDecision;
import firstcome.contract.DrawWindow;
import firstcome.contract.EventDefinition;
import firstcome.contract.IssuingOutcome;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.stream.IntStream;
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
 * The draw's promises under random entrants, seeds, record times and what follows the draw
 * (docs/fair-opening.md): the same entrants and seed give the same draw in any order; when in the
 * window someone applied changes nothing of their rank; live coupons never exceed the limit and are
 * numbered 1..n without gaps; the same input gives the same output, byte for byte.
 */
class DrawPropertiesTest {

    private static final String EVENT = "d";
    private static final Instant WINDOW_END = T0.plusSeconds(10);
    private static final Instant DUE = WINDOW_END.plus(DrawWindow.GRACE);

    /** What follows the window: an application, a coupon given back, a tick, an earlier request re-delivered. */
    sealed interface Step permits Apply, Return, Tick, Redeliver {
    }

    record Apply(String userId) implements Step {
    }

    record Return(String userId) implements Step {
    }

    record Tick() implements Step {
    }

    /** The earlier request number {@code pick} modulo how many there were, published again. */
    record Redeliver(int pick) implements Step {
    }

    /** An entrant's application, {@code millis} into the window. */
    record Entry(String userId, int millis) {
    }

    /**
     * An event of {@code limit} coupons and a {@code waitlist}, its window's entries (distinct users), the
     * requests of {@code held} users read after the window before the draw, then {@code after} the draw.
     */
    record Scenario(String seed, int limit, int waitlist, List<Entry> entries, List<String> held, List<Step> after) {

        EventDefinition event() {
            return new EventDefinition(EVENT, limit, T0, null, waitlist, null, new DrawWindow(10, null, seed));
        }
    }

    @Property(tries = 200)
    void drawsTheSameEntrantsAndSeedAlikeInAnyOrder(@ForAll("seeds") String seed, @ForAll("users") Set<String> users,
            @ForAll long shuffle) {
        EventDefinition event = new EventDefinition(EVENT, 3, T0, null, 2, null, new DrawWindow(10, null, seed));
        List<DrawEntrant> entrants = users.stream().map(u -> new DrawEntrant(u, "r-" + u)).toList();
        List<DrawEntrant> shuffled = new ArrayList<>(entrants);
        Collections.shuffle(shuffled, new Random(shuffle));

        DrawRules.Draw draw = DrawRules.draw(event, EventTally.NONE, entrants);

        assertThat(DrawRules.draw(event, EventTally.NONE, shuffled)).isEqualTo(draw);
        assertThat(draw.rulings()).extracting(r -> r.decision().drawRank())
                .containsExactlyElementsOf(IntStream.rangeClosed(1, users.size()).boxed().toList());
    }

    @Property(tries = 25)
    void ranksNobodyByWhenInTheWindowTheyApplied(@ForAll("scenarios") Scenario scenario, @ForAll long shuffle)
            throws IOException {
        List<Integer> times = new ArrayList<>(scenario.entries().stream().map(Entry::millis).toList());
        Collections.shuffle(times, new Random(shuffle));
        List<Entry> moved = IntStream.range(0, times.size())
                .mapToObj(i -> new Entry(scenario.entries().get(i).userId(), times.get(i))).toList();
        var other = new Scenario(scenario.seed(), scenario.limit(), scenario.waitlist(), moved, List.of(), List.of());
        var same = new Scenario(scenario.seed(), scenario.limit(), scenario.waitlist(), scenario.entries(), List.of(),
                List.of());

        assertThat(drawOf(run(other))).isEqualTo(drawOf(run(same)));
    }

    @Property(tries = 25)
    void keepsTheLimitNumbersCouponsWithoutGapsAndReplaysByteForByte(@ForAll("scenarios") Scenario scenario)
            throws IOException {
        Run first = run(scenario);
        Run second = run(scenario);

        assertThat(second.bytes()).hasSameSizeAs(first.bytes());
        for (int i = 0; i < first.bytes().size(); i++) {
            assertThat(second.bytes().get(i)).as("output %d", i).isEqualTo(first.bytes().get(i));
        }

        long live = 0;
        int lastCoupon = 0;
        Set<Integer> returned = new HashSet<>();
        for (CouponDecision decision : first.decisions()) {
            if (decision.decidesAction() && decision.outcome() == IssuingOutcome.RETURNED && returned.add(decision.couponNo())) {
                live--;
            } else if (!decision.decidesAction() && decision.outcome() == IssuingOutcome.ISSUED
                    && decision.couponNo() > lastCoupon) {
                assertThat(decision.couponNo()).as("the next number: %s", decision).isEqualTo(lastCoupon + 1);
                lastCoupon = decision.couponNo();
                live++;
            }
            assertThat(live).as("live coupons after %s", decision).isLessThanOrEqualTo(scenario.limit());
        }
        assertThat(first.coupons()).as("coupon-issued numbers").containsExactlyElementsOf(
                IntStream.rangeClosed(1, lastCoupon).boxed().toList());

        // Every entrant is drawn exactly once, ranks 1..N in rank-key order.
        Map<String, Integer> draw = drawOf(first).entrySet().stream()
                .collect(java.util.stream.Collectors.toMap(Map.Entry::getKey, e -> e.getValue().drawRank()));
        List<String> byRankKey = scenario.entries().stream().map(Entry::userId)
                .sorted(Comparator.comparing(scenario.event().draw()::rankKey)).toList();
        assertThat(draw).hasSize(byRankKey.size());
        for (int i = 0; i < byRankKey.size(); i++) {
            assertThat(draw.get(byRankKey.get(i))).isEqualTo(i + 1);
        }
        Statistics.label("waitlist served after the draw").collect(first.decisions().stream()
                .anyMatch(d -> d.outcome() == IssuingOutcome.ISSUED && !d.decidesDraw() && d.decidedAt().isAfter(DUE)
                        && first.waitlistedByDraw().contains(d.userId())));
    }

    /** The draw's decisions by user (without the request ids, which follow the order requests were read in). */
    private static Map<String, CouponDecision> drawOf(Run run) {
        Map<String, CouponDecision> draw = new HashMap<>();
        for (CouponDecision decision : run.decisions()) {
            if (decision.decidesDraw()) {
                assertThat(draw.put(decision.userId(), new CouponDecision("r", decision.eventId(), decision.userId(),
                        decision.outcome(), decision.couponNo(), decision.decidedAt(), null, null, decision.validUntil(),
                        decision.drawRank(), decision.entrants()))).as("one draw decision for %s", decision.userId()).isNull();
            }
        }
        return draw;
    }

    record Run(List<byte[]> bytes, List<CouponDecision> decisions, List<Integer> coupons, Set<String> waitlistedByDraw) {
    }

    /** The scenario through a fresh topology: entries in record-time order, the held requests, a tick, then the rest. */
    private static Run run(Scenario scenario) throws IOException {
        Path stateDir = Files.createTempDirectory("draw-properties");
        try (var fixture = new TopologyFixture(stateDir)) {
            fixture.define(scenario.event(), T0.minusSeconds(60));
            scenario.entries().stream().sorted(Comparator.comparingInt(Entry::millis))
                    .forEach(e -> fixture.apply(EVENT, e.userId(), T0.plusMillis(e.millis())));
            for (int i = 0; i < scenario.held().size(); i++) {
                fixture.apply(EVENT, scenario.held().get(i), WINDOW_END.plusMillis(i % 250));
            }
            fixture.tick(EVENT, DUE);
            List<String> requests = new ArrayList<>();
            for (int i = 0; i < scenario.after().size(); i++) {
                Instant at = DUE.plusSeconds(i + 1);
                Step step = scenario.after().get(i);
                if (step instanceof Apply apply) {
                    requests.add(fixture.apply(EVENT, apply.userId(), at));
                } else if (step instanceof Return give) {
                    fixture.act(EVENT, give.userId(), ActionType.RETURN, null, at);
                } else if (step instanceof Tick) {
                    fixture.tick(EVENT, at);
                } else if (step instanceof Redeliver redeliver && !requests.isEmpty()) {
                    fixture.redeliver(requests.get(redeliver.pick() % requests.size()));
                }
            }
            List<byte[]> bytes = new ArrayList<>();
            List<CouponDecision> decisions = new ArrayList<>();
            Set<String> waitlisted = new HashSet<>();
            for (TestRecord<byte[], byte[]> record : fixture.rawDecided.readRecordsToList()) {
                bytes.add(record.key());
                bytes.add(record.value());
                CouponDecision decision = fixture.topics.decisions().valueSerde().deserializer()
                        .deserialize(fixture.topics.decisions().name(), record.value());
                decisions.add(decision);
                if (decision.decidesDraw() && decision.outcome() == IssuingOutcome.WAITLISTED) {
                    waitlisted.add(decision.userId());
                }
            }
            List<Integer> coupons = new ArrayList<>();
            for (TestRecord<byte[], byte[]> record : fixture.rawIssued.readRecordsToList()) {
                bytes.add(record.key());
                bytes.add(record.value());
                coupons.add(fixture.topics.issued().valueSerde().deserializer()
                        .deserialize(fixture.topics.issued().name(), record.value()).couponNo());
            }
            for (TestRecord<byte[], byte[]> record : fixture.rawChanges.readRecordsToList()) {
                bytes.add(record.key());
                bytes.add(record.value());
            }
            return new Run(bytes, decisions, coupons, waitlisted);
        } finally {
            try (Stream<Path> paths = Files.walk(stateDir)) {
                for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                    Files.deleteIfExists(p);
                }
            }
        }
    }

    @Provide
    Arbitrary<String> seeds() {
        return Arbitraries.bytes().array(byte[].class).ofSize(DrawWindow.SEED_BYTES).map(b -> HexFormat.of().formatHex(b));
    }

    @Provide
    Arbitrary<Set<String>> users() {
        return Arbitraries.integers().between(1, 500).map(u -> "u-" + u).set().ofMaxSize(60);
    }

    @Provide
    Arbitrary<Scenario> scenarios() {
        Arbitrary<String> user = Arbitraries.integers().between(1, 30).map(u -> "u-" + u);
        Arbitrary<List<Entry>> entries = Arbitraries.integers().between(1, 25).set().ofMinSize(2).ofMaxSize(20)
                .flatMap(ids -> Arbitraries.integers().between(0, 9_999).list().ofSize(ids.size())
                        .map(times -> {
                            List<Integer> sorted = ids.stream().sorted().toList();
                            return IntStream.range(0, sorted.size())
                                    .mapToObj(i -> new Entry("u-" + sorted.get(i), times.get(i))).toList();
                        }));
        Arbitrary<Step> step = Arbitraries.frequencyOf(
                Tuple.of(5, user.map(Apply::new)),
                Tuple.of(6, Arbitraries.integers().between(1, 25).map(u -> new Return("u-" + u))),
                Tuple.of(1, Arbitraries.just(new Tick())),
                Tuple.of(2, Arbitraries.integers().between(0, 100).map(Redeliver::new)));
        return Combinators.combine(seeds(), Arbitraries.integers().between(1, 4), Arbitraries.integers().between(0, 3),
                        entries, user.list().ofMaxSize(4), step.list().ofMinSize(5).ofMaxSize(30))
                .as(Scenario::new);
    }
}
