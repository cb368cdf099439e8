package firstcome.ingress.gate;

import static org.assertj.core.api.Assertions.assertThat;

import firstcome.contract.CouponRequest;
import firstcome.contract.EventDefinition;
import firstcome.ingress.api.EventId;
import firstcome.ingress.api.Outcome;
import firstcome.ingress.api.UserId;
import java.time.Instant;
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

    @BeforeEach
    void openGate() {
        gate = newGate();
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

        gate.admit(event, user("a"), 1, request("a"));
        gate.admit(event, user("b"), 1, request("b"));

        assertThat(gate.pending(event)).containsExactly(accepted);
    }

    @Test
    void settlesOnlyTheRequestPendingForItsUser() {
        CouponRequest first = request("a");
        gate.admit(event, user("a"), 5, first);

        gate.settle(request("a"));
        assertThat(gate.pending(event)).as("another request of the same user settles nothing").containsExactly(first);

        gate.settle(first);
        assertThat(gate.pending(event)).isEmpty();
        assertThat(gate.holds(event, user("a"))).as("settling keeps the slot").isTrue();
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

        gate.prime(definition);
        gate.prime(definition);
        assertThat(gate.count(event)).isZero();

        admit("a", 2);
        gate.prime(definition);
        assertThat(gate.count(event)).isEqualTo(1);
        assertThat(admit("b", 2)).isEqualTo(Gate.Admission.accepted(2));
    }

    @Test
    void knowsNothingOfAnEventNobodyAppliedTo() {
        assertThat(gate.count(event)).isZero();
        assertThat(gate.holds(event, user("a"))).isFalse();
        assertThat(gate.pending(event)).isEmpty();
        assertThat(gate.soldOutSnapshot(event, 1, 100)).isEmpty();
        assertThat(gate.ping()).isTrue();
    }

    private Gate.Admission admit(String userId, int limit) {
        return gate.admit(event, user(userId), limit, request(userId));
    }

    private CouponRequest request(String userId) {
        return new CouponRequest(UUID.randomUUID().toString(), event.value(), userId, AT);
    }

    private static UserId user(String id) {
        return new UserId(id);
    }
}
