package firstcome.contract;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class ServiceStopTest {

    @Test
    void exitsZeroWhenTheServiceStopsWithinItsBound() {
        var closed = new CountDownLatch(1);

        int status = ServiceMain.stop("test service", service(Duration.ofSeconds(5), closed::countDown));

        assertThat(status).isZero();
        assertThat(closed.getCount()).isZero();
    }

    @Test
    void exitsOneWhenTheStopOverrunsItsBound() {
        var never = new CountDownLatch(1);
        long started = System.nanoTime();

        int status = ServiceMain.stop("stuck service", service(Duration.ofMillis(100), () -> {
            try {
                never.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }));

        assertThat(status).isEqualTo(1);
        assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started))
                .as("gives up at the bound plus the margin").isLessThan(Duration.ofMillis(100).plus(ServiceMain.STOP_MARGIN).toMillis() + 2_000);
        never.countDown();
    }

    private static ServiceMain.Service service(Duration bound, Runnable close) {
        return new ServiceMain.Service() {
            @Override
            public Duration stopTimeout() {
                return bound;
            }

            @Override
            public void close() {
                close.run();
            }
        };
    }
}
