package firstcome.contract.query;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.time.Instant;

/**
 * How the requests and actions of one event were decided so far, as the streams-processor serves it
 * from its {@code event-tallies} store for the organiser's live view. {@code issued} counts every
 * coupon handed out, so it is also the highest coupon number; {@code decided} is the sum of the
 * requests' six counts ({@code issued} counts a waitlisted user served later too, so that sum can
 * pass the number of requests by the waitlisted ones served). {@code redeemed} and {@code returned}
 * are the coupons in those states now, {@code waitlisted} the users waiting now; the live coupons are
 * {@code issued - returned}. {@code draw} is there for an event with a draw window (absent otherwise).
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Tally(String eventId, long issued, long duplicates, long soldOut, long notOpen, long closed,
        long unknownEvent, long decided, long redeemed, long returned, long waitlisted, DrawSummary draw) {

    public Tally(String eventId, long issued, long duplicates, long soldOut, long notOpen, long closed,
            long unknownEvent, long decided, long redeemed, long returned, long waitlisted) {
        this(eventId, issued, duplicates, soldOut, notOpen, closed, unknownEvent, decided, redeemed, returned, waitlisted, null);
    }

    public Tally(String eventId, long issued, long duplicates, long soldOut, long notOpen, long closed,
            long unknownEvent, long decided) {
        this(eventId, issued, duplicates, soldOut, notOpen, closed, unknownEvent, decided, 0, 0, 0, null);
    }

    /**
     * An event's draw as far as it went: {@code entrants} so far (all of them once drawn); once drawn,
     * {@code drawnAt} (the window's end, the draw's decisions' time) and the {@code rankKey}s
     * ({@link firstcome.contract.DrawWindow#rankKey}) of the last entrant who was issued a coupon
     * ({@code issuedUpTo}) and of the last who joined the waitlist ({@code waitlistUpTo}); each absent
     * when nobody was. An entrant whose rank key is at most {@code issuedUpTo} won a coupon.
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record DrawSummary(long entrants, Instant drawnAt, String issuedUpTo, String waitlistUpTo) {

        public boolean drawn() {
            return drawnAt != null;
        }
    }
}
