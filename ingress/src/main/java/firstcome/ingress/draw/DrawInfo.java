package firstcome.ingress.draw;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.node.ObjectNode;
import firstcome.contract.EventDefinition;
import firstcome.contract.Json;
import firstcome.contract.query.Tally;
import java.time.Instant;

/**
 * An event's draw window as HTTP answers show it (docs/fair-opening.md, "The event"): the window, its
 * end, the cap the gate applies and the seed's commitment; the {@code seed} itself, the number of
 * {@code entrants}, {@code drawnAt} and the last winning and waitlisted rank keys only once the
 * streams-processor's tally says the draw is done. The one place that turns a definition's draw into
 * JSON, so the secret seed cannot slip into an answer by another path.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record DrawInfo(int windowSeconds, Instant endsAt, int cap, String commitment, String seed, Long entrants,
        Instant drawnAt, String issuedUpTo, String waitlistUpTo) {

    /** The event's draw before the draw is done (no seed); {@code null} for an event without a window. */
    public static DrawInfo of(EventDefinition definition) {
        if (definition.draw() == null) {
            return null;
        }
        return new DrawInfo(definition.draw().windowSeconds(), definition.drawEndsAt(), definition.drawCap(),
                definition.draw().commitment(), null, null, null, null, null);
    }

    /**
     * The event's draw as far as the processor's {@code summary} tells ({@code null}: nothing known): the
     * seed and the results once drawn; before that, without the seed, with the entrants so far only when
     * {@code entrantsSoFar} (the organiser's view; the public info shows them once drawn).
     */
    public static DrawInfo of(EventDefinition definition, Tally.DrawSummary summary, boolean entrantsSoFar) {
        DrawInfo info = of(definition);
        if (info == null || summary == null) {
            return info;
        }
        if (summary.drawn()) {
            return new DrawInfo(info.windowSeconds, info.endsAt, info.cap, info.commitment, definition.draw().seed(),
                    summary.entrants(), summary.drawnAt(), summary.issuedUpTo(), summary.waitlistUpTo());
        }
        return entrantsSoFar
                ? new DrawInfo(info.windowSeconds, info.endsAt, info.cap, info.commitment, null, summary.entrants(), null, null, null)
                : info;
    }

    /**
     * The stored definition as the admin route answers it: every field as in {@code coupon-events},
     * except {@code draw}, shown as {@link #of(EventDefinition)} (never the seed).
     */
    public static ObjectNode storedEvent(EventDefinition definition) {
        ObjectNode event = Json.mapper().valueToTree(definition.withDraw(null));
        DrawInfo draw = of(definition);
        if (draw != null) {
            event.set("draw", Json.mapper().valueToTree(draw));
        }
        return event;
    }

    /** For the logs: the draw as the public sees it, or that there is none. */
    public static String describe(EventDefinition definition) {
        DrawInfo draw = of(definition);
        return draw == null
                ? "no draw window"
                : "draw window " + draw.windowSeconds + " s to " + draw.endsAt + ", cap " + draw.cap + ", commitment " + draw.commitment;
    }
}
