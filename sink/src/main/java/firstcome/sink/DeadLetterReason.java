package firstcome.sink;

/**
 * Why a {@code coupon-issued} or {@code coupon-changes} record can never be written, as it appears
 * in the {@code firstcome.error.reason} header on the dead-letter topic and in the {@code reason}
 * tag of the dead-letter metric.
 */
public enum DeadLetterReason {
    /** The value is not an issued coupon (a coupon change): bad bytes, bad JSON, a missing or invalid field, or no value. */
    UNREADABLE,
    /** The record's key is not the coupon's event id, which the contract promises. */
    KEY_MISMATCH,
    /** {@code issuedAt} lies outside what a {@code DATETIME(3)} column holds (1000-01-01T00:00:00Z to 9999-12-31T23:59:59.999Z). */
    ISSUED_AT_OUT_OF_RANGE,
    /** {@code validUntil} or {@code changedAt} lies outside what a {@code DATETIME(3)} column holds. */
    TIME_OUT_OF_RANGE,
    /** The table holds this event's coupon number for another user. */
    COUPON_NO_TAKEN,
    /** The table holds another coupon number of this event for this user. */
    USER_HOLDS_OTHER_COUPON,
    /** The table holds this user's coupon with this number, but from another request, with another issue time or validity. */
    DIFFERS_FROM_STORED
}
