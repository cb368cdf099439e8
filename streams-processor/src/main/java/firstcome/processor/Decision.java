package firstcome.processor;

import firstcome.contract.IssuingOutcome;
import java.time.Instant;

/**
 * What a user's latest application to an event came to, kept in the decisions store under
 * {@link #key(String, String)} so that status look-ups can answer from it. {@code couponNo} is
 * set only for {@link IssuingOutcome#ISSUED}.
 */
public record Decision(IssuingOutcome outcome, Integer couponNo, String requestId, Instant decidedAt) {

    // '/' is outside the id alphabet, so the key splits back into exactly one (event, user).
    private static final char SEPARATOR = '/';

    public static Decision issued(int couponNo, String requestId, Instant at) {
        return new Decision(IssuingOutcome.ISSUED, couponNo, requestId, at);
    }

    public static Decision rejected(IssuingOutcome outcome, String requestId, Instant at) {
        return new Decision(outcome, null, requestId, at);
    }

    public static String key(String eventId, String userId) {
        return eventId + SEPARATOR + userId;
    }

    public boolean holdsCoupon() {
        return outcome == IssuingOutcome.ISSUED;
    }
}
