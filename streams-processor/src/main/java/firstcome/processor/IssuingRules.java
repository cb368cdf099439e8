package firstcome.processor;

import firstcome.contract.CouponDecision;
import firstcome.contract.CouponRequest;
import firstcome.contract.EventDefinition;
import firstcome.contract.IssuingOutcome;
import java.time.Duration;
import java.time.Instant;

/**
 * The decision for one request as a pure function of what the processor knows at that point of
 * the log: the event's definition, how many coupons it has issued, and the user's latest stored
 * decision. Time is the request's record time, so a replay decides exactly the same.
 */
public final class IssuingRules {

    /**
     * What one request came to: the decision to publish, and whether it is a re-delivery of the
     * request the user's latest decision was made for (then it changes nothing: no store, no tally,
     * no coupon; the decision is the earlier one again).
     */
    public record Ruling(CouponDecision decision, boolean redelivery) {

        /** A coupon to write to {@code coupon-issued}: only a first decision that issues one. */
        public boolean issuesCoupon() {
            return !redelivery && decision.outcome() == IssuingOutcome.ISSUED;
        }
    }

    private IssuingRules() {
    }

    /**
     * Decides {@code request}, received at {@code at}. {@code latest} is the user's latest stored
     * decision for the event ({@code null}: none): a request with its request id was decided
     * already (the ingress publishes a request again, byte for byte, until it sees its decision),
     * so it gets the same decision again.
     */
    public static Ruling decide(EventDefinition event, long issued, Decision latest, CouponRequest request, Instant at) {
        if (latest != null && latest.requestId().equals(request.requestId())) {
            return new Ruling(new CouponDecision(request.requestId(), request.eventId(), request.userId(),
                    latest.outcome(), latest.couponNo(), latest.decidedAt()), true);
        }
        boolean holds = latest != null && latest.takesAPlace();
        IssuingOutcome outcome = decide(event, issued, holds, at);
        Integer couponNo = switch (outcome) {
            case ISSUED -> Math.toIntExact(issued + 1);
            case DUPLICATE -> latest.couponNo();
            default -> null;
        };
        return new Ruling(new CouponDecision(request.requestId(), request.eventId(), request.userId(), outcome, couponNo, at),
                false);
    }

    /**
     * The decision for a request to a retired event: refused as {@code CLOSED}, as any request after
     * the closing is, whatever the user held. The event's state is gone, so nothing else can be told.
     */
    public static CouponDecision retired(CouponRequest request, Instant at) {
        return new CouponDecision(request.requestId(), request.eventId(), request.userId(), IssuingOutcome.CLOSED, null, at);
    }

    /**
     * What the event defined as {@code event} leaves behind when it retires, {@code retention} after its
     * end ({@link EventDefinition#retiresAt}: the later of its closing and its coupons' validity);
     * {@code null} for an event that never ends (and one whose retirement lies past what record times
     * can reach).
     */
    public static RetiredEvent retirementOf(EventDefinition event, Duration retention) {
        Instant retiresAt = event == null ? null : event.retiresAt(retention);
        return retiresAt == null ? null : new RetiredEvent(event.endsAt(), retiresAt);
    }

    /**
     * Whether the event defined as {@code event} has retired once stream time (the highest record
     * time the task has processed) reached {@code streamTime}: from its retirement instant on.
     */
    public static boolean retiredBy(EventDefinition event, Duration retention, Instant streamTime) {
        RetiredEvent retirement = retirementOf(event, retention);
        return retirement != null && !streamTime.isBefore(retirement.retiredAt());
    }

    /**
     * The outcome of a new application at {@code at}, {@code live} coupons of the event being held
     * ({@code userHoldsCoupon}: the user holds, held or waits for one). The waitlist comes on top of
     * this in {@link LifecycleRules#request}.
     */
    public static IssuingOutcome decide(EventDefinition event, long live, boolean userHoldsCoupon, Instant at) {
        if (event == null) {
            return IssuingOutcome.UNKNOWN_EVENT;
        }
        if (userHoldsCoupon) {
            return IssuingOutcome.DUPLICATE;
        }
        if (event.notYetOpenAt(at)) {
            return IssuingOutcome.NOT_OPEN;
        }
        if (event.closedAt(at)) {
            return IssuingOutcome.CLOSED;
        }
        // A lowered limit leaves live > limit: those coupons stay, nobody new gets one.
        if (live >= event.limit()) {
            return IssuingOutcome.SOLD_OUT;
        }
        return IssuingOutcome.ISSUED;
    }
}
