package firstcome.ingress.processor;

import com.fasterxml.jackson.annotation.JsonInclude;
import firstcome.ingress.api.EventId;
import firstcome.ingress.api.UserId;
import java.util.Optional;

/**
 * Answers "what became of my application?". For now from the gate ({@link GateStatusLookup});
 * the end-to-end work plugs in the streams-processor's state behind the same interface.
 */
public interface StatusLookup {

    /** The user's status for the event, or empty: the user has not applied (404 NOT_APPLIED). */
    Optional<ApplicationStatus> find(EventId event, UserId user);

    /** {@code {"outcome":"ISSUED","couponNo":17}}, {@code {"outcome":"PENDING"}}, {@code {"outcome":"REJECTED","reason":"SOLD_OUT"}}. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    record ApplicationStatus(String outcome, Integer couponNo, String reason) {

        public static ApplicationStatus pending() {
            return new ApplicationStatus("PENDING", null, null);
        }

        public static ApplicationStatus issued(int couponNo) {
            return new ApplicationStatus("ISSUED", couponNo, null);
        }

        public static ApplicationStatus rejected(String reason) {
            return new ApplicationStatus("REJECTED", null, reason);
        }
    }
}
