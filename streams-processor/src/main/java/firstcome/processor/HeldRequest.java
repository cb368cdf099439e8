package firstcome.processor;

import firstcome.contract.CouponRequest;
import java.time.Instant;

/**
 * A request read at or after its event's draw window's end but before the draw (docs/fair-opening.md),
 * with its record time: kept in the {@code draw-held} store under {@link #key(String, long)} and
 * decided right after the draw, first-come at that time, in the order it was read.
 */
public record HeldRequest(CouponRequest request, Instant recordTime) {

    /** The event id, '/' (outside the id alphabet) and the sequence number, zero-padded to sort as numbers do. */
    public static String key(String eventId, long seq) {
        return String.format("%s/%019d", eventId, seq);
    }
}
