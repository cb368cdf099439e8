package firstcome.processor;

import java.time.Instant;

/**
 * What the processor keeps of an event once it retired: when it ended ({@code closesAt}: the later of
 * its closing and its coupons' validity, {@code EventDefinition#endsAt}; the name is the stored one)
 * and when it retired, under
 * the event id in the {@code retired-events} store; nothing per user. It answers the look-ups of the
 * event with 410 {@code RETIRED} and keeps the event id from being opened again.
 */
public record RetiredEvent(Instant closesAt, Instant retiredAt) {

    public RetiredEvent {
        if (closesAt == null || retiredAt == null || retiredAt.isBefore(closesAt)) {
            throw new IllegalArgumentException("closesAt and retiredAt are required, retiredAt not before closesAt");
        }
    }

    /** The 410 answer to a look-up of the event {@code eventId}. */
    Gone answer(String eventId) {
        return new Gone("RETIRED", "Event " + eventId + " closed at " + closesAt + " and its results were retired at "
                + retiredAt + "; the shop's records keep its coupons.");
    }

    /** The body of the 410 a look-up of a retired event answers, in the contract's {@code {"outcome","message"}}. */
    public record Gone(String outcome, String message) {
    }
}
