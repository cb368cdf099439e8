package firstcome.ingress.draw;

import static org.assertj.core.api.Assertions.assertThat;

import firstcome.contract.DrawWindow;
import firstcome.contract.EventDefinition;
import firstcome.contract.query.Tally;
import firstcome.ingress.api.EventId;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** What the public event info learns of a draw from the processor's tally, and how often it asks. */
class DrawResultsTest {

    private static final Instant OPENS = Instant.parse("2026-11-24T10:00:00Z");
    private static final Tally.DrawSummary NOT_DRAWN = new Tally.DrawSummary(5, null, null, null);
    private static final Tally.DrawSummary DRAWN = new Tally.DrawSummary(5, OPENS.plusSeconds(10), "01", null);

    private final ManualTime time = new ManualTime(OPENS);
    private final AtomicInteger asked = new AtomicInteger();
    private volatile CompletableFuture<Optional<Tally>> answer = CompletableFuture.completedFuture(Optional.empty());
    private final DrawResults results = new DrawResults(event -> {
        asked.incrementAndGet();
        return answer;
    }, time);
    private final EventDefinition fair = new EventDefinition("fair", 10, OPENS, null, 0, null,
            DrawWindow.fresh(10, null, new SecureRandom()));

    @Test
    void asksNothingBeforeTheWindowsEnd() {
        time.advanceTo(OPENS.plusMillis(9_999));

        assertThat(results.drawn(fair).join()).isEmpty();
        assertThat(asked).hasValue(0);
        assertThat(results.size()).isZero();
    }

    @Test
    void asksAtMostOnceASecondUntilDrawnThenKeepsTheAnswer() {
        answer = tally(NOT_DRAWN);
        time.advanceTo(OPENS.plusSeconds(10));

        assertThat(results.drawn(fair).join()).isEmpty();
        time.advance(Duration.ofMillis(999));
        assertThat(results.drawn(fair).join()).isEmpty();
        assertThat(asked).hasValue(1);

        time.advance(Duration.ofMillis(1));
        answer = tally(DRAWN);
        assertThat(results.drawn(fair).join()).contains(DRAWN);
        assertThat(asked).hasValue(2);

        // then: kept, whatever the processor says later, and never asked again
        answer = CompletableFuture.completedFuture(Optional.empty());
        time.advance(Duration.ofMinutes(5));
        assertThat(results.drawn(fair).join()).contains(DRAWN);
        assertThat(asked).hasValue(2);
    }

    @Test
    void sharesAQuestionStillOutAndTreatsNoAnswerAsNotDrawn() {
        var pending = new CompletableFuture<Optional<Tally>>();
        answer = pending;
        time.advanceTo(OPENS.plusSeconds(11));

        var first = results.drawn(fair);
        var second = results.drawn(fair);
        assertThat(first).isNotDone();
        assertThat(asked).hasValue(1);

        pending.completeExceptionally(new IllegalStateException("no answer"));
        assertThat(first.join()).isEmpty();
        assertThat(second.join()).isEmpty();
    }

    @Test
    void dropsWhatItKnowsWhenTheEventRetires() {
        answer = tally(DRAWN);
        time.advanceTo(OPENS.plusSeconds(11));
        results.drawn(fair).join();
        assertThat(results.size()).isEqualTo(1);

        results.retire(new EventId("fair"));

        assertThat(results.size()).isZero();
    }

    @Test
    void asksAgainForAnotherSeed() {
        answer = tally(DRAWN);
        time.advanceTo(OPENS.plusSeconds(11));
        results.drawn(fair).join();

        var redrawn = fair.withDraw(DrawWindow.fresh(10, null, new SecureRandom()));
        answer = tally(NOT_DRAWN);

        assertThat(results.drawn(redrawn).join()).isEmpty();
        assertThat(asked).hasValue(2);
    }

    private static CompletableFuture<Optional<Tally>> tally(Tally.DrawSummary draw) {
        return CompletableFuture.completedFuture(Optional.of(new Tally("fair", 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, draw)));
    }
}
