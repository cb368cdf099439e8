package firstcome.ingress.api;

/**
 * Every {@code outcome} the ingress puts in a body, with the HTTP status it travels with. The first
 * block is the contract's apply table; the rest are the other routes' answers (the shop routes' 200s
 * report the coupon's state, not one of these).
 */
public enum Outcome {
    ACCEPTED(202),
    ALREADY_APPLIED(409),
    SOLD_OUT(410),
    NOT_OPEN(409),
    CLOSED(410),
    UNKNOWN_EVENT(404),
    INVALID_REQUEST(400),
    UNAVAILABLE(503),
    UNCONFIRMED(503),

    UNAUTHORIZED(401),
    /** Shopper identities on (docs/identities.md): no valid shopper token; answered with {@code WWW-Authenticate: Bearer}. */
    UNAUTHENTICATED(401),
    /** Shopper identities on: another shopper's id in the body, or another shopper's result. */
    FORBIDDEN(403),
    /** The event requires a claim the shopper's token does not carry (docs/identities.md, "Eligibility"). */
    NOT_ELIGIBLE(403),
    RATE_LIMITED(429),
    PENDING(200),
    NOT_APPLIED(404),
    NOT_FOUND(404),
    /** A status look-up of an event whose results were retired ({@code EVENT_RETENTION} past its end: its closing or, when later, its coupons' validity). */
    RETIRED(410),
    METHOD_NOT_ALLOWED(405),
    /** The shop routes' refusals (docs/lifecycle.md): no live coupon, redeemed by another order, not redeemed by this one, past its validity. */
    NOT_ISSUED(409),
    ALREADY_REDEEMED(409),
    NOT_REDEEMED(409),
    EXPIRED(410),
    INTERNAL_ERROR(500);

    private final int status;

    Outcome(int status) {
        this.status = status;
    }

    public int status() {
        return status;
    }
}
