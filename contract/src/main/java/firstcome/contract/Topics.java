package firstcome.contract;

import java.util.List;

/**
 * Every topic firstcome reads or writes, declared once. {@link #standard()} gives the contract's
 * names; the replay and the tests rename single topics with the {@code with…} methods.
 */
public record Topics(
        Topic<EventDefinition> events,
        Topic<CouponRequest> requests,
        Topic<IssuedCoupon> issued,
        String requestsDeadLetters,
        String issuedDeadLetters) {

    public static final String EVENTS = "coupon-events";
    public static final String REQUESTS = "coupon-requests";
    public static final String ISSUED = "coupon-issued";
    public static final String REQUESTS_DLQ = "coupon-requests-dlq";
    public static final String ISSUED_DLQ = "coupon-issued-dlq";

    public static Topics standard() {
        return new Topics(
                Topic.keyedByEvent(EVENTS, EventDefinition.class),
                Topic.keyedByEvent(REQUESTS, CouponRequest.class),
                Topic.keyedByEvent(ISSUED, IssuedCoupon.class),
                REQUESTS_DLQ,
                ISSUED_DLQ);
    }

    /** The same topics, but issued coupons written to {@code name} (a replay's side topic). */
    public Topics withIssued(String name) {
        return new Topics(events, requests, issued.renamed(name), requestsDeadLetters, issuedDeadLetters);
    }

    /** The same topics with every name prefixed: isolated topics for a test or a side run. */
    public Topics withPrefix(String prefix) {
        return new Topics(
                events.renamed(prefix + events.name()),
                requests.renamed(prefix + requests.name()),
                issued.renamed(prefix + issued.name()),
                prefix + requestsDeadLetters,
                prefix + issuedDeadLetters);
    }

    /** Every topic name, for creating them. */
    public List<String> names() {
        return List.of(events.name(), requests.name(), issued.name(), requestsDeadLetters, issuedDeadLetters);
    }
}
