package firstcome.ingress.catalog;

import firstcome.contract.Environment;
import firstcome.contract.EventDefinition;
import java.time.DateTimeException;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * When an event retires: {@code EVENT_RETENTION} past its {@code closesAt}; an event that never
 * closes never retires. From then on its working state (gate keys, sold-out copies, the
 * processor's decision stores) is gone, and only the shop's records (MySQL) keep its coupons. The
 * ingress decides "retired" by its own clock against the definition it holds.
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
     * The instant the event retires, or empty when it never closes or that instant cannot be
     * represented (a closing so far off it retires never; the admin API refuses such dates, older
     * records may hold them). The streams-processor judges the same ({@code IssuingRules#retirementOf}).
     */
    public Optional<Instant> retiresAt(EventDefinition definition) {
        Instant closesAt = definition.closesAt();
        if (closesAt == null) {
            return Optional.empty();
        }
        try {
            Instant retiresAt = closesAt.plus(retention);
            retiresAt.toEpochMilli(); // what Redis and the clocks compare: must fit in milliseconds
            return Optional.of(retiresAt);
        } catch (DateTimeException | ArithmeticException never) {
            return Optional.empty();
        }
    }

    /** Whether the event is retired at {@code time}: its retirement instant is at or before it. */
    public boolean retiredAt(EventDefinition definition, Instant time) {
        return retiresAt(definition).map(at -> !time.isBefore(at)).orElse(false);
    }
}
