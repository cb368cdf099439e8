package firstcome.contract;

import org.slf4j.MDC;

/**
 * The event and the user a log line concerns, as fields of the log's context ({@code MDC}, Log4j2's
 * {@code ThreadContext}): {@code LOG_FORMAT=json} writes them as {@code eventId} and {@code userId}.
 * Set on the thread that logs and cleared when its work for that event ends, so a pooled thread
 * never carries them into the next request. A put and a remove per key, no allocation of our own
 * for a scope opened on a thread without one (the ingress's apply route sets them on every request).
 * A scope opened inside another (a Kafka callback run on the request's own thread) gives the outer
 * scope's fields back when it closes, so the lines after it still carry them.
 */
public final class LogContext implements AutoCloseable {

    public static final String EVENT_ID = "eventId";
    public static final String USER_ID = "userId";

    /** Closing it clears both fields; one instance serves every scope opened outside another. */
    private static final LogContext SCOPE = new LogContext(null, null);

    private final String outerEventId;
    private final String outerUserId;

    private LogContext(String outerEventId, String outerUserId) {
        this.outerEventId = outerEventId;
        this.outerUserId = outerUserId;
    }

    /**
     * Sets {@code eventId} (and {@code userId} when not null) until the returned scope is closed; then
     * the fields are what they were before (none outside another scope).
     */
    public static LogContext of(String eventId, String userId) {
        String outerEvent = MDC.get(EVENT_ID);
        String outerUser = MDC.get(USER_ID);
        put(EVENT_ID, eventId);
        put(USER_ID, userId);
        return outerEvent == null && outerUser == null ? SCOPE : new LogContext(outerEvent, outerUser);
    }

    /** Sets {@code userId} once it is known (after a request's body was read), within a scope already open. */
    public static void user(String userId) {
        put(USER_ID, userId);
    }

    /** Removes both fields from this thread's context. */
    public static void clear() {
        MDC.remove(EVENT_ID);
        MDC.remove(USER_ID);
    }

    @Override
    public void close() {
        clear();
        put(EVENT_ID, outerEventId);
        put(USER_ID, outerUserId);
    }

    private static void put(String key, String value) {
        if (value != null) {
            MDC.put(key, value);
        }
    }
}
