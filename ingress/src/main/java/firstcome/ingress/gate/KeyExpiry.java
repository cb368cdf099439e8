package firstcome.ingress.gate;

import firstcome.ingress.api.EventId;
import java.time.Instant;
import java.util.Optional;

/**
 * When an event's gate keys expire: at its retirement instant ({@code EVENT_RETENTION} past the
 * later of {@code closesAt} and {@code couponsValidUntil}, {@code EventDefinition#retiresAt}), or
 * never for an event that has neither. The catalog answers it ({@code EventCatalog#retiresAt}).
 */
@FunctionalInterface
public interface KeyExpiry {

    /** Keys that never expire. */
    KeyExpiry NEVER = event -> Optional.empty();

    Optional<Instant> of(EventId event);
}
