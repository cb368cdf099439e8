package firstcome.sink;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import firstcome.contract.IssuedCoupon;
import firstcome.testkit.Infrastructure;
import firstcome.testkit.InfrastructureExtension;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The database goes away for several seconds while coupons keep being issued. */
@ExtendWith(InfrastructureExtension.class)
class DatabaseOutageIT {

    private static final Duration PATIENCE = Duration.ofSeconds(30);

    @Test
    void keepsEveryCouponThroughADatabaseOutageAndWritesEachOnce(Infrastructure infrastructure) {
        assumeTrue(infrastructure.canStopMysql(), "MYSQL_URL points at an external server the test cannot stop");
        try (SinkFixture fixture = new SinkFixture(infrastructure)) {
            String event = fixture.event("outage");
            List<IssuedCoupon> coupons = SinkFixture.coupons(event, 1, 900);
            App sink = fixture.startSink("sink");
            fixture.send(coupons.subList(0, 300));
            await().atMost(PATIENCE).until(() -> fixture.rows(event).size() == 300);

            infrastructure.stopMysql();
            try {
                fixture.send(coupons.subList(300, 600));
                await().atMost(PATIENCE).until(() -> fixture.metric(sink, "sink_retries_total{stage=\"write\"}") >= 3);
                fixture.send(coupons.subList(600, 900));
                // For three seconds more: nothing committed, the lag holds every coupon issued since, health says why.
                await().during(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(10))
                        .until(() -> fixture.metric(sink, "sink_consumer_lag_records") >= 600);
                long asked = System.nanoTime();
                var health = fixture.get(sink, "/health");
                assertThat(health.statusCode()).isEqualTo(503);
                assertThat(health.body()).contains("\"database\":\"DOWN\"", "\"broker\":\"UP\"");
                var ready = fixture.get(sink, "/health/ready");
                assertThat(ready.statusCode()).isEqualTo(503);
                assertThat(ready.body()).contains("\"database\":\"DOWN\"");
                assertThat(Duration.ofNanos(System.nanoTime() - asked)).as("both answered within the bound").isLessThan(Duration.ofSeconds(5));
                // Still alive: restarting the sink would not bring the database back.
                assertThat(fixture.get(sink, "/health/live").statusCode()).isEqualTo(200);
            } finally {
                infrastructure.startMysql();
            }

            await().atMost(PATIENCE).until(() -> fixture.rows(event).size() == 900);
            assertThat(fixture.rows(event)).containsExactlyElementsOf(SinkFixture.asRows(coupons));
            await().atMost(PATIENCE).until(() -> fixture.metric(sink, "sink_consumer_lag_records") == 0);
            assertThat(fixture.get(sink, "/health").statusCode()).isEqualTo(200);
            assertThat(fixture.get(sink, "/health/ready").statusCode()).isEqualTo(200);
            assertThat(fixture.deadLetters()).isEmpty();
        }
    }
}
