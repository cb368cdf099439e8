package firstcome.contract.query;

import java.util.List;
import java.util.Map;

/**
 * Who holds a place at an event's gate, as the streams-processor's decisions say, served once its
 * task has decided every request and every action up to given offsets of the event's
 * {@code coupon-requests} and {@code coupon-actions} partitions. The ingress rebuilds its gate from
 * it after Redis lost the event's data. {@code users} take a place each (they hold a live coupon or
 * wait in the waitlist); {@code returned} gave their coupon back: they take no place but may not
 * apply again. {@code entrants} are the users of {@code users} who wait for the event's draw, each with
 * the request that made them an entrant (the gate frees their place when that request is not drawn).
 */
public record CouponHolders(String eventId, List<String> users, List<String> returned, Map<String, String> entrants) {

    public CouponHolders {
        users = List.copyOf(users);
        returned = returned == null ? List.of() : List.copyOf(returned);
        entrants = entrants == null ? Map.of() : Map.copyOf(entrants);
    }

    public CouponHolders(String eventId, List<String> users, List<String> returned) {
        this(eventId, users, returned, Map.of());
    }

    public CouponHolders(String eventId, List<String> users) {
        this(eventId, users, List.of(), Map.of());
    }
}
