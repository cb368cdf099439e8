package firstcome.contract;

/** What the shop asks of a coupon: redeem it for an order, cancel that redemption, or give it back to the pool. */
public enum ActionType {
    REDEEM,
    UNREDEEM,
    RETURN
}
