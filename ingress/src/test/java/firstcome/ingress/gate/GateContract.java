package firstcome.ingress.gate;

import static org.assertj.core.api.Assertions.assertThat;

import firstcome.contract.ActionType;
import firstcome.contract.CouponDecision;
import firstcome.contract.CouponRequest;
import firstcome.contract.EligibleAs;
import firstcome.contract.EventDefinition;
import firstcome.contract.IssuingOutcome;
import firstcome.ingress.api.EventId;
import firstcome.ingress.api.Outcome;
import firstcome.ingress.api.UserId;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What every {@link Gate} promises, run against the in-memory {@link FakeGate} ({@link FakeGateTest})
 * and against {@link RedisGate} on a real Redis ({@link RedisGateIT}): the fake that the HTTP tests
 * stand on cannot drift from the gate the ingress runs.
 */
abstract class GateContract {

    private static final Instant AT = Instant.parse("2026-11-24T10:00:00Z");

    /** A fresh event for every test, since the Redis of the integration tests is shared. */
    private final EventId event = new EventId("gate-" + UUID.randomUUID());
    private Gate gate;

    /** A gate with nothing stored for events it has not seen. */
    abstract Gate newGate();

    /** As Redis losing the event's data (a flush, a restart without persistence). */
    abstract void loseTheStateOf(EventId event);

    @BeforeEach
    void openGate() {
        gate = newGate();
        gate.prime(new EventDefinition(event.value(), 1, AT, null), true);
    }

    @AfterEach
    void closeGate() throws Exception {
        if (gate instanceof AutoCloseable closeable) {
            closeable.close();
        }
    }

    @Test
    void admitsUsersInArrivalOrderUpToTheLimit() {
        assertThat(admit("a", 3)).isEqualTo(Gate.Admission.accepted(1));
        assertThat(admit("b", 3)).isEqualTo(Gate.Admission.accepted(2));
        assertThat(admit("c", 3)).isEqualTo(Gate.Admission.accepted(3));

        assertThat(admit("d", 3)).isEqualTo(Gate.Admission.soldOut(0));
        assertThat(gate.count(event)).isEqualTo(3);
        assertThat(gate.holds(event, user("c"))).isTrue();
        assertThat(gate.holds(event, user("d"))).isFalse();
    }

    @Test
    void answersAlreadyAppliedToAUserHoldingASlotEvenOnceSoldOut() {
        admit("a", 1);

        assertThat(admit("a", 1)).isEqualTo(Gate.Admission.alreadyApplied());
        assertThat(admit("b", 1).outcome()).isEqualTo(Outcome.SOLD_OUT);
        assertThat(admit("a", 1)).isEqualTo(Gate.Admission.alreadyApplied());
        assertThat(gate.count(event)).isEqualTo(1);
    }

    @Test
    void keepsTheAcceptedRequestPendingAndNothingForARefusal() {
        CouponRequest accepted = request("a");
        gate.admit(event, user("a"), 1, accepted);

        CouponRequest repeated = request("a");
        gate.admit(event, user("a"), 1, repeated);
        CouponRequest refused = request("b");
        gate.admit(event, user("b"), 1, refused);

        assertThat(gate.pending(event)).containsExactly(accepted);
        assertThat(gate.isPending(accepted)).isTrue();
        assertThat(gate.isPending(repeated)).isFalse();
        assertThat(gate.isPending(refused)).isFalse();
    }

    @Test
    void countsThePendingRequestsUntilTheirDecisionsComeBack() {
        CouponRequest first = request("a");
        CouponRequest second = request("b");
        gate.admit(event, user("a"), 5, first);
        gate.admit(event, user("b"), 5, second);
        gate.admit(event, user("a"), 5, request("a"));
        assertThat(gate.pendingCount(event)).isEqualTo(2);

        gate.follow(event, List.of(decided(first, IssuingOutcome.ISSUED)));

        assertThat(gate.pendingCount(event)).isEqualTo(1);
        assertThat(gate.pendingCount(new EventId("never-defined"))).isZero();
    }

    @Test
    void settlesTheDecidedRequestAndKeepsTheHoldersPlace() {
        CouponRequest first = request("a");
        gate.admit(event, user("a"), 5, first);

        Gate.Corrections corrections = gate.follow(event, List.of(decided(first, IssuingOutcome.ISSUED)));

        assertThat(corrections).isEqualTo(new Gate.Corrections(false, 1, 0, 0));
        assertThat(gate.pending(event)).isEmpty();
        assertThat(gate.holds(event, user("a"))).as("settling keeps the place").isTrue();
        assertThat(gate.count(event)).isEqualTo(1);
    }

    @Test
    void freesThePlaceOfARequestRefusedForAReasonThatCanChange() {
        CouponRequest refused = request("a");
        gate.admit(event, user("a"), 1, refused);
        assertThat(admit("late", 1)).isEqualTo(Gate.Admission.soldOut(0));

        Gate.Corrections corrections = gate.follow(event, List.of(decided(refused, IssuingOutcome.SOLD_OUT)));

        assertThat(corrections).isEqualTo(new Gate.Corrections(false, 1, 1, 0));
        assertThat(gate.holds(event, user("a"))).isFalse();
        assertThat(gate.count(event)).isZero();
        assertThat(gate.pending(event)).isEmpty();
        assertThat(admit("a", 1)).as("the user may apply again").isEqualTo(Gate.Admission.accepted(1));
        assertThat(admit("later", 1)).as("a new release generation").isEqualTo(Gate.Admission.soldOut(1));
    }

    @Test
    void freesThePlaceOfARequestTheProcessorFoundNotEligible() {
        // The organiser changed the event's rule while the request was on its way (docs/identities.md).
        CouponRequest refused = CouponRequest.application(UUID.randomUUID().toString(), event.value(), "a", AT,
                new EligibleAs("tier", "gold"));
        gate.admit(event, user("a"), 1, refused);
        assertThat(gate.pending(event)).as("the pending request keeps what was checked").containsExactly(refused);

        Gate.Corrections corrections = gate.follow(event, List.of(decided(refused, IssuingOutcome.NOT_ELIGIBLE)));

        assertThat(corrections).isEqualTo(new Gate.Corrections(false, 1, 1, 0));
        assertThat(gate.holds(event, user("a"))).isFalse();
        assertThat(gate.count(event)).isZero();
        assertThat(gate.pending(event)).isEmpty();
        assertThat(admit("a", 1)).as("the user may apply again").isEqualTo(Gate.Admission.accepted(1));
    }

    @Test
    void freesOnlyThePlaceOfTheRequestThatWasRefused() {
        CouponRequest pending = request("a");
        gate.admit(event, user("a"), 5, pending);

        Gate.Corrections corrections = gate.follow(event, List.of(decided(request("a"), IssuingOutcome.CLOSED)));

        assertThat(corrections).isEqualTo(new Gate.Corrections(false, 0, 0, 0));
        assertThat(gate.holds(event, user("a"))).isTrue();
        assertThat(gate.pending(event)).containsExactly(pending);
        assertThat(gate.count(event)).isEqualTo(1);
    }

    @Test
    void learnsACouponHolderItDoesNotKnow() {
        admit("a", 5);

        Gate.Corrections corrections = gate.follow(event, List.of(
                decided(request("stranger"), IssuingOutcome.ISSUED),
                decided(request("other"), IssuingOutcome.DUPLICATE),
                decided(request("refused"), IssuingOutcome.SOLD_OUT)));

        assertThat(corrections).isEqualTo(new Gate.Corrections(false, 0, 0, 2));
        assertThat(gate.count(event)).isEqualTo(3);
        assertThat(admit("stranger", 5)).isEqualTo(Gate.Admission.alreadyApplied());
        assertThat(admit("other", 5)).isEqualTo(Gate.Admission.alreadyApplied());
        assertThat(gate.holds(event, user("refused"))).isFalse();
        assertThat(admit("b", 5)).isEqualTo(Gate.Admission.accepted(4));
    }

    @Test
    void changesNothingMoreWhenTheSameDecisionsAreAppliedTwice() {
        CouponRequest issued = request("a");
        CouponRequest refused = request("b");
        gate.admit(event, user("a"), 5, issued);
        gate.admit(event, user("b"), 5, refused);
        List<CouponDecision> decisions = List.of(decided(issued, IssuingOutcome.ISSUED), decided(refused, IssuingOutcome.NOT_OPEN),
                decided(request("c"), IssuingOutcome.ISSUED));
        gate.follow(event, decisions);

        assertThat(gate.follow(event, decisions)).as("as another ingress applies them too")
                .isEqualTo(new Gate.Corrections(false, 0, 0, 0));
        assertThat(gate.count(event)).isEqualTo(2);
        assertThat(gate.holds(event, user("a"))).isTrue();
        assertThat(gate.holds(event, user("b"))).isFalse();
        assertThat(gate.holds(event, user("c"))).isTrue();
        assertThat(gate.pending(event)).isEmpty();
    }

    @Test
    void neverFreesAUserAdmittedAgainWithANewRequestForTheOldRequestsLateDecision() {
        CouponRequest first = request("a");
        gate.admit(event, user("a"), 5, first);
        gate.follow(event, List.of(decided(first, IssuingOutcome.NOT_OPEN)));
        CouponRequest second = request("a");
        assertThat(gate.admit(event, user("a"), 5, second)).isEqualTo(Gate.Admission.accepted(1));

        gate.follow(event, List.of(decided(first, IssuingOutcome.NOT_OPEN)));

        assertThat(gate.holds(event, user("a"))).isTrue();
        assertThat(gate.pending(event)).containsExactly(second);
        assertThat(gate.count(event)).isEqualTo(1);
    }

    @Test
    void reportsTheLossOfTheEventsStateAndTouchesNothingUntilItIsRebuilt() {
        admit("a", 5);

        loseTheStateOf(event);

        assertThat(gate.knows(event)).isFalse();
        assertThat(admit("b", 5)).isEqualTo(Gate.Admission.lost());
        assertThat(gate.follow(event, List.of(decided(request("c"), IssuingOutcome.ISSUED))).stateLost()).isTrue();
        assertThat(gate.count(event)).isZero();
        assertThat(gate.holds(event, user("b"))).isFalse();
        assertThat(gate.holds(event, user("c"))).isFalse();
    }

    @Test
    void rebuildsALostEventFromItsHoldersAndTheUndecidedRequests() {
        admit("a", 3);
        assertThat(admit("late", 1).outcome()).isEqualTo(Outcome.SOLD_OUT);
        loseTheStateOf(event);
        CouponRequest undecided = request("u");

        assertThat(gate.restore(event, List.of("h1", "h2"), List.of(undecided))).isEqualTo(3);
        assertThat(gate.restore(event, List.of("h1", "h2"), List.of(undecided))).as("again").isEqualTo(3);

        assertThat(gate.knows(event)).isTrue();
        assertThat(gate.count(event)).isEqualTo(3);
        assertThat(gate.pending(event)).containsExactly(undecided);
        assertThat(admit("h1", 4)).isEqualTo(Gate.Admission.alreadyApplied());
        assertThat(admit("u", 4)).isEqualTo(Gate.Admission.alreadyApplied());
        assertThat(admit("b", 4)).isEqualTo(Gate.Admission.accepted(4));
        assertThat(admit("c", 4).outcome()).isEqualTo(Outcome.SOLD_OUT);
        assertThat(gate.follow(event, List.of(decided(undecided, IssuingOutcome.SOLD_OUT))))
                .as("the restored request is decided like any other").isEqualTo(new Gate.Corrections(false, 1, 1, 0));
    }

    @Test
    void keepsANewerPendingRequestWhenAnotherIngressRestoresAnOlderOne() {
        loseTheStateOf(event);
        gate.restore(event, List.of(), List.of());
        CouponRequest newer = request("a");
        gate.admit(event, user("a"), 5, newer);

        gate.restore(event, List.of(), List.of(request("a")));

        assertThat(gate.pending(event)).containsExactly(newer);
        assertThat(gate.count(event)).isEqualTo(1);
    }

    @Test
    void releasesASlotOnceAndOnlyForTheUserHoldingIt() {
        admit("a", 5);
        admit("b", 5);

        assertThat(gate.release(event, user("a"))).isTrue();
        assertThat(gate.release(event, user("a"))).as("a repeated release").isFalse();
        assertThat(gate.release(event, user("never"))).as("a user without a slot").isFalse();

        assertThat(gate.count(event)).isEqualTo(1);
        assertThat(gate.holds(event, user("a"))).isFalse();
        assertThat(gate.holds(event, user("b"))).isTrue();
        assertThat(gate.pending(event)).extracting(CouponRequest::userId).containsExactly("b");
    }

    @Test
    void givesAReleasedSlotToTheNextApplicantAndCountsTheReleaseInTheGeneration() {
        admit("a", 1);
        assertThat(admit("late", 1)).isEqualTo(Gate.Admission.soldOut(0));

        gate.release(event, user("a"));

        assertThat(admit("b", 1)).isEqualTo(Gate.Admission.accepted(1));
        assertThat(admit("later", 1)).isEqualTo(Gate.Admission.soldOut(1));
        assertThat(admit("a", 1)).as("the released user is no longer remembered").isEqualTo(Gate.Admission.soldOut(1));
    }

    @Test
    void letsMoreThroughWhenTheLimitIsRaised() {
        admit("a", 1);
        assertThat(admit("b", 1).outcome()).isEqualTo(Outcome.SOLD_OUT);

        assertThat(admit("b", 2)).isEqualTo(Gate.Admission.accepted(2));
    }

    @Test
    void copiesTheUsersOfASoldOutEventOnly() {
        admit("a", 2);
        assertThat(gate.soldOutSnapshot(event, 2, 100)).as("not sold out").isEmpty();

        admit("b", 2);

        assertThat(gate.soldOutSnapshot(event, 2, 100)).contains(new Gate.SoldOutSnapshot(0, Set.of("a", "b")));
        assertThat(gate.soldOutSnapshot(event, 2, 1)).as("more users than the copy may hold").isEmpty();
        gate.release(event, user("a"));
        admit("c", 2);
        assertThat(gate.soldOutSnapshot(event, 2, 100)).contains(new Gate.SoldOutSnapshot(1, Set.of("b", "c")));
    }

    @Test
    void primesAnEventWithoutTouchingWhatItHolds() {
        var definition = new EventDefinition(event.value(), 2, AT, null);

        gate.prime(definition, true);
        assertThat(gate.count(event)).isZero();

        admit("a", 2);
        gate.prime(definition, true);
        gate.prime(definition, false);
        assertThat(gate.count(event)).isEqualTo(1);
        assertThat(admit("b", 2)).isEqualTo(Gate.Admission.accepted(2));
    }

    @Test
    void doesNotMaskALossWhenAnEventIsRedefined() {
        admit("a", 2);
        loseTheStateOf(event);

        gate.prime(new EventDefinition(event.value(), 3, AT, null), false);

        assertThat(admit("a", 3)).isEqualTo(Gate.Admission.lost());
    }

    @Test
    void knowsNothingOfAnEventNobodyAppliedTo() {
        assertThat(gate.count(event)).isZero();
        assertThat(gate.holds(event, user("a"))).isFalse();
        assertThat(gate.pending(event)).isEmpty();
        assertThat(gate.soldOutSnapshot(event, 1, 100)).isEmpty();
        assertThat(gate.ping()).isTrue();
    }

    // ---- the coupon lifecycle: waitlist and returned coupons ----

    @Test
    void admitsUpToTheLimitPlusTheWaitlist() {
        // given: limit 2, waitlist 1: the gate's capacity is 3
        assertThat(admit("a", 3)).isEqualTo(Gate.Admission.accepted(1));
        assertThat(admit("b", 3)).isEqualTo(Gate.Admission.accepted(2));

        // when / then: the third is let through (to wait), the fourth is not
        assertThat(admit("w", 3)).isEqualTo(Gate.Admission.accepted(3));
        assertThat(admit("late", 3)).isEqualTo(Gate.Admission.soldOut(0));
        assertThat(gate.count(event)).isEqualTo(3);
    }

    @Test
    void keepsTheWaitingUsersPlaceAndChangesNothingWhenTheyAreServedLater() {
        CouponRequest issued = request("a");
        CouponRequest waiting = request("w");
        gate.admit(event, user("a"), 2, issued);
        gate.admit(event, user("w"), 2, waiting);

        assertThat(gate.follow(event, List.of(decided(issued, IssuingOutcome.ISSUED), decided(waiting, IssuingOutcome.WAITLISTED))))
                .isEqualTo(new Gate.Corrections(false, 2, 0, 0));
        assertThat(gate.count(event)).isEqualTo(2);
        assertThat(gate.holds(event, user("w"))).isTrue();
        assertThat(gate.pending(event)).isEmpty();

        // when: the waiting user is served (a second decision of the same request)
        assertThat(gate.follow(event, List.of(decided(waiting, IssuingOutcome.ISSUED)))).isEqualTo(Gate.Corrections.NONE);

        // then
        assertThat(gate.count(event)).isEqualTo(2);
        assertThat(admit("w", 2)).isEqualTo(Gate.Admission.alreadyApplied());
    }

    @Test
    void learnsAWaitingUserItDoesNotKnow() {
        admit("a", 5);

        Gate.Corrections corrections = gate.follow(event, List.of(decided(request("stranger"), IssuingOutcome.WAITLISTED)));

        assertThat(corrections).isEqualTo(new Gate.Corrections(false, 0, 0, 1));
        assertThat(gate.count(event)).isEqualTo(2);
        assertThat(admit("stranger", 5)).isEqualTo(Gate.Admission.alreadyApplied());
    }

    @Test
    void givesAReturnedCouponsPlaceBackOnceEvenWhenItsDecisionIsAppliedThreeTimes() {
        // given: a and b hold the two coupons
        CouponRequest a = request("a");
        CouponRequest b = request("b");
        gate.admit(event, user("a"), 2, a);
        gate.admit(event, user("b"), 2, b);
        gate.follow(event, List.of(decided(a, IssuingOutcome.ISSUED), decided(b, IssuingOutcome.ISSUED)));
        CouponDecision returned = returned("a");

        // when: the return is applied three times (twice in one batch, as a repeated return and a re-read would)
        assertThat(gate.follow(event, List.of(returned, returned))).isEqualTo(new Gate.Corrections(false, 0, 0, 0, 1));
        assertThat(gate.follow(event, List.of(returned))).isEqualTo(Gate.Corrections.NONE);
        assertThat(gate.follow(event, List.of(decided(a, IssuingOutcome.ISSUED)))).as("a re-read issue").isEqualTo(Gate.Corrections.NONE);

        // then: exactly one place went back, and a stays applied
        assertThat(gate.count(event)).isEqualTo(1);
        assertThat(admit("a", 2)).isEqualTo(Gate.Admission.alreadyApplied());
        assertThat(admit("c", 2)).isEqualTo(Gate.Admission.accepted(2));
        assertThat(admit("d", 2).outcome()).isEqualTo(Outcome.SOLD_OUT);
    }

    @Test
    void movesTheReleaseGenerationWhenACouponIsReturnedSoASoldOutCopyIsDropped() {
        CouponRequest a = request("a");
        gate.admit(event, user("a"), 1, a);
        gate.follow(event, List.of(decided(a, IssuingOutcome.ISSUED)));
        assertThat(admit("late", 1)).isEqualTo(Gate.Admission.soldOut(0));
        assertThat(gate.soldOutSnapshot(event, 1, 100)).contains(new Gate.SoldOutSnapshot(0, Set.of("a")));

        gate.follow(event, List.of(returned("a")));

        assertThat(gate.soldOutSnapshot(event, 1, 100)).as("no longer sold out").isEmpty();
        assertThat(admit("b", 1)).isEqualTo(Gate.Admission.accepted(1));
        assertThat(admit("later", 1)).isEqualTo(Gate.Admission.soldOut(1));
        assertThat(gate.soldOutSnapshot(event, 1, 100)).as("the returned user stays in the copy: ALREADY_APPLIED")
                .contains(new Gate.SoldOutSnapshot(1, Set.of("a", "b")));
    }

    @Test
    void takesAReturnOfAUserItNeverCountedWithoutFreeingAPlaceAndSettlesTheirPendingRequest() {
        // given: a's request passed here, its ISSUED decision was missed
        CouponRequest a = request("a");
        gate.admit(event, user("a"), 5, a);
        admit("b", 5);

        // when: a's return comes, and a stranger's (whom the gate never counted)
        Gate.Corrections corrections = gate.follow(event, List.of(returned("a"), returned("stranger")));

        // then
        assertThat(corrections).isEqualTo(new Gate.Corrections(false, 1, 0, 0, 2));
        assertThat(gate.pending(event)).extracting(CouponRequest::userId).containsExactly("b");
        assertThat(gate.count(event)).as("b only").isEqualTo(1);
        assertThat(admit("stranger", 5)).isEqualTo(Gate.Admission.alreadyApplied());
        assertThat(gate.follow(event, List.of(decided(request("stranger"), IssuingOutcome.ISSUED)))).isEqualTo(Gate.Corrections.NONE);
        assertThat(gate.count(event)).isEqualTo(1);
    }

    @Test
    void rebuildsALostEventWithItsReturnedUsersApplied() {
        admit("a", 3);
        loseTheStateOf(event);
        CouponRequest undecided = request("u");

        assertThat(gate.restore(event, List.of("h1", "w1"), List.of("r1"), List.of(undecided))).isEqualTo(3);
        assertThat(gate.restore(event, List.of("h1", "w1"), List.of("r1"), List.of(undecided))).as("again").isEqualTo(3);

        assertThat(gate.count(event)).isEqualTo(3);
        assertThat(admit("r1", 4)).as("a returned user stays applied").isEqualTo(Gate.Admission.alreadyApplied());
        assertThat(gate.follow(event, List.of(returned("r1")))).as("its return, read again").isEqualTo(Gate.Corrections.NONE);
        assertThat(gate.follow(event, List.of(returned("h1")))).as("a return decided after the answer")
                .isEqualTo(new Gate.Corrections(false, 0, 0, 0, 1));
        assertThat(gate.count(event)).isEqualTo(2);
        assertThat(admit("b", 4)).isEqualTo(Gate.Admission.accepted(3));
        assertThat(admit("c", 4)).isEqualTo(Gate.Admission.accepted(4));
        assertThat(admit("d", 4).outcome()).isEqualTo(Outcome.SOLD_OUT);
    }

    /**
     * Property: however the decisions of an event are ordered, repeated and cut into batches, the
     * gate ends with one place per user who holds a live coupon or waits, and everyone who applied
     * and was not refused stays applied.
     */
    @Test
    void endsWithOnePlacePerLiveOrWaitingUserWhateverTheOrderAndRepetitionOfTheDecisions() {
        Random random = new Random(20261130L);
        for (int round = 0; round < 20; round++) {
            EventId roundEvent = new EventId(event.value() + "-" + round);
            gate.prime(new EventDefinition(roundEvent.value(), 1, AT, null), true);
            List<CouponDecision> decisions = new ArrayList<>();
            Set<String> places = new HashSet<>();
            Set<String> applied = new HashSet<>();
            Set<String> refused = new HashSet<>();
            for (int u = 0; u < 12; u++) {
                String user = "u" + u;
                CouponRequest request = new CouponRequest(UUID.randomUUID().toString(), roundEvent.value(), user, AT);
                boolean passedHere = random.nextInt(4) > 0; // else another ingress admitted it before a loss
                if (passedHere) {
                    assertThat(gate.admit(roundEvent, user(user), 100, request).outcome()).isEqualTo(Outcome.ACCEPTED);
                }
                int fate = random.nextInt(5);
                switch (fate) {
                    case 0 -> { // issued, kept
                        decisions.add(decided(request, IssuingOutcome.ISSUED));
                        places.add(user);
                    }
                    case 1 -> { // waits
                        decisions.add(decided(request, IssuingOutcome.WAITLISTED));
                        places.add(user);
                    }
                    case 2 -> { // waited, served, returned
                        decisions.add(decided(request, IssuingOutcome.WAITLISTED));
                        decisions.add(decided(request, IssuingOutcome.ISSUED));
                        decisions.add(returned(roundEvent, user));
                    }
                    case 3 -> { // issued, returned
                        decisions.add(decided(request, IssuingOutcome.ISSUED));
                        decisions.add(returned(roundEvent, user));
                    }
                    default -> { // refused for a reason that can change (a request this gate never saw is left out)
                        if (passedHere) {
                            decisions.add(decided(request, IssuingOutcome.SOLD_OUT));
                            refused.add(user);
                        }
                    }
                }
                if (fate < 4) {
                    applied.add(user);
                }
            }
            List<CouponDecision> shuffled = new ArrayList<>();
            for (CouponDecision decision : decisions) {
                for (int copies = 1 + random.nextInt(3); copies > 0; copies--) {
                    shuffled.add(decision);
                }
            }
            Collections.shuffle(shuffled, random);
            for (int from = 0; from < shuffled.size(); ) {
                int to = Math.min(shuffled.size(), from + 1 + random.nextInt(6));
                assertThat(gate.follow(roundEvent, shuffled.subList(from, to)).stateLost()).isFalse();
                from = to;
            }

            assertThat(gate.count(roundEvent)).as("round %d: %s", round, decisions).isEqualTo(places.size());
            assertThat(gate.pending(roundEvent)).as("round %d", round).isEmpty();
            for (String user : applied) {
                assertThat(gate.holds(roundEvent, user(user))).as("round %d: %s stays applied", round, user).isTrue();
            }
            for (String user : refused) {
                assertThat(gate.holds(roundEvent, user(user))).as("round %d: %s may apply again", round, user).isFalse();
            }
        }
    }

    // ---- the draw window: IN_DRAW, then ISSUED / WAITLISTED / NOT_DRAWN (docs/fair-opening.md) ----

    @Test
    void keepsAnEntrantsPlaceSettlesItsRequestAndRemembersTheEntrant() {
        // given: a passed the gate inside the window (capacity: the draw's cap)
        CouponRequest entrant = request("a");
        gate.admit(event, user("a"), 50, entrant);

        // when
        Gate.Corrections corrections = gate.follow(event, List.of(decided(entrant, IssuingOutcome.IN_DRAW)));

        // then
        assertThat(corrections).isEqualTo(new Gate.Corrections(false, 1, 0, 0));
        assertThat(gate.pending(event)).isEmpty();
        assertThat(gate.holds(event, user("a"))).isTrue();
        assertThat(gate.count(event)).isEqualTo(1);
        assertThat(gate.entrants(event)).isEqualTo(Map.of("a", entrant.requestId()));
        assertThat(admit("a", 50)).isEqualTo(Gate.Admission.alreadyApplied());
    }

    @Test
    void keepsThePlaceOfAnEntrantTheDrawIssuedOrWaitlistedAndEndsTheirEntries() {
        CouponRequest winner = request("w");
        CouponRequest waiting = request("q");
        gate.admit(event, user("w"), 50, winner);
        gate.admit(event, user("q"), 50, waiting);
        gate.follow(event, List.of(decided(winner, IssuingOutcome.IN_DRAW), decided(waiting, IssuingOutcome.IN_DRAW)));

        // when: the draw
        Gate.Corrections corrections = gate.follow(event, List.of(drawn(winner, IssuingOutcome.ISSUED, 1, 2),
                drawn(waiting, IssuingOutcome.WAITLISTED, 2, 2)));

        // then
        assertThat(corrections).isEqualTo(Gate.Corrections.NONE);
        assertThat(gate.entrants(event)).isEmpty();
        assertThat(gate.count(event)).isEqualTo(2);
        assertThat(admit("w", 50)).isEqualTo(Gate.Admission.alreadyApplied());
        assertThat(admit("q", 50)).isEqualTo(Gate.Admission.alreadyApplied());

        // and: both read again (another ingress, the look-back) change nothing, the waiting user served later neither
        assertThat(gate.follow(event, List.of(decided(winner, IssuingOutcome.IN_DRAW), decided(waiting, IssuingOutcome.IN_DRAW),
                drawn(winner, IssuingOutcome.ISSUED, 1, 2), drawn(waiting, IssuingOutcome.WAITLISTED, 2, 2),
                decided(waiting, IssuingOutcome.ISSUED)))).isEqualTo(Gate.Corrections.NONE);
        assertThat(gate.entrants(event)).isEmpty();
        assertThat(gate.count(event)).isEqualTo(2);
    }

    @Test
    void givesBackThePlaceOfAnEntrantNotDrawnOnceAndMovesTheReleaseGeneration() {
        // given: two entrants, the draw's cap of 2 reached
        CouponRequest a = request("a");
        CouponRequest b = request("b");
        gate.admit(event, user("a"), 2, a);
        gate.admit(event, user("b"), 2, b);
        gate.follow(event, List.of(decided(a, IssuingOutcome.IN_DRAW), decided(b, IssuingOutcome.IN_DRAW)));
        assertThat(admit("late", 2)).isEqualTo(Gate.Admission.soldOut(0));

        // when: a is not drawn
        Gate.Corrections corrections = gate.follow(event, List.of(drawn(a, IssuingOutcome.NOT_DRAWN, 2, 2)));

        // then
        assertThat(corrections).isEqualTo(new Gate.Corrections(false, 0, 1, 0));
        assertThat(gate.holds(event, user("a"))).as("a may apply again").isFalse();
        assertThat(gate.count(event)).isEqualTo(1);
        assertThat(gate.entrants(event)).isEqualTo(Map.of("b", b.requestId()));
        assertThat(admit("c", 2)).isEqualTo(Gate.Admission.accepted(2));
        assertThat(admit("later", 2)).as("a new release generation").isEqualTo(Gate.Admission.soldOut(1));

        // and: a's two decisions read again change nothing
        assertThat(gate.follow(event, List.of(decided(a, IssuingOutcome.IN_DRAW), drawn(a, IssuingOutcome.NOT_DRAWN, 2, 2))))
                .isEqualTo(Gate.Corrections.NONE);
        assertThat(gate.holds(event, user("a"))).isFalse();
        assertThat(gate.count(event)).isEqualTo(2);
        assertThat(gate.entrants(event)).isEqualTo(Map.of("b", b.requestId()));
        assertThat(admit("later", 2)).isEqualTo(Gate.Admission.soldOut(1));
    }

    @Test
    void neverFreesAUserNotDrawnWhoAppliedAgainForTheOldRequestsDecisionsReadAgain() {
        // given: a not drawn, then admitted again after the draw with a new request
        CouponRequest first = request("a");
        gate.admit(event, user("a"), 50, first);
        gate.follow(event, List.of(decided(first, IssuingOutcome.IN_DRAW), drawn(first, IssuingOutcome.NOT_DRAWN, 1, 1)));
        CouponRequest second = request("a");
        assertThat(gate.admit(event, user("a"), 5, second)).isEqualTo(Gate.Admission.accepted(1));

        // when: the first request's decisions are read again (a second ingress, the look-back)
        gate.follow(event, List.of(decided(first, IssuingOutcome.IN_DRAW), drawn(first, IssuingOutcome.NOT_DRAWN, 1, 1)));

        // then
        assertThat(gate.holds(event, user("a"))).isTrue();
        assertThat(gate.pending(event)).containsExactly(second);
        assertThat(gate.count(event)).isEqualTo(1);
        assertThat(gate.entrants(event)).isEmpty();

        // and: once the new request is issued (first-come), the old ones read once more change nothing either
        gate.follow(event, List.of(decided(second, IssuingOutcome.ISSUED)));
        gate.follow(event, List.of(decided(first, IssuingOutcome.IN_DRAW), drawn(first, IssuingOutcome.NOT_DRAWN, 1, 1)));
        assertThat(gate.holds(event, user("a"))).isTrue();
        assertThat(gate.count(event)).isEqualTo(1);
        assertThat(gate.entrants(event)).isEmpty();
    }

    @Test
    void learnsAnEntrantItDoesNotKnowAsAWaitingUserAndFreesTheirPlaceWhenNotDrawn() {
        admit("a", 50);
        CouponRequest elsewhere = request("stranger");

        Gate.Corrections corrections = gate.follow(event, List.of(decided(elsewhere, IssuingOutcome.IN_DRAW)));

        assertThat(corrections).isEqualTo(new Gate.Corrections(false, 0, 0, 1));
        assertThat(gate.count(event)).isEqualTo(2);
        assertThat(gate.entrants(event)).isEqualTo(Map.of("stranger", elsewhere.requestId()));
        assertThat(admit("stranger", 50)).isEqualTo(Gate.Admission.alreadyApplied());
        assertThat(gate.follow(event, List.of(drawn(elsewhere, IssuingOutcome.NOT_DRAWN, 1, 1))))
                .isEqualTo(new Gate.Corrections(false, 0, 1, 0));
        assertThat(gate.count(event)).isEqualTo(1);
        assertThat(gate.holds(event, user("stranger"))).isFalse();
    }

    @Test
    void leavesNoPlaceForAnEntrantWhoseNotDrawnIsReadBeforeItsInDraw() {
        // given: a passed here; nobody here saw the stranger
        CouponRequest a = request("a");
        gate.admit(event, user("a"), 50, a);
        CouponRequest stranger = request("stranger");

        // when: the draw's decisions come first, the IN_DRAWs after them (twice)
        assertThat(gate.follow(event, List.of(drawn(a, IssuingOutcome.NOT_DRAWN, 1, 2), drawn(stranger, IssuingOutcome.NOT_DRAWN, 2, 2))))
                .isEqualTo(new Gate.Corrections(false, 1, 1, 0));
        assertThat(gate.follow(event, List.of(decided(a, IssuingOutcome.IN_DRAW), decided(stranger, IssuingOutcome.IN_DRAW))))
                .isEqualTo(Gate.Corrections.NONE);
        assertThat(gate.follow(event, List.of(decided(stranger, IssuingOutcome.IN_DRAW)))).isEqualTo(Gate.Corrections.NONE);

        // then
        assertThat(gate.count(event)).isZero();
        assertThat(gate.holds(event, user("a"))).isFalse();
        assertThat(gate.holds(event, user("stranger"))).isFalse();
        assertThat(gate.entrants(event)).isEmpty();
    }

    @Test
    void keepsNoEntryForAnEntrantWhoseDrawnIssueIsReadBeforeItsInDraw() {
        CouponRequest a = request("a");
        gate.admit(event, user("a"), 50, a);

        gate.follow(event, List.of(drawn(a, IssuingOutcome.ISSUED, 1, 1), drawn(request("stranger"), IssuingOutcome.WAITLISTED, 1, 1)));
        gate.follow(event, List.of(decided(a, IssuingOutcome.IN_DRAW)));

        assertThat(gate.entrants(event)).isEmpty();
        assertThat(gate.count(event)).isEqualTo(2);
        assertThat(gate.pending(event)).isEmpty();
    }

    @Test
    void rebuildsALostEventWithTheEntrantsOfADrawNotDoneYet() {
        admit("a", 50);
        loseTheStateOf(event);
        CouponRequest undecided = request("u");

        // when: the processor names a holder and two entrants (in users too), and this ingress one undecided request
        Map<String, String> entrants = Map.of("e1", "r-e1", "e2", "r-e2");
        assertThat(gate.restore(event, List.of("h1", "e1", "e2"), List.of(), entrants, List.of(undecided))).isEqualTo(4);
        assertThat(gate.restore(event, List.of("h1", "e1", "e2"), List.of(), entrants, List.of(undecided))).as("again").isEqualTo(4);

        // then
        assertThat(gate.entrants(event)).isEqualTo(entrants);
        assertThat(admit("e1", 50)).isEqualTo(Gate.Admission.alreadyApplied());
        CouponRequest e1 = new CouponRequest("r-e1", event.value(), "e1", AT);
        CouponRequest e2 = new CouponRequest("r-e2", event.value(), "e2", AT);
        assertThat(gate.follow(event, List.of(drawn(e1, IssuingOutcome.NOT_DRAWN, 2, 2), drawn(e2, IssuingOutcome.ISSUED, 1, 2))))
                .as("the draw decides the restored entrants like any").isEqualTo(new Gate.Corrections(false, 0, 1, 0));
        assertThat(gate.count(event)).isEqualTo(3);
        assertThat(gate.holds(event, user("e1"))).isFalse();
        assertThat(gate.entrants(event)).isEmpty();

        // and: another ingress restoring the same (older) answer afterwards brings neither e1 nor its entry back
        gate.restore(event, List.of("h1", "e1", "e2"), List.of(), entrants, List.of(undecided, e1));
        assertThat(gate.holds(event, user("e1"))).isFalse();
        assertThat(gate.entrants(event)).doesNotContainKey("e1");
        assertThat(gate.pending(event)).containsExactly(undecided);
        assertThat(gate.count(event)).isEqualTo(3);
    }

    /**
     * Property: with a draw as well, however the decisions of an event are ordered, repeated and cut
     * into batches, the gate ends with one place per user who holds a live coupon, waits, or is an
     * entrant the draw has not decided yet; the entrants it remembers are exactly the latter, and
     * everyone refused for a reason that can change (not drawn among them) may apply again.
     */
    @Test
    void endsWithOnePlacePerLiveWaitingOrUndrawnUserWhateverTheOrderAndRepetitionOfTheDecisionsOfADraw() {
        Random random = new Random(20261201L);
        for (int round = 0; round < 30; round++) {
            EventId roundEvent = new EventId(event.value() + "-d" + round);
            gate.prime(new EventDefinition(roundEvent.value(), 1, AT, null), true);
            List<CouponDecision> decisions = new ArrayList<>();
            Set<String> places = new HashSet<>();
            Set<String> applied = new HashSet<>();
            Set<String> refused = new HashSet<>();
            Map<String, String> undrawn = new HashMap<>();
            int entrants = 16;
            for (int u = 0; u < entrants; u++) {
                String user = "u" + u;
                CouponRequest request = new CouponRequest(UUID.randomUUID().toString(), roundEvent.value(), user, AT);
                boolean passedHere = random.nextInt(4) > 0; // else another ingress admitted it before a loss
                if (passedHere) {
                    assertThat(gate.admit(roundEvent, user(user), 100, request).outcome()).isEqualTo(Outcome.ACCEPTED);
                }
                int rank = u + 1;
                switch (random.nextInt(8)) {
                    case 0 -> { // an entrant, the draw not done yet
                        decisions.add(decided(request, IssuingOutcome.IN_DRAW));
                        places.add(user);
                        applied.add(user);
                        undrawn.put(user, request.requestId());
                    }
                    case 1 -> { // drawn: a coupon
                        decisions.add(decided(request, IssuingOutcome.IN_DRAW));
                        decisions.add(drawn(request, IssuingOutcome.ISSUED, rank, entrants));
                        places.add(user);
                        applied.add(user);
                    }
                    case 2 -> { // drawn onto the waitlist, served later
                        decisions.add(decided(request, IssuingOutcome.IN_DRAW));
                        decisions.add(drawn(request, IssuingOutcome.WAITLISTED, rank, entrants));
                        if (random.nextBoolean()) {
                            decisions.add(decided(request, IssuingOutcome.ISSUED));
                        }
                        places.add(user);
                        applied.add(user);
                    }
                    case 3 -> { // drawn, the coupon returned
                        decisions.add(decided(request, IssuingOutcome.IN_DRAW));
                        decisions.add(drawn(request, IssuingOutcome.ISSUED, rank, entrants));
                        decisions.add(returned(roundEvent, user));
                        applied.add(user);
                    }
                    case 4, 5 -> { // not drawn: may apply again
                        decisions.add(decided(request, IssuingOutcome.IN_DRAW));
                        decisions.add(drawn(request, IssuingOutcome.NOT_DRAWN, rank, entrants));
                        refused.add(user);
                    }
                    case 6 -> { // first-come after the window: a coupon
                        decisions.add(decided(request, IssuingOutcome.ISSUED));
                        places.add(user);
                        applied.add(user);
                    }
                    default -> { // first-come after the window, sold out (a request this gate never saw is left out)
                        if (passedHere) {
                            decisions.add(decided(request, IssuingOutcome.SOLD_OUT));
                            refused.add(user);
                        }
                    }
                }
            }
            List<CouponDecision> shuffled = new ArrayList<>();
            for (CouponDecision decision : decisions) {
                for (int copies = 1 + random.nextInt(3); copies > 0; copies--) {
                    shuffled.add(decision);
                }
            }
            Collections.shuffle(shuffled, random);
            for (int from = 0; from < shuffled.size(); ) {
                int to = Math.min(shuffled.size(), from + 1 + random.nextInt(6));
                assertThat(gate.follow(roundEvent, shuffled.subList(from, to)).stateLost()).isFalse();
                from = to;
            }

            assertThat(gate.count(roundEvent)).as("round %d: %s", round, decisions).isEqualTo(places.size());
            assertThat(gate.pending(roundEvent)).as("round %d", round).isEmpty();
            assertThat(gate.entrants(roundEvent)).as("round %d: the entrants not drawn yet", round).isEqualTo(undrawn);
            for (String user : applied) {
                assertThat(gate.holds(roundEvent, user(user))).as("round %d: %s stays applied", round, user).isTrue();
            }
            for (String user : refused) {
                assertThat(gate.holds(roundEvent, user(user))).as("round %d: %s may apply again", round, user).isFalse();
            }
        }
    }

    private Gate.Admission admit(String userId, int limit) {
        return gate.admit(event, user(userId), limit, request(userId));
    }

    private static CouponDecision decided(CouponRequest request, IssuingOutcome outcome) {
        boolean holds = outcome == IssuingOutcome.ISSUED || outcome == IssuingOutcome.DUPLICATE;
        return new CouponDecision(request.requestId(), request.eventId(), request.userId(), outcome, holds ? 1 : null, AT);
    }

    /** The draw's decision of an entrant's request: rank {@code rank} of {@code entrants}. */
    private static CouponDecision drawn(CouponRequest request, IssuingOutcome outcome, int rank, int entrants) {
        return new CouponDecision(request.requestId(), request.eventId(), request.userId(), outcome,
                outcome == IssuingOutcome.ISSUED ? rank : null, AT, null, null, null, rank, entrants);
    }

    /** The RETURNED decision of a return of the user's coupon (a new action id each time, as the shop repeating it). */
    private CouponDecision returned(String userId) {
        return returned(event, userId);
    }

    private static CouponDecision returned(EventId event, String userId) {
        return new CouponDecision(UUID.randomUUID().toString(), event.value(), userId, IssuingOutcome.RETURNED, 7, AT,
                ActionType.RETURN, null, null);
    }

    private CouponRequest request(String userId) {
        return new CouponRequest(UUID.randomUUID().toString(), event.value(), userId, AT);
    }

    private static UserId user(String id) {
        return new UserId(id);
    }
}
