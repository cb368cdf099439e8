package firstcome.ingress.gate;

import firstcome.contract.CouponRequest;
import firstcome.ingress.api.EventId;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * The requests this ingress sent to Kafka and has not seen decided yet, and which of those sends
 * may still be in flight. The reconciler never publishes a request again while its send is in
 * flight here; a rebuild after Redis lost an event waits for the event's sends to end and puts
 * the undecided ones back as pending. Memory: one entry per request between the gate and its
 * decision (normally milliseconds; while the streams-processor is away, up to the events' limits).
 */
public final class OwnRequests {

    private record Own(CouponRequest request, CompletableFuture<Void> sendEnded) {
    }

    private final Map<String, Own> undecided = new ConcurrentHashMap<>();

    /**
     * Registers the request, then sends it with {@code publish}: registered first, so that neither
     * its decision nor a sweep of the reconciler can come between the send and the registration.
     */
    public CompletableFuture<Long> send(CouponRequest request, Supplier<CompletableFuture<Long>> publish) {
        var ended = new CompletableFuture<Void>();
        undecided.put(request.requestId(), new Own(request, ended));
        CompletableFuture<Long> sent;
        try {
            sent = publish.get();
        } catch (RuntimeException e) {
            ended.complete(null);
            throw e;
        }
        sent.whenComplete((offset, failure) -> ended.complete(null));
        return sent;
    }

    /** The request is decided (its decision came back), or certainly never reached Kafka. */
    public void forget(String requestId) {
        undecided.remove(requestId);
    }

    /**
     * Forgets every request of a retired event: its keys, pending requests included, expired at the
     * gate, and a decision that still comes changes nothing there. Without it, a request whose
     * decision never came (a processor away past the retirement) would stay here for good.
     */
    public void retire(EventId event) {
        undecided.values().removeIf(own -> own.request.eventId().equals(event.value()));
    }

    /** Whether a send of this request from here may still reach the broker. */
    public boolean inFlight(String requestId) {
        Own own = undecided.get(requestId);
        return own != null && !own.sendEnded.isDone();
    }

    /** Completes once every send of the event in flight right now has ended (acknowledged or failed). */
    public CompletableFuture<Void> sendsEnded(EventId event) {
        return CompletableFuture.allOf(undecided.values().stream()
                .filter(own -> own.request.eventId().equals(event.value()))
                .map(Own::sendEnded)
                .toArray(CompletableFuture[]::new));
    }

    /** The event's requests sent from here and not decided yet. */
    public List<CouponRequest> undecided(EventId event) {
        return undecided.values().stream()
                .map(Own::request)
                .filter(request -> request.eventId().equals(event.value()))
                .toList();
    }

    public int size() {
        return undecided.size();
    }
}
