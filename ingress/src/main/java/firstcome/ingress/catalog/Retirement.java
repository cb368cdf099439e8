package firstcome.ingress.catalog;

import firstcome.contract.Environment;
import firstcome.contract.EventDefinition;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * When an event retires: {@code EVENT_RETENTION} past its end, the later of its {@code closesAt} and
 * its {@code couponsValidUntil} (its coupons can be redeemed, given back and returned until they
 * expire); an event that has neither never retires. From then on its working state (gate keys,
 * sold-out copies, the processor's decision stores) is gone, and only the shop's records (MySQL)
 * keep its coupons. The ingress decides "retired" by its own clock against the definition it holds.
 */
public record Retirement(Duration retention) {

    /** The default of {@code EVENT_RETENTION}. */
    public static final Retirement DEFAULT = new Retirement(Environment.DEFAULT_EVENT_RETENTION);

    public Retirement {
        if (retention == null || retention.isNegative()) {
            throw new IllegalArgumentException("EVENT_RETENTION must not be negative, was " + retention);
        }
    }

    /**
     * The instant the event retires, or empty when it never ends or that instant cannot be
     * represented (an end so far off it retires never; the admin API refuses such dates, older
     * records may hold them). The one function every process judges by: {@link EventDefinition#retiresAt}.
     */
    public Optional<Instant> retiresAt(EventDefinition definition) {
        return Optional.ofNullable(definition.retiresAt(retention));
    }

    /** Whether the event is retired at {@code time}: its retirement instant is at or before it. */
    public boolean retiredAt(EventDefinition definition, Instant time) {
        return definition.retiredAt(retention, time);
    }
}
