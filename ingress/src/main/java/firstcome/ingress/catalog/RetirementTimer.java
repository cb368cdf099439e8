package firstcome.ingress.catalog;

import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Asks the catalog every {@code period} which events retired by now ({@link EventCatalog#retireDue}),
 * so that what the ingress holds per event (sold-out copies, undecided requests, answer counts) goes
 * within a period of the retirement instant, whether or not anyone still asks about the event.
 */
public final class RetirementTimer implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(RetirementTimer.class);

    private final EventCatalog catalog;
    private final Clock clock;
    private final Duration period;
    private ScheduledExecutorService timer;

    public RetirementTimer(EventCatalog catalog, Clock clock, Duration period) {
        this.catalog = catalog;
        this.clock = clock;
        this.period = period;
    }

    public void start() {
        timer = Executors.newSingleThreadScheduledExecutor(task -> {
            Thread thread = new Thread(task, "ingress-retirements");
            thread.setDaemon(true);
            return thread;
        });
        timer.scheduleWithFixedDelay(this::tick, period.toMillis(), period.toMillis(), TimeUnit.MILLISECONDS);
    }

    private void tick() {
        try {
            var retired = catalog.retireDue(clock.instant());
            if (!retired.isEmpty()) {
                log.info("retired {} event(s): {}", retired.size(), retired.size() <= 10 ? retired : retired.subList(0, 10) + " ...");
            }
        } catch (RuntimeException e) {
            log.error("announcing retired events failed (tried again in {})", period, e);
        }
    }

    @Override
    public void close() {
        if (timer != null) {
            timer.shutdownNow();
        }
    }
}
