package firstcome.processor;

import firstcome.contract.CouponDecision;
import firstcome.contract.DrawWindow;
import firstcome.contract.EventDefinition;
import firstcome.contract.IssuedCoupon;
import firstcome.contract.IssuingOutcome;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * An event's draw (docs/fair-opening.md) as a pure function of its definition, its {@link EventTally}
 * and its entrants: entrants ranked by {@link DrawWindow#rankKey} ascending; with
 * {@code free = max(0, limit - live)} and {@code room = max(0, waitlist - waiting)}, the first
 * {@code free} are issued coupons {@code issued + 1, ...} in that order, the next {@code room} join the
 * waitlist in that order, the rest are {@code NOT_DRAWN}. Every decision carries the entrant's
 * {@code drawRank} and the number of {@code entrants}, and is stamped with the window's end, so the draw
 * decides the same whichever record set it off and in whatever order the entrants came.
 */
public final class DrawRules {

    /**
     * What the draw decided for one entrant: its {@code rankKey}, the request's second decision, the coupon
     * issued ({@code null} unless {@code ISSUED}) and the user's new stored state (a waitlisted one's
     * {@link Decision#waitlistSeq()} is their place in the waitlist store).
     */
    public record Ruling(String rankKey, CouponDecision decision, IssuedCoupon coupon, Decision user) {

        /** Whether the draw put the user on the waitlist. */
        public boolean joinsWaitlist() {
            return user.waiting();
        }

        /** The user's place in the waitlist store, for one who {@link #joinsWaitlist()}. */
        public WaitingUser waitingUser() {
            return new WaitingUser(decision.userId(), decision.requestId(), decision.drawRank());
        }
    }

    /** The whole draw: every entrant's ruling in rank order, and the event's tally after it. */
    public record Draw(List<Ruling> rulings, EventTally tally) {
    }

    private DrawRules() {
    }

    /**
     * Whether the event's draw is due before the next record is decided: the event has a draw window, it
     * was not drawn yet, and stream time ({@code streamTime}, the task's latest record time, the record's
     * own included) is at or past the window's end plus {@link DrawWindow#GRACE}.
     */
    public static boolean due(EventDefinition event, EventTally tally, Instant streamTime) {
        return event != null && event.draw() != null && !tally.drawn()
                && !streamTime.isBefore(event.drawEndsAt().plus(DrawWindow.GRACE));
    }

    /** The draw of {@code entrants}, given in any order (one entry per user), with the event's tally before it. */
    public static Draw draw(EventDefinition event, EventTally tally, Collection<DrawEntrant> entrants) {
        Map<String, DrawEntrant> ranked = new TreeMap<>();
        Set<String> users = new HashSet<>();
        for (DrawEntrant entrant : entrants) {
            if (!users.add(entrant.userId())) {
                throw new IllegalArgumentException("user " + entrant.userId() + " entered the draw of event "
                        + event.eventId() + " twice");
            }
            ranked.put(event.draw().rankKey(entrant.userId()), entrant);
        }
        var ranking = new Ranking(event, tally.withEntrants(ranked.size()));
        List<Ruling> rulings = new ArrayList<>(ranked.size());
        ranked.forEach((rankKey, entrant) -> rulings.add(ranking.next(rankKey, entrant)));
        return new Draw(rulings, ranking.tally());
    }

    /**
     * The draw taken one entrant at a time, in rank order: what the processor does while it reads the
     * entrants from its store, whose keys are in that order already, so that a draw of many entrants
     * never holds them all in memory. The tally given counts every entrant ({@link EventTally.DrawState#entrants()}).
     */
    public static final class Ranking {

        private final EventDefinition event;
        private final EventTally before;
        private final int entrants;
        private final long free;
        private final long room;
        private final Instant at;
        private int rank;
        private String lastKey;
        private String issuedUpTo;
        private String waitlistUpTo;

        public Ranking(EventDefinition event, EventTally tally) {
            this.event = event;
            this.before = tally;
            this.entrants = Math.toIntExact(tally.drawState().entrants());
            this.free = Math.max(0, event.limit() - tally.live());
            this.room = Math.max(0, event.waitlist() - tally.waiting());
            this.at = event.drawEndsAt();
        }

        /** The ruling of the next entrant in rank order, whose rank key is {@code rankKey}. */
        public Ruling next(String rankKey, DrawEntrant entrant) {
            if (rank == entrants) {
                throw new IllegalStateException("the draw of event " + event.eventId() + " has " + entrants
                        + " entrants, and " + entrant.userId() + " would be one more");
            }
            if (lastKey != null && rankKey.compareTo(lastKey) <= 0) {
                throw new IllegalStateException("the entrants of event " + event.eventId() + " are not in rank order: "
                        + rankKey + " after " + lastKey);
            }
            lastKey = rankKey;
            rank++;
            String eventId = event.eventId();
            String requestId = entrant.requestId();
            if (rank <= free) {
                int couponNo = Math.toIntExact(before.issued() + rank);
                Instant validUntil = event.couponsValidUntil();
                issuedUpTo = rankKey;
                return new Ruling(rankKey,
                        new CouponDecision(requestId, eventId, entrant.userId(), IssuingOutcome.ISSUED, couponNo, at, null,
                                null, validUntil, rank, entrants),
                        new IssuedCoupon(eventId, entrant.userId(), couponNo, requestId, at, validUntil),
                        Decision.issued(couponNo, requestId, at, validUntil).withDrawRank(rank));
            }
            if (rank <= free + room) {
                long seq = before.waitlistTail() + (rank - free - 1);
                waitlistUpTo = rankKey;
                return new Ruling(rankKey,
                        new CouponDecision(requestId, eventId, entrant.userId(), IssuingOutcome.WAITLISTED, null, at, null,
                                null, null, rank, entrants),
                        null, Decision.waitlisted(seq, requestId, at).withDrawRank(rank));
            }
            return new Ruling(rankKey,
                    new CouponDecision(requestId, eventId, entrant.userId(), IssuingOutcome.NOT_DRAWN, null, at, null, null,
                            null, rank, entrants),
                    null, Decision.rejected(IssuingOutcome.NOT_DRAWN, requestId, at).withDrawRank(rank));
        }

        /** The event's tally once every entrant was ranked. */
        public EventTally tally() {
            if (rank != entrants) {
                throw new IllegalStateException("the draw of event " + event.eventId() + " ranked " + rank + " of its "
                        + entrants + " entrants");
            }
            long issuedNow = Math.min(free, entrants);
            long waitlistedNow = Math.min(room, entrants - issuedNow);
            return before.drawn(at, issuedNow, waitlistedNow, entrants - issuedNow - waitlistedNow, issuedUpTo,
                    waitlistUpTo);
        }
    }
}
