package firstcome.ingress.kafka;

import firstcome.contract.CouponAction;
import firstcome.contract.CouponRequest;
import firstcome.contract.EventDefinition;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.common.errors.TimeoutException;

/**
 * Acknowledges every record at once; when {@code failing}, fails it as certainly never sent (a
 * broker out of reach before send() could hand it over); when {@code timingOut}, fails it like a
 * delivery timeout, which leaves open whether the broker has it.
 */
public final class FakePublisher implements Publisher {

    public record Sent<V>(V value, Instant timestamp) {
    }

    public final List<Sent<CouponRequest>> requests = new CopyOnWriteArrayList<>();
    public final List<Sent<EventDefinition>> definitions = new CopyOnWriteArrayList<>();
    public final List<Sent<CouponAction>> actions = new CopyOnWriteArrayList<>();
    /** Runs once an action was acknowledged, before its future completes (a test's stand-in for the streams-processor). */
    public volatile java.util.function.Consumer<CouponAction> onAction = action -> { };
    private final AtomicLong offsets = new AtomicLong();
    public volatile boolean failing;
    public volatile boolean timingOut;
    /** Runs as a request is handed over, before it is answered (a test's way to act in between). */
    public volatile Runnable onPublish = () -> { };

    @Override
    public CompletableFuture<Long> publish(CouponRequest request) {
        onPublish.run();
        if (failing) {
            return CompletableFuture.failedFuture(new NeverSentException(new TimeoutException("switched off by the test")));
        }
        if (timingOut) {
            return CompletableFuture.failedFuture(new TimeoutException("Expiring 1 record(s): delivery timeout (the test)"));
        }
        requests.add(new Sent<>(request, request.receivedAt()));
        return CompletableFuture.completedFuture(offsets.getAndIncrement());
    }

    @Override
    public CompletableFuture<Long> publish(EventDefinition definition, Instant at) {
        if (failing) {
            return CompletableFuture.failedFuture(new TimeoutException("switched off by the test"));
        }
        definitions.add(new Sent<>(definition, at));
        return CompletableFuture.completedFuture(offsets.getAndIncrement());
    }

    @Override
    public CompletableFuture<Long> publish(CouponAction action) {
        if (failing) {
            return CompletableFuture.failedFuture(new NeverSentException(new TimeoutException("switched off by the test")));
        }
        if (timingOut) {
            return CompletableFuture.failedFuture(new TimeoutException("Expiring 1 record(s): delivery timeout (the test)"));
        }
        actions.add(new Sent<>(action, action.receivedAt()));
        onAction.accept(action);
        return CompletableFuture.completedFuture(offsets.getAndIncrement());
    }
}
