package firstcome.contract.query;

import java.util.List;

/**
 * Who holds a place at an event's gate, as the streams-processor's decisions say, served once its
 * task has decided every request and every action up to given offsets of the event's
 * {@code coupon-requests} and {@code coupon-actions} partitions. The ingress rebuilds its gate from
 * it after Redis lost the event's data. {@code users} take a place each (they hold a live coupon or
 * wait in the waitlist); {@code returned} gave their coupon back: they take no place but may not
 * apply again.
 */
public record CouponHolders(String eventId, List<String> users, List<String> returned) {

    public CouponHolders {
        users = List.copyOf(users);
        returned = returned == null ? List.of() : List.copyOf(returned);
    }

    public CouponHolders(String eventId, List<String> users) {
        this(eventId, users, List.of());
    }
}
