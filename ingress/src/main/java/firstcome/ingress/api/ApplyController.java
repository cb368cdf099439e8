package firstcome.ingress.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import firstcome.contract.CouponRequest;
import firstcome.contract.Eligibility;
import firstcome.contract.EligibleAs;
import firstcome.contract.EventDefinition;
import firstcome.contract.LogContext;
import firstcome.contract.query.Tally;
import firstcome.ingress.RateLimitedLog;
import firstcome.ingress.catalog.EventCatalog;
import firstcome.ingress.draw.DrawInfo;
import firstcome.ingress.draw.DrawResults;
import firstcome.ingress.gate.Gate;
import firstcome.ingress.gate.GateRebuild;
import firstcome.ingress.gate.GateUnavailableException;
import firstcome.ingress.gate.OwnRequests;
import firstcome.ingress.gate.SoldOutShortcut;
import firstcome.ingress.kafka.NeverSentException;
import firstcome.ingress.kafka.Publisher;
import firstcome.ingress.processor.StatusLookup;
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
import org.slf4j.LoggerFactory;

/**
 * The public routes: event info, apply, and "my result". With shopper identities on, the applicant
 * is the signed token's shopper, and only they (or the shop's backend) read their result ({@link Shoppers}):
 * a refusal there comes before everything else. An application is then checked against the
 * catalog (known, its eligibility, open, not closed), then the sold-out memory (not inside a draw window), then passes
 * the gate in one Redis step, up to the event's capacity at that instant
 * ({@link EventDefinition#capacityAt}: the draw's cap inside its window, else limit + waitlist), and
 * is answered 202 only from the broker's acknowledgement; it stays pending at the gate
 * until its decision comes back. If Kafka certainly did not take it, its slot goes back to the gate
 * before the client hears 503 UNAVAILABLE; if it may have (a timeout), or the slot could not be
 * given back, the place is kept and the client hears 503 UNCONFIRMED.
 */
public final class ApplyController {

    private static final RateLimitedLog log = new RateLimitedLog(LoggerFactory.getLogger(ApplyController.class), Duration.ofSeconds(5));

    private final EventCatalog catalog;
    private final Gate gate;
    private final Publisher publisher;
    private final OwnRequests own;
    private final GateRebuild rebuild;
    private final SoldOutShortcut shortcut;
    private final StatusLookup statuses;
    private final IngressMetrics metrics;
    private final ApplyAnswerCounts answers;
    private final Clock clock;
    /** Where slots are given back: a release is a blocking Redis call, never run on an ack thread. */
    private final Executor releases;
    /** Whether an event's draw is done, for the event info (the processor is asked at most once a second per event). */
    private final DrawResults draws;
    /** Who the shopper is: the body's userId, or with identities on the signed token's (docs/identities.md). */
    private final Shoppers shoppers;

    public ApplyController(EventCatalog catalog, Gate gate, Publisher publisher, OwnRequests own, GateRebuild rebuild,
            SoldOutShortcut shortcut,
            StatusLookup statuses, IngressMetrics metrics, ApplyAnswerCounts answers, Clock clock, Executor releases,
            DrawResults draws, Shoppers shoppers) {
        this.catalog = catalog;
        this.gate = gate;
        this.publisher = publisher;
        this.own = own;
        this.rebuild = rebuild;
        this.shortcut = shortcut;
        this.statuses = statuses;
        this.metrics = metrics;
        this.answers = answers;
        this.clock = clock;
        this.releases = releases;
        this.draws = draws;
        this.shoppers = shoppers;
    }

    /**
     * How long the event info waits for the processor's word on a draw it asks about (once a second per
     * event at most); past it the info goes without the reveal, which the next look shows.
     */
    static final long REVEAL_WAIT_MS = 300;

    /**
     * {@code GET /events/{eventId}}; a retired event still answers from the catalog, with nothing remaining.
     * An event with a draw window shows it ({@link DrawInfo}), with the seed and the results once the
     * processor's tally says it is drawn; until then {@code remaining} is the limit (the draw hands out
     * the coupons, and the gate's count holds its entrants). A processor that does not answer leaves the
     * reveal out, never fails the info.
     */
    public void event(Context ctx) {
        EventId event = EventId.parse(ctx.pathParam("eventId"));
        EventDefinition definition = definition(event);
        // A retired event's keys are gone: its count would read 0, so ask nothing.
        boolean retired = catalog.retiredAt(event, clock.instant()).isPresent();
        long remaining = retired ? 0 : Math.max(0, definition.limit() - gate.count(event));
        if (definition.draw() == null || retired) {
            Answer.ok(EventInfo.of(definition, remaining, DrawInfo.of(definition))).writeTo(ctx);
            return;
        }
        var drawn = draws.drawn(definition);
        boolean windowOver = !clock.instant().isBefore(definition.drawEndsAt());
        if (drawn.isDone()) {
            Answer.ok(EventInfo.withDraw(definition, remaining, drawn.join(), windowOver)).writeTo(ctx);
            return;
        }
        ctx.future(() -> drawn.copy()
                .completeOnTimeout(Optional.empty(), REVEAL_WAIT_MS, TimeUnit.MILLISECONDS)
                .thenAccept(summary -> Answer.ok(EventInfo.withDraw(definition, remaining, summary, windowOver)).writeTo(ctx)));
    }

    /**
     * {@code POST /events/{eventId}/applications}. Every answer is counted here, by outcome, where
     * it is decided; a refusal raised on the way is counted, then answered by the exception mapper.
     */
    public void apply(Context ctx) {
        long started = System.nanoTime();
        String eventId = ctx.pathParam("eventId");
        // The log lines of this request on this thread name the event (and the user, once known).
        try (var context = LogContext.of(eventId, null)) {
            apply(ctx, eventId, started);
        } catch (RuntimeException e) {
            counted(eventId, Failures.answer(e), started);
            throw e;
        }
    }

    private void apply(Context ctx, String eventId, long started) {
        EventId event = EventId.parse(eventId);
        // Who applies, before anything else is asked: a refusal here counts nothing at the gate.
        Shoppers.Applicant applicant = shoppers.applicant(ctx);
        UserId user = applicant.user();
        LogContext.user(user.value());
        EventDefinition definition = definition(event);
        // Whether the event admits this shopper, first of the event's own checks: a refusal that the
        // opening or closing would not change. What was checked travels with the request.
        EligibleAs eligibleAs = Shoppers.eligibleAs(applicant, definition);
        // One instant for the checks here and for the record: the streams-processor decides
        // NOT_OPEN / CLOSED from the record timestamp, so both see the same time.
        Instant now = clock.instant().truncatedTo(ChronoUnit.MILLIS);
        if (definition.notYetOpenAt(now)) {
            throw new ApiException(Outcome.NOT_OPEN, "applications open at " + definition.opensAt());
        }
        if (definition.closedAt(now)) {
            throw new ApiException(Outcome.CLOSED, "applications closed at " + definition.applicationsCloseAt());
        }

        // Inside a draw window the gate admits up to the draw's cap, not limit + waitlist: the sold-out
        // short-cut, which copies an event sold out at limit + waitlist, is neither asked nor fed there.
        boolean inDraw = definition.inDrawWindowAt(now);
        int capacity = definition.capacityAt(now);
        Optional<Outcome> remembered = inDraw ? Optional.empty() : shortcut.answer(event, user);
        if (remembered.isPresent()) {
            metrics.shortcutAnswered();
            counted(eventId, refusal(remembered.get()), started).writeTo(ctx);
            return;
        }
        // Made before the gate, which keeps it as pending with the slot: if this process dies
        // before Kafka answers, another ingress finds it there and publishes it (GateReconciler).
        var request = CouponRequest.application(UUID.randomUUID().toString(), event.value(), user.value(), now, eligibleAs);
        Gate.Admission admission;
        try {
            admission = gate.admit(event, user, capacity, request);
        } catch (GateUnavailableException e) {
            if (!e.maybeApplied()) {
                throw e; // nothing was sent to Redis: nothing was counted
            }
            counted(eventId, admissionUnknown(request, e), started).writeTo(ctx);
            return;
        }
        if (admission.isLost()) {
            // Nobody passes until the event is rebuilt from the authority (one rebuild at a time).
            rebuild.rebuild(event).thenRun(() -> shortcut.forget(event));
            counted(eventId, lost(), started).writeTo(ctx);
            return;
        }
        if (!inDraw) {
            shortcut.observe(event, capacity, admission);
        } else if (admission.outcome() == Outcome.ACCEPTED) {
            shortcut.forget(event); // the set changed: no copy may outlive it (one is only made after the window)
        }
        if (admission.outcome() != Outcome.ACCEPTED) {
            counted(eventId, refusal(admission.outcome()), started).writeTo(ctx);
            return;
        }

        var accepted = Answer.of(Outcome.ACCEPTED, Accepted.at(event, user, admission.position(), definition.limit(), inDraw));
        // The request stays pending at the gate until its decision comes back (DecisionFollower):
        // the broker's acknowledgement alone changes nothing in Redis.
        ctx.future(() -> own.send(request, () -> publisher.publish(request))
                .handle((offset, failure) -> failure == null
                        ? CompletableFuture.completedFuture(accepted)
                        : neverSent(failure)
                                ? CompletableFuture.supplyAsync(() -> giveBack(request, failure), releases)
                                : CompletableFuture.completedFuture(unconfirmed(request, failure)))
                .thenCompose(answer -> answer)
                .whenComplete((answer, failure) -> counted(eventId, answer != null ? answer : Failures.answer(failure), started))
                .thenAccept(answer -> answer.writeTo(ctx)));
    }

    /** Counts the answer to an application: the metrics' outcome and latency, and the event's answers for the live view. */
    private Answer counted(String eventId, Answer answer, long started) {
        metrics.application(answer.outcome(), System.nanoTime() - started);
        answers.record(eventId, answer.outcome());
        return answer;
    }

    /**
     * {@code GET /events/{eventId}/applications/{userId}}. A retired event is answered here, from
     * the catalog (410 RETIRED): the processor no longer holds its decisions.
     */
    public void status(Context ctx) {
        try (var context = LogContext.of(ctx.pathParam("eventId"), ctx.pathParam("userId"))) {
            statusOf(ctx);
        }
    }

    private void statusOf(Context ctx) {
        EventId event = EventId.parse(ctx.pathParam("eventId"));
        UserId user = UserId.parse(ctx.pathParam("userId"));
        shoppers.mayRead(ctx, user);
        EventDefinition definition = definition(event);
        Optional<Instant> retiredAt = catalog.retiredAt(event, clock.instant());
        if (retiredAt.isPresent()) {
            throw retired(definition, retiredAt.get());
        }
        // Asynchronous: a slow or frozen streams-processor holds a future, never a request thread.
        ctx.future(() -> statuses.find(event, user)
                .handle((status, failure) -> failure != null
                        ? Failures.answer(failure)
                        : status.map(Answer::ok)
                                .orElseGet(() -> Answer.problem(Outcome.NOT_APPLIED, "no application of this user for this event")))
                .thenAccept(answer -> answer.writeTo(ctx)));
    }

    /**
     * The answer to a status look-up of a retired event, the same body as the streams-processor's: it
     * names the event's end (the later of its closing and its coupons' validity).
     */
    static ApiException retired(EventDefinition definition, Instant retiredAt) {
        return new ApiException(Outcome.RETIRED, "Event " + definition.eventId() + " closed at " + definition.endsAt()
                + " and its results were retired at " + retiredAt + "; the shop's records keep its coupons.");
    }

    /** The definition, or 404 UNKNOWN_EVENT; 503 while the catalog is still being read. */
    private EventDefinition definition(EventId event) {
        Optional<EventDefinition> definition = catalog.find(event);
        if (definition.isPresent()) {
            return definition.get();
        }
        if (!catalog.isLoaded()) {
            throw ApiException.unavailable("the ingress is still reading the event definitions");
        }
        throw new ApiException(Outcome.UNKNOWN_EVENT, "no event " + event);
    }

    private static boolean neverSent(Throwable failure) {
        for (Throwable e = failure; e != null; e = e.getCause()) {
            if (e instanceof NeverSentException) {
                return true;
            }
        }
        return false;
    }

    /**
     * The record may have reached the broker (a timeout, a retriable error): the place is kept and
     * the request stays pending, so it is decided either way; the reconciler publishes it again if
     * no decision comes. Nobody else loses a place over it, and the user's retry hears ALREADY_APPLIED.
     */
    private Answer unconfirmed(CouponRequest request, Throwable failure) {
        Throwable cause = failure.getCause() != null ? failure.getCause() : failure;
        try (var context = LogContext.of(request.eventId(), request.userId())) {
            log.warn("Kafka did not confirm the application of {} to {} ({}); its place is kept until it is decided",
                    request.userId(), request.eventId(), cause.toString());
        }
        return Answer.problem(Outcome.UNCONFIRMED,
                "we could not confirm your application yet; your place is kept and it will be decided; check your status");
    }

    /**
     * Kafka certainly did not take the record: free the slot (atomically, and only if this user
     * holds it) so that nothing stays counted for a request the client is told failed. If Redis
     * does not answer either, the place stays counted with its pending request, which the reconciler
     * publishes once both answer again: the request will be decided, so the client hears UNCONFIRMED,
     * and the request stays undecided here until then.
     */
    private Answer giveBack(CouponRequest request, Throwable failure) {
        EventId event = new EventId(request.eventId());
        UserId user = new UserId(request.userId());
        Throwable cause = failure.getCause() != null ? failure.getCause() : failure;
        try {
            gate.release(event, user);
        } catch (GateUnavailableException e) {
            // Neither Kafka nor Redis (see README, "failure cases").
            metrics.released(false);
            try (var context = LogContext.of(request.eventId(), request.userId())) {
                log.error("Kafka did not take the application of {} to {} ({}), and releasing its slot failed: {};"
                        + " its place is kept until it is decided", user, event, cause.toString(), e.getMessage());
            }
            return Answer.problem(Outcome.UNCONFIRMED,
                    "we could not store your application yet; your place is kept and it will be decided; check your status");
        }
        own.forget(request.requestId());
        shortcut.forget(event);
        metrics.released(true);
        try (var context = LogContext.of(request.eventId(), request.userId())) {
            log.warn("Kafka did not take the application of {} to {} ({}); slot released", user, event, cause.toString());
        }
        return Answer.problem(Outcome.UNAVAILABLE, "the application could not be stored; nothing was counted, try again");
    }

    /**
     * Redis took the admit script but its reply did not come in time: the request may hold a place.
     * Asked again, the gate tells: pending means it passed (the reconciler publishes it, so it will
     * be decided); not pending means nothing was counted. If the gate does not answer that either,
     * the client hears that the application could not be confirmed, never that nothing was counted.
     */
    private Answer admissionUnknown(CouponRequest request, GateUnavailableException failure) {
        try {
            if (!gate.isPending(request)) {
                throw failure; // certain now: the script did not let this request through
            }
            log.warn("the gate's answer for {} to {} came too late, but it let the request through; its place is kept",
                    request.userId(), request.eventId());
            return Answer.problem(Outcome.UNCONFIRMED,
                    "we could not confirm your application yet; your place is kept and it will be decided; check your status");
        } catch (GateUnavailableException stillAway) {
            if (stillAway == failure) {
                throw failure;
            }
            log.warn("the gate did not answer for {} to {} and cannot say whether it counted the application",
                    request.userId(), request.eventId());
            return Answer.problem(Outcome.UNCONFIRMED,
                    "we could not confirm whether your application was counted; check your status before applying again");
        }
    }

    /** The gate lost the event's state (Redis lost its data): nothing was counted. */
    private static Answer lost() {
        return Answer.problem(Outcome.UNAVAILABLE,
                "the gate is restoring this event after a data loss; nothing was counted, try again in a moment");
    }

    private static Answer refusal(Outcome outcome) {
        return switch (outcome) {
            case ALREADY_APPLIED -> Answer.problem(outcome, "this user has already applied to this event");
            case SOLD_OUT -> Answer.problem(outcome, "no coupon left for this event");
            default -> throw new IllegalStateException("not a refusal: " + outcome);
        };
    }

    /**
     * The 202 body. {@code inDraw} (true) for an entrant of the event's draw (an application inside its
     * window), absent otherwise; {@code waitlisted} (true) only for a position past the limit outside a
     * draw window, absent otherwise: an entrant's place is drawn, whatever its arrival rank.
     */
    record Accepted(String outcome, String eventId, String userId, long position,
            @JsonInclude(JsonInclude.Include.NON_NULL) Boolean waitlisted,
            @JsonInclude(JsonInclude.Include.NON_NULL) Boolean inDraw) {

        static Accepted at(EventId event, UserId user, long position, int limit, boolean inDraw) {
            return new Accepted(Outcome.ACCEPTED.name(), event.value(), user.value(), position,
                    !inDraw && position > limit ? Boolean.TRUE : null, inDraw ? Boolean.TRUE : null);
        }
    }

    /**
     * The public event info; {@code waitlist}, {@code couponsValidUntil}, {@code draw} and
     * {@code eligibility} only when the event has them.
     */
    record EventInfo(String eventId, int limit, Instant opensAt, Instant closesAt, long remaining,
            @JsonInclude(JsonInclude.Include.NON_DEFAULT) int waitlist,
            @JsonInclude(JsonInclude.Include.NON_NULL) Instant couponsValidUntil,
            @JsonInclude(JsonInclude.Include.NON_NULL) DrawInfo draw,
            @JsonInclude(JsonInclude.Include.NON_NULL) Eligibility eligibility) {

        static EventInfo of(EventDefinition definition, long remaining, DrawInfo draw) {
            return new EventInfo(definition.eventId(), definition.limit(), definition.opensAt(), definition.closesAt(), remaining,
                    definition.waitlist(), definition.couponsValidUntil(), draw, definition.eligibility());
        }

        /**
         * The info of an event with a draw window: while the window is open nothing is handed out, so
         * {@code remaining} is the limit (the gate's count holds entrants, who may outnumber the coupons);
         * once it is over the gate's count tells, drawn or not: it holds every entrant until the draw frees
         * the places of those not drawn, so it reads 0 when the draw will give every coupon away.
         */
        static EventInfo withDraw(EventDefinition definition, long remaining, Optional<Tally.DrawSummary> drawn,
                boolean windowOver) {
            long shown = windowOver || drawn.isPresent() ? remaining : definition.limit();
            return drawn.isPresent()
                    ? of(definition, shown, DrawInfo.of(definition, drawn.get(), false))
                    : of(definition, shown, DrawInfo.of(definition));
        }
    }
}
