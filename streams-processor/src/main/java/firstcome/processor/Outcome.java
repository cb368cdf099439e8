package firstcome.processor;

/** What the processor decided for one request. Only {@link #ISSUED} produces a coupon. */
public enum Outcome {
    ISSUED,
    DUPLICATE,
    SOLD_OUT,
    NOT_OPEN,
    CLOSED,
    UNKNOWN_EVENT
}
