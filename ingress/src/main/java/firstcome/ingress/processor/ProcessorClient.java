package firstcome.ingress.processor;

import firstcome.contract.Json;
import firstcome.contract.query.ApplicationStatus;
import firstcome.contract.query.CouponHolders;
import firstcome.contract.query.QueryRoutes;
import firstcome.contract.query.Tally;
import firstcome.ingress.api.ApiException;
import firstcome.ingress.api.EventId;
import firstcome.ingress.api.Outcome;
import firstcome.ingress.api.UserId;
import firstcome.ingress.gate.Gate;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Asks the streams-processor (any instance: it forwards to the one that owns the event) what it
 * decided, in the contract's query answers. A status comes from the authority on who got which
 * coupon; a user it has not decided yet but who holds a slot at the gate is PENDING: accepted,
 * still in Kafka. A tally that cannot be read within its shorter timeout is simply absent, so the
 * live view shows the gate's figures without the processor's instead of failing as a whole.
 *
 * <p>Nothing here holds a request thread: every look-up is asynchronous, at most
 * {@link #MAX_IN_FLIGHT} are out at once (past that: 503 at once), and a {@link CircuitBreaker}
 * stops asking a processor that does not answer. A frozen processor therefore costs the
 * ingress a few hundred pending futures at most, never the threads that serve applications.
 * Nothing is kept per event (no cache of answers), so retired events leave nothing here.
 *
 * <p>Every look-up carries {@code Authorization: Bearer <SHOP_TOKEN>} when the token is set: the
 * processor, given the same variable, answers its query routes only to those who hold it.
 */
public final class ProcessorClient implements StatusLookup, TallyLookup, HoldersLookup, AutoCloseable {

    static final Duration STATUS_TIMEOUT = Duration.ofSeconds(2);
    static final Duration TALLY_TIMEOUT = Duration.ofSeconds(1);
    /** Look-ups out at once; a healthy processor answers in a few ms, so this is ample for thousands per second. */
    static final int MAX_IN_FLIGHT = 64;
    static final int FAILURES_TO_OPEN = 3;
    static final Duration OPEN_FOR = Duration.ofSeconds(1);

    private final URI processor;
    private final Gate gate;
    /** {@code Authorization} of every look-up; empty: none (the processor's query routes are open). */
    private final Optional<String> authorization;
    private final Semaphore inFlight = new Semaphore(MAX_IN_FLIGHT);
    private final CircuitBreaker breaker = new CircuitBreaker(FAILURES_TO_OPEN, OPEN_FOR, System::nanoTime);
    /** Runs the HTTP client's completions and the gate look-up of a PENDING status (a Redis call). */
    private final ExecutorService executor;
    private final HttpClient http;

    /** A client of a processor whose query routes are open (no {@code SHOP_TOKEN}). */
    public ProcessorClient(URI processor, Gate gate) {
        this(processor, gate, Optional.empty());
    }

    /** @param shopToken {@code SHOP_TOKEN}, sent with every look-up; empty or blank: none is sent */
    public ProcessorClient(URI processor, Gate gate, Optional<String> shopToken) {
        this.processor = processor;
        this.gate = gate;
        this.authorization = shopToken.map(String::strip).filter(token -> !token.isEmpty()).map(token -> "Bearer " + token);
        AtomicInteger count = new AtomicInteger();
        this.executor = Executors.newFixedThreadPool(4, task -> {
            Thread thread = new Thread(task, "ingress-processor-client-" + count.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        });
        this.http = HttpClient.newBuilder()
                .connectTimeout(STATUS_TIMEOUT)
                .version(HttpClient.Version.HTTP_1_1)
                .executor(executor)
                .build();
    }

    /** Completes with the status, or exceptionally with a 503 {@link ApiException} when the processor cannot tell. */
    @Override
    public CompletableFuture<Optional<ApplicationStatus>> find(EventId event, UserId user) {
        return ask(QueryRoutes.status(event.value(), user.value()), STATUS_TIMEOUT)
                .thenApplyAsync(response -> status(event, user, response), executor);
    }

    private Optional<ApplicationStatus> status(EventId event, UserId user, HttpResponse<byte[]> response) {
        if (response.statusCode() == 404) {
            return gate.holds(event, user) ? Optional.of(ApplicationStatus.pending()) : Optional.empty();
        }
        if (response.statusCode() == 410) {
            // The processor's stream time passed the event's retirement before this ingress's clock did.
            throw retired(response);
        }
        if (response.statusCode() != 200) {
            throw ApiException.unavailable("the decisions are not available right now; try again in a moment");
        }
        ApplicationStatus status;
        try {
            status = Json.mapper().readValue(response.body(), ApplicationStatus.class);
        } catch (IOException e) {
            throw ApiException.unavailable("the streams-processor gave an unreadable answer");
        }
        // Every state of the coupon lifecycle is passed on as the processor holds it; PENDING is the
        // ingress's own answer and NOT_APPLIED comes as a 404, so neither is expected in a 200.
        return switch (status.outcome()) {
            // A user refused for a reason that can change who applied again has a new request at the
            // gate, undecided yet: the refusal the processor still holds is no longer their answer.
            case REJECTED -> Optional.of(gate.hasPending(event, user) ? ApplicationStatus.pending() : status);
            case ISSUED, REDEEMED, RETURNED, EXPIRED, WAITLISTED, IN_DRAW -> Optional.of(status);
            case PENDING, NOT_APPLIED -> throw ApiException.unavailable("the streams-processor gave an unexpected answer");
        };
    }

    /** Never fails: empty when the processor cannot give the tally. */
    @Override
    public CompletableFuture<Optional<Tally>> find(EventId event) {
        return ask(QueryRoutes.tally(event.value()), TALLY_TIMEOUT)
                .thenApply(response -> read(response, Tally.class))
                .exceptionally(failure -> Optional.empty());
    }

    /** Called off the request path (a rebuild after a Redis data loss), so it may wait. */
    @Override
    public Optional<CouponHolders> find(EventId event, long requestsEnd, long actionsEnd) {
        try {
            return ask(QueryRoutes.holders(event.value(), requestsEnd, actionsEnd), TALLY_TIMEOUT)
                    .thenApply(response -> read(response, CouponHolders.class))
                    .get();
        } catch (ExecutionException e) {
            return Optional.empty();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.empty();
        }
    }

    /** Whether the breaker has stopped asking the processor (for tests and the logs). */
    boolean stoppedAsking() {
        return breaker.isOpen();
    }

    /** The processor's 410 RETIRED, passed on with its message; any other 410 is outside the contract. */
    private static ApiException retired(HttpResponse<byte[]> response) {
        try {
            ApiException.Problem problem = Json.mapper().readValue(response.body(), ApiException.Problem.class);
            if (Outcome.RETIRED.name().equals(problem.outcome()) && problem.message() != null) {
                return new ApiException(Outcome.RETIRED, problem.message());
            }
        } catch (IOException | IllegalArgumentException e) {
            // outside the contract: below
        }
        return ApiException.unavailable("the streams-processor gave an unexpected answer");
    }

    private static <T> Optional<T> read(HttpResponse<byte[]> response, Class<T> type) {
        if (response.statusCode() != 200) {
            return Optional.empty();
        }
        try {
            return Optional.of(Json.mapper().readValue(response.body(), type));
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    /** One GET; fails fast with a 503 when too many are out or the breaker is open. */
    private CompletableFuture<HttpResponse<byte[]>> ask(String path, Duration timeout) {
        if (!inFlight.tryAcquire()) {
            return CompletableFuture.failedFuture(
                    ApiException.unavailable("too many look-ups are waiting for the streams-processor; try again in a moment"));
        }
        if (!breaker.allows()) {
            inFlight.release();
            return CompletableFuture.failedFuture(
                    ApiException.unavailable("the streams-processor is not answering; try again in a moment"));
        }
        CompletableFuture<HttpResponse<byte[]>> sent;
        try {
            var request = HttpRequest.newBuilder(processor.resolve(path)).timeout(timeout).GET();
            authorization.ifPresent(header -> request.header("Authorization", header));
            sent = http.sendAsync(request.build(), HttpResponse.BodyHandlers.ofByteArray());
        } catch (RuntimeException e) {
            sent = CompletableFuture.failedFuture(e);
        }
        return sent.handle((response, failure) -> {
            inFlight.release();
            if (failure != null) {
                breaker.failed();
                throw new CompletionException(ApiException.unavailable("the streams-processor did not answer; try again in a moment"));
            }
            breaker.answered();
            return response;
        });
    }

    @Override
    public void close() {
        executor.shutdownNow();
    }
}
