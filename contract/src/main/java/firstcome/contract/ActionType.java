package firstcome.contract;

/**
 * What the shop asks of a coupon: redeem it for an order, cancel that redemption, or give it back to the
 * pool. (A draw's tick is no action: it is a {@link CouponRequest#tick} in {@code coupon-requests}.)
 */
public enum ActionType {
    REDEEM,
    UNREDEEM,
    RETURN
}
