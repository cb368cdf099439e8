package firstcome.ingress.kafka;

import firstcome.contract.CouponAction;
import firstcome.contract.CouponRequest;
import firstcome.contract.EventDefinition;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;

/**
 * The durable hand-off to Kafka. Each future completes with the record's offset once the broker
 * acknowledged it (never earlier), or exceptionally when it could not be written in time: with a
 * {@link NeverSentException} when the record certainly never reached the broker, with the
 * producer's own exception when it may have (a timeout). Futures never complete on the producer's
 * own I/O thread, so callers may chain blocking work.
 */
public interface Publisher {

    /** Writes the request to coupon-requests, keyed by event, with record time = receivedAt. */
    CompletableFuture<Long> publish(CouponRequest request);

    /** Writes the definition to coupon-events, keyed by event, with record time {@code at}. */
    CompletableFuture<Long> publish(EventDefinition definition, Instant at);

    /** Writes the shop's action to coupon-actions, keyed by event, with record time = receivedAt. */
    CompletableFuture<Long> publish(CouponAction action);
}
