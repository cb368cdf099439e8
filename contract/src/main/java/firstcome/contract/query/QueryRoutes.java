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

    private QueryRoutes() {
    }

    public static String status(String eventId, String userId) {
        return "/events/" + eventId + "/applications/" + userId;
    }

    public static String tally(String eventId) {
        return "/events/" + eventId + "/tally";
    }
}
