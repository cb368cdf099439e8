package firstcome.ingress.processor;

import firstcome.contract.query.CouponHolders;
import firstcome.ingress.api.EventId;
import java.util.Optional;

/**
 * The streams-processor's coupon holders of an event (the users taking a place, and those who
 * returned their coupon), once it has decided every request before {@code requestsEnd} of the
 * event's coupon-requests partition and every action before {@code actionsEnd} of its coupon-actions
 * partition.
 */
@FunctionalInterface
public interface HoldersLookup {

    /** Empty while the processor has not caught up that far, or does not answer. */
    Optional<CouponHolders> find(EventId event, long requestsEnd, long actionsEnd);
}
