package firstcome.processor;

import firstcome.contract.CouponAction;
import firstcome.contract.CouponRequest;
import firstcome.contract.EventDefinition;

/**
 * One record of an event's log, whichever of the three co-partitioned input topics it came from, so
 * that one processor decides them all in the order the task reads them.
 */
sealed interface EventInput {

    /** From {@code coupon-events}: a definition, or {@code null} for a tombstone. */
    record Definition(EventDefinition definition) implements EventInput {
    }

    /** From {@code coupon-requests}: an application, or a draw's tick ({@link CouponRequest#isTick}: no decision of its own). */
    record Request(CouponRequest request) implements EventInput {
    }

    /** From {@code coupon-actions}. */
    record Action(CouponAction action) implements EventInput {
    }
}
