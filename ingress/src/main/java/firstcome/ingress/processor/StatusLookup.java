package firstcome.ingress.processor;

import firstcome.contract.query.ApplicationStatus;
import firstcome.ingress.api.EventId;
import firstcome.ingress.api.UserId;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * Answers "what became of my application?" ({@link ProcessorClient}: the streams-processor's
 * decision, or PENDING while the user holds a slot at the gate and nothing is decided yet).
 */
public interface StatusLookup {

    /**
     * {@code ISSUED}, {@code REJECTED} or {@code PENDING}; empty: the user has not applied
     * (404 NOT_APPLIED). Completes exceptionally with a 503 {@link firstcome.ingress.api.ApiException}
     * when it cannot tell. Asynchronous: no request thread waits for the streams-processor.
     */
    CompletableFuture<Optional<ApplicationStatus>> find(EventId event, UserId user);
}
