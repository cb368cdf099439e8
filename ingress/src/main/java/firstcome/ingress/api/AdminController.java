package firstcome.ingress.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.TextNode;
import firstcome.contract.DrawWindow;
import firstcome.contract.Eligibility;
import firstcome.contract.EventDefinition;
import firstcome.contract.LogContext;
import firstcome.ingress.catalog.EventCatalog;
import firstcome.ingress.draw.DrawInfo;
import firstcome.ingress.gate.Gate;
import firstcome.ingress.gate.GateUnavailableException;
import firstcome.ingress.kafka.Publisher;
import io.javalin.http.Context;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code PUT /admin/events/{eventId}}: checks the bearer token, validates the definition, writes it
 * to coupon-events and waits for the broker, then updates the catalog and primes the gate before
 * answering, so that applications are accepted as soon as the caller has the answer.
 *
 * <p>An event with a draw window (docs/fair-opening.md, "The event") gets its secret seed here, at its
 * first definition with a window; later definitions keep it. The answer and the log show the draw as
 * the public event info does (its commitment), never the seed.
 *
 * <p>An event's {@code eligibility} (docs/identities.md, "Eligibility") is part of every definition
 * like {@code waitlist} or {@code closesAt}: a definition without it has none, so leaving it out of a
 * redefinition clears it. It may change at any time; the streams-processor judges each request by the
 * rule in force at its point of the log.
 */
public final class AdminController {

    private static final Logger log = LoggerFactory.getLogger(AdminController.class);
    /** Where every seed comes from: one generator for the process, seeded by the system once. */
    private static final SecureRandom SEEDS = new SecureRandom();

    private final BearerToken token;
    private final EventCatalog catalog;
    private final Gate gate;
    private final Publisher publisher;
    private final Clock clock;
    private final Executor background;

    public AdminController(BearerToken token, EventCatalog catalog, Gate gate, Publisher publisher, Clock clock, Executor background) {
        this.token = token;
        this.catalog = catalog;
        this.gate = gate;
        this.publisher = publisher;
        this.clock = clock;
        this.background = background;
    }

    public void define(Context ctx) {
        try (var context = LogContext.of(ctx.pathParam("eventId"), null)) {
            defineOn(ctx);
        }
    }

    private void defineOn(Context ctx) {
        token.authorize(ctx.header("Authorization"));
        EventId event = EventId.parse(ctx.pathParam("eventId"));
        JsonNode body = JsonBody.read(ctx, JsonBody.ADMIN_MAX_BYTES);
        Instant now = clock.instant();
        Asked asked = definition(event, body, now);
        // Until the catalog has read the topic it cannot tell a retired id, nor a new event from a known one.
        if (!catalog.isLoaded()) {
            throw ApiException.unavailable("the ingress is still reading the event definitions; repeat the call in a moment");
        }
        // A retired id is never reused: its results are gone from the gate and the processor, but
        // the shop's records keep its coupons under this id.
        catalog.retiredAt(event, now).ifPresent(retiredAt -> {
            throw ApiException.invalidRequest("event " + event + " was retired at " + retiredAt + "; define a new event id");
        });
        // The very definition it holds, repeated (a retry of a call that answered late), changes nothing: answered as stored.
        // The asked definition carries no seed: it is compared with the stored seed filled in.
        Optional<EventDefinition> stored = catalog.find(event);
        Optional<EventDefinition> keepingTheSeed = asked.keepingTheSeedOf(stored);
        if (stored.isPresent() && keepingTheSeed.equals(stored) && stored.get().closedAt(now)) {
            Answer.ok(DrawInfo.storedEvent(stored.get())).writeTo(ctx);
            return;
        }
        // A closed event cannot be changed, nor reopened: the ingresses judge a late definition by its
        // record's time, the streams-processor by stream time, so a closing moved near the retirement
        // could reopen the gates while the processor refuses every request CLOSED (202s never kept).
        // The contract's "define or change" is about events still to run; a closed one's results
        // stand as decided, and a new run is a new event id.
        // Past couponsValidUntil an event is closed as well: applications are refused CLOSED, and the
        // coupons it issued keep the validity they were issued with.
        stored.map(EventDefinition::applicationsCloseAt).filter(closesAt -> !now.isBefore(closesAt)).ifPresent(closedAt -> {
            throw ApiException.invalidRequest("event " + event + " closed at " + closedAt
                    + "; a closed event cannot be reopened or changed, define a new event id");
        });
        stored.ifPresent(current -> drawUnchangedOnceOpen(current, asked, now));
        // The first definition with a window draws the seed; every later one keeps it (keepingTheSeed).
        EventDefinition seeded = keepingTheSeed.orElseGet(
                () -> asked.event().withDraw(DrawWindow.fresh(asked.windowSeconds(), asked.cap(), SEEDS)));
        // An open event's closing moved into the past closes it now, not back then: a closing in the
        // past would retire it at once, before the requests still pending at its gate were decided.
        EventDefinition definition = stored.isPresent() ? closingNotBefore(seeded, now) : seeded;
        // Only an event the catalog has never seen gets a count: for a redefinition a missing count
        // means Redis lost the event's state, and creating it would hide that (see Gate#prime).
        // Asked before publishing: the catalog's follower may read the record before install runs.
        boolean newEvent = catalog.find(event).isEmpty();
        ctx.future(() -> publisher.publish(definition, now)
                .handle((offset, failure) -> failure == null
                        ? CompletableFuture.supplyAsync(() -> install(definition, newEvent, offset, now), background)
                        : CompletableFuture.completedFuture(notStored(definition, failure)))
                .thenCompose(answer -> answer)
                .thenAccept(answer -> answer.writeTo(ctx)));
    }

    /**
     * Once an event has opened, its draw window is what the entrants applied in: it cannot be added,
     * removed, lengthened, shortened or moved (by a new {@code opensAt}), nor its seed re-drawn. Its
     * {@code drawCap} may change.
     */
    private static void drawUnchangedOnceOpen(EventDefinition stored, Asked asked, Instant now) {
        if (now.isBefore(stored.opensAt())) {
            return;
        }
        String event = stored.eventId();
        if (stored.draw() == null) {
            if (asked.windowSeconds() > 0) {
                throw ApiException.invalidRequest("event " + event + " opened at " + stored.opensAt()
                        + " without a draw window; a draw window cannot be added once the event has opened");
            }
            return;
        }
        String window = "event " + event + " opened at " + stored.opensAt() + " with a draw window of "
                + stored.draw().windowSeconds() + " s";
        if (asked.windowSeconds() == 0) {
            throw ApiException.invalidRequest(window + "; the window cannot be removed once the event has opened");
        }
        if (asked.windowSeconds() != stored.draw().windowSeconds()) {
            throw ApiException.invalidRequest(window + "; the window cannot change once the event has opened, was asked "
                    + asked.windowSeconds() + " s");
        }
        if (!asked.event().opensAt().equals(stored.opensAt())) {
            throw ApiException.invalidRequest(window + "; opensAt cannot move once the event has opened (it would move the window),"
                    + " was asked " + asked.event().opensAt());
        }
    }

    /**
     * The closing ({@code closesAt}) and the coupons' expiry ({@code couponsValidUntil}, which also
     * closes the applications) moved into the past, moved to now.
     */
    private static EventDefinition closingNotBefore(EventDefinition definition, Instant now) {
        Instant closesAt = notBefore(definition.closesAt(), now);
        Instant validUntil = notBefore(definition.couponsValidUntil(), now);
        if (closesAt == definition.closesAt() && validUntil == definition.couponsValidUntil()) {
            return definition;
        }
        try {
            return definition.withClosing(closesAt, validUntil);
        } catch (IllegalArgumentException e) {
            throw ApiException.invalidRequest(e.getMessage());
        }
    }

    private static Instant notBefore(Instant instant, Instant now) {
        return instant == null || !instant.isBefore(now) ? instant : now;
    }

    private Answer install(EventDefinition definition, boolean newEvent, long offset, Instant writtenAt) {
        catalog.apply(definition.eventId(), definition, offset, writtenAt);
        try {
            gate.prime(definition, newEvent);
        } catch (GateUnavailableException e) {
            try (var context = LogContext.of(definition.eventId(), null)) {
                log.warn("event {} stored, but the gate could not be primed: {}", definition.eventId(), e.getMessage());
            }
            return Answer.problem(Outcome.UNAVAILABLE,
                    "the event was stored, but Redis did not answer, so applications cannot pass yet; repeat the call");
        }
        try (var context = LogContext.of(definition.eventId(), null)) {
            log.info("event {} defined: limit {}, waitlist {}, opens {}, closes {}, coupons valid until {}, {}, {}", definition.eventId(),
                    definition.limit(), definition.waitlist(), definition.opensAt(),
                    definition.closesAt() == null ? "never" : definition.closesAt(),
                    definition.couponsValidUntil() == null ? "never expiring" : definition.couponsValidUntil(),
                    DrawInfo.describe(definition),
                    definition.eligibility() == null ? "open to every shopper"
                            : "for shoppers whose " + definition.eligibility().claim() + " is " + Shoppers.oneOf(definition.eligibility().anyOf()));
        }
        return Answer.ok(DrawInfo.storedEvent(definition));
    }

    private static Answer notStored(EventDefinition definition, Throwable failure) {
        Throwable cause = failure.getCause() != null ? failure.getCause() : failure;
        try (var context = LogContext.of(definition.eventId(), null)) {
            log.warn("event {} could not be written to Kafka: {}", definition.eventId(), cause.toString());
        }
        return Answer.problem(Outcome.UNAVAILABLE, "the event could not be stored in Kafka; nothing changed, repeat the call");
    }

    /**
     * The body of this route that repeats {@code stored} as it is: every field a definition takes, since
     * a field left out takes its default (an {@code opensAt} left out is now, a {@code closesAt} never, a
     * {@code waitlist} none, a window none). The seed is not in it: the route keeps the stored one while a
     * window is asked. {@code drawCap} only when the organiser gave one (the default follows the limit).
     * The organiser's page sends it with one field changed: {@code closesAt} to close now, {@code limit}.
     */
    public static Definition asked(EventDefinition stored) {
        return new Definition(stored.limit(), stored.opensAt(), stored.closesAt(), stored.waitlist(),
                stored.couponsValidUntil(), stored.draw() == null ? null : stored.draw().windowSeconds(),
                stored.draw() == null ? null : stored.draw().cap(), stored.eligibility());
    }

    /** A body of {@code PUT /admin/events/{eventId}} ({@link #asked}); absent fields are left out of the JSON. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Definition(int limit, Instant opensAt, Instant closesAt, int waitlist, Instant couponsValidUntil,
            Integer drawWindowSeconds, Integer drawCap, Eligibility eligibility) {
    }

    /** The latest {@code opensAt}, {@code closesAt} or {@code couponsValidUntil} taken: the end of the year 9999. */
    static final Instant LATEST = Instant.parse("9999-12-31T23:59:59.999Z");
    /** The earliest instant taken: the shop's date columns start there, and nothing before it needs a coupon. */
    static final Instant EARLIEST = Instant.parse("1000-01-01T00:00:00Z");

    /**
     * The definition asked for: the event without its draw ({@code event}), and the draw window asked
     * ({@code windowSeconds} 0: none) with its {@code cap} ({@code null}: the default). The seed is not
     * part of it: {@link #keepingTheSeedOf} takes the stored one, or the admin route draws one.
     */
    record Asked(EventDefinition event, int windowSeconds, Integer cap) {

        /**
         * The asked definition with the stored event's seed, when both have a window, or without a draw
         * when none is asked; empty when a window is asked and the stored event has none (a new seed is due).
         * Removing the window drops the seed, so a window set again later (before the opening) has a new one.
         */
        Optional<EventDefinition> keepingTheSeedOf(Optional<EventDefinition> stored) {
            if (windowSeconds == 0) {
                return Optional.of(event);
            }
            return stored.map(EventDefinition::draw).map(draw -> event.withDraw(draw.with(windowSeconds, cap)));
        }
    }

    /**
     * {@code limit} 1..10,000,000; {@code opensAt} default now; {@code closesAt} default never;
     * {@code waitlist} 0..1,000,000, default 0; {@code couponsValidUntil} after {@code opensAt}, default never;
     * {@code drawWindowSeconds} 0..3600, default 0 (none); {@code drawCap} 1..1,000,000,000, only with a window,
     * default 100 × (limit + waitlist); with a window, {@code closesAt} and {@code couponsValidUntil} at or
     * after its end; {@code eligibility} default none ({@link #eligibility}).
     */
    static Asked definition(EventId event, JsonNode body, Instant now) {
        JsonNode limit = body.get("limit");
        if (limit == null || limit.isNull()) {
            throw ApiException.invalidRequest("limit is required");
        }
        if (!limit.isIntegralNumber() || !limit.canConvertToInt()
                || limit.intValue() < 1 || limit.intValue() > EventDefinition.MAX_LIMIT) {
            throw ApiException.invalidRequest("limit must be a whole number from 1 to " + EventDefinition.MAX_LIMIT);
        }
        int waitlist = waitlist(body);
        Instant opensAt = instant(body, "opensAt").orElse(now);
        Instant closesAt = instant(body, "closesAt").orElse(null);
        Instant couponsValidUntil = instant(body, "couponsValidUntil").orElse(null);
        if (couponsValidUntil != null && !couponsValidUntil.isAfter(opensAt)) {
            throw ApiException.invalidRequest("couponsValidUntil must be after opensAt (" + opensAt + "), was "
                    + body.get("couponsValidUntil").textValue());
        }
        int window = wholeNumber(body, "drawWindowSeconds", 0, DrawWindow.MAX_WINDOW_SECONDS).orElse(0);
        Integer cap = wholeNumber(body, "drawCap", 1, DrawWindow.MAX_CAP).orElse(null);
        if (cap != null && window == 0) {
            throw ApiException.invalidRequest("drawCap is only taken with a draw window: give drawWindowSeconds from 1 to "
                    + DrawWindow.MAX_WINDOW_SECONDS);
        }
        Eligibility eligibility = eligibility(body);
        EventDefinition definition;
        try {
            definition = new EventDefinition(event.value(), limit.intValue(), opensAt, closesAt, waitlist, couponsValidUntil,
                    null, eligibility);
        } catch (IllegalArgumentException e) {
            throw ApiException.invalidRequest(e.getMessage());
        }
        if (window > 0) {
            Instant windowEnd = definition.opensAt().plusSeconds(window);
            atOrAfterTheWindowsEnd("closesAt", definition.closesAt(), window, windowEnd);
            atOrAfterTheWindowsEnd("couponsValidUntil", definition.couponsValidUntil(), window, windowEnd);
        }
        return new Asked(definition, window, cap);
    }

    private static final Set<String> ELIGIBILITY_MEMBERS = Set.of("claim", "anyOf");
    private static final String ELIGIBILITY_EXAMPLE = "{\"claim\": \"tier\", \"anyOf\": [\"gold\", \"vip\"]}";

    /**
     * {@code eligibility}: absent or null, none (every shopper); else exactly {@code {"claim": ..., "anyOf": [...]}}
     * with the claim's name (1–64 characters of {@code [A-Za-z0-9_.:-]}) and 1–100 accepted string values of
     * 1–64 characters each. Each refusal names the member that is wrong.
     */
    static Eligibility eligibility(JsonNode body) {
        JsonNode node = body.get("eligibility");
        if (node == null || node.isNull()) {
            return null;
        }
        if (!node.isObject()) {
            throw ApiException.invalidRequest("eligibility must be an object such as " + ELIGIBILITY_EXAMPLE
                    + ", or null for an event open to every shopper; was " + shown(node));
        }
        for (Iterator<String> names = node.fieldNames(); names.hasNext(); ) {
            String name = names.next();
            if (!ELIGIBILITY_MEMBERS.contains(name)) {
                throw ApiException.invalidRequest("eligibility takes only claim and anyOf, such as " + ELIGIBILITY_EXAMPLE
                        + "; it has an unknown member " + shown(TextNode.valueOf(name)));
            }
        }
        JsonNode claim = node.get("claim");
        if (claim == null || claim.isNull()) {
            throw ApiException.invalidRequest("eligibility.claim is required: the name of the shopper token's claim to check,"
                    + " 1-" + Eligibility.MAX_LENGTH + " characters of [A-Za-z0-9_.:-]");
        }
        if (!claim.isTextual() || !CLAIM_NAME.matcher(claim.textValue()).matches()) {
            throw ApiException.invalidRequest("eligibility.claim must be a string of 1-" + Eligibility.MAX_LENGTH
                    + " characters of [A-Za-z0-9_.:-], was " + shown(claim));
        }
        JsonNode anyOf = node.get("anyOf");
        if (anyOf == null || anyOf.isNull()) {
            throw ApiException.invalidRequest("eligibility.anyOf is required: the claim's accepted values, an array of 1-"
                    + Eligibility.MAX_VALUES + " strings");
        }
        if (!anyOf.isArray()) {
            throw ApiException.invalidRequest("eligibility.anyOf must be an array of 1-" + Eligibility.MAX_VALUES
                    + " strings, was " + shown(anyOf));
        }
        if (anyOf.isEmpty() || anyOf.size() > Eligibility.MAX_VALUES) {
            throw ApiException.invalidRequest("eligibility.anyOf must hold 1-" + Eligibility.MAX_VALUES + " values, had " + anyOf.size());
        }
        List<String> values = new ArrayList<>(anyOf.size());
        for (int i = 0; i < anyOf.size(); i++) {
            JsonNode value = anyOf.get(i);
            if (!value.isTextual() || value.textValue().isEmpty()
                    || value.textValue().codePointCount(0, value.textValue().length()) > Eligibility.MAX_LENGTH) {
                throw ApiException.invalidRequest("eligibility.anyOf[" + i + "] must be a string of 1-" + Eligibility.MAX_LENGTH
                        + " characters, was " + shown(value));
            }
            values.add(value.textValue());
        }
        try {
            return new Eligibility(claim.textValue(), values);
        } catch (IllegalArgumentException e) {
            throw ApiException.invalidRequest(e.getMessage());
        }
    }

    private static final Pattern CLAIM_NAME = Pattern.compile("[A-Za-z0-9_.:-]{1,64}");
    /** How much of a refused value a message repeats. */
    private static final int SHOWN_CHARS = 80;

    /** A refused value as JSON, cut short past {@value #SHOWN_CHARS} characters. */
    private static String shown(JsonNode node) {
        String text = node.toString();
        return text.length() <= SHOWN_CHARS ? text : text.substring(0, SHOWN_CHARS) + "...";
    }

    private static void atOrAfterTheWindowsEnd(String field, Instant instant, int window, Instant windowEnd) {
        if (instant != null && instant.isBefore(windowEnd)) {
            throw ApiException.invalidRequest(field + " must be at or after the end of the draw window (opensAt + "
                    + window + " s = " + windowEnd + "), was " + instant);
        }
    }

    /** The field as a whole number in {@code [min, max]}, empty when absent or null. */
    private static Optional<Integer> wholeNumber(JsonNode body, String field, int min, int max) {
        JsonNode node = body.get(field);
        if (node == null || node.isNull()) {
            return Optional.empty();
        }
        if (!node.isIntegralNumber() || !node.canConvertToInt() || node.intValue() < min || node.intValue() > max) {
            throw ApiException.invalidRequest(field + " must be a whole number from " + min + " to " + max + ", was " + node);
        }
        return Optional.of(node.intValue());
    }

    private static int waitlist(JsonNode body) {
        JsonNode waitlist = body.get("waitlist");
        if (waitlist == null || waitlist.isNull()) {
            return 0;
        }
        if (!waitlist.isIntegralNumber() || !waitlist.canConvertToInt()
                || waitlist.intValue() < 0 || waitlist.intValue() > EventDefinition.MAX_WAITLIST) {
            throw ApiException.invalidRequest("waitlist must be a whole number from 0 to " + EventDefinition.MAX_WAITLIST
                    + ", was " + waitlist);
        }
        return waitlist.intValue();
    }

    private static Optional<Instant> instant(JsonNode body, String field) {
        JsonNode node = body.get(field);
        if (node == null || node.isNull()) {
            return Optional.empty();
        }
        if (node.isTextual()) {
            Instant instant;
            try {
                instant = OffsetDateTime.parse(node.textValue()).toInstant();
            } catch (DateTimeException e) {
                instant = null; // the common message below
            }
            if (instant != null) {
                // Later instants do not fit the gate's millisecond expiry nor the shop's date columns.
                if (instant.isAfter(LATEST)) {
                    throw ApiException.invalidRequest(field + " must be at or before " + LATEST + ", was " + node.textValue());
                }
                if (instant.isBefore(EARLIEST)) {
                    throw ApiException.invalidRequest(field + " must be at or after " + EARLIEST + ", was " + node.textValue());
                }
                return Optional.of(instant);
            }
        }
        throw ApiException.invalidRequest(field + " must be an ISO-8601 instant such as 2026-11-24T10:00:00Z");
    }
}
