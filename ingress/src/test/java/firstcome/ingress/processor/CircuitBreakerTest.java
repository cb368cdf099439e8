package firstcome.ingress.processor;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class CircuitBreakerTest {

    private final AtomicLong now = new AtomicLong();
    private final CircuitBreaker breaker = new CircuitBreaker(3, Duration.ofSeconds(1), now::get);

    @Test
    void keepsAskingThroughFewerFailuresInARowThanItsThreshold() {
        breaker.failed();
        breaker.failed();
        breaker.answered();
        breaker.failed();
        breaker.failed();

        assertThat(breaker.allows()).isTrue();
        assertThat(breaker.isOpen()).isFalse();
    }

    @Test
    void stopsAskingForItsPauseAfterFailuresInARow() {
        breaker.failed();
        breaker.failed();
        breaker.failed();

        assertThat(breaker.allows()).isFalse();
        now.addAndGet(Duration.ofMillis(999).toNanos());
        assertThat(breaker.allows()).isFalse();
    }

    @Test
    void letsOneTrialThroughAfterThePauseAndClosesWhenItIsAnswered() {
        openIt();
        now.addAndGet(Duration.ofSeconds(1).toNanos());

        assertThat(breaker.allows()).as("the trial").isTrue();
        assertThat(breaker.allows()).as("a second caller during the trial").isFalse();
        breaker.answered();
        assertThat(breaker.allows()).isTrue();
        assertThat(breaker.isOpen()).isFalse();
    }

    @Test
    void pausesAgainWhenTheTrialFails() {
        openIt();
        now.addAndGet(Duration.ofSeconds(1).toNanos());
        assertThat(breaker.allows()).isTrue();

        breaker.failed();

        assertThat(breaker.allows()).isFalse();
        now.addAndGet(Duration.ofSeconds(1).toNanos());
        assertThat(breaker.allows()).isTrue();
    }

    private void openIt() {
        breaker.failed();
        breaker.failed();
        breaker.failed();
        assertThat(breaker.isOpen()).isTrue();
    }
}
