package firstcome.ops;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import firstcome.contract.ActionType;
import firstcome.contract.CouponAction;
import firstcome.contract.CouponDecision;
import firstcome.contract.CouponRequest;
import firstcome.contract.DrawWindow;
import firstcome.contract.Eligibility;
import firstcome.contract.EligibleAs;
import firstcome.contract.Environment;
import firstcome.contract.EventDefinition;
import firstcome.contract.IssuingOutcome;
import firstcome.contract.Topic;
import firstcome.contract.Topics;
import firstcome.processor.IssuingTopology;
import firstcome.processor.ProcessorConfig;
import firstcome.processor.StreamsSettings;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
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
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.UUID;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.jqwik.api.statistics.Statistics;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.record.TimestampType;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.test.TestRecord;

/**
 * The audit decides exactly as the processor does. Random lifecycle logs (definitions that raise and
 * lower the limit, change the waitlist and the coupons' validity; applications of new and repeated
 * users; re-delivered requests; redemptions, cancellations and returns with the same and other
 * orders; records of the three input topics stamped late, out of order, and some of one topic on the
 * same millisecond) go through the processor's own topology ({@link IssuingTopology} in a
 * {@link TopologyTestDriver}), in the order its task takes them; then the audit ({@link Audit#auditLogs})
 * reads the same inputs with the topology's outputs as the published logs, and finds no difference.
 * Hand-written logs show each reading the two once disagreed on, and that the audit names a decision
 * altered, or missing, in the published log.
 *
 * <p>The same holds for a fair opening (docs/fair-opening.md): random logs with a third event that
 * opens with a draw window (a seed, entrants inside the window, some of them past the draw's cap,
 * requests just after it that wait for the draw, ticks, the tick the ingress publishes at the
 * window's end plus the grace, entrants stamped inside the window but appended after the draw,
 * re-deliveries before and after it, redefinitions that keep the draw and change the limit).
 *
 * <p>And for an eligibility (docs/identities.md): event b never has a rule, a and the drawn event may
 * from their first definition on, and any redefinition adds, changes or removes one, mid-stream,
 * inside the draw window too; applications carry a matching, another or no {@code eligibleAs}.
 *
 * <p>Records of two input topics never share a millisecond here (each topic keeps to its own
 * remainder modulo {@link #TICK}): on such a tie the task takes them in its queue order, which the
 * logs do not tell, and the audit in its own (docs/lifecycle.md, "The fields of a decision").
 */
class AuditAgreesWithProcessorTest {

    private static final Topics TOPICS = Topics.standard();
    private static final Instant T0 = Instant.parse("2026-11-24T10:00:00Z");
    private static final Instant OPENS = T0.plusMillis(6);
    private static final List<String> EVENTS = List.of("a", "b");
    /** The event of the draw scenarios that opens with a draw window. */
    private static final String DRAWN = "d";
    /**
     * Its window: a second from 900 ms before T0, so it ends at T0 + 100 ms (requests of ticks 0 to 32 are
     * inside) and the draw is due at T0 + 350 ms (tick {@value #DRAW_DUE_TICK}, remainder 2); the ingress's
     * tick, in coupon-requests, goes at the next request's millisecond, T0 + 352 ms (tick 117, remainder 1).
     */
    private static final Instant DRAW_OPENS = T0.minusMillis(900);
    private static final int DRAW_DUE_TICK = 116;
    private static final List<String> SEEDS = List.of("00".repeat(31) + "2a", "ab".repeat(32));
    /** Milliseconds per tick of the random logs; definitions are stamped at tick + 0, requests + 1, actions + 2. */
    private static final int TICK = 3;
    private static final Eligibility GOLD = new Eligibility("tier", List.of("gold", "vip"));
    private static final Eligibility VIP_ONLY = new Eligibility("tier", List.of("vip"));
    private static final EligibleAs AS_GOLD = new EligibleAs("tier", "gold");
    private static final EligibleAs AS_VIP = new EligibleAs("tier", "vip");
    private static final EligibleAs AS_SILVER = new EligibleAs("tier", "silver");

    // ---- the random logs ----

    sealed interface Step permits Define, Apply, Redeliver, Act, Tick, LateEntrant {
    }

    /**
     * A definition of the event; {@code validAfter}: its coupons' validity in milliseconds after T0 (null: none);
     * {@code eligibility}: its rule of who may apply (null: everyone).
     */
    record Define(String eventId, int limit, int waitlist, Integer validAfter, Eligibility eligibility) implements Step {
    }

    /** An application; {@code eligibleAs}: what the ingress checked (null: nothing). */
    record Apply(String eventId, String userId, EligibleAs eligibleAs) implements Step {
    }

    /** The earlier request number {@code pick} (modulo how many there were) published again, byte for byte, with its own time. */
    record Redeliver(int pick) implements Step {
    }

    record Act(String eventId, String userId, ActionType action, String orderId) implements Step {
    }

    /** A tick of the event in coupon-requests, stamped with the step's time (a request's millisecond). */
    record Tick(String eventId) implements Step {
    }

    /** A request stamped inside the draw window (at {@code tickInWindow}), whenever it is appended: a slower ingress's. */
    record LateEntrant(String eventId, String userId, int tickInWindow, EligibleAs eligibleAs) implements Step {
    }

    /** A step {@code advance} ticks after the one before, stamped {@code lag} ticks earlier than that (a record that comes late). */
    record Timed(Step step, int advance, int lag) {
    }

    /**
     * The events' closings in milliseconds after T0 (null: never), the processor's EVENT_RETENTION, the
     * steps; with a draw ({@code draw} not null), event {@value #DRAWN} opens with it at {@link #DRAW_OPENS},
     * and {@code tickAtDue} says whether the ingress's tick at the window's end plus the grace is in the log.
     */
    record Scenario(Map<String, Integer> closesAfter, Duration retention, List<Timed> steps, DrawWindow draw, boolean tickAtDue) {
    }

    /** One record of an input topic as written: its time, key and value bytes. */
    record Input(String topic, long timestamp, String key, byte[] value) {
    }

    /** The three input logs, each in the order written. */
    record Inputs(List<Input> definitions, List<Input> requests, List<Input> actions) {

        Inputs() {
            this(new ArrayList<>(), new ArrayList<>(), new ArrayList<>());
        }

        <T> void add(Topic<T> topic, String key, T value, Instant at) {
            var input = new Input(topic.name(), at.toEpochMilli(), key, topic.valueSerde().serializer().serialize(topic.name(), value));
            if (topic.name().equals(TOPICS.events().name())) {
                definitions.add(input);
            } else if (topic.name().equals(TOPICS.requests().name())) {
                requests.add(input);
            } else {
                actions.add(input);
            }
        }

        /**
         * The order the processor's task takes the three logs in: of their heads, the record with the
         * smallest timestamp (a definition, then a request, then an action on a tie of their heads).
         */
        List<Input> taskOrder() {
            List<Input> order = new ArrayList<>();
            int d = 0;
            int r = 0;
            int a = 0;
            while (d < definitions.size() || r < requests.size() || a < actions.size()) {
                long dt = d < definitions.size() ? definitions.get(d).timestamp() : Long.MAX_VALUE;
                long rt = r < requests.size() ? requests.get(r).timestamp() : Long.MAX_VALUE;
                long at = a < actions.size() ? actions.get(a).timestamp() : Long.MAX_VALUE;
                if (d < definitions.size() && dt <= rt && dt <= at) {
                    order.add(definitions.get(d++));
                } else if (r < requests.size() && rt <= at) {
                    order.add(requests.get(r++));
                } else {
                    order.add(actions.get(a++));
                }
            }
            return order;
        }
    }

    /** What the topology published: coupon-decisions, coupon-issued and coupon-changes, in log order. */
    record Outputs(List<TestRecord<byte[], byte[]>> decisions, List<TestRecord<byte[], byte[]>> issued,
            List<TestRecord<byte[], byte[]>> changes) {

        List<CouponDecision> decisionValues() {
            return decisions.stream().map(r -> TOPICS.decisions().valueSerde().deserializer().deserialize(TOPICS.decisions().name(),
                    r.value())).toList();
        }

        /** The same outputs with the {@code index}th decision replaced by {@code change} of it (null: left out). */
        Outputs withDecision(int index, UnaryOperator<CouponDecision> change) {
            List<TestRecord<byte[], byte[]>> altered = new ArrayList<>(decisions);
            CouponDecision changed = change.apply(decisionValues().get(index));
            if (changed == null) {
                altered.remove(index);
            } else {
                TestRecord<byte[], byte[]> record = decisions.get(index);
                altered.set(index, new TestRecord<>(record.key(),
                        TOPICS.decisions().valueSerde().serializer().serialize(TOPICS.decisions().name(), changed), record.getRecordTime()));
            }
            return new Outputs(altered, issued, changes);
        }
    }

    @Property(tries = 120)
    void findsNoDifferenceInWhatTheProcessorPublishes(@ForAll("scenarios") Scenario scenario) throws IOException {
        Inputs inputs = inputs(scenario);
        Outputs outputs = topology(scenario.retention(), inputs);

        var report = new ByteArrayOutputStream();
        Audit audit = audit(scenario.retention(), inputs, outputs, report);
        int status = audit.report();

        assertThat(differences(audit)).as("%s", report.toString(UTF_8)).isEmpty();
        assertThat(status).as("%s", report.toString(UTF_8)).isEqualTo(Audit.CONSISTENT);
        collectStatistics(outputs.decisionValues());
    }

    /**
     * Waits for the processor's draw (streams-processor, docs/fair-opening.md "The rules"): without it,
     * the topology refuses a tick and decides entrants first-come.
     */
    @Property(tries = 100)
    void findsNoDifferenceInADrawThatTheProcessorPublishes(@ForAll("drawScenarios") Scenario scenario) throws IOException {
        Inputs inputs = inputs(scenario);
        Outputs outputs = topology(scenario.retention(), inputs);

        var report = new ByteArrayOutputStream();
        Audit audit = audit(scenario.retention(), inputs, outputs, report);
        int status = audit.report();

        assertThat(differences(audit)).as("%s", report.toString(UTF_8)).isEmpty();
        assertThat(status).as("%s", report.toString(UTF_8)).isEqualTo(Audit.CONSISTENT);
        collectDrawStatistics(outputs.decisionValues());
    }

    /** How often the random logs reach the draw's cases. */
    private static void collectDrawStatistics(List<CouponDecision> decisions) {
        Set<String> entrants = new HashSet<>();
        boolean drawn = false;
        boolean notDrawn = false;
        boolean drawWaitlisted = false;
        boolean lateEntrant = false;
        boolean pastCap = false;
        for (CouponDecision d : decisions) {
            if (!DRAWN.equals(d.eventId()) || d.decidesAction()) {
                continue;
            }
            if (d.outcome() == IssuingOutcome.IN_DRAW) {
                entrants.add(d.requestId());
            }
            drawn |= d.decidesDraw();
            notDrawn |= d.outcome() == IssuingOutcome.NOT_DRAWN;
            drawWaitlisted |= d.decidesDraw() && d.outcome() == IssuingOutcome.WAITLISTED;
            pastCap |= d.outcome() == IssuingOutcome.SOLD_OUT && d.decidedAt().isBefore(DRAW_OPENS.plusSeconds(1));
            lateEntrant |= drawn && !d.decidesDraw() && !entrants.contains(d.requestId()) && d.decidedAt().isBefore(DRAW_OPENS.plusSeconds(1))
                    && d.outcome() != IssuingOutcome.SOLD_OUT;
        }
        Statistics.label("the draw done").collect(drawn);
        Statistics.label("an entrant not drawn").collect(notDrawn);
        Statistics.label("an entrant waitlisted by the draw").collect(drawWaitlisted);
        Statistics.label("a late entrant decided first-come").collect(lateEntrant);
        Statistics.label("an entrant past the draw cap").collect(pastCap);
        Statistics.label("a request in the draw window not eligible").collect(decisions.stream().anyMatch(d -> DRAWN.equals(d.eventId())
                && d.outcome() == IssuingOutcome.NOT_ELIGIBLE && d.decidedAt().isBefore(DRAW_OPENS.plusSeconds(1))));
    }

    /** How often the random logs reach the readings the audit and the processor once differed on. */
    private static void collectStatistics(List<CouponDecision> decisions) {
        Set<String> returned = new HashSet<>();
        Map<String, List<IssuingOutcome>> byRequest = new HashMap<>();
        boolean unredeemWithoutCoupon = false;
        boolean refusalOfReturned = false;
        boolean servedRedelivered = false;
        boolean served = false;
        for (CouponDecision d : decisions) {
            String user = d.eventId() + "/" + d.userId();
            if (d.decidesAction()) {
                unredeemWithoutCoupon |= d.action() == ActionType.UNREDEEM && d.outcome() == IssuingOutcome.NOT_REDEEMED
                        && d.couponNo() == null && !returned.contains(user);
                refusalOfReturned |= returned.contains(user) && d.action() != ActionType.RETURN;
                if (d.outcome() == IssuingOutcome.RETURNED) {
                    returned.add(user);
                }
            } else {
                List<IssuingOutcome> before = byRequest.computeIfAbsent(d.requestId(), id -> new ArrayList<>());
                served |= before.contains(IssuingOutcome.WAITLISTED) && d.outcome() == IssuingOutcome.ISSUED;
                servedRedelivered |= before.contains(IssuingOutcome.WAITLISTED) && before.contains(IssuingOutcome.ISSUED);
                before.add(d.outcome());
            }
        }
        Statistics.label("a waiting user served").collect(served);
        Statistics.label("an unredeem without a coupon").collect(unredeemWithoutCoupon);
        Statistics.label("a redeem or unredeem of a returned coupon").collect(refusalOfReturned);
        Statistics.label("a served user's request re-delivered").collect(servedRedelivered);
        Statistics.label("a request not eligible").collect(decisions.stream().anyMatch(d -> d.outcome() == IssuingOutcome.NOT_ELIGIBLE));
    }

    @Provide
    Arbitrary<Scenario> scenarios() {
        return scenarios(false);
    }

    @Provide
    Arbitrary<Scenario> drawScenarios() {
        return scenarios(true);
    }

    private static Arbitrary<Scenario> scenarios(boolean withDraw) {
        List<String> events = withDraw ? List.of("a", "b", DRAWN) : EVENTS;
        // A run lasts about a millisecond per step (120 at most): some events close (or their coupons expire) half-way.
        // With a draw, 60 to 150 steps of about 7 ms: they cross the window's end (T0 + 100 ms) and the draw's due time (T0 + 350 ms).
        Arbitrary<Integer> closing = Arbitraries.integers().between(60, 900).injectNull(0.4);
        Arbitrary<Integer> drawClosing = Arbitraries.integers().between(450, 1_500).injectNull(0.4);
        Arbitrary<Duration> retention = Arbitraries.frequencyOf(
                Tuple.of(3, Arbitraries.just(Environment.DEFAULT_EVENT_RETENTION)),
                Tuple.of(1, Arbitraries.integers().between(30, 300).map(Duration::ofMillis)));
        Arbitrary<String> event = Arbitraries.of(events);
        // Few users, so that actions mostly meet coupons that exist and the waitlist fills.
        Arbitrary<String> user = Arbitraries.integers().between(1, 7).map(u -> "u-" + u);
        Arbitrary<Eligibility> rule = Arbitraries.of(GOLD, VIP_ONLY).injectNull(0.5);
        Arbitrary<EligibleAs> checked = Arbitraries.of(AS_GOLD, AS_VIP, AS_SILVER).injectNull(0.3);
        Arbitrary<Step> define = Combinators.combine(event, Arbitraries.integers().between(1, 4), Arbitraries.integers().between(0, 3),
                        Arbitraries.integers().between(30, 900).injectNull(0.5), rule)
                .as((e, limit, waitlist, valid, r) -> new Define(e, limit, waitlist, valid, e.equals("b") ? null : r));
        Arbitrary<Step> apply = Combinators.combine(event, user, checked).as(Apply::new);
        Arbitrary<Step> redeliver = Arbitraries.integers().between(0, 1_000).map(Redeliver::new);
        Arbitrary<ActionType> actionType = Arbitraries.frequencyOf(Tuple.of(3, Arbitraries.just(ActionType.REDEEM)),
                Tuple.of(2, Arbitraries.just(ActionType.UNREDEEM)), Tuple.of(3, Arbitraries.just(ActionType.RETURN)));
        Arbitrary<Step> act = Combinators.combine(event, user, actionType, Arbitraries.of("o-1", "o-2", "o-3"))
                .as((e, u, type, order) -> new Act(e, u, type, type == ActionType.RETURN ? null : order));
        Arbitrary<Step> step = withDraw
                ? Arbitraries.frequencyOf(Tuple.of(1, define), Tuple.of(8, apply), Tuple.of(2, redeliver), Tuple.of(5, act),
                        Tuple.of(1, event.map(Tick::new)),
                        Tuple.of(1, Combinators.combine(user, Arbitraries.integers().between(0, 32), checked)
                                .as((u, t, c) -> new LateEntrant(DRAWN, u, t, c))))
                : Arbitraries.frequencyOf(Tuple.of(1, define), Tuple.of(8, apply), Tuple.of(2, redeliver), Tuple.of(6, act));
        Arbitrary<Integer> lag = Arbitraries.frequencyOf(Tuple.of(17, Arbitraries.just(0)), Tuple.of(3, Arbitraries.integers().between(1, 40)));
        Arbitrary<Timed> timed = Combinators.combine(step, Arbitraries.integers().between(0, withDraw ? 5 : 2), lag).as(Timed::new);
        Arbitrary<Step> first = Combinators.combine(Arbitraries.integers().between(1, 3), Arbitraries.integers().between(0, 4),
                        Arbitraries.integers().between(30, 900).injectNull(0.5), rule)
                .as((limit, waitlist, valid, r) -> new Define("*", limit, waitlist, valid, r));
        Arbitrary<DrawWindow> draw = withDraw
                ? Combinators.combine(Arbitraries.of(SEEDS), Arbitraries.integers().between(1, 6).injectNull(0.6))
                        .as((seed, cap) -> new DrawWindow(1, cap, seed))
                : Arbitraries.just(null);
        Arbitrary<Boolean> tickAtDue = withDraw ? Arbitraries.of(true, true, true, false) : Arbitraries.just(false);
        return Combinators.combine(closing.list().ofSize(events.size()), drawClosing, retention, first,
                        timed.list().ofMinSize(withDraw ? 60 : 30).ofMaxSize(withDraw ? 150 : 120), draw, tickAtDue)
                .as((closings, drawCloses, kept, initial, steps, window, tick) -> {
                    Map<String, Integer> closesAfter = new HashMap<>();
                    List<Timed> all = new ArrayList<>();
                    for (int i = 0; i < events.size(); i++) {
                        closesAfter.put(events.get(i), events.get(i).equals(DRAWN) ? drawCloses : closings.get(i));
                        Define d = (Define) initial;
                        all.add(new Timed(new Define(events.get(i), d.limit(), d.waitlist(), d.validAfter(),
                                events.get(i).equals("b") ? null : d.eligibility()), 0, 0));
                    }
                    all.addAll(steps);
                    return new Scenario(closesAfter, kept, all, window, tick);
                });
    }

    /** The scenario's input logs: each step appended to its topic, stamped by the tick it falls on. */
    private static Inputs inputs(Scenario scenario) {
        var inputs = new Inputs();
        List<CouponRequest> sent = new ArrayList<>();
        long clock = 0;
        int actions = 0;
        boolean dueTickSent = !scenario.tickAtDue();
        for (Timed timed : scenario.steps()) {
            clock += timed.advance();
            long ticks = clock - timed.lag();
            Step step = timed.step();
            if (!dueTickSent && clock >= DRAW_DUE_TICK) {
                // the ingress's tick at the window's end plus the grace
                Instant due = T0.plusMillis((DRAW_DUE_TICK + 1) * TICK + 1);
                inputs.add(TOPICS.requests(), DRAWN, new CouponRequest(new UUID(2, 0).toString(), DRAWN, null, due, true), due);
                dueTickSent = true;
            }
            if (step instanceof Define d) {
                Integer closes = scenario.closesAfter().get(d.eventId());
                EventDefinition definition;
                if (d.eventId().equals(DRAWN)) {
                    // Its closing and its coupons' validity lie after the window's end, as the ingress requires.
                    definition = new EventDefinition(d.eventId(), d.limit(), DRAW_OPENS, closes == null ? null : T0.plusMillis(closes),
                            d.waitlist(), d.validAfter() == null ? null : T0.plusMillis(Math.max(200, d.validAfter()))).withDraw(scenario.draw())
                            .withEligibility(d.eligibility());
                } else {
                    definition = new EventDefinition(d.eventId(), d.limit(), OPENS, closes == null ? null : T0.plusMillis(closes),
                            d.waitlist(), d.validAfter() == null ? null : T0.plusMillis(d.validAfter())).withEligibility(d.eligibility());
                }
                inputs.add(TOPICS.events(), d.eventId(), definition, T0.plusMillis(ticks * TICK));
            } else if (step instanceof Apply a) {
                Instant at = T0.plusMillis(ticks * TICK + 1);
                var request = CouponRequest.application(new UUID(0, sent.size() + 1).toString(), a.eventId(), a.userId(), at, a.eligibleAs());
                sent.add(request);
                inputs.add(TOPICS.requests(), a.eventId(), request, at);
            } else if (step instanceof Redeliver r && !sent.isEmpty()) {
                CouponRequest request = sent.get(r.pick() % sent.size());
                inputs.add(TOPICS.requests(), request.eventId(), request, request.receivedAt());
            } else if (step instanceof Act a) {
                Instant at = T0.plusMillis(ticks * TICK + 2);
                inputs.add(TOPICS.actions(), a.eventId(),
                        new CouponAction(new UUID(1, ++actions).toString(), a.eventId(), a.userId(), a.action(), a.orderId(), null, at), at);
            } else if (step instanceof Tick t) {
                Instant at = T0.plusMillis(ticks * TICK + 1);
                inputs.add(TOPICS.requests(), t.eventId(),
                        new CouponRequest(new UUID(2, ++actions).toString(), t.eventId(), null, at, true), at);
            } else if (step instanceof LateEntrant late) {
                Instant at = T0.plusMillis(late.tickInWindow() * TICK + 1);
                var request = CouponRequest.application(new UUID(0, sent.size() + 1).toString(), late.eventId(), late.userId(), at,
                        late.eligibleAs());
                sent.add(request);
                inputs.add(TOPICS.requests(), late.eventId(), request, at);
            }
        }
        return inputs;
    }

    // ---- the readings the audit and the processor once differed on, and altered logs ----

    @Example
    void anUnredeemWithoutACouponIsNotRedeemed() throws IOException {
        var inputs = new Inputs();
        define(inputs, "a", 1, 0, null, null, 0);
        request(inputs, "a", "r-1", "u-1", 10);
        action(inputs, "a", "x-1", "u-2", ActionType.UNREDEEM, "o-1", 11);
        action(inputs, "a", "x-2", "u-3", ActionType.REDEEM, "o-1", 12);

        Outputs outputs = topology(Environment.DEFAULT_EVENT_RETENTION, inputs);

        assertThat(outputs.decisionValues()).extracting(CouponDecision::outcome)
                .containsExactly(IssuingOutcome.ISSUED, IssuingOutcome.NOT_REDEEMED, IssuingOutcome.NOT_ISSUED);
        assertConsistent(inputs, outputs);
    }

    @Example
    void aRedeemOrUnredeemOfAReturnedCouponNamesNoCouponAndAReturnAgainDoes() throws IOException {
        var inputs = new Inputs();
        define(inputs, "a", 1, 0, null, 900, 0);
        request(inputs, "a", "r-1", "u-1", 10);
        action(inputs, "a", "x-1", "u-1", ActionType.RETURN, null, 11);
        action(inputs, "a", "x-2", "u-1", ActionType.REDEEM, "o-1", 12);
        action(inputs, "a", "x-3", "u-1", ActionType.UNREDEEM, "o-1", 13);
        action(inputs, "a", "x-4", "u-1", ActionType.RETURN, null, 14);

        Outputs outputs = topology(Environment.DEFAULT_EVENT_RETENTION, inputs);

        Instant validUntil = T0.plusMillis(900);
        assertThat(outputs.decisionValues()).containsExactly(
                new CouponDecision("r-1", "a", "u-1", IssuingOutcome.ISSUED, 1, T0.plusMillis(10), null, null, validUntil),
                new CouponDecision("x-1", "a", "u-1", IssuingOutcome.RETURNED, 1, T0.plusMillis(11), ActionType.RETURN, null, validUntil),
                new CouponDecision("x-2", "a", "u-1", IssuingOutcome.NOT_ISSUED, null, T0.plusMillis(12), ActionType.REDEEM, null, null),
                new CouponDecision("x-3", "a", "u-1", IssuingOutcome.NOT_REDEEMED, null, T0.plusMillis(13), ActionType.UNREDEEM, null, null),
                new CouponDecision("x-4", "a", "u-1", IssuingOutcome.RETURNED, 1, T0.plusMillis(14), ActionType.RETURN, null, validUntil));
        assertConsistent(inputs, outputs);
    }

    /** Limit 1, waitlist 1: u-1 holds the coupon, u-2 waits, u-1 returns it at 30 and u-2 is served then. */
    private static Inputs servedAtTheReturn() {
        var inputs = new Inputs();
        define(inputs, "a", 1, 1, null, null, 0);
        request(inputs, "a", "r-1", "u-1", 10);
        request(inputs, "a", "r-2", "u-2", 20);
        action(inputs, "a", "x-1", "u-1", ActionType.RETURN, null, 30);
        return inputs;
    }

    @Example
    void aServedUsersRequestReDeliveredIsAnsweredWithTheCouponStampedWhenTheyWereServed() throws IOException {
        Inputs inputs = servedAtTheReturn();
        // the ingress publishes u-2's request again, byte for byte (its own time, 20), after a later request moved time on
        request(inputs, "a", "r-3", "u-3", 40);
        request(inputs, "a", "r-2", "u-2", 20);

        Outputs outputs = topology(Environment.DEFAULT_EVENT_RETENTION, inputs);

        assertThat(outputs.decisionValues()).last()
                .isEqualTo(new CouponDecision("r-2", "a", "u-2", IssuingOutcome.ISSUED, 2, T0.plusMillis(30), null, null, null));
        assertConsistent(inputs, outputs);
    }

    @Example
    void aReturnStampedBeforeTheClosingButReadAfterItServesNobody() throws IOException {
        // closes at 100; u-3's request at 101 moves stream time past it; the shop's return stamped 90 is read after a later action
        var inputs = new Inputs();
        define(inputs, "a", 1, 1, 100, null, 0);
        request(inputs, "a", "r-1", "u-1", 10);
        request(inputs, "a", "r-2", "u-2", 20);
        request(inputs, "a", "r-3", "u-3", 101);
        action(inputs, "a", "x-1", "u-9", ActionType.REDEEM, "o-1", 102);
        action(inputs, "a", "x-2", "u-1", ActionType.RETURN, null, 90);

        Outputs outputs = topology(Environment.DEFAULT_EVENT_RETENTION, inputs);

        assertThat(outputs.decisionValues()).extracting(CouponDecision::requestId, CouponDecision::outcome).containsExactly(
                tuple("r-1", IssuingOutcome.ISSUED), tuple("r-2", IssuingOutcome.WAITLISTED), tuple("r-3", IssuingOutcome.CLOSED),
                tuple("x-1", IssuingOutcome.NOT_ISSUED), tuple("x-2", IssuingOutcome.RETURNED));
        assertConsistent(inputs, outputs);
    }

    @Example
    void namesAServedDecisionWithAnotherCoupon() throws IOException {
        Inputs inputs = servedAtTheReturn();
        Outputs outputs = topology(Environment.DEFAULT_EVENT_RETENTION, inputs);
        // offset 2: the return's decision; offset 3: u-2 served coupon 2
        Outputs altered = outputs.withDecision(3, d -> new CouponDecision(d.requestId(), d.eventId(), d.userId(), d.outcome(), 3,
                d.decidedAt(), d.action(), d.orderId(), d.validUntil()));

        assertThat(differencesIn(inputs, altered)).anySatisfy(line -> assertThat(line)
                .startsWith("coupon-decisions partition 0 offset 3: decision ISSUED (coupon 3) for user u-2 at 2026-11-24T10:00:00.030Z,"
                        + " but the audit decides request r-2 (coupon-actions partition 0 offset 0) of user u-2 at"
                        + " 2026-11-24T10:00:00.030Z ISSUED (coupon 2)"));
    }

    @Example
    void namesARedeliveredDecisionStampedWithTheRedeliveredRecordsTime() throws IOException {
        Inputs inputs = servedAtTheReturn();
        request(inputs, "a", "r-3", "u-3", 40);
        request(inputs, "a", "r-2", "u-2", 20);
        Outputs outputs = topology(Environment.DEFAULT_EVENT_RETENTION, inputs);
        int last = outputs.decisions().size() - 1;
        Outputs altered = outputs.withDecision(last, d -> new CouponDecision(d.requestId(), d.eventId(), d.userId(), d.outcome(),
                d.couponNo(), T0.plusMillis(20), d.action(), d.orderId(), d.validUntil()));

        assertThat(differencesIn(inputs, altered)).singleElement().asString()
                .startsWith("coupon-decisions partition 0 offset " + last + ": decision ISSUED (coupon 2) for user u-2 at"
                        + " 2026-11-24T10:00:00.020Z, but the audit decides request r-2 (coupon-requests partition 0 offset 3) of user u-2"
                        + " at 2026-11-24T10:00:00.030Z ISSUED (coupon 2)");
    }

    @Example
    void namesAnUnredeemRefusedAsNotIssuedAndAMissingDecision() throws IOException {
        var inputs = new Inputs();
        define(inputs, "a", 1, 0, null, null, 0);
        request(inputs, "a", "r-1", "u-1", 10);
        action(inputs, "a", "x-1", "u-2", ActionType.UNREDEEM, "o-1", 11);
        request(inputs, "a", "r-2", "u-2", 20);
        Outputs outputs = topology(Environment.DEFAULT_EVENT_RETENTION, inputs);

        Outputs notIssued = outputs.withDecision(1, d -> new CouponDecision(d.requestId(), d.eventId(), d.userId(), IssuingOutcome.NOT_ISSUED,
                d.couponNo(), d.decidedAt(), d.action(), d.orderId(), d.validUntil()));
        Outputs missing = outputs.withDecision(2, d -> null);

        assertThat(differencesIn(inputs, notIssued)).singleElement().asString()
                .isEqualTo("coupon-decisions partition 0 offset 1: decision UNREDEEM NOT_ISSUED for user u-2 at 2026-11-24T10:00:00.011Z,"
                        + " but the audit decides action x-1 (coupon-actions partition 0 offset 0) of user u-2 at"
                        + " 2026-11-24T10:00:00.011Z UNREDEEM NOT_REDEEMED");
        assertThat(differencesIn(inputs, missing)).singleElement().asString()
                .isEqualTo("coupon-requests partition 0 offset 1: no decision on coupon-decisions for request r-2 of user u-2"
                        + " (the audit decides SOLD_OUT)");
    }

    /**
     * Event d, limit 1, waitlist 1, drawn by the seed that ranks u-1, u-2, u-4, u-3: four entrants who
     * apply in the order u-4, u-3, u-2, u-1 (u-2's request published twice), u-6 just after the window
     * (held for the draw), the ingress's tick at the window's end plus the grace, u-8 after it, then
     * u-5's request, stamped inside the window by a slower ingress, appended after the draw.
     */
    private static Inputs aDraw() {
        var inputs = new Inputs();
        inputs.add(TOPICS.events(), DRAWN, new EventDefinition(DRAWN, 1, DRAW_OPENS, null, 1, null)
                .withDraw(new DrawWindow(1, null, SEEDS.get(0))), T0);
        request(inputs, DRAWN, "r-4", "u-4", 10);
        request(inputs, DRAWN, "r-3", "u-3", 20);
        request(inputs, DRAWN, "r-2", "u-2", 30);
        request(inputs, DRAWN, "r-1", "u-1", 40);
        request(inputs, DRAWN, "r-2", "u-2", 30);
        request(inputs, DRAWN, "r-6", "u-6", 160);
        Instant due = T0.plusMillis(350);
        inputs.add(TOPICS.requests(), DRAWN, CouponRequest.tick(DRAWN, due), due);
        request(inputs, DRAWN, "r-8", "u-8", 430);
        request(inputs, DRAWN, "r-5", "u-5", 90);
        return inputs;
    }

    /** Waits for the processor's draw (see {@link #findsNoDifferenceInADrawThatTheProcessorPublishes}). */
    @Example
    void aDrawDecidesEntrantsByTheSeedHeldRequestsAfterItAndALateEntrantFirstCome() throws IOException {
        Inputs inputs = aDraw();

        Outputs outputs = topology(Environment.DEFAULT_EVENT_RETENTION, inputs);

        Instant windowEnd = DRAW_OPENS.plusSeconds(1);
        assertThat(outputs.decisionValues()).extracting(CouponDecision::requestId, CouponDecision::outcome, CouponDecision::drawRank)
                .containsExactly(
                        tuple("r-4", IssuingOutcome.IN_DRAW, null), tuple("r-3", IssuingOutcome.IN_DRAW, null),
                        tuple("r-2", IssuingOutcome.IN_DRAW, null), tuple("r-1", IssuingOutcome.IN_DRAW, null),
                        tuple("r-2", IssuingOutcome.IN_DRAW, null),
                        tuple("r-1", IssuingOutcome.ISSUED, 1), tuple("r-2", IssuingOutcome.WAITLISTED, 2),
                        tuple("r-4", IssuingOutcome.NOT_DRAWN, 3), tuple("r-3", IssuingOutcome.NOT_DRAWN, 4),
                        tuple("r-6", IssuingOutcome.SOLD_OUT, null), tuple("r-8", IssuingOutcome.SOLD_OUT, null),
                        tuple("r-5", IssuingOutcome.SOLD_OUT, null));
        assertThat(outputs.decisionValues().subList(5, 9)).extracting(CouponDecision::decidedAt).containsOnly(windowEnd);
        assertConsistent(inputs, outputs);
    }

    /**
     * Limit 1, waitlist 1: the draw issues u-1's coupon and puts u-2 on the waitlist; u-1 returns the
     * coupon and u-2 is served (an ordinary serving decision, without a rank); u-2's request published
     * again afterwards hears that served decision as it was published (docs/fair-opening.md), not with
     * the draw's rank added. Waits for the processor's draw.
     */
    @Example
    void aServedEntrantsRequestReDeliveredHearsTheServedDecisionAsPublished() throws IOException {
        var inputs = new Inputs();
        inputs.add(TOPICS.events(), DRAWN, new EventDefinition(DRAWN, 1, DRAW_OPENS, null, 1, null)
                .withDraw(new DrawWindow(1, null, SEEDS.get(0))), T0);
        request(inputs, DRAWN, "r-1", "u-1", 10);
        request(inputs, DRAWN, "r-2", "u-2", 31);
        Instant due = T0.plusMillis(350);
        inputs.add(TOPICS.requests(), DRAWN, CouponRequest.tick(DRAWN, due), due);
        action(inputs, DRAWN, "x-1", "u-1", ActionType.RETURN, null, 362);
        request(inputs, DRAWN, "r-3", "u-3", 400);
        request(inputs, DRAWN, "r-2", "u-2", 31);

        Outputs outputs = topology(Environment.DEFAULT_EVENT_RETENTION, inputs);

        assertThat(outputs.decisionValues()).last()
                .isEqualTo(new CouponDecision("r-2", DRAWN, "u-2", IssuingOutcome.ISSUED, 2, T0.plusMillis(362), null, null, null));
        assertConsistent(inputs, outputs);
    }

    /** Waits for the processor's draw (see {@link #findsNoDifferenceInADrawThatTheProcessorPublishes}). */
    @Example
    void namesADrawDecisionAlteredByHand() throws IOException {
        Inputs inputs = aDraw();
        Outputs outputs = topology(Environment.DEFAULT_EVENT_RETENTION, inputs);
        int notDrawn = outputs.decisionValues().indexOf(outputs.decisionValues().stream()
                .filter(d -> d.outcome() == IssuingOutcome.NOT_DRAWN && d.userId().equals("u-3")).findFirst().orElseThrow());
        // u-3, ranked 4th of 4, published as the winner of coupon 1
        Outputs altered = outputs.withDecision(notDrawn, d -> new CouponDecision(d.requestId(), d.eventId(), d.userId(), IssuingOutcome.ISSUED,
                1, d.decidedAt(), null, null, null, 1, d.entrants()));

        assertThat(differencesIn(inputs, altered)).anySatisfy(line -> assertThat(line).isEqualTo(
                "coupon-decisions partition 0 offset " + notDrawn + ": event d: the draw ranks u-3 4th of 4 by the seed: NOT_DRAWN;"
                        + " coupon-decisions says ISSUED coupon 1 (rank 1 of 4) (request r-3, coupon-requests partition 0 offset 1)"));
    }

    /**
     * Event a, limit 1, gold or vip only: u-1's request checked as silver is refused, their next as gold
     * issued; the rule removed, u-2 applies without anything checked (sold out); the rule back as vip only
     * with limit 2, u-3's gold is refused and u-4's vip issued.
     */
    private static Inputs eligibility() {
        var inputs = new Inputs();
        define(inputs, "a", 1, GOLD, 0);
        request(inputs, "a", "r-1", "u-1", 10, AS_SILVER);
        request(inputs, "a", "r-2", "u-1", 11, AS_GOLD);
        define(inputs, "a", 1, null, 12);
        request(inputs, "a", "r-3", "u-2", 13, null);
        define(inputs, "a", 2, VIP_ONLY, 14);
        request(inputs, "a", "r-4", "u-3", 15, AS_GOLD);
        request(inputs, "a", "r-5", "u-4", 16, AS_VIP);
        return inputs;
    }

    @Example
    void refusesARequestTheRuleInForceDoesNotAcceptAndLetsTheUserApplyAgain() throws IOException {
        Inputs inputs = eligibility();

        Outputs outputs = topology(Environment.DEFAULT_EVENT_RETENTION, inputs);

        assertThat(outputs.decisionValues()).extracting(CouponDecision::requestId, CouponDecision::outcome, CouponDecision::couponNo)
                .containsExactly(tuple("r-1", IssuingOutcome.NOT_ELIGIBLE, null), tuple("r-2", IssuingOutcome.ISSUED, 1),
                        tuple("r-3", IssuingOutcome.SOLD_OUT, null), tuple("r-4", IssuingOutcome.NOT_ELIGIBLE, null),
                        tuple("r-5", IssuingOutcome.ISSUED, 2));
        assertConsistent(inputs, outputs);
    }

    @Example
    void namesWhatARequestCarriedAndTheRuleItWasJudgedByWhenAnEligibilityDecisionDiffers() throws IOException {
        Inputs inputs = eligibility();
        Outputs outputs = topology(Environment.DEFAULT_EVENT_RETENTION, inputs);

        Outputs soldOut = outputs.withDecision(0, d -> new CouponDecision(d.requestId(), d.eventId(), d.userId(), IssuingOutcome.SOLD_OUT,
                null, d.decidedAt()));
        Outputs refused = outputs.withDecision(4, d -> new CouponDecision(d.requestId(), d.eventId(), d.userId(),
                IssuingOutcome.NOT_ELIGIBLE, null, d.decidedAt()));

        assertThat(differencesIn(inputs, soldOut)).singleElement().asString().isEqualTo(
                "coupon-decisions partition 0 offset 0: decision SOLD_OUT for user u-1 at 2026-11-24T10:00:00.010Z, but the audit decides"
                        + " request r-1 (coupon-requests partition 0 offset 0) of user u-1 at 2026-11-24T10:00:00.010Z NOT_ELIGIBLE:"
                        + " the request carried eligibleAs tier=silver; the event's eligibility then: tier any of [gold, vip],"
                        + " which does not accept it");
        assertThat(differencesIn(inputs, refused)).anySatisfy(line -> assertThat(line).isEqualTo(
                "coupon-decisions partition 0 offset 4: decision NOT_ELIGIBLE for user u-4 at 2026-11-24T10:00:00.016Z, but the audit"
                        + " decides request r-5 (coupon-requests partition 0 offset 4) of user u-4 at 2026-11-24T10:00:00.016Z ISSUED"
                        + " (coupon 2): the request carried eligibleAs tier=vip; the event's eligibility then: tier any of [vip],"
                        + " which accepts it"));
    }

    /**
     * Event d, limit 1, gold or vip only, with a draw: u-1 (gold) enters, u-2 (silver) is refused and no
     * entrant; the rule becomes vip only inside the window, so u-3 (gold) is refused; u-4 (vip) and u-5
     * (gold) apply after the window and are held: after the draw (u-1 issued, still an entrant: not
     * checked again) u-4 is sold out and u-5 refused by the rule then in force. Waits for the processor's draw.
     */
    @Example
    void aDrawRanksOnlyEntrantsTheRuleAcceptedAndChecksHeldRequestsAfterIt() throws IOException {
        var inputs = new Inputs();
        DrawWindow window = new DrawWindow(1, null, SEEDS.get(0));
        inputs.add(TOPICS.events(), DRAWN, new EventDefinition(DRAWN, 1, DRAW_OPENS, null, 0, null).withDraw(window)
                .withEligibility(GOLD), T0);
        request(inputs, DRAWN, "r-1", "u-1", 10, AS_GOLD);
        request(inputs, DRAWN, "r-2", "u-2", 20, AS_SILVER);
        inputs.add(TOPICS.events(), DRAWN, new EventDefinition(DRAWN, 1, DRAW_OPENS, null, 0, null).withDraw(window)
                .withEligibility(VIP_ONLY), T0.plusMillis(24));
        request(inputs, DRAWN, "r-3", "u-3", 30, AS_GOLD);
        request(inputs, DRAWN, "r-4", "u-4", 160, AS_VIP);
        request(inputs, DRAWN, "r-5", "u-5", 170, AS_GOLD);
        Instant due = T0.plusMillis(350);
        inputs.add(TOPICS.requests(), DRAWN, CouponRequest.tick(DRAWN, due), due);

        Outputs outputs = topology(Environment.DEFAULT_EVENT_RETENTION, inputs);

        assertThat(outputs.decisionValues()).extracting(CouponDecision::requestId, CouponDecision::outcome, CouponDecision::drawRank)
                .containsExactly(
                        tuple("r-1", IssuingOutcome.IN_DRAW, null), tuple("r-2", IssuingOutcome.NOT_ELIGIBLE, null),
                        tuple("r-3", IssuingOutcome.NOT_ELIGIBLE, null), tuple("r-1", IssuingOutcome.ISSUED, 1),
                        tuple("r-4", IssuingOutcome.SOLD_OUT, null), tuple("r-5", IssuingOutcome.NOT_ELIGIBLE, null));
        assertConsistent(inputs, outputs);
    }

    // ---- the processor, the audit ----

    private static void define(Inputs inputs, String event, int limit, int waitlist, Integer closesAfter, Integer validAfter, long at) {
        inputs.add(TOPICS.events(), event, new EventDefinition(event, limit, OPENS.minusMillis(6),
                closesAfter == null ? null : T0.plusMillis(closesAfter), waitlist, validAfter == null ? null : T0.plusMillis(validAfter)),
                T0.plusMillis(at));
    }

    /** A definition of {@code event} as {@link #define} makes it, without waitlist, closing or expiry, with {@code rule} (null: none). */
    private static void define(Inputs inputs, String event, int limit, Eligibility rule, long at) {
        inputs.add(TOPICS.events(), event, new EventDefinition(event, limit, OPENS.minusMillis(6), null).withEligibility(rule),
                T0.plusMillis(at));
    }

    /** An application the ingress checked as {@code eligibleAs} (null: nothing). */
    private static void request(Inputs inputs, String event, String requestId, String user, long at, EligibleAs eligibleAs) {
        inputs.add(TOPICS.requests(), event, CouponRequest.application(requestId, event, user, T0.plusMillis(at), eligibleAs),
                T0.plusMillis(at));
    }

    private static void request(Inputs inputs, String event, String requestId, String user, long at) {
        inputs.add(TOPICS.requests(), event, new CouponRequest(requestId, event, user, T0.plusMillis(at)), T0.plusMillis(at));
    }

    private static void action(Inputs inputs, String event, String actionId, String user, ActionType type, String orderId, long at) {
        inputs.add(TOPICS.actions(), event, new CouponAction(actionId, event, user, type, orderId, null, T0.plusMillis(at)),
                T0.plusMillis(at));
    }

    /** The processor's topology, fed the inputs in its task's order; what it published. */
    private static Outputs topology(Duration retention, Inputs inputs) throws IOException {
        Path stateDir = Files.createTempDirectory("audit-agrees");
        try {
            Properties props = StreamsSettings.of(new ProcessorConfig("unused:9092", "audit-agrees", stateDir, 0, "localhost", 1), TOPICS);
            // As the processor's own topology tests: the driver processes one record at a time, exactly-once is proven elsewhere.
            props.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.AT_LEAST_ONCE);
            // The test driver's clock never moves, so the production wait for an empty partition
            // (max.task.idle.ms) would never end; records are piped in the order the task takes them.
            props.put(StreamsConfig.MAX_TASK_IDLE_MS_CONFIG, 0L);
            try (var driver = new TopologyTestDriver(IssuingTopology.build(TOPICS, retention), props)) {
                Map<String, TestInputTopic<String, byte[]>> topics = new HashMap<>();
                for (String name : List.of(TOPICS.events().name(), TOPICS.requests().name(), TOPICS.actions().name())) {
                    topics.put(name, driver.createInputTopic(name, new StringSerializer(), new ByteArraySerializer()));
                }
                for (Input input : inputs.taskOrder()) {
                    topics.get(input.topic()).pipeInput(new TestRecord<>(input.key(), input.value(), Instant.ofEpochMilli(input.timestamp())));
                }
                return new Outputs(read(driver, TOPICS.decisions().name()), read(driver, TOPICS.issued().name()),
                        read(driver, TOPICS.changes().name()));
            }
        } finally {
            try (Stream<Path> paths = Files.walk(stateDir)) {
                for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                    Files.deleteIfExists(p);
                }
            }
        }
    }

    private static List<TestRecord<byte[], byte[]>> read(TopologyTestDriver driver, String topic) {
        return driver.createOutputTopic(topic, new ByteArrayDeserializer(), new ByteArrayDeserializer()).readRecordsToList();
    }

    /** The audit of the inputs with {@code outputs} as the published logs, all in partition 0; its report goes to {@code report}. */
    private static Audit audit(Duration retention, Inputs inputs, Outputs outputs, OutputStream report) {
        var audit = new Audit(retention, 100, new PrintStream(report, true, UTF_8), new PrintStream(OutputStream.nullOutputStream()));
        audit.auditLogs(List.of(new Audit.PartitionLogs(
                () -> consumed(inputs.definitions()).iterator(),
                () -> consumed(inputs.requests()).iterator(),
                () -> consumed(inputs.actions()).iterator(),
                () -> published(TOPICS.decisions().name(), outputs.decisions()).iterator(),
                () -> published(TOPICS.issued().name(), outputs.issued()).iterator(),
                () -> published(TOPICS.changes().name(), outputs.changes()).iterator())),
                inputs.requests().size() + inputs.actions().size());
        return audit;
    }

    private static void assertConsistent(Inputs inputs, Outputs outputs) {
        var report = new ByteArrayOutputStream();
        Audit audit = audit(Environment.DEFAULT_EVENT_RETENTION, inputs, outputs, report);
        int status = audit.report();
        assertThat(differences(audit)).as("%s", report.toString(UTF_8)).isEmpty();
        assertThat(status).as("%s", report.toString(UTF_8)).isEqualTo(Audit.CONSISTENT);
    }

    private static List<String> differencesIn(Inputs inputs, Outputs outputs) {
        Audit audit = audit(Environment.DEFAULT_EVENT_RETENTION, inputs, outputs, OutputStream.nullOutputStream());
        assertThat(audit.report()).isEqualTo(Audit.DISCREPANCIES);
        return differences(audit);
    }

    private static List<String> differences(Audit audit) {
        return audit.audits().values().stream().flatMap(a -> a.listedDiscrepancies().stream()).toList();
    }

    private static List<ConsumerRecord<byte[], byte[]>> consumed(List<Input> log) {
        List<ConsumerRecord<byte[], byte[]>> records = new ArrayList<>();
        for (Input input : log) {
            records.add(record(input.topic(), records.size(), input.timestamp(), input.key().getBytes(UTF_8), input.value()));
        }
        return records;
    }

    private static List<ConsumerRecord<byte[], byte[]>> published(String topic, List<TestRecord<byte[], byte[]>> log) {
        List<ConsumerRecord<byte[], byte[]>> records = new ArrayList<>();
        for (TestRecord<byte[], byte[]> r : log) {
            records.add(record(topic, records.size(), r.timestamp(), r.key(), r.value()));
        }
        return records;
    }

    private static ConsumerRecord<byte[], byte[]> record(String topic, long offset, long timestamp, byte[] key, byte[] value) {
        return new ConsumerRecord<>(topic, 0, offset, timestamp, TimestampType.CREATE_TIME, key.length, value.length, key, value,
                new RecordHeaders(), Optional.empty());
    }
}
