package firstcome.ingress.api;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import firstcome.contract.Eligibility;
import firstcome.contract.EventDefinition;
import firstcome.contract.query.Tally;
import firstcome.ingress.catalog.EventCatalog;
import firstcome.ingress.draw.DrawInfo;
import firstcome.ingress.gate.Gate;
import firstcome.ingress.gate.GateAgreement;
import firstcome.ingress.gate.GateUnavailableException;
import firstcome.ingress.processor.TallyLookup;
import io.javalin.http.Context;
import java.time.Clock;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * The organiser's live view, behind the admin token: {@code GET /admin/events} (the catalog with
 * each event's gate count) and {@code GET /admin/events/{eventId}/stats} (accepted at the gate,
 * issued and decided by the streams-processor, and this ingress's answers by outcome, which the page
 * turns into requests per second). A source that does not answer shows as null, never as a failure
 * of the whole view. An event with a draw window shows it as the public info does ({@link DrawInfo}: never
 * the seed before the draw), and in the stats with the entrants so far; an event with an eligibility shows it.
 * Each row of the list carries the
 * body of {@code PUT /admin/events/{eventId}} that repeats the event as stored ({@link AdminController#asked}),
 * which the page changes one field of to close an event now or change its limit; the stats say whether the
 * gate agrees with the authority ({@link GateAgreement}).
 */
public final class EventStatsController {

    /** The list shows at most this many events, most recently opened first. */
    static final int LISTED_EVENTS = 50;

    private final BearerToken token;
    private final EventCatalog catalog;
    private final Gate gate;
    private final TallyLookup tallies;
    private final ApplyAnswerCounts answers;
    private final Clock clock;
    private final GateAgreement agreement = new GateAgreement();

    public EventStatsController(BearerToken token, EventCatalog catalog, Gate gate, TallyLookup tallies,
            ApplyAnswerCounts answers, Clock clock) {
        this.token = token;
        this.catalog = catalog;
        this.gate = gate;
        this.tallies = tallies;
        this.answers = answers;
        this.clock = clock;
    }

    /** {@code GET /admin/events}. */
    public void events(Context ctx) {
        token.authorize(ctx.header("Authorization"));
        Instant now = clock.instant();
        List<EventDefinition> all = catalog.definitions();
        List<EventRow> rows = all.stream()
                .sorted(Comparator.comparing(EventDefinition::opensAt).thenComparing(EventDefinition::eventId).reversed())
                .limit(LISTED_EVENTS)
                .map(definition -> {
                    EventId event = new EventId(definition.eventId());
                    Instant retiredAt = catalog.retiredAt(event, now).orElse(null);
                    Long accepted = retiredAt == null ? accepted(event) : null;
                    return new EventRow(definition.eventId(), definition.limit(), definition.opensAt(),
                            definition.closesAt(), accepted, remaining(definition, accepted), retiredAt,
                            definition.waitlist(), definition.couponsValidUntil(), DrawInfo.of(definition),
                            definition.eligibility(), AdminController.asked(definition));
                })
                .toList();
        ctx.header("Cache-Control", "no-store");
        Answer.ok(new EventList(rows, all.size(), now)).writeTo(ctx);
    }

    /** {@code GET /admin/events/{eventId}/stats}. */
    public void stats(Context ctx) {
        token.authorize(ctx.header("Authorization"));
        EventId event = EventId.parse(ctx.pathParam("eventId"));
        Optional<EventDefinition> found = catalog.find(event);
        if (found.isEmpty()) {
            if (!catalog.isLoaded()) {
                throw ApiException.unavailable("the ingress is still reading the event definitions");
            }
            throw new ApiException(Outcome.UNKNOWN_EVENT, "no event " + event);
        }
        EventDefinition definition = found.get();
        Instant at = clock.instant();
        Instant retiredAt = catalog.retiredAt(event, at).orElse(null);
        Long accepted = retiredAt == null ? accepted(event) : null;
        Long pending = accepted == null ? null : pending(event);
        ctx.header("Cache-Control", "no-store");
        // A retired event: the gate's keys and the processor's state are gone; only the definition is shown.
        var tallied = retiredAt == null ? tallies.find(event) : CompletableFuture.completedFuture(Optional.<Tally>empty());
        ctx.future(() -> tallied.thenAccept(tally -> Answer.ok(new EventStats(definition.eventId(),
                definition.limit(), definition.opensAt(), definition.closesAt(), accepted, remaining(definition, accepted),
                tally.map(Tally::issued).orElse(null), tally.orElse(null), answers.of(event), at, retiredAt,
                definition.waitlist(), definition.couponsValidUntil(), tally.map(Tally::redeemed).orElse(null),
                tally.map(Tally::returned).orElse(null), tally.map(Tally::waitlisted).orElse(null),
                DrawInfo.of(definition, tally.map(Tally::draw).orElse(null), true), definition.eligibility(),
                gateSignal(event, accepted, pending, tally.orElse(null), at))).writeTo(ctx)));
    }

    /** Whether the gate agrees with the processor's tally; null when either does not answer. */
    private GateAgreement.Signal gateSignal(EventId event, Long accepted, Long pending, Tally tally, Instant at) {
        if (accepted == null || pending == null || tally == null) {
            return null;
        }
        return agreement.observe(event, accepted, GateAgreement.authority(tally), pending, at);
    }

    private Long pending(EventId event) {
        try {
            return gate.pendingCount(event);
        } catch (GateUnavailableException e) {
            return null;
        }
    }

    private Long accepted(EventId event) {
        try {
            return gate.count(event);
        } catch (GateUnavailableException e) {
            return null;
        }
    }

    private static Long remaining(EventDefinition definition, Long accepted) {
        return accepted == null ? null : Math.max(0, definition.limit() - accepted);
    }

    /**
     * One row of the list; {@code accepted} and {@code remaining} are null while Redis does not answer
     * and for a retired event ({@code retiredAt} set: its gate state is gone). {@code definition}: the body of
     * {@code PUT /admin/events/{eventId}} that repeats the event as stored (its draw's seed is kept by the route).
     */
    record EventRow(String eventId, int limit, Instant opensAt, Instant closesAt, Long accepted, Long remaining,
            Instant retiredAt, @JsonInclude(JsonInclude.Include.NON_DEFAULT) int waitlist,
            @JsonInclude(JsonInclude.Include.NON_NULL) Instant couponsValidUntil,
            @JsonInclude(JsonInclude.Include.NON_NULL) DrawInfo draw,
            @JsonInclude(JsonInclude.Include.NON_NULL) Eligibility eligibility,
            AdminController.Definition definition) {
    }

    record EventList(List<EventRow> events, int total, Instant at) {
    }

    /**
     * The live figures. {@code accepted}: users holding a slot at the gate (Redis). {@code issued}
     * and {@code decided}: the streams-processor's tally (null while it does not answer); {@code decided}
     * shows its six counts of requests, without the event id and total the processor's answer also
     * carries, and without the coupons' states now, which are {@code redeemed} (coupons redeemed now),
     * {@code returned} (coupons returned to the pool) and {@code waitlisted} (users waiting now), null
     * like {@code issued} while the processor does not answer.
     * {@code answers}: this ingress's answers to the event's applications since it started, by outcome.
     * {@code retiredAt}: set once the event retired; then only the definition is shown. {@code waitlist} and
     * {@code couponsValidUntil} only when the event has them, as in the public event info. {@code draw}
     * only for an event with a draw window: as in the public info, plus the {@code entrants} so far from
     * the processor's tally before the draw (the tally's own {@code draw} summary shows in {@code decided} too).
     * {@code eligibility} only for an event with one, as in the public info.
     * {@code gate}: whether the gate agrees with the authority ({@link GateAgreement.Signal}); absent while Redis
     * or the processor does not answer and for a retired event.
     */
    record EventStats(String eventId, int limit, Instant opensAt, Instant closesAt, Long accepted, Long remaining,
            Long issued,
            @JsonIgnoreProperties({"eventId", "decided", "redeemed", "returned", "waitlisted"}) Tally decided,
            Map<String, Long> answers, Instant at, Instant retiredAt,
            @JsonInclude(JsonInclude.Include.NON_DEFAULT) int waitlist,
            @JsonInclude(JsonInclude.Include.NON_NULL) Instant couponsValidUntil,
            Long redeemed, Long returned, Long waitlisted,
            @JsonInclude(JsonInclude.Include.NON_NULL) DrawInfo draw,
            @JsonInclude(JsonInclude.Include.NON_NULL) Eligibility eligibility,
            @JsonInclude(JsonInclude.Include.NON_NULL) GateAgreement.Signal gate) {
    }
}
