package firstcome.processor;

/**
 * An entrant of an event's draw: the user and the request that made them one, kept in the
 * {@code draw-entrants} store under {@link #key(String, String)}. The keys of one event sort by rank
 * key, so a range scan of the event's keys reads its entrants in drawn order.
 */
public record DrawEntrant(String userId, String requestId) {

    /** The event id, '/' (outside the id alphabet) and the entrant's rank key ({@code DrawWindow#rankKey}). */
    public static String key(String eventId, String rankKey) {
        return eventId + '/' + rankKey;
    }
}
