package firstcome.contract.query;

import java.util.List;

/**
 * The users who hold a coupon of an event, as the streams-processor's decisions say, served once its
 * task has decided every request up to a given offset of the event's {@code coupon-requests}
 * partition. The ingress rebuilds its gate from it after Redis lost the event's data.
 */
public record CouponHolders(String eventId, List<String> users) {

    public CouponHolders {
        users = List.copyOf(users);
    }
}
