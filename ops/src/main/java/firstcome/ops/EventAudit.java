package firstcome.ops;

import firstcome.contract.ActionType;
import firstcome.contract.CouponChange;
import firstcome.contract.CouponDecision;
import firstcome.contract.CouponState;
import firstcome.contract.DrawWindow;
import firstcome.contract.Eligibility;
import firstcome.contract.EligibleAs;
import firstcome.contract.Environment;
import firstcome.contract.EventDefinition;
import firstcome.contract.IssuedCoupon;
import firstcome.contract.IssuingOutcome;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.Comparator;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * The audit of one event, fed in passes: its definitions, requests and actions in the order the
 * processor's task takes them, which it decides itself (the model of the lifecycle below) and
 * whose decisions on {@code coupon-decisions} it checks; then its records of {@code coupon-issued}
 * and {@code coupon-changes}, each checked against the model and against the lifecycle's
 * invariants on its own; then its rows of the table in coupon order; and last what the Redis gate
 * holds for it. Its memory grows with the users who applied and the changes, never with the
 * requests.
 *
 * <p>The rules are written out here on purpose, from docs/lifecycle.md, not taken from the
 * streams-processor: it is a check, not a copy. A request with the request id of the user's last
 * decided request (a duplicate is not one) is a re-delivery and is answered as that request was
 * last decided (a waitlisted user's served coupon included), stamped with that decision's time,
 * changing nothing. Otherwise the
 * event must be defined; a user who holds, held or waits for a coupon is a duplicate; the
 * request's record time must lie in {@code [opensAt, closesAt)} and before
 * {@code couponsValidUntil}; then it gets coupon {@code issued + 1} while fewer than {@code limit}
 * coupons are live and nobody waits, else a place at the tail of the waitlist while fewer than
 * {@code waitlist} wait, else it is sold out. Before any record of the event is decided (and after
 * a return, and after a new definition) the waitlist is served in arrival order while coupons are
 * free and the stream time (the highest record time of the partition read so far, the record at
 * hand included) is before the closing, each served user stamped with the record's own time. An
 * action's decision names the coupon (and its validity) while the coupon is live, and with
 * {@code RETURNED}; an unredeem finding no coupon is {@code NOT_REDEEMED}. Once the stream time
 * reaches the event's retirement ({@code EVENT_RETENTION} past its end, the later of its closing and
 * its coupons' validity: {@code EventDefinition#retiresAt}), every request to it is refused {@code CLOSED} and
 * every action {@code UNKNOWN_EVENT}, and no later definition takes effect: the processor dropped
 * the event's state and keeps only that it retired.
 *
 * <p>An event with a draw window (docs/fair-opening.md, written out here from that page too): a
 * request stamped inside the window and read before the draw is an entrant ({@code IN_DRAW}; a
 * duplicate, or {@code SOLD_OUT} past the draw's cap); one stamped at or after the window's end and
 * read before the draw is held. At the event's first record (a definition, a request, an action, a
 * tick of {@code coupon-requests}) read once the stream time is at or past the window's end plus
 * {@link DrawWindow#GRACE}, the entrants are ranked by {@link DrawWindow#rankKey} and decided a second
 * time ({@code ISSUED}, {@code WAITLISTED}, {@code NOT_DRAWN}, with their rank and the number of
 * entrants, at the window's end), then the held requests first-come at their own times, then the
 * waitlist is served, then the record itself. A tick gets no decision of its own.
 *
 * <p>An event with an eligibility (docs/identities.md, "Eligibility", written out here from that page):
 * a request whose {@code eligibleAs} the rule of the definition in force when it is decided does not
 * accept (a missing one, another claim, a value not in {@code anyOf}) is {@code NOT_ELIGIBLE}, checked
 * after the duplicate, not-open and closed checks, where the coupons left would decide; inside the draw
 * window it is no entrant; a held request is checked when it is decided after the draw; an entrant
 * ranked by the draw and a waiting user served are not checked again. A difference on such a request
 * names what the request carried and what the rule then was.
 */
final class EventAudit {

    /** One coupon as the audit knows it: who, for which request, when, until when, and where in Kafka it was found. */
    record Coupon(String userId, String requestId, long issuedAtMillis, Instant validUntil, String topic, int partition,
            long offset) {

        Coupon(String userId, String requestId, long issuedAtMillis, String topic, int partition, long offset) {
            this(userId, requestId, issuedAtMillis, null, topic, partition, offset);
        }

        boolean sameCouponAs(Coupon other) {
            return userId.equals(other.userId) && requestId.equals(other.requestId) && issuedAtMillis == other.issuedAtMillis
                    && Objects.equals(validUntil, other.validUntil);
        }

        String where() {
            return partition < 0 ? topic : topic + " partition " + partition + " offset " + offset;
        }

        @Override
        public String toString() {
            return "user " + userId + ", request " + requestId + ", at " + Instant.ofEpochMilli(issuedAtMillis)
                    + (validUntil == null ? "" : ", valid until " + validUntil);
        }
    }

    /** What the audit decided for one request: an outcome of the contract, and the user's coupon with ISSUED and DUPLICATE. */
    record Verdict(IssuingOutcome outcome, Integer couponNo) {
    }

    /**
     * A decision the model made, the input record it answers ({@code null}: the record at hand), and
     * the limit in force when it was made (-1: none): a draw set off by a definition decides under
     * the definition before it, and so is checked.
     */
    record Expected(CouponDecision decision, String where, long limit, String eligibility) {

        Expected(CouponDecision decision, String where, long limit) {
            this(decision, where, limit, null);
        }
    }

    /** A record of coupon-decisions and where it is. */
    record Published(CouponDecision decision, String where) {
    }

    /** The event's records of coupon-decisions, in log order, as the audit takes them. */
    interface DecisionLog {

        /** The next decision of the event if it answers {@code requestId}, else {@code null} (it stays next). */
        Published takeIfFor(String requestId);

        /**
         * The run of next decisions of the event that are a draw's ({@link CouponDecision#decidesDraw()}) or answer one of
         * {@code requestIds}, at most one per request.
         */
        List<Published> takeDraw(Set<String> requestIds);
    }

    /** An entrant of the draw, in the order read: who, which request, where it is in Kafka. */
    private record Entrant(String userId, String requestId, String where) {
    }

    /** A request read at or after the window's end before the draw: decided right after it, in log order. */
    private record Held(String userId, String requestId, long timestamp, String where, EligibleAs eligibleAs) {
    }

    /** What the model knows of one user of the event. */
    private static final class User {
        /** The user's last decided request (not a duplicate, not a re-delivery) and its latest decision. */
        String requestId;
        Verdict verdict;
        /** The coupon, once issued: its number, its state, the order that redeemed it, the last order cancelled, its version. */
        Integer couponNo;
        CouponState state;
        String orderId;
        String lastCancelledOrder;
        int version;
        boolean waiting;
        /** When the latest decision of the user's request was made (a served waiting user: when they were served). */
        Instant decidedAt;
        /** An entrant of the draw, not drawn yet. */
        boolean inDraw;
        /** With a draw's decision as the latest: the user's rank and how many took part (else null). */
        Integer drawRank;
        Integer entrants;
    }

    private final String eventId;
    private final int maxListed;
    private final Duration retention;
    private EventDefinition definition;
    /** Set once the stream time reached the retirement of the definition in force. */
    private Instant retiredAt;
    private int definitions;
    /** The highest limit any definition set, for the check of a coupon whose issue coupon-decisions does not show. */
    private long highestLimit = -1;
    private long requests;
    private long duplicates;
    private long notOpen;
    private long closed;
    private long soldOut;
    private long notEligible;
    private long undefined;
    private long redelivered;
    private long waitlisted;
    private long served;
    private long actions;
    private final Map<String, User> users = new HashMap<>();
    private final Deque<String> waitlist = new ArrayDeque<>();
    private int returned;
    private long decisions;
    /** The decisions the model made since they were last taken ({@link #takeExpected}). */
    private final List<Expected> pending = new ArrayList<>();
    /** Where the request being decided is, when it is not the record at hand (a held request decided after the draw). */
    private String decidingWhere;
    /** For a request to an event with an eligibility: what it carried and the rule it was judged by, in words (else null). */
    private String judgedBy;

    /** The draw (docs/fair-opening.md): its entrants and the held requests until it is done, then what it decided. */
    private final List<Entrant> entrants = new ArrayList<>();
    private final List<Held> held = new ArrayList<>();
    /** The window's end once the draw is done (its decisions' time), else null. */
    private Instant drawnAt;
    private String drawCommitment;
    private long drawEntrants;
    private long drawIssued;
    private long drawWaitlisted;
    private long notDrawn;
    private long heldRequests;
    private long pastDrawCap;
    private long ticks;

    private final List<Coupon> expected = new ArrayList<>();
    private final List<CouponChange> expectedChanges = new ArrayList<>();
    private final List<Coupon> recorded = new ArrayList<>();
    private final Map<String, Integer> recordedUsers = new HashMap<>();
    private int lastRecordedNo;
    private long records;

    /** coupon-changes as published: each coupon's latest change, and the times of the returns. */
    private final Map<Integer, CouponChange> latestChange = new HashMap<>();
    private final Map<Integer, String> latestChangeWhere = new HashMap<>();
    private final List<Long> returnTimes = new ArrayList<>();
    private int changeIndex;
    private long changeRecords;

    /** coupon-decisions as published: the waiting requests in the order they were put on the waitlist. */
    private final LinkedHashSet<String> publishedWaiting = new LinkedHashSet<>();
    /** coupon-decisions as published: the entrants (user → request) whose IN_DRAW no draw decision followed yet. */
    private final Map<String, String> publishedEntrants = new LinkedHashMap<>();
    /** coupon-decisions as published: the users whose coupon a RETURNED decision gave back, in log order. */
    private final Set<String> publishedReturns = new java.util.HashSet<>();
    /**
     * coupon-decisions as published, in log order (the processor's): for each coupon number, at its first
     * ISSUED decision, the returns published before it and the limit then in force (-1: none).
     */
    private final Map<Integer, long[]> publishedIssue = new HashMap<>();

    private final BitSet rowSeen = new BitSet();
    private final Map<String, Long> rowUsers = new HashMap<>();
    private final Map<Integer, Long> rowIds = new HashMap<>();
    private long rows;

    private final List<String> listed = new ArrayList<>();
    private long discrepancies;

    /** {@code maxListed} bounds the discrepancies described, not those counted; the default {@code EVENT_RETENTION}. */
    EventAudit(String eventId, int maxListed) {
        this(eventId, maxListed, Environment.DEFAULT_EVENT_RETENTION);
    }

    EventAudit(String eventId, int maxListed, Duration retention) {
        this.eventId = eventId;
        this.maxListed = maxListed;
        this.retention = retention;
    }

    /** Whether the event retired at or before {@code streamTime} (epoch ms); remembered once it did. */
    private boolean retiredBy(long streamTime) {
        if (retiredAt == null && definition != null) {
            Instant at = definition.retiresAt(retention);
            if (at != null && streamTime >= at.toEpochMilli()) {
                retiredAt = at;
            }
        }
        return retiredAt != null;
    }

    String eventId() {
        return eventId;
    }

    // ---- pass 1: coupon-events, coupon-requests and coupon-actions, merged in record-time order per partition ----

    /** The definition in force after the last one read; null when none (or a tombstone). */
    EventDefinition definition() {
        return definition;
    }

    /** A definition takes effect for the requests after it; {@code null} (a tombstone) removes the event. */
    void define(EventDefinition newDefinition) {
        define(newDefinition, Long.MIN_VALUE);
    }

    /** As {@link #define(EventDefinition)}, read at {@code streamTime}: a retired event takes no definition. */
    void define(EventDefinition newDefinition, long streamTime) {
        define(newDefinition, streamTime, streamTime);
    }

    /** As above, the definition's record time {@code timestamp}: a raised limit serves the waitlist at that time. */
    void define(EventDefinition newDefinition, long timestamp, long streamTime) {
        if (retiredBy(streamTime)) {
            return;
        }
        // A draw that is due is done before the record is decided: under the definition in force until now.
        if (drawIfDue(timestamp, streamTime)) {
            serveWaitlist(timestamp, streamTime);
        }
        definition = newDefinition;
        if (newDefinition != null) {
            definitions++;
            highestLimit = Math.max(highestLimit, newDefinition.limit());
            serveWaitlist(timestamp, streamTime);
        }
    }

    private int live() {
        return expected.size() - returned;
    }

    /**
     * While a coupon is free, somebody waits and the stream time {@code streamTime} is before the
     * closing, the user at the head of the waitlist gets the next coupon: a second decision of their
     * request, stamped with {@code timestamp}, the time of the record that made room. Stream time,
     * not the record's own: a record stamped before the closing but read after later ones serves
     * nobody who has been reading {@code CLOSED} since the closing.
     */
    private void serveWaitlist(long timestamp, long streamTime) {
        if (definition == null) {
            return;
        }
        Instant at = Instant.ofEpochMilli(timestamp);
        Instant now = Instant.ofEpochMilli(streamTime);
        while (live() < definition.limit() && !waitlist.isEmpty() && !definition.closedAt(now)) {
            String userId = waitlist.poll();
            User user = users.get(userId);
            user.waiting = false;
            user.decidedAt = at;
            issue(userId, user, timestamp, "the waitlist served at " + at);
            served++;
            expect(new CouponDecision(user.requestId, eventId, userId, IssuingOutcome.ISSUED, user.couponNo, at, null, null,
                    definition.couponsValidUntil()));
        }
    }

    private void issue(String userId, User user, long timestamp, String where) {
        expected.add(new Coupon(userId, user.requestId, timestamp, definition.couponsValidUntil(), where, -1, -1));
        user.couponNo = expected.size();
        user.state = CouponState.ISSUED;
        user.version = 0;
        verdict(user, new Verdict(IssuingOutcome.ISSUED, user.couponNo));
    }

    /** The user's latest decision, not a draw's (a draw sets its rank after). */
    private static void verdict(User user, Verdict verdict) {
        user.verdict = verdict;
        user.drawRank = null;
        user.entrants = null;
    }

    private void expect(CouponDecision decision) {
        pending.add(new Expected(decision, decidingWhere, limitInForce(), judgedBy));
    }

    private long limitInForce() {
        return definition == null ? -1 : definition.limit();
    }

    private boolean drawPending() {
        return definition != null && definition.draw() != null && drawnAt == null;
    }

    /**
     * The draw, once it is due (docs/fair-opening.md): the event has a window, it was not drawn yet,
     * and the stream time (the record at hand included) is at or past the window's end plus
     * {@link DrawWindow#GRACE}. Entrants are ranked by {@link DrawWindow#rankKey} ascending; the first
     * {@code limit - live} get coupons {@code issued + 1, ...} in that order, the next
     * {@code waitlist - waiting} join the waitlist in that order, the rest are {@code NOT_DRAWN}; each
     * decision stamped with the window's end and carrying the entrant's rank and how many took part.
     * Then the held requests are decided in log order, first-come, at their own record times. The
     * caller serves the waitlist after. Returns whether the draw was done now.
     */
    private boolean drawIfDue(long timestamp, long streamTime) {
        if (!drawPending()) {
            return false;
        }
        Instant endsAt = definition.drawEndsAt();
        if (streamTime < endsAt.plus(DrawWindow.GRACE).toEpochMilli()) {
            return false;
        }
        DrawWindow draw = definition.draw();
        drawnAt = endsAt;
        drawCommitment = draw.commitment();
        Map<String, String> keys = new HashMap<>();
        entrants.forEach(entrant -> keys.put(entrant.userId(), draw.rankKey(entrant.userId())));
        List<Entrant> ranked = new ArrayList<>(entrants);
        ranked.sort(Comparator.comparing((Entrant entrant) -> keys.get(entrant.userId())));
        int count = ranked.size();
        long free = Math.max(0, definition.limit() - live());
        long room = Math.max(0, definition.waitlist() - waitlist.size());
        for (int i = 0; i < count; i++) {
            Entrant entrant = ranked.get(i);
            User user = users.get(entrant.userId());
            user.inDraw = false;
            user.decidedAt = endsAt;
            if (i < free) {
                issue(entrant.userId(), user, endsAt.toEpochMilli(), entrant.where());
                drawIssued++;
            } else if (i < free + room) {
                verdict(user, new Verdict(IssuingOutcome.WAITLISTED, null));
                user.waiting = true;
                waitlist.add(entrant.userId());
                drawWaitlisted++;
            } else {
                verdict(user, new Verdict(IssuingOutcome.NOT_DRAWN, null));
                notDrawn++;
            }
            user.drawRank = i + 1;
            user.entrants = count;
            Integer couponNo = user.verdict.couponNo();
            pending.add(new Expected(new CouponDecision(entrant.requestId(), eventId, entrant.userId(), user.verdict.outcome(), couponNo,
                    endsAt, null, null, couponNo == null ? null : expected.get(couponNo - 1).validUntil(), i + 1, count),
                    entrant.where(), limitInForce()));
        }
        drawEntrants = count;
        entrants.clear();
        List<Held> waiting = List.copyOf(held);
        held.clear();
        for (Held request : waiting) {
            decidingWhere = request.where();
            firstCome(request.userId(), request.requestId(), request.timestamp(), request.where(), request.eligibleAs());
        }
        decidingWhere = null;
        return true;
    }

    /**
     * A tick of {@code coupon-requests} at record time {@code timestamp}: no decision of its
     * own; it moves the stream time, so the draw may be due, and the waitlist is served as before any
     * record of the event.
     */
    void tick(long timestamp, long streamTime) {
        ticks++;
        if (retiredBy(streamTime) || definition == null) {
            return;
        }
        drawIfDue(timestamp, streamTime);
        serveWaitlist(timestamp, streamTime);
    }

    /** Decides one request and returns its own decision (the waitlist served before it: {@link #takeExpectedDecisions}). */
    Verdict request(String userId, String requestId, long timestamp, String topic, int partition, long offset) {
        return request(userId, requestId, timestamp, timestamp, topic, partition, offset);
    }

    /** As above, read when the partition's stream time is {@code streamTime} (at least {@code timestamp}). */
    Verdict request(String userId, String requestId, long timestamp, long streamTime, String topic, int partition, long offset) {
        return request(userId, requestId, null, timestamp, streamTime, topic, partition, offset);
    }

    /** As above, a request the ingress checked as {@code eligibleAs} (null: nothing was checked). */
    Verdict request(String userId, String requestId, EligibleAs eligibleAs, long timestamp, long streamTime, String topic, int partition,
            long offset) {
        requests++;
        Instant at = Instant.ofEpochMilli(timestamp);
        if (retiredBy(streamTime)) {
            closed++;
            return decided(requestId, userId, new Verdict(IssuingOutcome.CLOSED, null), at);
        }
        drawIfDue(timestamp, streamTime);
        serveWaitlist(timestamp, streamTime);
        String where = topic + " partition " + partition + " offset " + offset;
        User user = users.get(userId);
        boolean redelivery = user != null && requestId.equals(user.requestId);
        if (!redelivery && drawPending()) {
            if (definition.inDrawWindowAt(at)) {
                return enter(userId, requestId, eligibleAs, user, at, where);
            }
            if (!at.isBefore(definition.drawEndsAt())) {
                // At or after the window's end, before the draw: decided right after it, so nobody gets ahead of it.
                held.add(new Held(userId, requestId, timestamp, where, eligibleAs));
                heldRequests++;
                return null;
            }
        }
        return firstCome(userId, requestId, timestamp, where, eligibleAs);
    }

    /**
     * Whether the rule of the definition in force accepts a request that carried {@code eligibleAs}: by
     * the contract's words, the same claim and one of {@code anyOf}; always without a rule. Notes what
     * the request is judged by for the decision's difference, if any.
     */
    private boolean eligible(EligibleAs eligibleAs) {
        Eligibility rule = definition.eligibility();
        if (rule == null) {
            return true;
        }
        boolean accepted = eligibleAs != null && rule.claim().equals(eligibleAs.claim()) && rule.anyOf().contains(eligibleAs.value());
        judgedBy = "the request carried " + (eligibleAs == null ? "no eligibleAs" : "eligibleAs " + eligibleAs.claim() + "="
                + eligibleAs.value()) + "; the event's eligibility then: " + rule.claim() + " any of " + rule.anyOf()
                + (accepted ? ", which accepts it" : ", which does not accept it");
        return accepted;
    }

    /** A request inside the draw window, before the draw: an entrant, unless a duplicate, not eligible, or past the draw's cap. */
    private Verdict enter(String userId, String requestId, EligibleAs eligibleAs, User user, Instant at, String where) {
        if (user != null && (user.couponNo != null || user.waiting || user.inDraw)) {
            duplicates++;
            return decided(requestId, userId, new Verdict(IssuingOutcome.DUPLICATE,
                    user.couponNo != null && user.state.live() ? user.couponNo : null), at);
        }
        if (user == null) {
            user = new User();
            users.put(userId, user);
        }
        user.requestId = requestId;
        user.decidedAt = at;
        if (!eligible(eligibleAs)) {
            notEligible++;
            verdict(user, new Verdict(IssuingOutcome.NOT_ELIGIBLE, null));
        } else if (entrants.size() >= definition.drawCap()) {
            soldOut++;
            pastDrawCap++;
            verdict(user, new Verdict(IssuingOutcome.SOLD_OUT, null));
        } else {
            user.inDraw = true;
            entrants.add(new Entrant(userId, requestId, where));
            verdict(user, new Verdict(IssuingOutcome.IN_DRAW, null));
        }
        Verdict verdict = decided(requestId, userId, user.verdict, at);
        judgedBy = null;
        return verdict;
    }

    /**
     * A request by the first-come rules at its record time {@code timestamp}: a re-delivery, or an
     * event without a draw, or one after its draw (a held request too, and an entrant's request read
     * after the draw).
     */
    private Verdict firstCome(String userId, String requestId, long timestamp, String where, EligibleAs eligibleAs) {
        Instant at = Instant.ofEpochMilli(timestamp);
        User user = users.get(userId);
        if (user != null && requestId.equals(user.requestId)) {
            // The latest decision again, at the time it was made (the processor's stored decision), a draw's rank with it.
            redelivered++;
            return decided(requestId, userId, user.verdict, user.decidedAt, user.drawRank, user.entrants);
        }
        IssuingOutcome outcome;
        if (definition == null) {
            undefined++;
            outcome = IssuingOutcome.UNKNOWN_EVENT;
        } else if (user != null && (user.couponNo != null || user.waiting || user.inDraw)) {
            duplicates++;
            return decided(requestId, userId, new Verdict(IssuingOutcome.DUPLICATE,
                    user.couponNo != null && user.state.live() ? user.couponNo : null), at);
        } else if (definition.notYetOpenAt(at)) {
            notOpen++;
            outcome = IssuingOutcome.NOT_OPEN;
        } else if (definition.closedAt(at)) {
            closed++;
            outcome = IssuingOutcome.CLOSED;
        } else if (!eligible(eligibleAs)) {
            notEligible++;
            outcome = IssuingOutcome.NOT_ELIGIBLE;
        } else if (live() < definition.limit() && waitlist.isEmpty()) {
            outcome = IssuingOutcome.ISSUED;
        } else if (waitlist.size() < definition.waitlist()) {
            waitlisted++;
            outcome = IssuingOutcome.WAITLISTED;
        } else {
            soldOut++;
            outcome = IssuingOutcome.SOLD_OUT;
        }
        if (user == null) {
            user = new User();
            users.put(userId, user);
        }
        user.requestId = requestId;
        user.decidedAt = at;
        if (outcome == IssuingOutcome.ISSUED) {
            issue(userId, user, timestamp, where);
        } else {
            verdict(user, new Verdict(outcome, null));
            if (outcome == IssuingOutcome.WAITLISTED) {
                user.waiting = true;
                waitlist.add(userId);
            }
        }
        Verdict verdict = decided(requestId, userId, user.verdict, at);
        judgedBy = null;
        return verdict;
    }

    private Verdict decided(String requestId, String userId, Verdict verdict, Instant at) {
        return decided(requestId, userId, verdict, at, null, null);
    }

    private Verdict decided(String requestId, String userId, Verdict verdict, Instant at, Integer drawRank, Integer entrantCount) {
        User user = users.get(userId);
        Instant validUntil = verdict.couponNo() == null || user == null ? null : expected.get(verdict.couponNo() - 1).validUntil();
        expect(new CouponDecision(requestId, eventId, userId, verdict.outcome(), verdict.couponNo(), at, null, null, validUntil, drawRank,
                entrantCount));
        return verdict;
    }

    /**
     * Decides one shop's action ({@code orderId} with REDEEM and UNREDEEM) at record time
     * {@code timestamp} and returns its decision; the decisions of the waitlist served before
     * and after it come with it from {@link #takeExpectedDecisions}.
     */
    IssuingOutcome action(String userId, String actionId, ActionType type, String orderId, long timestamp, long streamTime) {
        actions++;
        Instant at = Instant.ofEpochMilli(timestamp);
        if (retiredBy(streamTime) || definition == null) {
            expect(new CouponDecision(actionId, eventId, userId, IssuingOutcome.UNKNOWN_EVENT, null, at, type, null, null));
            return IssuingOutcome.UNKNOWN_EVENT;
        }
        drawIfDue(timestamp, streamTime);
        serveWaitlist(timestamp, streamTime);
        User user = users.get(userId);
        if (user == null || user.couponNo == null) {
            // No coupon: an unredeem's only refusal is NOT_REDEEMED, the others' NOT_ISSUED.
            IssuingOutcome refusal = type == ActionType.UNREDEEM ? IssuingOutcome.NOT_REDEEMED : IssuingOutcome.NOT_ISSUED;
            expect(new CouponDecision(actionId, eventId, userId, refusal, null, at, type, null, null));
            return refusal;
        }
        Coupon coupon = expected.get(user.couponNo - 1);
        boolean expired = coupon.validUntil() != null && !at.isBefore(coupon.validUntil());
        IssuingOutcome outcome;
        String answeredOrder = null;
        switch (type) {
            case REDEEM -> {
                if (user.state == CouponState.ISSUED && !expired) {
                    change(userId, user, coupon, CouponState.REDEEMED, orderId, at);
                    outcome = IssuingOutcome.REDEEMED;
                    answeredOrder = orderId;
                } else if (user.state == CouponState.ISSUED) {
                    outcome = IssuingOutcome.EXPIRED;
                } else if (user.state == CouponState.REDEEMED && user.orderId.equals(orderId)) {
                    outcome = IssuingOutcome.REDEEMED;
                    answeredOrder = orderId;
                } else if (user.state == CouponState.REDEEMED) {
                    outcome = IssuingOutcome.ALREADY_REDEEMED;
                    answeredOrder = user.orderId;
                } else {
                    outcome = IssuingOutcome.NOT_ISSUED;
                }
            }
            case UNREDEEM -> {
                if (user.state == CouponState.REDEEMED && user.orderId.equals(orderId)) {
                    user.lastCancelledOrder = orderId;
                    change(userId, user, coupon, CouponState.ISSUED, null, at);
                    outcome = expired ? IssuingOutcome.EXPIRED : IssuingOutcome.ISSUED;
                } else if (user.state == CouponState.ISSUED && orderId.equals(user.lastCancelledOrder)) {
                    outcome = expired ? IssuingOutcome.EXPIRED : IssuingOutcome.ISSUED;
                } else {
                    outcome = IssuingOutcome.NOT_REDEEMED;
                }
            }
            case RETURN -> {
                if (user.state == CouponState.ISSUED) {
                    change(userId, user, coupon, CouponState.RETURNED, null, at);
                    returned++;
                    outcome = IssuingOutcome.RETURNED;
                } else if (user.state == CouponState.RETURNED) {
                    outcome = IssuingOutcome.RETURNED;
                } else {
                    outcome = IssuingOutcome.ALREADY_REDEEMED;
                    answeredOrder = user.orderId;
                }
            }
            default -> throw new IllegalArgumentException("unknown action " + type);
        }
        // The coupon is named while it is live, and with RETURNED; a refusal of a returned coupon names none.
        boolean named = outcome == IssuingOutcome.RETURNED || user.state.live();
        expect(new CouponDecision(actionId, eventId, userId, outcome, named ? user.couponNo : null, at, type, answeredOrder,
                named ? coupon.validUntil() : null));
        if (outcome == IssuingOutcome.RETURNED) {
            serveWaitlist(timestamp, streamTime);
        }
        return outcome;
    }

    private void change(String userId, User user, Coupon coupon, CouponState state, String orderId, Instant at) {
        user.state = state;
        user.orderId = orderId;
        user.version++;
        expectedChanges.add(new CouponChange(eventId, userId, user.couponNo, coupon.requestId(),
                Instant.ofEpochMilli(coupon.issuedAtMillis()), coupon.validUntil(), state, orderId, user.version, at));
    }

    /** The decisions the model made since the last call, in the order the processor must have published them. */
    List<CouponDecision> takeExpectedDecisions() {
        return takeExpected().stream().map(Expected::decision).toList();
    }

    /** As {@link #takeExpectedDecisions}, each with the input record it answers when that is not the record at hand. */
    List<Expected> takeExpected() {
        List<Expected> taken = List.copyOf(pending);
        pending.clear();
        return taken;
    }

    /**
     * The decisions the model made for the record at {@code where} against the event's next records
     * of coupon-decisions: one by one, a draw's as a whole (see {@link #expectDraw}).
     */
    void checkDecisions(DecisionLog log, String where) {
        List<Expected> made = takeExpected();
        int i = 0;
        while (i < made.size()) {
            if (made.get(i).decision().decidesDraw()) {
                int end = i;
                while (end < made.size() && made.get(end).decision().decidesDraw()) {
                    end++;
                }
                List<Expected> draw = made.subList(i, end);
                Set<String> requestIds = new java.util.HashSet<>();
                draw.forEach(decision -> requestIds.add(decision.decision().requestId()));
                expectDraw(draw, log.takeDraw(requestIds));
                i = end;
            } else {
                Expected next = made.get(i++);
                Published answer = log.takeIfFor(next.decision().requestId());
                expectDecision(next.decision(), answer == null ? null : answer.decision(), next.where() == null ? where : next.where(),
                        answer == null ? null : answer.where(), next.limit(), next.eligibility());
            }
        }
    }

    /**
     * The draw's decisions as the model made them ({@code draw}, in rank order) against those
     * coupon-decisions published for it ({@code published}, in log order): each entrant's, by its
     * request, named in words (the rank the seed gives, what coupon-decisions says); then whether they
     * were published in rank order; then any draw decision for somebody the draw does not rank.
     */
    void expectDraw(List<Expected> draw, List<Published> published) {
        Map<String, Published> byRequest = new LinkedHashMap<>();
        for (Published decision : published) {
            decisions++;
            published(decision.decision(), decision.where(), draw.isEmpty() ? limitInForce() : draw.get(0).limit());
            byRequest.put(decision.decision().requestId(), decision);
        }
        List<String> publishedOrder = new ArrayList<>();
        published.forEach(decision -> publishedOrder.add(decision.decision().requestId()));
        List<String> rankOrder = new ArrayList<>();
        for (Expected made : draw) {
            CouponDecision want = made.decision();
            Published got = byRequest.remove(want.requestId());
            String ranks = "event " + eventId + ": the draw ranks " + want.userId() + " " + ordinal(want.drawRank()) + " of "
                    + String.format("%,d", want.entrants()) + " by the seed: " + outcomeOf(want);
            if (got == null) {
                discrepancy(made.where() + ": " + ranks + "; coupon-decisions has no draw decision for request " + want.requestId());
                continue;
            }
            rankOrder.add(want.requestId());
            if (!want.equals(got.decision())) {
                String said = showDraw(got.decision());
                if (showDraw(want).equals(said)) {
                    ranks += " at " + want.decidedAt() + (want.validUntil() == null ? "" : ", valid until " + want.validUntil());
                    said += " at " + got.decision().decidedAt()
                            + (got.decision().validUntil() == null ? "" : ", valid until " + got.decision().validUntil());
                }
                discrepancy(got.where() + ": " + ranks + "; coupon-decisions says " + said
                        + (got.decision().userId().equals(want.userId()) ? "" : " for user " + got.decision().userId())
                        + " (request " + want.requestId() + ", " + made.where() + ")");
            }
        }
        publishedOrder.retainAll(rankOrder);
        for (int k = 0; k < publishedOrder.size(); k++) {
            String first = publishedOrder.get(k);
            if (!first.equals(rankOrder.get(k))) {
                CouponDecision early = published.stream().map(Published::decision)
                        .filter(d -> d.requestId().equals(first)).findFirst().orElseThrow();
                discrepancy("event " + eventId + ": coupon-decisions publishes the draw's decisions out of rank order: user " + early.userId()
                        + " (ranked " + ordinal(rankOrder.indexOf(early.requestId()) + 1) + ") comes " + ordinal(k + 1));
                break;
            }
        }
        for (Published stray : byRequest.values()) {
            CouponDecision d = stray.decision();
            discrepancy(stray.where() + ": event " + eventId + ": a draw decision " + showDraw(d) + " for user " + d.userId() + ", request "
                    + d.requestId() + ", whom the draw does not rank (no entrant of it by coupon-requests)");
        }
    }

    /** A draw's decision in words: the outcome and the coupon, then the rank it gives. */
    private static String showDraw(CouponDecision decision) {
        return outcomeOf(decision)
                + (decision.drawRank() == null ? " (without a rank)" : String.format(" (rank %,d of %,d)", decision.drawRank(), decision.entrants()));
    }

    private static String outcomeOf(CouponDecision decision) {
        return decision.outcome() + (decision.couponNo() == null ? "" : " coupon " + decision.couponNo());
    }

    /**
     * The record of {@code coupon-decisions} taken for {@code expected} ({@code null}: none there);
     * {@code where} names the record that was decided, {@code decisionWhere} the decision's record.
     */
    void expectDecision(CouponDecision expected, CouponDecision published, String where, String decisionWhere) {
        expectDecision(expected, published, where, decisionWhere, limitInForce(), null);
    }

    /**
     * As above, the decision made under {@code limit}; {@code eligibility}: what the request carried and
     * the rule it was judged by, named when either side says {@code NOT_ELIGIBLE} (null: no rule).
     */
    private void expectDecision(CouponDecision expected, CouponDecision published, String where, String decisionWhere, long limit,
            String eligibility) {
        if (published == null) {
            discrepancy(where + ": no decision on coupon-decisions for " + (expected.decidesAction() ? "action " : "request ")
                    + expected.requestId() + " of user " + expected.userId() + " (the audit decides " + show(expected) + ")");
            return;
        }
        decisions++;
        published(published, decisionWhere, limit);
        if (!expected.equals(published)) {
            discrepancy(decisionWhere + ": decision " + show(published) + " for user " + published.userId() + " at "
                    + published.decidedAt() + ", but the audit decides " + (expected.decidesAction() ? "action " : "request ")
                    + expected.requestId() + " (" + where + ") of user " + expected.userId() + " at " + expected.decidedAt() + " "
                    + show(expected) + (eligibility != null && (expected.outcome() == IssuingOutcome.NOT_ELIGIBLE
                            || published.outcome() == IssuingOutcome.NOT_ELIGIBLE) ? ": " + eligibility : ""));
        }
    }

    /**
     * The invariant the published decisions must keep on their own: the waitlist is served in
     * arrival order (a waiting request's ISSUED comes for the longest-waiting one first).
     */
    private void published(CouponDecision decision, String decisionWhere, long limit) {
        if (decision.decidesAction()) {
            if (decision.outcome() == IssuingOutcome.RETURNED) {
                publishedReturns.add(decision.userId());
            }
            return;
        }
        if (decision.outcome() == IssuingOutcome.IN_DRAW) {
            publishedEntrants.put(decision.userId(), decision.requestId());
        } else if (decision.decidesDraw() && decision.requestId().equals(publishedEntrants.get(decision.userId()))) {
            publishedEntrants.remove(decision.userId());
        }
        if (decision.outcome() == IssuingOutcome.ISSUED && decision.couponNo() != null) {
            publishedIssue.putIfAbsent(decision.couponNo(),
                    new long[] {publishedReturns.size(), limit});
        }
        if (decision.outcome() == IssuingOutcome.WAITLISTED) {
            publishedWaiting.add(decision.requestId());
        } else if (decision.outcome() == IssuingOutcome.ISSUED && publishedWaiting.contains(decision.requestId())) {
            String first = publishedWaiting.iterator().next();
            if (!first.equals(decision.requestId())) {
                discrepancy(decisionWhere + ": waitlist served out of order: request " + decision.requestId() + " of user "
                        + decision.userId() + " got coupon " + decision.couponNo() + " while request " + first
                        + " had waited longer");
            }
            publishedWaiting.remove(decision.requestId());
        }
    }

    private static String show(CouponDecision decision) {
        return (decision.action() == null ? "" : decision.action() + " ") + decision.outcome()
                + (decision.couponNo() == null ? "" : " (coupon " + decision.couponNo() + ")")
                + (decision.orderId() == null ? "" : " order " + decision.orderId())
                + (decision.validUntil() == null ? "" : " valid until " + decision.validUntil())
                + (decision.drawRank() == null ? "" : String.format(" (drawn %,d of %,d)", decision.drawRank(), decision.entrants()));
    }

    /**
     * The request's record on {@code coupon-decisions} ({@code null}: none) against the audit's
     * verdict; {@code where} names the request's record.
     */
    void decision(CouponDecision published, String userId, String requestId, long timestamp, Verdict verdict, String where,
            String decisionWhere) {
        if (published == null) {
            discrepancy(where + ": no decision on coupon-decisions for request " + requestId + " of user " + userId
                    + " (the audit decides " + show(verdict) + ")");
            return;
        }
        decisions++;
        boolean same = published.userId().equals(userId) && published.outcome() == verdict.outcome()
                && Objects.equals(published.couponNo(), verdict.couponNo()) && published.decidedAt().toEpochMilli() == timestamp;
        if (!same) {
            discrepancy(decisionWhere + ": decision " + show(new Verdict(published.outcome(), published.couponNo())) + " for user "
                    + published.userId() + " at " + published.decidedAt() + ", but the audit decides request " + requestId + " ("
                    + where + ") of user " + userId + " at " + Instant.ofEpochMilli(timestamp) + " " + show(verdict));
        }
    }

    /** A record of coupon-decisions that answers no request or action of the input logs. */
    void strayDecision(CouponDecision published, String decisionWhere) {
        published(published, decisionWhere, limitInForce());
        discrepancy(decisionWhere + ": decision " + show(published) + " for " + (published.decidesAction() ? "action " : "request ")
                + published.requestId() + " of user " + published.userId() + " answers nothing in the input logs at that point");
    }

    private static String show(Verdict verdict) {
        return verdict.outcome() + (verdict.couponNo() == null ? "" : " (coupon " + verdict.couponNo() + ")");
    }

    // ---- pass 2: coupon-issued in log order ----

    void issued(IssuedCoupon coupon, String topic, int partition, long offset) {
        records++;
        int n = coupon.couponNo();
        var found = new Coupon(coupon.userId(), coupon.requestId(), coupon.issuedAt().toEpochMilli(), coupon.validUntil(), topic,
                partition, offset);
        String where = found.where();
        if (n != lastRecordedNo + 1) {
            discrepancy(where + ": coupon " + n + " follows coupon " + lastRecordedNo + " (numbers must run 1, 2, 3… in log order)");
        }
        lastRecordedNo = Math.max(lastRecordedNo, n);
        Coupon earlier = n <= recorded.size() ? recorded.get(n - 1) : null;
        if (earlier != null) {
            discrepancy("coupon " + n + " issued twice (a number reused): " + earlier.where() + " (" + earlier + ") and " + where
                    + " (" + found + ")");
            return;
        }
        Integer otherNo = recordedUsers.get(coupon.userId());
        if (otherNo != null) {
            discrepancy("user " + coupon.userId() + " holds two coupons: " + otherNo + " (" + recorded.get(otherNo - 1).where()
                    + ") and " + n + " (" + where + ")");
        }
        Coupon due = n <= expected.size() ? expected.get(n - 1) : null;
        if (due == null) {
            discrepancy(where + ": coupon " + n + " went to " + found + ", but only " + expected.size()
                    + " request(s) were eligible" + limitNote());
        } else if (!due.sameCouponAs(found)) {
            discrepancy(where + ": coupon " + n + " went to " + found + ", but the " + ordinal(n) + " eligible request is "
                    + due + " (" + due.where() + ")");
        } else {
            // Share the expected coupon's strings: a clean log then costs one reference per coupon.
            found = new Coupon(due.userId(), due.requestId(), due.issuedAtMillis(), due.validUntil(), topic, partition, offset);
        }
        while (recorded.size() < n) {
            recorded.add(null);
        }
        recorded.set(n - 1, found);
        recordedUsers.put(found.userId(), n);
    }

    /** After coupon-issued: every coupon the model issued must be there. */
    void issuedDone() {
        for (int n = 1; n <= expected.size(); n++) {
            if (n > recorded.size() || recorded.get(n - 1) == null) {
                Coupon due = expected.get(n - 1);
                discrepancy("coupon " + n + " is missing from coupon-issued: the " + ordinal(n) + " eligible request is "
                        + due + " (" + due.where() + ")");
            }
        }
    }

    // ---- pass 2b: coupon-changes in log order ----

    /**
     * One record of coupon-changes: checked against the model's next change of the event, and on
     * its own against the lifecycle's invariants (a change of an issued coupon, versions 1, 2, ...
     * per coupon, no redemption at or after the coupon's validity, no second order while one holds
     * it, the row it carries equal to the coupon's record in coupon-issued).
     */
    void changed(CouponChange change, String topic, int partition, long offset) {
        changeRecords++;
        String where = topic + " partition " + partition + " offset " + offset;
        int n = change.couponNo();
        Coupon coupon = n <= recorded.size() ? recorded.get(n - 1) : null;
        if (coupon == null) {
            discrepancy(where + ": a change of coupon " + n + " to " + change.state() + ", a coupon coupon-issued never issued");
        } else if (!coupon.userId().equals(change.userId()) || !coupon.requestId().equals(change.requestId())
                || coupon.issuedAtMillis() != change.issuedAt().toEpochMilli() || !Objects.equals(coupon.validUntil(), change.validUntil())) {
            discrepancy(where + ": the change of coupon " + n + " carries user " + change.userId() + ", request " + change.requestId()
                    + ", issued at " + change.issuedAt() + ", valid until " + change.validUntil() + ", but coupon-issued has " + coupon
                    + " (" + coupon.where() + ")");
        }
        CouponChange before = latestChange.get(n);
        int previousVersion = before == null ? 0 : before.version();
        CouponState previousState = before == null ? CouponState.ISSUED : before.state();
        if (change.version() != previousVersion + 1) {
            discrepancy(where + ": coupon " + n + " changes to version " + change.version() + " after version " + previousVersion
                    + (before == null ? " (its issue)" : " (" + latestChangeWhere.get(n) + ")"));
        }
        if (previousState == CouponState.RETURNED) {
            discrepancy(where + ": coupon " + n + " changes to " + change.state() + " after it was returned ("
                    + latestChangeWhere.get(n) + "): a returned coupon never comes back");
        }
        if (change.state() == CouponState.REDEEMED) {
            if (change.validUntil() != null && !change.changedAt().isBefore(change.validUntil())) {
                discrepancy(where + ": coupon " + n + " of user " + change.userId() + " redeemed by order " + change.orderId() + " at "
                        + change.changedAt() + ", at or after its validity " + change.validUntil() + " (a redemption after expiry)");
            }
            if (previousState == CouponState.REDEEMED) {
                discrepancy(where + ": coupon " + n + " of user " + change.userId() + " redeemed by order " + change.orderId()
                        + " while order " + before.orderId() + " holds it (" + latestChangeWhere.get(n) + "): two orders at once");
            }
        }
        if (change.state() == CouponState.RETURNED) {
            if (previousState == CouponState.REDEEMED) {
                discrepancy(where + ": coupon " + n + " returned while order " + before.orderId() + " holds it");
            }
            returnTimes.add(change.changedAt().toEpochMilli());
        }
        latestChange.put(n, change);
        latestChangeWhere.put(n, where);

        CouponChange due = changeIndex < expectedChanges.size() ? expectedChanges.get(changeIndex) : null;
        changeIndex++;
        if (due == null) {
            discrepancy(where + ": a change of coupon " + n + " to " + show(change) + ", but the audit made only "
                    + expectedChanges.size() + " change(s) of this event");
        } else if (!due.equals(change)) {
            discrepancy(where + ": change " + show(change) + " of coupon " + n + ", but the audit's " + ordinal(changeIndex)
                    + " change of this event is " + show(due) + " of coupon " + due.couponNo());
        }
    }

    private static String show(CouponChange change) {
        return change.state() + (change.orderId() == null ? "" : " by order " + change.orderId()) + " (version " + change.version()
                + ", user " + change.userId() + ", at " + change.changedAt() + ")";
    }

    /**
     * After coupon-issued and coupon-changes: every change the model made must be there, and the
     * live coupons (issued, not returned) never exceed the limit in force when a coupon is issued.
     * "When" is a point of the log, not a time: records stamped out of order (a late request, a late
     * return) are decided in log order, so the coupons before coupon n are 1..n-1 and the returns
     * before it those coupon-decisions shows before its ISSUED decision, under the definition then
     * in force. A coupon whose issue coupon-decisions does not show is held to the highest limit ever
     * set, every return counted before it.
     */
    void changesDone() {
        for (int i = changeIndex; i < expectedChanges.size(); i++) {
            CouponChange due = expectedChanges.get(i);
            discrepancy("change " + show(due) + " of coupon " + due.couponNo() + " is missing from coupon-changes");
        }
        long everyReturn = Math.max(returnTimes.size(), publishedReturns.size());
        for (int n = 1; n <= recorded.size(); n++) {
            Coupon coupon = recorded.get(n - 1);
            if (coupon == null) {
                continue;
            }
            long[] issue = publishedIssue.get(n);
            long liveBefore = (n - 1) - (issue == null ? everyReturn : issue[0]);
            long limit = issue == null ? highestLimit : issue[1];
            if (limit >= 0 && liveBefore >= limit) {
                discrepancy(coupon.where() + ": coupon " + n + " issued at " + Instant.ofEpochMilli(coupon.issuedAtMillis()) + " while "
                        + liveBefore + " coupon(s) were live: live coupons above the limit " + limit);
            }
        }
    }

    // ---- pass 3: the table, in coupon order ----

    void row(CouponTableScan.Row row) {
        rows++;
        int n = row.couponNo();
        Long sameNumber = rowIds.putIfAbsent(n, row.id());
        if (sameNumber != null) {
            discrepancy("two rows for coupon " + n + ": row id " + sameNumber + " and " + row);
        }
        Long sameUser = rowUsers.putIfAbsent(row.userId(), row.id());
        if (sameUser != null) {
            discrepancy("user " + row.userId() + " has two rows: row id " + sameUser + " and " + row);
        }
        Coupon record = n >= 1 && n <= recorded.size() ? recorded.get(n - 1) : null;
        if (record == null) {
            discrepancy(row + " matches no record of coupon-issued (a row nobody issued)");
            return;
        }
        rowSeen.set(n);
        boolean same = record.userId().equals(row.userId())
                && record.requestId().stripTrailing().equals(row.requestId().stripTrailing())
                && record.issuedAtMillis() == row.issuedAt().toEpochMilli();
        if (!same) {
            discrepancy(row + " differs from its record " + record + " (" + record.where() + ")");
        }
    }

    /** After the table: every record of coupon-issued must have its row. */
    void rowsDone() {
        for (int n = 1; n <= recorded.size(); n++) {
            Coupon record = recorded.get(n - 1);
            if (record != null && !rowSeen.get(n)) {
                discrepancy("no row for coupon " + n + " of event " + eventId + " (" + record + "; its record: " + record.where() + ")");
            }
        }
        rowUsers.clear();
        rowIds.clear();
    }

    /**
     * The lifecycle columns of the row of coupon {@code couponNo} (row id {@code id}) against the
     * coupon's latest state in the logs: its last record of coupon-changes, else its issue.
     */
    void rowState(long id, int couponNo, String state, String orderId, Instant validUntil, int version) {
        Coupon record = couponNo >= 1 && couponNo <= recorded.size() ? recorded.get(couponNo - 1) : null;
        if (record == null) {
            return; // named by row() already
        }
        CouponChange latest = latestChange.get(couponNo);
        String wantState = latest == null ? CouponState.ISSUED.name() : latest.state().name();
        String wantOrder = latest == null ? null : latest.orderId();
        int wantVersion = latest == null ? 0 : latest.version();
        boolean same = wantState.equals(state) && Objects.equals(wantOrder, orderId) && Objects.equals(record.validUntil(), validUntil)
                && wantVersion == version;
        if (!same) {
            discrepancy("row id " + id + " (coupon " + couponNo + " of event " + eventId + " for user " + record.userId() + ") reads state "
                    + state + ", order " + orderId + ", valid until " + validUntil + ", version " + version + ", but the logs say "
                    + wantState + ", order " + wantOrder + ", valid until " + record.validUntil() + ", version " + wantVersion + " ("
                    + (latest == null ? record.where() : latestChangeWhere.get(couponNo)) + ")");
        }
    }

    // ---- pass 4: the gate ----

    /**
     * The users the gate must hold a place for: everyone who holds or held a coupon by
     * coupon-issued (a returned coupon's user stays applied), and everyone still waiting.
     */
    Set<String> couponHolders() {
        Set<String> placed = new java.util.HashSet<>(recordedUsers.keySet());
        placed.addAll(waitlist);
        return Set.copyOf(placed);
    }

    /**
     * What the gate must count: the live coupons (issued by coupon-issued, not returned by
     * coupon-changes) plus the waiting users plus the entrants not drawn yet.
     */
    long gateCount() {
        return liveRecorded() + waitlist.size() + publishedEntrants.size();
    }

    /**
     * The entrants of the draw not drawn yet, user → request: those whose {@code IN_DRAW} on
     * coupon-decisions no draw decision followed. The gate keeps a place for each, and remembers them.
     */
    Map<String, String> entrantsNotDrawn() {
        return Map.copyOf(publishedEntrants);
    }

    private long liveRecorded() {
        return recordedUsers.size() - returnTimes.size();
    }

    /** The authority's count in words: as before the lifecycle when nothing was returned and nobody waits. */
    String gateCountInWords() {
        if (returnTimes.isEmpty() && waitlist.isEmpty() && publishedEntrants.isEmpty()) {
            return gateCount() + " coupon holder(s)";
        }
        return gateCount() + " (" + liveRecorded() + " live coupon(s) + " + waitlist.size() + " waiting"
                + (publishedEntrants.isEmpty() ? "" : " + " + publishedEntrants.size() + " entrant(s) of the draw not drawn yet") + ")";
    }

    /** The users waiting for a returned coupon now. */
    Set<String> waitingUsers() {
        return Set.copyOf(waitlist);
    }

    /** The users who returned their coupon (they stay applied at the gate without a place). */
    Set<String> returnedUsers() {
        Set<String> returned = new java.util.HashSet<>();
        recordedUsers.forEach((user, couponNo) -> {
            CouponChange latest = latestChange.get(couponNo);
            if (latest != null && latest.state() == CouponState.RETURNED) {
                returned.add(user);
            }
        });
        return Set.copyOf(returned);
    }

    /** What the authority says of a user, in words, for a difference with the gate. */
    String authorityOn(String userId) {
        Integer couponNo = recordedUsers.get(userId);
        if (couponNo != null) {
            CouponChange latest = latestChange.get(couponNo);
            return latest != null && latest.state() == CouponState.RETURNED ? "returned coupon " + couponNo : "holds coupon " + couponNo;
        }
        String entrantRequest = publishedEntrants.get(userId);
        if (entrantRequest != null) {
            return "an entrant of the draw, not drawn yet (request " + entrantRequest + ")";
        }
        User user = users.get(userId);
        if (user != null && user.waiting) {
            int place = 1;
            for (String waiting : waitlist) {
                if (waiting.equals(userId)) {
                    break;
                }
                place++;
            }
            return "waits for a coupon (place " + place + ", request " + user.requestId + ")";
        }
        return user == null || user.requestId == null ? "no request of this user was decided"
                : "holds no coupon (last decided " + user.verdict.outcome() + ", request " + user.requestId + ")";
    }

    void gateDiscrepancy(String description) {
        discrepancy("gate: " + description);
    }

    // ---- the report ----

    boolean consistent() {
        return discrepancies == 0;
    }

    long discrepancies() {
        return discrepancies;
    }

    List<String> listedDiscrepancies() {
        return List.copyOf(listed);
    }

    /** k, the number of coupons the requests earn. */
    int expectedCoupons() {
        return expected.size();
    }

    /** One line: the counts, and k against the limit and the users who applied while it was open. */
    String summary() {
        int k = expected.size();
        String why;
        if (definition == null && definitions == 0) {
            why = "never defined";
        } else if (definition == null) {
            why = "deleted";
        } else if (definitions > 1) {
            why = "limit " + definition.limit() + " now; defined " + definitions + " times, each request decided under the definition then in force";
        } else if (returned > 0 || served > 0) {
            why = "coupon(s) issued, at most " + definition.limit() + " live at a time (" + returned + " returned, " + served
                    + " served from the waitlist)";
        } else if (drawnAt != null) {
            why = "= " + drawIssued + " drawn + " + (k - drawIssued) + " first-come after the draw (limit " + definition.limit() + ")";
        } else if (k >= definition.limit()) {
            why = "= min(limit " + definition.limit() + ", distinct users who applied while open, at least " + k + ")";
        } else {
            why = "= min(limit " + definition.limit() + ", distinct users who applied while open: " + k + ")";
        }
        String lifecycle = actions == 0 && waitlisted == 0 && changeRecords == 0 ? ""
                : String.format("; %,d waitlisted, %,d served from the waitlist, %,d returned; %,d action(s), coupon-changes %,d record(s)",
                        waitlisted, served, returned, actions, changeRecords);
        String refused = notEligible == 0 ? "" : String.format(" %,d not eligible (the event's rule),", notEligible);
        return String.format("%s: k = %,d %s; %,d request(s): %,d first comers, %,d duplicate, %,d sold out, %,d not open, %,d closed, %,d undefined,"
                        + "%s %,d re-delivered; coupon-issued %,d record(s), table %,d row(s), coupon-decisions %,d record(s)%s%s",
                eventId, k, why, requests, k - served, duplicates, soldOut, notOpen, closed, undefined, refused, redelivered, records, rows,
                decisions, lifecycle, drawSummary());
    }

    /** The draw in the summary line: what it decided, or that it is still to come; empty for an event without one. */
    private String drawSummary() {
        String tickCount = ticks == 0 ? "" : String.format(", %,d tick(s)", ticks);
        String capped = pastDrawCap == 0 ? "" : String.format(", %,d past the draw cap", pastDrawCap);
        if (drawnAt != null) {
            return String.format("; drawn at %s by the seed of commitment %s: %,d entrant(s) ranked, %,d issued, %,d waitlisted, %,d not drawn;"
                            + " %,d request(s) held for the draw%s%s", drawnAt, drawCommitment, drawEntrants, drawIssued, drawWaitlisted, notDrawn,
                    heldRequests, capped, tickCount);
        }
        if (drawPending()) {
            return String.format("; draw not done yet (due once the stream time reaches %s): %,d entrant(s) and %,d held request(s) wait%s%s",
                    definition.drawEndsAt().plus(DrawWindow.GRACE), entrants.size(), held.size(), capped, tickCount);
        }
        return tickCount.isEmpty() ? "" : ";" + tickCount.substring(1);
    }

    /** Whether the event's draw was done (and so checked). */
    boolean drawn() {
        return drawnAt != null;
    }

    /** How many entrants the event's draw ranked (0 before it is done). */
    long drawEntrants() {
        return drawEntrants;
    }

    private String limitNote() {
        return definition == null ? "" : " (limit " + definition.limit() + ")";
    }

    private void discrepancy(String description) {
        discrepancies++;
        if (listed.size() < maxListed) {
            listed.add(description);
        }
    }

    private static String ordinal(int n) {
        int lastTwo = n % 100;
        String suffix = lastTwo >= 11 && lastTwo <= 13 ? "th" : switch (n % 10) {
            case 1 -> "st";
            case 2 -> "nd";
            case 3 -> "rd";
            default -> "th";
        };
        return String.format("%,d", n) + suffix;
    }
}
