package firstcome.ingress.draw;

import static org.assertj.core.api.Assertions.assertThat;

import firstcome.contract.CouponRequest;
import firstcome.contract.DrawWindow;
import firstcome.contract.EventDefinition;
import firstcome.contract.query.Tally;
import firstcome.ingress.api.EventId;
import firstcome.ingress.catalog.EventCatalog;
import firstcome.ingress.kafka.FakePublisher;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The draw's ticks (docs/fair-opening.md, "The gate", Ticks), on a clock and scheduler the test moves. */
class DrawTickerTest {

    private static final Instant START = Instant.parse("2026-11-24T10:00:00Z");
    private static final Duration FIRST = DrawWindow.GRACE.plus(DrawTicker.PAST_GRACE);

    private final ManualTime time = new ManualTime(START);
    private final EventCatalog catalog = new EventCatalog();
    private final FakePublisher publisher = new FakePublisher();
    private final Set<String> drawn = ConcurrentHashMap.newKeySet();
    private final AtomicInteger asked = new AtomicInteger();
    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final DrawTicker ticker = new DrawTicker(catalog, publisher, event -> {
        asked.incrementAndGet();
        Tally.DrawSummary draw = drawn.contains(event.value())
                ? new Tally.DrawSummary(3, START, "0a", null)
                : new Tally.DrawSummary(3, null, null, null);
        return CompletableFuture.completedFuture(Optional.of(new Tally(event.value(), 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, draw)));
    }, time, time, registry);
    private long offsets;

    @AfterEach
    void close() {
        ticker.close();
    }

    @Test
    void ticksAtTheWindowsEndPlusTheGraceThenEveryFiveSecondsUntilTheTallySaysDrawn() {
        // given: a loaded catalog with an event whose 10 s window opens in a minute
        Instant opensAt = START.plusSeconds(60);
        Instant windowEnd = opensAt.plusSeconds(10);
        define(withWindow("fair", opensAt, 10));
        catalog.markLoaded();
        ticker.start();

        // when: the clock reaches a moment before the first tick's time
        time.advanceTo(windowEnd.plus(DrawWindow.GRACE).minusMillis(1));
        // then: nothing yet
        assertThat(publisher.requests).isEmpty();

        // when: the first tick's time comes
        time.advanceTo(windowEnd.plus(FIRST));
        // then: one tick into coupon-requests, stamped then, in the event's key, without asking the processor first
        assertThat(publisher.requests).hasSize(1);
        CouponRequest tick = publisher.requests.get(0).value();
        assertThat(tick.isTick()).isTrue();
        assertThat(tick.tick()).isTrue();
        assertThat(publisher.actions).isEmpty();
        assertThat(tick.eventId()).isEqualTo("fair");
        assertThat(tick.userId()).isNull();
        assertThat(publisher.requests.get(0).timestamp()).isEqualTo(windowEnd.plus(FIRST)).isAfterOrEqualTo(windowEnd.plus(DrawWindow.GRACE));
        assertThat(asked).hasValue(0);

        // when: 5 s later, not drawn yet; then 5 s later again, drawn
        time.advanceTo(windowEnd.plus(FIRST).plusSeconds(5));
        assertThat(tickTimes()).containsExactly(windowEnd.plus(FIRST), windowEnd.plus(FIRST).plusSeconds(5));
        drawn.add("fair");
        time.advanceTo(windowEnd.plus(Duration.ofMinutes(20)));

        // then: asked, heard drawn, no more ticks
        assertThat(tickTimes()).hasSize(2);
        assertThat(asked).hasValue(2);
        assertThat(ticker.planned()).isZero();
        assertThat(registry.scrape()).contains("ingress_draw_ticks_total{result=\"published\"} 2.0");
    }

    @Test
    void waitsForThisIngresssSendsOfTheEventStillInFlightBeforeTicking() {
        // given: a send of the event still on its way to the broker when the first tick is due
        var inFlight = new CompletableFuture<Void>();
        try (var waiting = new DrawTicker(catalog, publisher, event -> CompletableFuture.completedFuture(Optional.empty()),
                time, time, registry, event -> inFlight)) {
            Instant windowEnd = START.plusSeconds(10);
            define(withWindow("busy", START, 10));
            catalog.markLoaded();
            waiting.start();

            // when: the tick's time comes
            time.advanceTo(windowEnd.plus(FIRST));
            // then: no tick while the send is in flight
            assertThat(publisher.requests).isEmpty();

            // when: the send is acknowledged
            inFlight.complete(null);
            // then: the tick follows it, stamped after the grace
            assertThat(publisher.requests).hasSize(1);
            assertThat(publisher.requests.get(0).timestamp()).isAfterOrEqualTo(windowEnd.plus(DrawWindow.GRACE));
        }
    }

    @Test
    void stopsTenMinutesAfterTheWindowsEndWhenNeverDrawn() {
        Instant windowEnd = START.plusSeconds(10);
        define(withWindow("stuck", START, 10));
        catalog.markLoaded();
        ticker.start();

        time.advanceTo(windowEnd.plus(Duration.ofHours(1)));

        List<Instant> ticks = tickTimes();
        assertThat(ticks.get(0)).isEqualTo(windowEnd.plus(FIRST));
        assertThat(ticks).allSatisfy(at -> assertThat(at).isBefore(windowEnd.plus(DrawTicker.AT_MOST)));
        assertThat(ticks).hasSize((int) (DrawTicker.AT_MOST.minus(FIRST).toSeconds() / 5) + 1);
        for (int i = 1; i < ticks.size(); i++) {
            assertThat(Duration.between(ticks.get(i - 1), ticks.get(i))).isEqualTo(DrawTicker.EVERY);
        }
        assertThat(ticker.planned()).isZero();
        assertThat(time.waiting()).isZero();
    }

    @Test
    void ticksAtStartForWindowsEndedInTheLastTenMinutesAndNotDrawnOnceTheCatalogIsLoaded() {
        // given: windows that ended 3 min ago (not drawn), 4 min ago (drawn), 11 min ago, and one without a window
        define(withWindow("recent", START.minusSeconds(190), 10));
        define(withWindow("done", START.minusSeconds(250), 10));
        drawn.add("done");
        define(withWindow("old", START.minusSeconds(670), 10));
        define(new EventDefinition("plain", 10, START.minusSeconds(600), null));
        ticker.start();

        // when: the catalog is still loading
        time.advance(Duration.ofSeconds(1));
        // then: nothing
        assertThat(publisher.requests).isEmpty();
        assertThat(asked).hasValue(0);

        // when: it is loaded
        catalog.markLoaded();
        time.advance(DrawTicker.LOADING_CHECK);

        // then: the recent one is asked about and ticked at once; the drawn one is asked about only; the old one is left
        assertThat(publisher.requests).extracting(sent -> sent.value().eventId()).containsExactly("recent");
        assertThat(asked).hasValue(2);
        assertThat(ticker.planned()).isEqualTo(1);
    }

    @Test
    void followsTheCatalogNewChangedAndRemovedWindows() {
        catalog.markLoaded();
        ticker.start();
        time.runDue();

        // when: a new event with a window is defined, then its opening is moved a minute later
        define(withWindow("moved", START.plusSeconds(10), 10));
        time.advance(Duration.ofSeconds(1));
        define(withWindow("moved", START.plusSeconds(70), 10));
        // and: another one's window is removed before its end
        define(withWindow("removed", START.plusSeconds(10), 10));
        time.advance(Duration.ofSeconds(1));
        define(new EventDefinition("removed", 100, START.plusSeconds(10), null));
        time.advanceTo(START.plusSeconds(80).plus(FIRST));

        // then: one tick, at the moved window's end only
        assertThat(publisher.requests).extracting(sent -> sent.value().eventId()).containsExactly("moved");
        assertThat(tickTimes()).containsExactly(START.plusSeconds(80).plus(FIRST));
    }

    @Test
    void dropsTheTicksOfAnEventThatRetires() {
        // given: retention zero; the window ends in 10 s and the event closes then
        var retiring = new EventCatalog(new firstcome.ingress.catalog.Retirement(Duration.ZERO));
        try (var ticks = new DrawTicker(retiring, publisher, event -> CompletableFuture.completedFuture(Optional.empty()),
                time, time, registry)) {
            retiring.apply("short", new EventDefinition("short", 10, START, START.plusSeconds(10), 0, null,
                    DrawWindow.fresh(10, null, new SecureRandom())), 0);
            retiring.markLoaded();
            ticks.start();
            time.runDue();

            // when: it retires at its closing, the window's end, before the first tick
            time.advanceTo(START.plusSeconds(10));
            retiring.retireDue(time.instant());
            time.advanceTo(START.plus(Duration.ofMinutes(20)));

            // then
            assertThat(publisher.requests).isEmpty();
            assertThat(ticks.planned()).isZero();
        }
    }

    @Test
    void countsAFailedTickAndTriesAgainAtTheNext() {
        define(withWindow("flaky", START, 10));
        catalog.markLoaded();
        ticker.start();
        publisher.failing = true;

        time.advanceTo(START.plusSeconds(10).plus(FIRST));
        assertThat(publisher.requests).isEmpty();
        publisher.failing = false;
        time.advanceTo(START.plusSeconds(10).plus(FIRST).plusSeconds(5));

        assertThat(tickTimes()).containsExactly(START.plusSeconds(10).plus(FIRST).plusSeconds(5));
        assertThat(registry.scrape())
                .contains("ingress_draw_ticks_total{result=\"failed\"} 1.0")
                .contains("ingress_draw_ticks_total{result=\"published\"} 1.0");
    }

    private EventDefinition withWindow(String eventId, Instant opensAt, int seconds) {
        return new EventDefinition(eventId, 100, opensAt, null, 0, null, DrawWindow.fresh(seconds, null, new SecureRandom()));
    }

    private void define(EventDefinition definition) {
        catalog.apply(definition.eventId(), definition, offsets++);
    }

    private List<Instant> tickTimes() {
        return publisher.requests.stream().map(FakePublisher.Sent::timestamp).toList();
    }

    @SuppressWarnings("unused")
    private static EventId id(String value) {
        return new EventId(value);
    }
}
