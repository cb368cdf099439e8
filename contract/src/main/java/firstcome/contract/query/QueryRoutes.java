package firstcome.contract.query;

/**
 * The streams-processor's query routes, written once for the processor (which serves them, and
 * forwards them to the instance that owns an event) and the ingress (which asks them). The ids
 * have passed the contract's check ({@code [A-Za-z0-9_.:@-]}), so they need no escaping.
 */
public final class QueryRoutes {

    /** {@link ApplicationStatus}: 200, or 404 with {@code NOT_APPLIED}. */
    public static final String STATUS = "/events/{eventId}/applications/{userId}";

    /** {@link Tally}: 200 (all counts 0 while no request of the event was decided). */
    public static final String TALLY = "/events/{eventId}/tally";

    /**
     * {@link CouponHolders}: 200 once the event's task has committed its decisions of every request
     * before offset {@value #REQUESTS_END} (a query parameter) of the event's {@code coupon-requests}
     * partition; 503 while it has not caught up that far.
     */
    public static final String HOLDERS = "/events/{eventId}/holders";

    /** The query parameter of {@link #HOLDERS}: an end offset of the event's requests partition. */
    public static final String REQUESTS_END = "requestsEnd";

    /**
     * The optional query parameter of {@link #HOLDERS}: an end offset of the event's
     * {@code coupon-actions} partition, whose returns must be decided too.
     */
    public static final String ACTIONS_END = "actionsEnd";

    private QueryRoutes() {
    }

    public static String status(String eventId, String userId) {
        return "/events/" + eventId + "/applications/" + userId;
    }

    public static String tally(String eventId) {
        return "/events/" + eventId + "/tally";
    }

    public static String holders(String eventId, long requestsEnd) {
        return "/events/" + eventId + "/holders?" + REQUESTS_END + "=" + requestsEnd;
    }

    public static String holders(String eventId, long requestsEnd, long actionsEnd) {
        return holders(eventId, requestsEnd) + "&" + ACTIONS_END + "=" + actionsEnd;
    }
}
