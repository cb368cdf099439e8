package firstcome.contract;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class BoundedCheckTest {

    @Test
    void saysWhatAQuickCheckSays() {
        try (BoundedCheck up = new BoundedCheck("up", () -> true); BoundedCheck down = new BoundedCheck("down", () -> false)) {
            assertThat(BoundedCheck.passedBy(up.start(), deadlineIn(Duration.ofSeconds(5)))).isTrue();
            assertThat(BoundedCheck.passedBy(down.start(), deadlineIn(Duration.ofSeconds(5)))).isFalse();
        }
    }

    @Test
    void countsACheckThatThrowsAsFailed() {
        try (BoundedCheck check = new BoundedCheck("throws", () -> {
            throw new IllegalStateException("pool closed");
        })) {
            assertThat(BoundedCheck.passedBy(check.start(), deadlineIn(Duration.ofSeconds(5)))).isFalse();
        }
    }

    @Test
    void givesUpOnAHangingCheckAtTheDeadlineAndRunsItOnlyOnceMeanwhile() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        AtomicInteger runs = new AtomicInteger();
        try (BoundedCheck check = new BoundedCheck("hangs", () -> {
            runs.incrementAndGet();
            try {
                return release.await(1, TimeUnit.MINUTES);
            } catch (InterruptedException e) {
                return false;
            }
        })) {
            long asked = System.nanoTime();
            var first = check.start();
            assertThat(BoundedCheck.passedBy(first, deadlineIn(Duration.ofMillis(200)))).isFalse();
            assertThat(Duration.ofNanos(System.nanoTime() - asked)).isLessThan(Duration.ofSeconds(5));

            // Asked again while the first run still hangs: the same run, not a second one.
            var second = check.start();
            assertThat(second).isSameAs(first);
            assertThat(BoundedCheck.passedBy(second, deadlineIn(Duration.ofMillis(50)))).isFalse();
            assertThat(runs).hasValue(1);

            release.countDown();
            assertThat(BoundedCheck.passedBy(first, deadlineIn(Duration.ofSeconds(5)))).isTrue();
            // Once that run is over, the next question starts a fresh one.
            assertThat(BoundedCheck.passedBy(check.start(), deadlineIn(Duration.ofSeconds(5)))).isTrue();
            assertThat(runs).hasValue(2);
        }
    }

    private static long deadlineIn(Duration wait) {
        return System.nanoTime() + wait.toNanos();
    }
}
