package firstcome.contract;

/**
 * What the streams-processor decided for one request. Only {@link #ISSUED} produces a coupon; the
 * others are the reasons a status look-up gives for {@code REJECTED} ({@link #DUPLICATE} never is:
 * the user's coupon stays their status).
 */
public enum IssuingOutcome {
    ISSUED,
    DUPLICATE,
    SOLD_OUT,
    NOT_OPEN,
    CLOSED,
    UNKNOWN_EVENT
}
