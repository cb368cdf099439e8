package firstcome.ingress.api;

import com.fasterxml.jackson.databind.JsonNode;
import firstcome.contract.ActionType;
import firstcome.contract.CouponAction;
import firstcome.contract.CouponDecision;
import firstcome.contract.EventDefinition;
import firstcome.contract.Ids;
import firstcome.contract.LogContext;
import firstcome.ingress.RateLimitedLog;
import firstcome.ingress.catalog.EventCatalog;
import firstcome.ingress.kafka.NeverSentException;
import firstcome.ingress.kafka.Publisher;
import io.javalin.http.Context;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.LoggerFactory;

/**
 * The shop routes, {@code POST /shop/events/{eventId}/coupons/{userId}/redeem|unredeem|return}
 * (docs/lifecycle.md): checks the shop token and the input, writes the action to coupon-actions, and
 * answers from the streams-processor's decision of it, which the decision follower hands to
 * {@link ActionWaiters}. The call waits on a future, never on a thread, up to the action timeout
 * from its arrival: past it, 503 UNCONFIRMED (the action is in Kafka and will be decided; the rules
 * answer a repeated action the same, so repeating it is safe). A send that certainly failed is a
 * 503 UNAVAILABLE: nothing was done.
 */
public final class ShopController {

    private static final RateLimitedLog log = new RateLimitedLog(LoggerFactory.getLogger(ShopController.class), Duration.ofSeconds(5));

    private final BearerToken token;
    private final EventCatalog catalog;
    private final Publisher publisher;
    private final ActionWaiters waiters;
    private final Duration timeout;
    private final Clock clock;
    /** Where a timed-out call is answered: never the JDK's shared timer thread itself. */
    private final Executor completions;

    public ShopController(BearerToken token, EventCatalog catalog, Publisher publisher, ActionWaiters waiters, Duration timeout,
            Clock clock, Executor completions) {
        this.token = token;
        this.catalog = catalog;
        this.publisher = publisher;
        this.waiters = waiters;
        this.timeout = timeout;
        this.clock = clock;
        this.completions = completions;
    }

    public void redeem(Context ctx) {
        act(ctx, ActionType.REDEEM);
    }

    public void unredeem(Context ctx) {
        act(ctx, ActionType.UNREDEEM);
    }

    public void giveBack(Context ctx) {
        act(ctx, ActionType.RETURN);
    }

    private void act(Context ctx, ActionType type) {
        try (var context = LogContext.of(ctx.pathParam("eventId"), ctx.pathParam("userId"))) {
            actOn(ctx, type);
        }
    }

    private void actOn(Context ctx, ActionType type) {
        long arrived = System.nanoTime();
        token.authorize(ctx.header("Authorization"));
        EventId event = EventId.parse(ctx.pathParam("eventId"));
        UserId user = UserId.parse(ctx.pathParam("userId"));
        JsonNode body = JsonBody.read(ctx);
        String orderId = type == ActionType.RETURN ? null : orderId(body);
        String reason = type == ActionType.RETURN ? reason(body) : null;
        requireLive(event);
        // The record's time is when the call arrived: the streams-processor judges the coupon's validity by it.
        Instant now = clock.instant().truncatedTo(ChronoUnit.MILLIS);
        var action = new CouponAction(UUID.randomUUID().toString(), event.value(), user.value(), type, orderId, reason, now);
        // Waiting before writing: the decision may be read before the broker's acknowledgement arrives.
        CompletableFuture<CouponDecision> decided = waiters.register(action.actionId()).orElseThrow(() -> ApiException.unavailable(
                "too many shop calls are waiting for their decisions; nothing was done, repeat the call in a moment"));
        long left = Math.max(0, timeout.toNanos() - (System.nanoTime() - arrived));
        ctx.future(() -> answer(action, decided, left).thenAccept(answer -> answer.writeTo(ctx)));
    }

    /** The first of: the decision; a certain or uncertain failure of the send; the deadline once the send is acknowledged. */
    private CompletableFuture<Answer> answer(CouponAction action, CompletableFuture<CouponDecision> decided, long leftNanos) {
        CompletableFuture<Answer> answer = new CompletableFuture<>();
        answer.whenComplete((done, failure) -> waiters.forget(action.actionId()));
        decided.thenAccept(decision -> answer.complete(ShopAnswers.of(action, decision)));
        AtomicBoolean late = new AtomicBoolean();
        CompletableFuture<Long> sent;
        try {
            sent = publisher.publish(action);
        } catch (RuntimeException e) {
            sent = CompletableFuture.failedFuture(new NeverSentException(e));
        }
        CompletableFuture<Long> written = sent;
        written.whenComplete((offset, failure) -> {
            if (failure != null) {
                answer.complete(notWritten(action, failure));
            } else if (late.get()) {
                answer.complete(undecided(action));
            }
        });
        // Past the deadline the call is answered once the broker has the action, not before: only then
        // is it certain that the action will be decided (the send ends within the delivery timeout).
        CompletableFuture.delayedExecutor(leftNanos, TimeUnit.NANOSECONDS, completions).execute(() -> {
            late.set(true);
            if (written.isDone() && !written.isCompletedExceptionally()) {
                answer.complete(undecided(action));
            }
        });
        return answer;
    }

    private static Answer notWritten(CouponAction action, Throwable failure) {
        Throwable cause = failure.getCause() != null ? failure.getCause() : failure;
        for (Throwable e = failure; e != null; e = e.getCause()) {
            if (e instanceof NeverSentException) {
                try (var context = LogContext.of(action.eventId(), action.userId())) {
                    log.warn("Kafka did not take the {} of {}'s coupon of {} ({}); nothing was done", action.action(), action.userId(),
                            action.eventId(), cause.toString());
                }
                return Answer.problem(Outcome.UNAVAILABLE, "the action could not be stored in Kafka; nothing was done, repeat the call");
            }
        }
        try (var context = LogContext.of(action.eventId(), action.userId())) {
            log.warn("Kafka did not confirm the {} of {}'s coupon of {} ({})", action.action(), action.userId(), action.eventId(),
                    cause.toString());
        }
        return Answer.problem(Outcome.UNCONFIRMED, "Kafka did not confirm the action in time: if it has it, it will be decided;"
                + " repeating the call is safe and answers the decision");
    }

    private Answer undecided(CouponAction action) {
        try (var context = LogContext.of(action.eventId(), action.userId())) {
            log.warn("no decision of the {} of {}'s coupon of {} within {} ms; it is in Kafka and will be decided", action.action(),
                    action.userId(), action.eventId(), timeout.toMillis());
        }
        return Answer.problem(Outcome.UNCONFIRMED, "the action is in Kafka and will be decided, but its decision did not come within "
                + timeout.toMillis() + " ms; repeating the call is safe and answers the decision");
    }

    /** 404 UNKNOWN_EVENT for an event the catalog does not know, 410 RETIRED for a retired one, 503 while it loads. */
    private void requireLive(EventId event) {
        Optional<EventDefinition> definition = catalog.find(event);
        if (definition.isEmpty()) {
            if (!catalog.isLoaded()) {
                throw ApiException.unavailable("the ingress is still reading the event definitions; nothing was done");
            }
            throw new ApiException(Outcome.UNKNOWN_EVENT, "no event " + event);
        }
        Optional<Instant> retiredAt = catalog.retiredAt(event, clock.instant());
        if (retiredAt.isPresent()) {
            throw ApplyController.retired(definition.get(), retiredAt.get());
        }
    }

    /** {@code orderId}: a JSON string, or a JSON integer taken as its decimal string; the id alphabet, 1-64 characters. */
    static String orderId(JsonNode body) {
        JsonNode node = body.get("orderId");
        if (node == null || node.isNull()) {
            throw ApiException.invalidRequest("orderId is required");
        }
        String orderId;
        if (node.isTextual()) {
            orderId = node.textValue();
        } else if (node.isIntegralNumber()) {
            orderId = node.bigIntegerValue().toString();
        } else {
            throw ApiException.invalidRequest("orderId must be a string or a whole number");
        }
        if (!Ids.isValid(orderId)) {
            throw ApiException.invalidRequest("orderId must be " + Ids.RULE);
        }
        return orderId;
    }

    /** {@code reason}: absent, or a JSON string of at most {@value CouponAction#MAX_REASON} characters. */
    static String reason(JsonNode body) {
        JsonNode node = body.get("reason");
        if (node == null || node.isNull()) {
            return null;
        }
        if (!node.isTextual()) {
            throw ApiException.invalidRequest("reason must be a string");
        }
        if (node.textValue().length() > CouponAction.MAX_REASON) {
            throw ApiException.invalidRequest("reason must be at most " + CouponAction.MAX_REASON + " characters, was "
                    + node.textValue().length());
        }
        return node.textValue();
    }
}
