package firstcome.contract;

/**
 * The state of an issued coupon as the {@code coupon} table keeps it. {@link #ISSUED} and
 * {@link #REDEEMED} are live (they count against the event's limit); a {@link #RETURNED} coupon went
 * back to the pool and its number is never used again. Expiry is not a state: an unredeemed coupon is
 * expired once its {@code validUntil} has passed.
 */
public enum CouponState {
    ISSUED,
    REDEEMED,
    RETURNED;

    public boolean live() {
        return this != RETURNED;
    }
}
