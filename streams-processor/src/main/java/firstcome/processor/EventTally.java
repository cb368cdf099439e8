package firstcome.processor;

import com.fasterxml.jackson.annotation.JsonInclude;
import firstcome.contract.IssuingOutcome;
import firstcome.contract.query.Tally;
import java.time.Instant;

/**
 * How the requests and actions of one event were decided so far, and where its waitlist stands.
 * {@code issued} is also the highest coupon number handed out, since numbers run 1..issued without
 * gaps (a coupon that serves the waitlist counts too). {@code redeemed} and {@code returned} are the
 * coupons in those states now; live coupons are {@code issued - returned}. The waitlist is a queue of
 * sequence numbers: {@code waitlistHead} is the next to be served, {@code waitlistTail} the next to be
 * given out, so {@code waitlistTail - waitlistHead} users wait and {@code waitlistTail} requests were
 * decided {@code WAITLISTED} in all. A tally stored before the lifecycle reads with these at 0.
 *
 * <p>{@code draw} is the state of the event's draw (docs/fair-opening.md), absent (and left out of the
 * stored JSON) for an event without a draw window, so such a tally reads and writes the bytes it did
 * before the draw existed. {@code notEligible} counts the requests decided {@code NOT_ELIGIBLE}
 * (docs/identities.md), left out of the stored JSON while 0, so an event without eligibility keeps its bytes too.
 */
public record EventTally(long issued, long duplicates, long soldOut, long notOpen, long closed, long unknownEvent,
        long redeemed, long returned, long waitlistHead, long waitlistTail,
        @JsonInclude(JsonInclude.Include.NON_NULL) DrawState draw,
        @JsonInclude(JsonInclude.Include.NON_DEFAULT) long notEligible) {

    public static final EventTally NONE = new EventTally(0, 0, 0, 0, 0, 0);

    /**
     * An event's draw so far: {@code entrants} decided {@code IN_DRAW}; once drawn, {@code drawnAt} (the
     * window's end), the rank keys of the last entrant issued a coupon ({@code issuedUpTo}) and of the
     * last put on the waitlist ({@code waitlistUpTo}), each {@code null} when nobody was, and
     * {@code notDrawn}, the entrants decided {@code NOT_DRAWN}. The requests held for the draw (read at
     * or after the window's end before it) are a queue of sequence numbers in the {@code draw-held}
     * store: {@code heldHead} is the next to be decided, {@code heldTail} the next to be given out.
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record DrawState(long entrants, Instant drawnAt, String issuedUpTo, String waitlistUpTo, long notDrawn,
            long heldHead, long heldTail) {

        public static final DrawState NONE = new DrawState(0, null, null, null, 0, 0, 0);

        public boolean drawn() {
            return drawnAt != null;
        }

        /** Requests held for the draw, not decided yet. */
        public long held() {
            return heldTail - heldHead;
        }

        DrawState entered() {
            return new DrawState(entrants + 1, drawnAt, issuedUpTo, waitlistUpTo, notDrawn, heldHead, heldTail);
        }

        DrawState heldOneMore() {
            return new DrawState(entrants, drawnAt, issuedUpTo, waitlistUpTo, notDrawn, heldHead, heldTail + 1);
        }

        DrawState decidedHeld() {
            return new DrawState(entrants, drawnAt, issuedUpTo, waitlistUpTo, notDrawn, heldHead + 1, heldTail);
        }

        DrawState drawn(Instant at, String lastIssued, String lastWaitlisted, long notDrawnNow) {
            return new DrawState(entrants, at, lastIssued, lastWaitlisted, notDrawnNow, heldHead, heldTail);
        }

        Tally.DrawSummary summary() {
            return new Tally.DrawSummary(entrants, drawnAt, issuedUpTo, waitlistUpTo);
        }
    }

    /** The counts of an event none of whose requests was decided {@code NOT_ELIGIBLE}. */
    public EventTally(long issued, long duplicates, long soldOut, long notOpen, long closed, long unknownEvent,
            long redeemed, long returned, long waitlistHead, long waitlistTail, DrawState draw) {
        this(issued, duplicates, soldOut, notOpen, closed, unknownEvent, redeemed, returned, waitlistHead, waitlistTail, draw,
                0);
    }

    /** The counts of an event without a draw. */
    public EventTally(long issued, long duplicates, long soldOut, long notOpen, long closed, long unknownEvent,
            long redeemed, long returned, long waitlistHead, long waitlistTail) {
        this(issued, duplicates, soldOut, notOpen, closed, unknownEvent, redeemed, returned, waitlistHead, waitlistTail,
                null);
    }

    /** The counts of an event without returns, redemptions or waitlist. */
    public EventTally(long issued, long duplicates, long soldOut, long notOpen, long closed, long unknownEvent) {
        this(issued, duplicates, soldOut, notOpen, closed, unknownEvent, 0, 0, 0, 0);
    }

    /** One more request decided {@code outcome} (a {@code WAITLISTED} one joins the waitlist's tail). */
    public EventTally plus(IssuingOutcome outcome) {
        return switch (outcome) {
            case ISSUED -> counts(issued + 1, duplicates, soldOut, notOpen, closed, unknownEvent, waitlistHead, waitlistTail);
            case DUPLICATE -> counts(issued, duplicates + 1, soldOut, notOpen, closed, unknownEvent, waitlistHead,
                    waitlistTail);
            case SOLD_OUT -> counts(issued, duplicates, soldOut + 1, notOpen, closed, unknownEvent, waitlistHead,
                    waitlistTail);
            case NOT_OPEN -> counts(issued, duplicates, soldOut, notOpen + 1, closed, unknownEvent, waitlistHead,
                    waitlistTail);
            case CLOSED -> counts(issued, duplicates, soldOut, notOpen, closed + 1, unknownEvent, waitlistHead,
                    waitlistTail);
            case UNKNOWN_EVENT -> counts(issued, duplicates, soldOut, notOpen, closed, unknownEvent + 1, waitlistHead,
                    waitlistTail);
            case WAITLISTED -> counts(issued, duplicates, soldOut, notOpen, closed, unknownEvent, waitlistHead,
                    waitlistTail + 1);
            case IN_DRAW -> withDraw(drawState().entered());
            case NOT_ELIGIBLE -> new EventTally(issued, duplicates, soldOut, notOpen, closed, unknownEvent, redeemed, returned,
                    waitlistHead, waitlistTail, draw, notEligible + 1);
            default -> throw new IllegalArgumentException(outcome + " is not a request's outcome");
        };
    }

    /** The user at the head of the waitlist was issued coupon {@code issued + 1}. */
    public EventTally served() {
        return counts(issued + 1, duplicates, soldOut, notOpen, closed, unknownEvent, waitlistHead + 1, waitlistTail);
    }

    /** {@code redeemedBy} more coupons redeemed now (negative: redemptions cancelled), {@code returnedBy} more returned. */
    public EventTally changed(long redeemedBy, long returnedBy) {
        return new EventTally(issued, duplicates, soldOut, notOpen, closed, unknownEvent, redeemed + redeemedBy,
                returned + returnedBy, waitlistHead, waitlistTail, draw, notEligible);
    }

    /**
     * The draw done at {@code at}: {@code issuedNow} coupons issued, {@code waitlistedNow} users put on the
     * waitlist, {@code notDrawnNow} not drawn; the rank keys of the last issued and waitlisted ({@code null}: none).
     */
    public EventTally drawn(Instant at, long issuedNow, long waitlistedNow, long notDrawnNow, String issuedUpTo,
            String waitlistUpTo) {
        return new EventTally(issued + issuedNow, duplicates, soldOut, notOpen, closed, unknownEvent, redeemed, returned,
                waitlistHead, waitlistTail + waitlistedNow, drawState().drawn(at, issuedUpTo, waitlistUpTo, notDrawnNow),
                notEligible);
    }

    /** One more request held for the draw, under number {@code drawState().heldTail()}. */
    public EventTally held() {
        return withDraw(drawState().heldOneMore());
    }

    /** The held request at the head of the queue was decided. */
    public EventTally decidedHeld() {
        return withDraw(drawState().decidedHeld());
    }

    /** The same tally with {@code entrants} entrants in the draw. */
    EventTally withEntrants(long entrants) {
        DrawState d = drawState();
        return withDraw(new DrawState(entrants, d.drawnAt(), d.issuedUpTo(), d.waitlistUpTo(), d.notDrawn(), d.heldHead(),
                d.heldTail()));
    }

    /** The draw's state, {@link DrawState#NONE} before anything of a draw happened. */
    public DrawState drawState() {
        return draw == null ? DrawState.NONE : draw;
    }

    /** Whether the event's draw is done. */
    public boolean drawn() {
        return draw != null && draw.drawn();
    }

    /** Coupons issued and not returned: they count against the limit. */
    public long live() {
        return issued - returned;
    }

    /** Users waiting for a coupon now. */
    public long waiting() {
        return waitlistTail - waitlistHead;
    }

    /**
     * Every decision of a request: the six counts plus the {@code WAITLISTED} ones (so a waitlisted user
     * served later counts twice, once waiting and once issued), the {@code NOT_ELIGIBLE} ones, and for a
     * draw its {@code IN_DRAW} and {@code NOT_DRAWN} ones (an entrant counts twice too, once in the draw
     * and once for its result).
     */
    public long decided() {
        return issued + duplicates + soldOut + notOpen + closed + unknownEvent + waitlistTail + notEligible
                + (draw == null ? 0 : draw.entrants() + draw.notDrawn());
    }

    /** The tally as a query answers it (without anything of a draw). */
    public Tally answer(String eventId) {
        return answer(eventId, false);
    }

    /** The tally as a query answers it; with the draw's summary when the event has a draw window ({@code withDraw}). */
    public Tally answer(String eventId, boolean withDraw) {
        return new Tally(eventId, issued, duplicates, soldOut, notOpen, closed, unknownEvent, decided(), redeemed, returned,
                waiting(), withDraw ? drawState().summary() : null);
    }

    private EventTally counts(long newIssued, long newDuplicates, long newSoldOut, long newNotOpen, long newClosed,
            long newUnknownEvent, long newWaitlistHead, long newWaitlistTail) {
        return new EventTally(newIssued, newDuplicates, newSoldOut, newNotOpen, newClosed, newUnknownEvent, redeemed,
                returned, newWaitlistHead, newWaitlistTail, draw, notEligible);
    }

    private EventTally withDraw(DrawState newDraw) {
        return new EventTally(issued, duplicates, soldOut, notOpen, closed, unknownEvent, redeemed, returned, waitlistHead,
                waitlistTail, newDraw, notEligible);
    }
}
