package firstcome.contract.query;

import com.fasterxml.jackson.annotation.JsonInclude;
import firstcome.contract.IssuingOutcome;

/**
 * The answer to "what became of my application?": what the streams-processor serves from its
 * decisions and the ingress passes on to the shopper, in the contract's JSON —
 * {@code {"outcome":"ISSUED","couponNo":17}}, {@code {"outcome":"REJECTED","reason":"SOLD_OUT"}},
 * {@code {"outcome":"PENDING"}} (accepted at the gate, not decided yet: only the ingress knows) and
 * {@code {"outcome":"NOT_APPLIED"}} (the processor's 404).
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ApplicationStatus(State outcome, Integer couponNo, IssuingOutcome reason) {

    public enum State {
        ISSUED,
        PENDING,
        REJECTED,
        NOT_APPLIED
    }

    public ApplicationStatus {
        if (outcome == null) {
            throw new IllegalArgumentException("outcome is required");
        }
        if ((outcome == State.ISSUED) != (couponNo != null) || (couponNo != null && couponNo < 1)) {
            throw new IllegalArgumentException("couponNo (1 or more) comes with ISSUED, and only with it");
        }
        if ((outcome == State.REJECTED) != (reason != null)) {
            throw new IllegalArgumentException("reason comes with REJECTED, and only with it");
        }
    }

    public static ApplicationStatus issued(int couponNo) {
        return new ApplicationStatus(State.ISSUED, couponNo, null);
    }

    public static ApplicationStatus rejected(IssuingOutcome reason) {
        return new ApplicationStatus(State.REJECTED, null, reason);
    }

    public static ApplicationStatus pending() {
        return new ApplicationStatus(State.PENDING, null, null);
    }

    public static ApplicationStatus notApplied() {
        return new ApplicationStatus(State.NOT_APPLIED, null, null);
    }
}
