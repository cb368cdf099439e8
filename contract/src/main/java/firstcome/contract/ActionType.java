package firstcome.contract;

/**
 * What the shop asks of a coupon: redeem it for an order, cancel that redemption, or give it back to the
 * pool. {@link #TICK} is no shop's: an ingress publishes it into an event's partition of
 * {@code coupon-actions} at its draw window's end (plus {@link DrawWindow#GRACE}), so that stream time
 * passes the window even when nobody applies after it; it has no user and gets no decision of its own.
 */
public enum ActionType {
    REDEEM,
    UNREDEEM,
    RETURN,
    TICK
}
