package firstcome.processor;

import java.time.Instant;

/**
 * What a user's latest application to an event came to, kept in the decisions store under
 * {@link #key(String, String)} so that status look-ups can answer from it. {@code couponNo} is
 * set only for {@link Outcome#ISSUED}.
 */
public record Decision(Outcome outcome, Integer couponNo, String requestId, Instant decidedAt) {

    // '/' is outside the id alphabet, so the key splits back into exactly one (event, user).
    private static final char SEPARATOR = '/';

    public static Decision issued(int couponNo, String requestId, Instant at) {
        return new Decision(Outcome.ISSUED, couponNo, requestId, at);
    }

    public static Decision rejected(Outcome outcome, String requestId, Instant at) {
        return new Decision(outcome, null, requestId, at);
    }

    public static String key(String eventId, String userId) {
        return eventId + SEPARATOR + userId;
    }

    public boolean holdsCoupon() {
        return outcome == Outcome.ISSUED;
    }
}
