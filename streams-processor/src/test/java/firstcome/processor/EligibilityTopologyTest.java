package firstcome.processor;

import static firstcome.processor.DrawRulesTest.SEED;
import static firstcome.processor.TopologyFixture.T0;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import firstcome.contract.ActionType;
import firstcome.contract.CouponDecision;
import firstcome.contract.CouponRequest;
import firstcome.contract.DrawWindow;
import firstcome.contract.Eligibility;
import firstcome.contract.EligibleAs;
import firstcome.contract.EventDefinition;
import firstcome.contract.IssuedCoupon;
import firstcome.contract.IssuingOutcome;
import firstcome.contract.Json;
import firstcome.contract.query.ApplicationStatus;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An event's eligibility through the production topology (docs/identities.md, "Eligibility"): the
 * processor checks each request's {@code eligibleAs} against the event's rule at that point of the log,
 * where the event's room would decide, and refuses one the rule does not accept {@code NOT_ELIGIBLE}.
 */
class EligibilityTopologyTest {

    private static final Eligibility GOLD = new Eligibility("tier", List.of("gold", "vip"));
    private static final Eligibility VIP_ONLY = new Eligibility("tier", List.of("vip"));
    private static final EligibleAs AS_GOLD = new EligibleAs("tier", "gold");
    private static final EligibleAs AS_VIP = new EligibleAs("tier", "vip");
    private static final EligibleAs AS_SILVER = new EligibleAs("tier", "silver");
    private static final DrawWindow WINDOW = new DrawWindow(10, null, SEED);
    private static final Instant WINDOW_END = T0.plusSeconds(10);
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

    private static Instant at(long millis) {
        return T0.plusMillis(millis);
    }

    private static EventDefinition event(String eventId, int limit, int waitlist, Eligibility rule) {
        return new EventDefinition(eventId, limit, T0, null, waitlist, null).withEligibility(rule);
    }

    private ApplicationStatus statusOf(String eventId, String userId, Instant now) {
        EventDefinition event = fixture.<EventDefinition>store(IssuingTopology.DEFINITIONS_STORE).get(eventId);
        return LifecycleRules.status(fixture.decisionOf(eventId, userId), event, fixture.tallyOf(eventId), now);
    }

    @Test
    void decidesARequestTheRuleAcceptsAsBefore() {
        fixture.define(event("e", 1, 0, GOLD), T0);

        String gold = fixture.apply("e", "u-1", at(1), AS_GOLD);
        String vip = fixture.apply("e", "u-2", at(2), AS_VIP);

        assertThat(fixture.decisionsPublished()).containsExactly(
                new CouponDecision(gold, "e", "u-1", IssuingOutcome.ISSUED, 1, at(1)),
                new CouponDecision(vip, "e", "u-2", IssuingOutcome.SOLD_OUT, null, at(2)));
        assertThat(fixture.issuedCoupons()).containsExactly(new IssuedCoupon("e", "u-1", 1, gold, at(1)));
    }

    @Test
    void refusesARequestTheRuleDoesNotAcceptAndLetsTheUserApplyAgain() {
        fixture.define(event("e", 2, 0, GOLD), T0);

        String silver = fixture.apply("e", "u-1", at(1), AS_SILVER);
        String missing = fixture.apply("e", "u-2", at(2));
        String otherClaim = fixture.apply("e", "u-3", at(3), new EligibleAs("plan", "gold"));

        assertThat(fixture.decisionsPublished()).containsExactly(
                new CouponDecision(silver, "e", "u-1", IssuingOutcome.NOT_ELIGIBLE, null, at(1)),
                new CouponDecision(missing, "e", "u-2", IssuingOutcome.NOT_ELIGIBLE, null, at(2)),
                new CouponDecision(otherClaim, "e", "u-3", IssuingOutcome.NOT_ELIGIBLE, null, at(3)));
        assertThat(fixture.issuedCoupons()).isEmpty();
        assertThat(fixture.decisionOf("e", "u-1")).isEqualTo(Decision.rejected(IssuingOutcome.NOT_ELIGIBLE, silver, at(1)));
        assertThat(fixture.decisionOf("e", "u-1").takesAPlace()).isFalse();
        assertThat(statusOf("e", "u-1", at(4))).isEqualTo(ApplicationStatus.rejected(IssuingOutcome.NOT_ELIGIBLE));
        assertThat(fixture.tallyOf("e").notEligible()).isEqualTo(3);
        assertThat(fixture.tallyOf("e").decided()).isEqualTo(3);

        // The refused request again hears the same; a new application the rule accepts is issued.
        fixture.redeliver(silver);
        String again = fixture.apply("e", "u-1", at(5), AS_GOLD);

        assertThat(fixture.decisionsPublished()).containsExactly(
                new CouponDecision(silver, "e", "u-1", IssuingOutcome.NOT_ELIGIBLE, null, at(1)),
                new CouponDecision(again, "e", "u-1", IssuingOutcome.ISSUED, 1, at(5)));
        assertThat(statusOf("e", "u-1", at(6))).isEqualTo(ApplicationStatus.issued(1));
    }

    @Test
    void refusesNotOpenAndClosedAndDuplicatesBeforeEligibility() {
        fixture.define(new EventDefinition("e", 1, T0, at(100)).withEligibility(GOLD), T0.minusSeconds(1));

        String early = fixture.apply("e", "u-1", T0.minusMillis(1));
        String holder = fixture.apply("e", "u-2", at(1), AS_GOLD);
        String repeat = fixture.apply("e", "u-2", at(2));
        String late = fixture.apply("e", "u-3", at(100));

        assertThat(fixture.decisionsPublished()).extracting(CouponDecision::requestId, CouponDecision::outcome,
                CouponDecision::couponNo).containsExactly(
                        tuple(early, IssuingOutcome.NOT_OPEN, null),
                        tuple(holder, IssuingOutcome.ISSUED, 1),
                        tuple(repeat, IssuingOutcome.DUPLICATE, 1),
                        tuple(late, IssuingOutcome.CLOSED, null));
    }

    @Test
    void decidesByTheRuleInForceWhenTheRequestIsReadAfterARedefinitionAddsOne() {
        fixture.define(event("e", 1, 2, null), T0);
        String holder = fixture.apply("e", "u-1", at(1));
        String waiting = fixture.apply("e", "u-2", at(2));

        // The rule is added while a request the ingress checked against the old definition is on its way.
        fixture.define(event("e", 1, 2, GOLD), at(3));
        String inFlight = fixture.apply("e", "u-3", at(2));
        String holdersRepeat = fixture.apply("e", "u-1", at(4));
        String waitersRepeat = fixture.apply("e", "u-2", at(5));
        String gold = fixture.apply("e", "u-4", at(6), AS_GOLD);

        assertThat(fixture.decisionsPublished()).containsExactly(
                new CouponDecision(holder, "e", "u-1", IssuingOutcome.ISSUED, 1, at(1)),
                new CouponDecision(waiting, "e", "u-2", IssuingOutcome.WAITLISTED, null, at(2)),
                new CouponDecision(inFlight, "e", "u-3", IssuingOutcome.NOT_ELIGIBLE, null, at(2)),
                new CouponDecision(holdersRepeat, "e", "u-1", IssuingOutcome.DUPLICATE, 1, at(4)),
                new CouponDecision(waitersRepeat, "e", "u-2", IssuingOutcome.DUPLICATE, null, at(5)),
                new CouponDecision(gold, "e", "u-4", IssuingOutcome.WAITLISTED, null, at(6)));
        // The holder and the waiting user keep their places: their repeats are not refused for the rule.
        assertThat(fixture.decisionOf("e", "u-1").holdsCoupon()).isTrue();
        assertThat(fixture.decisionOf("e", "u-2").waiting()).isTrue();
    }

    @Test
    void aWaitingUserIsServedWhateverTheRuleSaysByThen() {
        fixture.define(event("e", 1, 2, GOLD), T0);
        fixture.apply("e", "u-1", at(1), AS_GOLD);
        String waiting = fixture.apply("e", "u-2", at(2), AS_GOLD);
        // The rule no longer accepts gold: the waiting user was eligible when they joined.
        fixture.define(event("e", 1, 2, VIP_ONLY), at(3));
        String refused = fixture.apply("e", "u-3", at(4), AS_GOLD);
        String waitingVip = fixture.apply("e", "u-4", at(5), AS_VIP);
        assertThat(fixture.decisionsPublished()).extracting(CouponDecision::requestId, CouponDecision::outcome).endsWith(
                tuple(waiting, IssuingOutcome.WAITLISTED), tuple(refused, IssuingOutcome.NOT_ELIGIBLE),
                tuple(waitingVip, IssuingOutcome.WAITLISTED));

        String returned = fixture.act("e", "u-1", ActionType.RETURN, null, at(6));

        assertThat(fixture.decisionsPublished()).containsExactly(
                new CouponDecision(returned, "e", "u-1", IssuingOutcome.RETURNED, 1, at(6), ActionType.RETURN, null, null),
                new CouponDecision(waiting, "e", "u-2", IssuingOutcome.ISSUED, 2, at(6)));
    }

    @Test
    void refusesWhereTheEventIsFullToo() {
        fixture.define(event("e", 1, 0, GOLD), T0);
        fixture.apply("e", "u-1", at(1), AS_GOLD);

        String ineligible = fixture.apply("e", "u-2", at(2), AS_SILVER);

        assertThat(fixture.decisionsPublished()).extracting(CouponDecision::requestId, CouponDecision::outcome)
                .endsWith(tuple(ineligible, IssuingOutcome.NOT_ELIGIBLE));
        assertThat(fixture.tallyOf("e").soldOut()).isZero();
    }

    @Test
    void decidesAsAnyoneOnceARedefinitionRemovesTheRule() {
        fixture.define(event("e", 2, 0, GOLD), T0);
        String refused = fixture.apply("e", "u-1", at(1));

        fixture.define(event("e", 2, 0, null), at(2));
        String again = fixture.apply("e", "u-1", at(3));
        String checkedEarlier = fixture.apply("e", "u-2", at(4), AS_SILVER);

        assertThat(fixture.decisionsPublished()).containsExactly(
                new CouponDecision(refused, "e", "u-1", IssuingOutcome.NOT_ELIGIBLE, null, at(1)),
                new CouponDecision(again, "e", "u-1", IssuingOutcome.ISSUED, 1, at(3)),
                new CouponDecision(checkedEarlier, "e", "u-2", IssuingOutcome.ISSUED, 2, at(4)));
    }

    @Test
    void aRequestTheRuleRefusesInsideTheDrawWindowIsNoEntrant() {
        fixture.define(new EventDefinition("d", 1, T0, null, 0, null, WINDOW).withEligibility(GOLD), T0.minusSeconds(60));
        String entrant = fixture.apply("d", "u-1", at(1000), AS_GOLD);
        String refused = fixture.apply("d", "u-2", at(2000), AS_SILVER);
        String entrantsRepeat = fixture.apply("d", "u-1", at(3000));
        String refusedAgain = fixture.apply("d", "u-2", at(4000), AS_VIP);

        assertThat(fixture.decisionsPublished()).containsExactly(
                new CouponDecision(entrant, "d", "u-1", IssuingOutcome.IN_DRAW, null, at(1000)),
                new CouponDecision(refused, "d", "u-2", IssuingOutcome.NOT_ELIGIBLE, null, at(2000)),
                new CouponDecision(entrantsRepeat, "d", "u-1", IssuingOutcome.DUPLICATE, null, at(3000)),
                new CouponDecision(refusedAgain, "d", "u-2", IssuingOutcome.IN_DRAW, null, at(4000)));
        assertThat(fixture.tallyOf("d").drawState().entrants()).isEqualTo(2);

        fixture.tick("d", DUE);

        List<String> order = Stream.of("u-1", "u-2").sorted(Comparator.comparing(WINDOW::rankKey)).toList();
        assertThat(fixture.decisionsPublished()).extracting(CouponDecision::userId, CouponDecision::outcome,
                CouponDecision::drawRank, CouponDecision::entrants).containsExactly(
                        tuple(order.get(0), IssuingOutcome.ISSUED, 1, 2),
                        tuple(order.get(1), IssuingOutcome.NOT_DRAWN, 2, 2));
    }

    @Test
    void anEntrantStaysInTheDrawWhenARedefinitionAddsARuleAfterItEntered() {
        fixture.define(new EventDefinition("d", 2, T0, null, 0, null, WINDOW), T0.minusSeconds(60));
        String entrant = fixture.apply("d", "u-1", at(1000));
        fixture.define(new EventDefinition("d", 2, T0, null, 0, null, WINDOW).withEligibility(GOLD), at(1500));
        String refused = fixture.apply("d", "u-2", at(2000));

        fixture.tick("d", DUE);

        assertThat(fixture.decisionsPublished()).containsExactly(
                new CouponDecision(entrant, "d", "u-1", IssuingOutcome.IN_DRAW, null, at(1000)),
                new CouponDecision(refused, "d", "u-2", IssuingOutcome.NOT_ELIGIBLE, null, at(2000)),
                new CouponDecision(entrant, "d", "u-1", IssuingOutcome.ISSUED, 1, WINDOW_END, null, null, null, 1, 1));
    }

    @Test
    void decidesAHeldRequestByTheRuleInForceWhenItIsDecidedAfterTheDraw() {
        fixture.define(new EventDefinition("d", 3, T0, null, 0, null, WINDOW).withEligibility(GOLD), T0.minusSeconds(60));
        String entrant = fixture.apply("d", "u-1", at(1000), AS_GOLD);
        // After the window, before the draw is due: held, checked when decided.
        String heldGold = fixture.apply("d", "u-2", WINDOW_END.plusMillis(10), AS_GOLD);
        String heldVip = fixture.apply("d", "u-3", WINDOW_END.plusMillis(20), AS_VIP);
        assertThat(fixture.tallyOf("d").drawState().held()).isEqualTo(2);
        // The rule changes before the draw: the held requests are decided under it.
        fixture.define(new EventDefinition("d", 3, T0, null, 0, null, WINDOW).withEligibility(VIP_ONLY),
                WINDOW_END.plusMillis(30));

        fixture.tick("d", DUE);

        assertThat(fixture.decisionsPublished()).containsExactly(
                new CouponDecision(entrant, "d", "u-1", IssuingOutcome.IN_DRAW, null, at(1000)),
                new CouponDecision(entrant, "d", "u-1", IssuingOutcome.ISSUED, 1, WINDOW_END, null, null, null, 1, 1),
                new CouponDecision(heldGold, "d", "u-2", IssuingOutcome.NOT_ELIGIBLE, null, WINDOW_END.plusMillis(10)),
                new CouponDecision(heldVip, "d", "u-3", IssuingOutcome.ISSUED, 2, WINDOW_END.plusMillis(20)));
        assertThat(fixture.tallyOf("d").drawState().held()).isZero();
    }

    @Test
    void replaysTheSameLogIntoTheSameBytesAndAnEventWithoutARuleKeepsItsTallysBytes() throws Exception {
        Consumer<TopologyFixture> log = into -> {
            into.define(event("e", 2, 1, GOLD), T0);
            into.define(event("plain", 1, 0, null), T0);
            into.apply("e", "u-1", at(1), AS_GOLD);
            into.apply("e", "u-2", at(2), AS_SILVER);
            into.apply("plain", "u-1", at(3));
            into.define(event("e", 2, 1, VIP_ONLY), at(4));
            into.apply("e", "u-3", at(5), AS_GOLD);
            into.apply("e", "u-2", at(6), AS_VIP);
            into.apply("e", "u-4", at(7), AS_VIP);
            into.act("e", "u-1", ActionType.RETURN, null, at(8));
        };
        log.accept(fixture);
        List<byte[]> live = outputs(fixture);
        try (var replay = new TopologyFixture(stateDir.resolve("replay"))) {
            log.accept(replay);
            List<byte[]> replayed = outputs(replay);
            assertThat(replayed).hasSameSizeAs(live).isNotEmpty();
            for (int i = 0; i < live.size(); i++) {
                assertThat(replayed.get(i)).as("output %d", i).isEqualTo(live.get(i));
            }
        }
        assertThat(Json.mapper().writeValueAsString(fixture.tallyOf("plain"))).doesNotContain("notEligible");
        assertThat(Json.mapper().writeValueAsString(fixture.tallyOf("e"))).contains("\"notEligible\":2");
        assertThat(Json.mapper().readValue(Json.mapper().writeValueAsString(fixture.tallyOf("e")), EventTally.class))
                .isEqualTo(fixture.tallyOf("e"));
        assertThat(new String(fixture.topics.requests().valueSerde().serializer().serialize("r",
                new CouponRequest("r-1", "plain", "u-1", T0)), UTF_8)).doesNotContain("eligibleAs");
    }

    private static List<byte[]> outputs(TopologyFixture from) {
        List<byte[]> bytes = new ArrayList<>();
        for (var output : List.of(from.rawDecided, from.rawIssued, from.rawChanges)) {
            for (TestRecord<byte[], byte[]> record : output.readRecordsToList()) {
                bytes.add(record.key());
                bytes.add(record.value());
            }
        }
        return bytes;
    }
}
