package firstcome.ingress.processor;

import firstcome.contract.query.Tally;
import firstcome.ingress.api.EventId;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * Answers "how were this event's accepted requests decided so far?" for the organiser's live view:
 * the streams-processor's {@code event-tallies}, the authority on how many coupons were issued.
 */
public interface TallyLookup {

    /** The event's tally, or empty when the decisions cannot be read right now; never completes exceptionally. */
    CompletableFuture<Optional<Tally>> find(EventId event);
}
