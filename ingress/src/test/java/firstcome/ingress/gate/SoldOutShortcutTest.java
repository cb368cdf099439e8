package firstcome.ingress.gate;

import static org.assertj.core.api.Assertions.assertThat;

import firstcome.contract.ActionType;
import firstcome.contract.CouponDecision;
import firstcome.contract.CouponRequest;
import firstcome.contract.IssuingOutcome;
import firstcome.ingress.CapturedLogs;
import firstcome.ingress.api.EventId;
import firstcome.ingress.api.Outcome;
import firstcome.ingress.api.UserId;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class SoldOutShortcutTest {

    private static final EventId EVENT = new EventId("hot");
    private static final Duration RECHECK = Duration.ofMillis(250);

    private final FakeGate gate = new FakeGate();

    {
        gate.created(EVENT);
    }
    private final AtomicLong nanos = new AtomicLong(1_000_000_000L);
    private final SoldOutShortcut shortcut = shortcut(true, 100);

    private SoldOutShortcut shortcut(boolean enabled, int maxUsers) {
        return new SoldOutShortcut(gate, enabled, RECHECK, maxUsers, Long.MAX_VALUE, Runnable::run, nanos::get);
    }

    @Test
    void knowsNothingBeforeTheGateSaysSoldOut() {
        admit("a", 1);

        assertThat(shortcut.answer(EVENT, user("b"))).isEmpty();
    }

    @Test
    void answersSoldOutAndAlreadyAppliedAsTheGateWouldOnceSoldOut() {
        // given
        admit("a", 2);
        admit("b", 2);

        // when
        shortcut.observe(EVENT, 2, admit("c", 2));

        // then
        assertThat(shortcut.answer(EVENT, user("d"))).contains(Outcome.SOLD_OUT);
        assertThat(shortcut.answer(EVENT, user("a"))).contains(Outcome.ALREADY_APPLIED);
        assertThat(shortcut.answer(EVENT, user("b"))).contains(Outcome.ALREADY_APPLIED);
    }

    @Test
    void letsOneApplicationPerRecheckIntervalAskTheGateAgain() {
        soldOutWithOneWinner();

        nanos.addAndGet(RECHECK.toNanos());

        assertThat(shortcut.answer(EVENT, user("x"))).as("this one asks the gate").isEmpty();
        assertThat(shortcut.answer(EVENT, user("y"))).as("the others still do not").contains(Outcome.SOLD_OUT);
    }

    @Test
    void forgetsTheEventWhenTheGateAcceptsAgain() {
        soldOutWithOneWinner();
        gate.release(EVENT, user("winner"));
        nanos.addAndGet(RECHECK.toNanos());
        assertThat(shortcut.answer(EVENT, user("x"))).isEmpty();

        shortcut.observe(EVENT, 1, admit("x", 1));

        assertThat(shortcut.answer(EVENT, user("y"))).isEmpty();
    }

    @Test
    void copiesTheUsersAgainWhenSlotsWereReleasedAndRetakenElsewhere() {
        soldOutWithOneWinner();
        // another ingress gives the winner's slot back and someone else takes it
        gate.release(EVENT, user("winner"));
        admit("newcomer", 1);
        nanos.addAndGet(RECHECK.toNanos());
        assertThat(shortcut.answer(EVENT, user("x"))).isEmpty();

        shortcut.observe(EVENT, 1, admit("x", 1));

        assertThat(shortcut.answer(EVENT, user("newcomer"))).contains(Outcome.ALREADY_APPLIED);
        assertThat(shortcut.answer(EVENT, user("winner"))).contains(Outcome.SOLD_OUT);
    }

    @Test
    void isReleasedByAReturnedCouponAndKeepsTheReturnedUserApplied() {
        // given: limit 1 + waitlist 1, the winner and a waiting user; sold out
        admit("winner", 2);
        admit("waiting", 2);
        shortcut.observe(EVENT, 2, admit("late", 2));
        assertThat(shortcut.answer(EVENT, user("x"))).contains(Outcome.SOLD_OUT);

        // when: the winner returns the coupon (decided at any ingress: the release generation moves)
        gate.follow(EVENT, List.of(new CouponDecision(UUID.randomUUID().toString(), EVENT.value(), "winner",
                IssuingOutcome.RETURNED, 1, Instant.parse("2026-11-24T10:05:00Z"), ActionType.RETURN, null, null)));
        nanos.addAndGet(RECHECK.toNanos());

        // then: the next check asks the gate, which takes the next applicant
        assertThat(shortcut.answer(EVENT, user("x"))).isEmpty();
        shortcut.observe(EVENT, 2, admit("x", 2));
        assertThat(shortcut.answer(EVENT, user("y"))).as("the copy is dropped").isEmpty();
        shortcut.observe(EVENT, 2, admit("y", 2));
        assertThat(shortcut.answer(EVENT, user("z"))).contains(Outcome.SOLD_OUT);
        assertThat(shortcut.answer(EVENT, user("winner"))).as("a returned user cannot apply again").contains(Outcome.ALREADY_APPLIED);
    }

    @Test
    void forgetsTheEventWhenToldTo() {
        soldOutWithOneWinner();

        shortcut.forget(EVENT);

        assertThat(shortcut.answer(EVENT, user("x"))).isEmpty();
    }

    @Test
    void neverAnswersWhenSwitchedOff() {
        SoldOutShortcut off = shortcut(false, 100);
        admit("winner", 1);

        off.observe(EVENT, 1, admit("late", 1));

        assertThat(off.answer(EVENT, user("x"))).isEmpty();
    }

    @Test
    void neverCopiesAnEventLargerThanItsBound() {
        SoldOutShortcut small = shortcut(true, 1);
        admit("a", 2);
        admit("b", 2);

        small.observe(EVENT, 2, admit("c", 2));

        assertThat(small.answer(EVENT, user("x"))).isEmpty();
        assertThat(small.size()).isZero();
    }

    @Test
    void staysSilentWhenTheGateCannotBeCopied() {
        admit("winner", 1);
        Gate.Admission soldOut = admit("late", 1);
        gate.down = true;

        shortcut.observe(EVENT, 1, soldOut);

        assertThat(shortcut.answer(EVENT, user("x"))).isEmpty();
    }

    @Test
    void dropsTheCopyOfARetiredEventAndGivesItsRoomBack() {
        soldOutWithOneWinner();
        assertThat(shortcut.heldUsers()).isEqualTo(1);

        shortcut.retire(EVENT);

        assertThat(shortcut.answer(EVENT, user("x"))).isEmpty();
        assertThat(shortcut.size()).isZero();
        assertThat(shortcut.heldUsers()).isZero();
    }

    @Test
    void stopsCopyingFurtherEventsPastItsOverallCapAndSaysSoOnce() {
        // given: room for three users across events; two sold-out events of two users each
        SoldOutShortcut capped = new SoldOutShortcut(gate, true, RECHECK, 100, 3, Runnable::run, nanos::get);
        EventId other = new EventId("other");
        gate.created(other);
        soldOut(capped, EVENT, "a", "b");

        try (var logs = new CapturedLogs()) {
            // when
            soldOut(capped, other, "c", "d");
            capped.observe(other, 2, admit(other, "f", 2));

            // then: the second event is answered by the gate, the first still from memory
            assertThat(capped.answer(other, user("x"))).isEmpty();
            assertThat(capped.answer(EVENT, user("x"))).contains(Outcome.SOLD_OUT);
            assertThat(capped.size()).isEqualTo(1);
            assertThat(capped.heldUsers()).isEqualTo(2);
            assertThat(logs.lines()).filteredOn(line -> line.contains("INGRESS_SOLD_OUT_SHORTCUT_MAX_USERS")).hasSize(1);
        }

        // and once the first event's copy is gone, the second one is copied
        capped.retire(EVENT);
        capped.observe(other, 2, admit(other, "g", 2));
        assertThat(capped.answer(other, user("c"))).contains(Outcome.ALREADY_APPLIED);
        assertThat(capped.heldUsers()).isEqualTo(2);
    }

    @Test
    void reservesAnEventsLimitWhileItsCopyIsBeingMade() {
        // given: a loader that has not run yet
        java.util.List<Runnable> queued = new java.util.ArrayList<>();
        SoldOutShortcut slow = new SoldOutShortcut(gate, true, RECHECK, 100, 3, queued::add, nanos::get);
        admit("a", 2);
        admit("b", 2);

        slow.observe(EVENT, 2, admit("c", 2));

        assertThat(slow.heldUsers()).as("the limit, reserved").isEqualTo(2);
        queued.forEach(Runnable::run);
        assertThat(slow.heldUsers()).as("the copy's size").isEqualTo(2);
        slow.forget(EVENT);
        assertThat(slow.heldUsers()).isZero();
    }

    @Test
    void copiesEveryEntrantOfADrawAfterItsWindowAndDropsTheCopyWhenTheDrawFreesTheirPlaces() {
        // given: limit 1; five entrants passed inside the window (capacity: the draw's cap), the draw not done yet
        List<CouponRequest> entrants = new java.util.ArrayList<>();
        for (String user : List.of("e1", "e2", "e3", "e4", "e5")) {
            CouponRequest request = new CouponRequest(UUID.randomUUID().toString(), EVENT.value(), user,
                    Instant.parse("2026-11-24T10:00:00Z"));
            gate.admit(EVENT, user(user), 500, request);
            entrants.add(request);
        }

        // when: after the window, the gate says SOLD_OUT at limit + waitlist
        shortcut.observe(EVENT, 1, admit("late", 1));

        // then: the copy holds every entrant, as the gate would answer them
        assertThat(shortcut.answer(EVENT, user("e4"))).contains(Outcome.ALREADY_APPLIED);
        assertThat(shortcut.answer(EVENT, user("late"))).contains(Outcome.SOLD_OUT);
        assertThat(shortcut.heldUsers()).as("the copy's size, past the capacity it reserved").isEqualTo(5);

        // and when: the draw issues e1 and does not draw the others; the next recheck sees the new generation
        gate.follow(EVENT, entrants.stream().map(request -> new CouponDecision(request.requestId(), EVENT.value(), request.userId(),
                IssuingOutcome.IN_DRAW, null, Instant.parse("2026-11-24T10:00:00Z"))).toList());
        gate.follow(EVENT, List.of(drawn(entrants.get(0), IssuingOutcome.ISSUED, 1), drawn(entrants.get(1), IssuingOutcome.NOT_DRAWN, 2),
                drawn(entrants.get(2), IssuingOutcome.NOT_DRAWN, 3), drawn(entrants.get(3), IssuingOutcome.NOT_DRAWN, 4),
                drawn(entrants.get(4), IssuingOutcome.NOT_DRAWN, 5)));
        nanos.addAndGet(RECHECK.toNanos());
        assertThat(shortcut.answer(EVENT, user("e4"))).as("this one asks the gate").isEmpty();
        shortcut.observe(EVENT, 1, admit("e4", 1));

        // then: a copy of the event as it is now
        assertThat(shortcut.answer(EVENT, user("e4"))).contains(Outcome.SOLD_OUT);
        assertThat(shortcut.answer(EVENT, user("e1"))).contains(Outcome.ALREADY_APPLIED);
        assertThat(shortcut.heldUsers()).isEqualTo(1);
    }

    @Test
    void copiesNoEventWhoseEntrantsWouldPassTheOverallCap() {
        // given: room for three users; four entrants of an event of limit 1 still hold places after the window
        SoldOutShortcut capped = new SoldOutShortcut(gate, true, RECHECK, 100, 3, Runnable::run, nanos::get);
        for (String user : List.of("e1", "e2", "e3", "e4")) {
            admit(user, 500);
        }

        // when
        capped.observe(EVENT, 1, admit("late", 1));

        // then: answered by the gate, and nothing stays reserved
        assertThat(capped.answer(EVENT, user("x"))).isEmpty();
        assertThat(capped.heldUsers()).isZero();
    }

    private static CouponDecision drawn(CouponRequest request, IssuingOutcome outcome, int rank) {
        return new CouponDecision(request.requestId(), request.eventId(), request.userId(), outcome,
                outcome == IssuingOutcome.ISSUED ? 1 : null, Instant.parse("2026-11-24T10:00:10Z"), null, null, null, rank, 5);
    }

    private void soldOut(SoldOutShortcut shortcut, EventId event, String... winners) {
        for (String winner : winners) {
            admit(event, winner, winners.length);
        }
        shortcut.observe(event, winners.length, admit(event, "late-" + event.value(), winners.length));
    }

    private Gate.Admission admit(EventId event, String userId, int limit) {
        return gate.admit(event, user(userId), limit,
                new CouponRequest(UUID.randomUUID().toString(), event.value(), userId, Instant.parse("2026-11-24T10:00:00Z")));
    }

    private void soldOutWithOneWinner() {
        admit("winner", 1);
        shortcut.observe(EVENT, 1, admit("late", 1));
        assertThat(shortcut.answer(EVENT, user("late"))).isEqualTo(Optional.of(Outcome.SOLD_OUT));
    }

    private Gate.Admission admit(String userId, int limit) {
        return gate.admit(EVENT, user(userId), limit,
                new CouponRequest(UUID.randomUUID().toString(), EVENT.value(), userId, Instant.parse("2026-11-24T10:00:00Z")));
    }

    private static UserId user(String id) {
        return new UserId(id);
    }
}
