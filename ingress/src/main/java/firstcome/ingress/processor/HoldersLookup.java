package firstcome.ingress.processor;

import firstcome.contract.query.CouponHolders;
import firstcome.ingress.api.EventId;
import java.util.Optional;

/** The streams-processor's coupon holders of an event, once it has decided every request before {@code requestsEnd}. */
@FunctionalInterface
public interface HoldersLookup {

    /** Empty while the processor has not caught up that far, or does not answer. */
    Optional<CouponHolders> find(EventId event, long requestsEnd);
}
