package firstcome.processor;

import firstcome.contract.ActionType;
import firstcome.contract.CouponAction;
import firstcome.contract.CouponChange;
import firstcome.contract.CouponDecision;
import firstcome.contract.CouponRequest;
import firstcome.contract.CouponState;
import firstcome.contract.EventDefinition;
import firstcome.contract.IssuedCoupon;
import firstcome.contract.IssuingOutcome;
import firstcome.contract.query.ApplicationStatus;
import java.time.Instant;

/**
 * The coupon lifecycle (docs/lifecycle.md) as pure functions of what the processor knows at one point
 * of the log: the event's definition, its {@link EventTally} (counters and waitlist positions), the
 * user's stored {@link Decision} and the record being decided, at the record's time. The processor only
 * reads the stores, calls these and writes what they return; a replay of the same records decides the same.
 */
public final class LifecycleRules {

    /**
     * What one record (or one serving of the waitlist) came to: the decision to publish, the event's
     * tally after it (the same one when nothing changed), the user's state to store ({@code null}: left
     * as it is), the coupon issued ({@code coupon-issued}) and the coupon's change ({@code coupon-changes}),
     * each {@code null} when there is none.
     */
    public record Ruling(CouponDecision decision, EventTally tally, Decision user, IssuedCoupon coupon,
            CouponChange change) {

        /** Whether the user joined the waitlist with this decision (then {@code user.waitlistSeq()} is their place). */
        public boolean joinsWaitlist() {
            return user != null && user.waiting();
        }

        /** Whether the user became an entrant of the event's draw with this decision. */
        public boolean entersDraw() {
            return user != null && user.inDraw();
        }
    }

    private LifecycleRules() {
    }

    /**
     * Whether the user at the head of the waitlist is issued a coupon now: someone waits, live coupons are
     * below the limit, and the event has not closed by {@code streamTime} (the latest record time the task
     * has read, this record's included). Stream time rather than the record's own time: a record stamped
     * before the closing but read after later ones (an out-of-order or re-published record) cannot hand a
     * coupon to someone who has been reading {@code CLOSED} since the closing.
     */
    public static boolean serves(EventDefinition event, EventTally tally, Instant streamTime) {
        return event != null && tally.waiting() > 0 && tally.live() < event.limit() && !event.closedAt(streamTime);
    }

    /**
     * The user at the head of the waitlist, {@code head}, gets coupon {@code issued + 1} at {@code at} (the
     * time of the record that made room): their request's second decision, {@code ISSUED}.
     */
    public static Ruling serve(EventDefinition event, EventTally tally, WaitingUser head, Instant at) {
        int couponNo = Math.toIntExact(tally.issued() + 1);
        Instant validUntil = event.couponsValidUntil();
        var decision = new CouponDecision(head.requestId(), event.eventId(), head.userId(), IssuingOutcome.ISSUED, couponNo,
                at, null, null, validUntil);
        // A user the draw put on the waitlist keeps their rank in the draw.
        return new Ruling(decision, tally.served(),
                Decision.issued(couponNo, head.requestId(), at, validUntil).withDrawRank(head.drawRank()),
                new IssuedCoupon(event.eventId(), head.userId(), couponNo, head.requestId(), at, validUntil), null);
    }

    /**
     * Decides {@code request} at {@code at}. {@code latest} is the user's stored state ({@code null}: none);
     * a request with its request id was decided already, so it hears the latest decision again and
     * nothing changes. The checks, in order: {@code UNKNOWN_EVENT}, {@code DUPLICATE}, {@code NOT_OPEN},
     * {@code CLOSED}, then, where the event's room would decide, {@code NOT_ELIGIBLE} when the event's
     * eligibility (as defined at this point of the log) does not accept the request's {@code eligibleAs}
     * (docs/identities.md), then {@code ISSUED}, {@code WAITLISTED} or {@code SOLD_OUT}.
     */
    public static Ruling request(EventDefinition event, EventTally tally, Decision latest, CouponRequest request,
            Instant at) {
        if (latest != null && latest.requestId().equals(request.requestId())) {
            return new Ruling(again(event, tally, latest, request), tally, null, null, null);
        }
        boolean takesAPlace = latest != null && latest.takesAPlace();
        IssuingOutcome outcome = IssuingRules.decide(event, tally.live(), takesAPlace, at);
        if ((outcome == IssuingOutcome.ISSUED || outcome == IssuingOutcome.SOLD_OUT) && !event.admits(request.eligibleAs())) {
            // Where the event's room would decide: never a holder's or a waiting user's repeat (DUPLICATE
            // came first), so the place the gate gives back for it is this request's own.
            outcome = IssuingOutcome.NOT_ELIGIBLE;
        }
        if (outcome == IssuingOutcome.ISSUED && tally.waiting() > 0) {
            // Room the waitlist could not take (the event closed by stream time): nobody jumps the queue.
            outcome = IssuingOutcome.SOLD_OUT;
        }
        if (outcome == IssuingOutcome.SOLD_OUT && tally.waiting() < event.waitlist()) {
            outcome = IssuingOutcome.WAITLISTED;
        }
        EventTally after = tally.plus(outcome);
        String eventId = request.eventId();
        return switch (outcome) {
            case ISSUED -> {
                int couponNo = Math.toIntExact(tally.issued() + 1);
                Instant validUntil = event.couponsValidUntil();
                yield new Ruling(
                        new CouponDecision(request.requestId(), eventId, request.userId(), outcome, couponNo, at, null, null,
                                validUntil),
                        after, Decision.issued(couponNo, request.requestId(), at, validUntil),
                        new IssuedCoupon(eventId, request.userId(), couponNo, request.requestId(), at, validUntil), null);
            }
            case WAITLISTED -> new Ruling(
                    new CouponDecision(request.requestId(), eventId, request.userId(), outcome, null, at),
                    after, Decision.waitlisted(tally.waitlistTail(), request.requestId(), at), null, null);
            case DUPLICATE -> {
                // The coupon they hold, if they hold one (not while they wait, nor once they returned it).
                boolean holds = latest.holdsCoupon();
                yield new Ruling(new CouponDecision(request.requestId(), eventId, request.userId(), outcome,
                        holds ? latest.couponNo() : null, at, null, null, holds ? latest.validUntil() : null),
                        after, null, null, null);
            }
            default -> new Ruling(new CouponDecision(request.requestId(), eventId, request.userId(), outcome, null, at),
                    after, Decision.rejected(outcome, request.requestId(), at), null, null);
        };
    }

    /**
     * Decides {@code request}, read at {@code at} inside the event's draw window before the draw
     * (docs/fair-opening.md): a re-delivery hears its decision again; a user who holds, held or waits for
     * a coupon, or is an entrant already, {@code DUPLICATE}; a request the event's eligibility does not
     * accept, {@code NOT_ELIGIBLE} (not an entrant); past the event's {@code drawCap} entrants
     * {@code SOLD_OUT}; anyone else becomes an entrant, {@code IN_DRAW} (stored: it takes a place until the
     * draw decides it again, see {@link DrawRules}).
     */
    public static Ruling entrant(EventDefinition event, EventTally tally, Decision latest, CouponRequest request,
            Instant at) {
        if (latest != null && latest.requestId().equals(request.requestId())) {
            return new Ruling(again(event, tally, latest, request), tally, null, null, null);
        }
        String eventId = request.eventId();
        if (latest != null && latest.takesAPlace()) {
            boolean holds = latest.holdsCoupon();
            return new Ruling(new CouponDecision(request.requestId(), eventId, request.userId(), IssuingOutcome.DUPLICATE,
                    holds ? latest.couponNo() : null, at, null, null, holds ? latest.validUntil() : null),
                    tally.plus(IssuingOutcome.DUPLICATE), null, null, null);
        }
        if (!event.admits(request.eligibleAs())) {
            // Not an entrant: the draw never ranks a request the event's rule refuses at this point of the log.
            return new Ruling(new CouponDecision(request.requestId(), eventId, request.userId(), IssuingOutcome.NOT_ELIGIBLE,
                    null, at), tally.plus(IssuingOutcome.NOT_ELIGIBLE),
                    Decision.rejected(IssuingOutcome.NOT_ELIGIBLE, request.requestId(), at), null, null);
        }
        if (tally.drawState().entrants() >= event.drawCap()) {
            return new Ruling(new CouponDecision(request.requestId(), eventId, request.userId(), IssuingOutcome.SOLD_OUT,
                    null, at), tally.plus(IssuingOutcome.SOLD_OUT),
                    Decision.rejected(IssuingOutcome.SOLD_OUT, request.requestId(), at), null, null);
        }
        return new Ruling(new CouponDecision(request.requestId(), eventId, request.userId(), IssuingOutcome.IN_DRAW, null,
                at), tally.plus(IssuingOutcome.IN_DRAW), Decision.inDraw(request.requestId(), at), null, null);
    }

    /**
     * A re-delivered request's decision: the latest decision of the user again, as it was published (with
     * the user's rank among the draw's entrants when the draw decided it). A user the draw put on the
     * waitlist and who was served later keeps their rank in the stored state (their status shows it), but
     * the decision that served them carried none: it is told apart by its time, since the draw's decisions
     * are stamped with the window's end and a serving comes with a later record.
     */
    private static CouponDecision again(EventDefinition event, EventTally tally, Decision latest, CouponRequest request) {
        Integer rank = latest.drawRank();
        boolean drawn = rank != null && latest.outcome() != IssuingOutcome.IN_DRAW
                && tally.drawState().entrants() >= rank
                && event != null && latest.decidedAt().equals(event.drawEndsAt());
        return new CouponDecision(request.requestId(), request.eventId(), request.userId(), latest.outcome(),
                latest.couponNo(), latest.decidedAt(), null, null, latest.wasIssued() ? latest.validUntil() : null,
                drawn ? rank : null, drawn ? Math.toIntExact(tally.drawState().entrants()) : null);
    }

    /** The decision of an action on an event that retired: its state is gone, as if it had never been defined. */
    public static CouponDecision retired(CouponAction action, Instant at) {
        return decision(action, IssuingOutcome.UNKNOWN_EVENT, null, null, null, at);
    }

    /**
     * Decides the shop's {@code action} at {@code at} on the coupon of the user whose stored state is
     * {@code user} ({@code null}: never applied).
     */
    public static Ruling action(EventDefinition event, EventTally tally, Decision user, CouponAction action, Instant at) {
        if (event == null) {
            return unchanged(decision(action, IssuingOutcome.UNKNOWN_EVENT, null, null, null, at), tally);
        }
        CouponState state = user == null ? null : user.couponState();
        if (state == null) {
            IssuingOutcome refusal = action.action() == ActionType.UNREDEEM ? IssuingOutcome.NOT_REDEEMED : IssuingOutcome.NOT_ISSUED;
            return unchanged(decision(action, refusal, null, null, null, at), tally);
        }
        String order = action.orderId();
        return switch (action.action()) {
            case REDEEM -> switch (state) {
                case ISSUED -> user.expiredAt(at)
                        ? unchanged(coupon(action, IssuingOutcome.EXPIRED, user, null, at), tally)
                        : change(action, IssuingOutcome.REDEEMED, user.changed(CouponState.REDEEMED, order, user.cancelledOrderId()),
                                tally.changed(1, 0), at);
                case REDEEMED -> order.equals(user.orderId())
                        ? unchanged(coupon(action, IssuingOutcome.REDEEMED, user, order, at), tally)
                        : unchanged(coupon(action, IssuingOutcome.ALREADY_REDEEMED, user, user.orderId(), at), tally);
                case RETURNED -> unchanged(decision(action, IssuingOutcome.NOT_ISSUED, null, null, null, at), tally);
            };
            case UNREDEEM -> {
                IssuingOutcome usable = user.expiredAt(at) ? IssuingOutcome.EXPIRED : IssuingOutcome.ISSUED;
                if (state == CouponState.REDEEMED && order.equals(user.orderId())) {
                    yield change(action, usable, user.changed(CouponState.ISSUED, null, order), tally.changed(-1, 0), at);
                }
                if (state == CouponState.ISSUED && order.equals(user.cancelledOrderId())) {
                    yield unchanged(coupon(action, usable, user, null, at), tally);
                }
                yield unchanged(state.live()
                        ? coupon(action, IssuingOutcome.NOT_REDEEMED, user, null, at)
                        : decision(action, IssuingOutcome.NOT_REDEEMED, null, null, null, at), tally);
            }
            case RETURN -> switch (state) {
                case ISSUED -> change(action, IssuingOutcome.RETURNED,
                        user.changed(CouponState.RETURNED, null, user.cancelledOrderId()), tally.changed(0, 1), at);
                case RETURNED -> unchanged(coupon(action, IssuingOutcome.RETURNED, user, null, at), tally);
                case REDEEMED -> unchanged(coupon(action, IssuingOutcome.ALREADY_REDEEMED, user, user.orderId(), at), tally);
            };
        };
    }

    /**
     * What a status look-up at {@code now} (the look-up's clock) answers for the user whose stored state is
     * {@code user}, of the event defined as {@code event} whose tally is {@code tally} ({@code null}s: none).
     */
    public static ApplicationStatus status(Decision user, EventDefinition event, EventTally tally, Instant now) {
        if (user == null) {
            return ApplicationStatus.notApplied();
        }
        if (user.inDraw()) {
            // The window's end, when the draw is due; the entry's own time if the event's definition is gone.
            return ApplicationStatus.inDraw(event != null && event.draw() != null ? event.drawEndsAt() : user.decidedAt());
        }
        ApplicationStatus status = resultOf(user, event, tally, now);
        Integer rank = user.drawRank();
        if (rank != null && tally != null && tally.drawState().entrants() >= rank) {
            return status.withDraw(rank, Math.toIntExact(tally.drawState().entrants()));
        }
        return status;
    }

    private static ApplicationStatus resultOf(Decision user, EventDefinition event, EventTally tally, Instant now) {
        if (user.wasIssued()) {
            return switch (user.couponState()) {
                case ISSUED -> user.expiredAt(now)
                        ? ApplicationStatus.expired(user.couponNo(), user.validUntil())
                        : ApplicationStatus.issued(user.couponNo(), user.validUntil());
                case REDEEMED -> ApplicationStatus.redeemed(user.couponNo(), user.orderId());
                case RETURNED -> ApplicationStatus.returned(user.couponNo());
            };
        }
        if (user.waiting()) {
            if (event != null && event.closedAt(now)) {
                return ApplicationStatus.rejected(IssuingOutcome.CLOSED);
            }
            long head = tally == null ? 0 : tally.waitlistHead();
            return ApplicationStatus.waitlisted(Math.max(1, user.waitlistSeq() - head + 1));
        }
        return ApplicationStatus.rejected(user.outcome());
    }

    private static Ruling unchanged(CouponDecision decision, EventTally tally) {
        return new Ruling(decision, tally, null, null, null);
    }

    /** A change of the coupon: the user's new state, its decision and its row for {@code coupon-changes}. */
    private static Ruling change(CouponAction action, IssuingOutcome outcome, Decision changed, EventTally tally, Instant at) {
        var row = new CouponChange(action.eventId(), action.userId(), changed.couponNo(), changed.requestId(),
                changed.decidedAt(), changed.validUntil(), changed.couponState(), changed.orderId(), changed.version(), at);
        String order = outcome == IssuingOutcome.REDEEMED ? changed.orderId() : null;
        return new Ruling(coupon(action, outcome, changed, order, at), tally, changed, null, row);
    }

    /** An action's decision naming the user's coupon (and its validity) and {@code orderId}. */
    private static CouponDecision coupon(CouponAction action, IssuingOutcome outcome, Decision user, String orderId, Instant at) {
        return decision(action, outcome, user.couponNo(), orderId, user.validUntil(), at);
    }

    private static CouponDecision decision(CouponAction action, IssuingOutcome outcome, Integer couponNo, String orderId,
            Instant validUntil, Instant at) {
        return new CouponDecision(action.actionId(), action.eventId(), action.userId(), outcome, couponNo, at,
                action.action(), orderId, validUntil);
    }
}
