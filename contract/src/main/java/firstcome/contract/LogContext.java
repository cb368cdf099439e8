package firstcome.contract;

import org.slf4j.MDC;

/**
 * The event and the user a log line concerns, as fields of the log's context ({@code MDC}, Log4j2's
 * {@code ThreadContext}): {@code LOG_FORMAT=json} writes them as {@code eventId} and {@code userId}.
 * Set on the thread that logs and cleared when its work for that event ends, so a pooled thread
 * never carries them into the next request. A put and a remove per key, no allocation of our own:
 * the ingress's apply route sets them on every request.
 */
public final class LogContext implements AutoCloseable {

    public static final String EVENT_ID = "eventId";
    public static final String USER_ID = "userId";

    /** Closing it clears both fields; one instance serves every scope. */
    private static final LogContext SCOPE = new LogContext();

    private LogContext() {
    }

    /** Sets {@code eventId} (and {@code userId} when not null) until the returned scope is closed. */
    public static LogContext of(String eventId, String userId) {
        put(EVENT_ID, eventId);
        put(USER_ID, userId);
        return SCOPE;
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
    }

    private static void put(String key, String value) {
        if (value != null) {
            MDC.put(key, value);
        }
    }
}
