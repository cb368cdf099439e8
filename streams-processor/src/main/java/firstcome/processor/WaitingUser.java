package firstcome.processor;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * One place in an event's waitlist: the user and the request that put them there, kept in the
 * {@code waitlist} store under {@link #key(String, long)}. The keys of one event sort by sequence
 * number, so the queue's head is one look-up and a retired event's places are one key range.
 * {@code drawRank} is the user's place in the event's draw when the draw put them there (absent
 * otherwise, and then left out of the stored JSON): the coupon that serves them keeps it.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record WaitingUser(String userId, String requestId, Integer drawRank) {

    public WaitingUser(String userId, String requestId) {
        this(userId, requestId, null);
    }

    /** The event id, '/' (outside the id alphabet) and the sequence number, zero-padded to sort as numbers do. */
    public static String key(String eventId, long seq) {
        return String.format("%s/%019d", eventId, seq);
    }
}
