package firstcome.ingress.pages;

import firstcome.contract.EventDefinition;
import firstcome.ingress.api.Answer;
import firstcome.ingress.api.ApiException;
import firstcome.ingress.api.Outcome;
import firstcome.ingress.catalog.EventCatalog;
import io.javalin.http.Context;
import java.time.Clock;
import java.time.Instant;
import java.util.Collection;
import java.util.Comparator;
import java.util.Map;
import java.util.Optional;

/**
 * The pages: {@code GET /} and {@code GET /e/{eventId}} (the shopper's event page), {@code GET /admin}
 * (the organiser's), their files under {@code /assets/}, {@code GET /featured-event}, which tells
 * the page at {@code /} which event to show, and {@code GET /openapi.json}, the API's description. The pages do the rest through the JSON API.
 */
public final class PageController {

    private final PageAssets assets;
    private final EventCatalog catalog;
    private final Clock clock;

    /** Serves the files under {@code /public} on the class path, read once here. */
    public PageController(EventCatalog catalog, Clock clock) {
        this.assets = PageAssets.fromClasspath("/public");
        this.catalog = catalog;
        this.clock = clock;
    }

    /** {@code GET /} and {@code GET /e/{eventId}}: one page; its script reads the event id from the address. */
    public void eventPage(Context ctx) {
        assets.serve(ctx, assets.find("event.html").orElseThrow());
    }

    /** {@code GET /admin}. */
    public void adminPage(Context ctx) {
        assets.serve(ctx, assets.find("admin.html").orElseThrow());
    }

    /**
     * {@code GET /openapi.json}: the OpenAPI 3.1 description of every route ({@code public/openapi.json}),
     * revalidated with its ETag like the pages.
     */
    public void openApi(Context ctx) {
        assets.serve(ctx, assets.find("openapi.json").orElseThrow());
    }

    /** {@code GET /assets/{file}}: only the files the pages reference (never the pages themselves). */
    public void asset(Context ctx) {
        assets.find(ctx.pathParam("file"))
                .filter(asset -> !asset.isPage())
                .ifPresentOrElse(asset -> assets.serve(ctx, asset),
                        () -> Answer.problem(Outcome.NOT_FOUND, "no such file").writeTo(ctx));
    }

    /** {@code GET /featured-event}: 200 {@code {"eventId"}} of the event {@code /} shows; 404 when none is defined. */
    public void featuredEvent(Context ctx) {
        Optional<EventDefinition> featured = featured(catalog.definitions(), clock.instant());
        if (featured.isPresent()) {
            ctx.header("Cache-Control", "no-cache");
            Answer.ok(Map.of("eventId", featured.get().eventId())).writeTo(ctx);
            return;
        }
        if (!catalog.isLoaded()) {
            throw ApiException.unavailable("the ingress is still reading the event definitions");
        }
        throw new ApiException(Outcome.UNKNOWN_EVENT, "no event is defined yet");
    }

    /**
     * The event a shopper arriving at {@code /} most likely came for: the open one that opened
     * last; else the upcoming one that opens first; else the one that opened last. Derived from the
     * definitions alone, so every ingress instance picks the same.
     */
    static Optional<EventDefinition> featured(Collection<EventDefinition> events, Instant now) {
        Comparator<EventDefinition> byOpening = Comparator.comparing(EventDefinition::opensAt)
                .thenComparing(EventDefinition::eventId);
        Optional<EventDefinition> open = events.stream()
                .filter(event -> !event.notYetOpenAt(now) && !event.closedAt(now))
                .max(byOpening);
        if (open.isPresent()) {
            return open;
        }
        Optional<EventDefinition> upcoming = events.stream().filter(event -> event.notYetOpenAt(now)).min(byOpening);
        return upcoming.isPresent() ? upcoming : events.stream().max(byOpening);
    }
}
