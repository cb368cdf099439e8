package firstcome.ingress.api;

import static org.assertj.core.api.Assertions.assertThat;

import firstcome.contract.ActionType;
import firstcome.contract.CouponDecision;
import firstcome.contract.IssuingOutcome;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class ActionWaitersTest {

    private final List<Runnable> completions = new ArrayList<>();
    private final ActionWaiters waiters = new ActionWaiters(2, completions::add);

    @Test
    void completesTheWaitingCallWithItsDecisionOffTheFollowersThread() {
        var waiting = waiters.register("a1").orElseThrow();

        waiters.decided(decision("a1"));

        assertThat(waiting).as("not on the follower's thread").isNotDone();
        assertThat(waiters.size()).isZero();
        completions.forEach(Runnable::run);
        assertThat(waiting).isCompletedWithValue(decision("a1"));
    }

    @Test
    void refusesACallPastTheBoundUntilAWaitingOneIsForgotten() {
        waiters.register("a1").orElseThrow();
        waiters.register("a2").orElseThrow();

        assertThat(waiters.register("a3")).isEmpty();
        assertThat(waiters.size()).isEqualTo(2);

        waiters.forget("a1");
        waiters.forget("a1");

        assertThat(waiters.size()).isEqualTo(1);
        assertThat(waiters.register("a3")).isPresent();
    }

    @Test
    void ignoresDecisionsOfOtherIngressesCallsAndOfRequests() {
        var waiting = waiters.register("a1").orElseThrow();

        waiters.decided(decision("elsewhere"));
        waiters.decided(new CouponDecision("a1", "e1", "u1", IssuingOutcome.ISSUED, 1, Instant.EPOCH));

        assertThat(completions).isEmpty();
        assertThat(waiting).isNotDone();
        assertThat(waiters.size()).isEqualTo(1);
    }

    private static CouponDecision decision(String actionId) {
        return new CouponDecision(actionId, "e1", "u1", IssuingOutcome.RETURNED, 3, Instant.EPOCH, ActionType.RETURN, null, null);
    }
}
