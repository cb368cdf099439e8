package firstcome.ingress.edge;

import static firstcome.ingress.ApiFixture.apply;
import static firstcome.ingress.ApiFixture.assertProblem;
import static org.assertj.core.api.Assertions.assertThat;

import firstcome.ingress.ApiFixture;
import firstcome.ingress.api.EventId;
import org.junit.jupiter.api.Test;

/** The ingress's graceful stop as the routes see it: readiness goes first, the routes keep serving, then refuse. */
class GracefulStopTest {

    private final ApiFixture api = new ApiFixture();

    @Test
    void readinessGoesDownAtOnceWhileApplicationsAreStillServedDuringTheDrain() {
        api.defineOpen("spring-sale", 100);
        api.test((server, client) -> {
            assertThat(client.get("/health/ready").code()).isEqualTo(200);

            assertThat(api.stop.drain()).isTrue();

            assertThat(client.get("/health/ready").code()).isEqualTo(503);
            assertThat(ApiFixture.json(client.get("/health/ready")).path("stopping").asBoolean()).isTrue();
            assertThat(client.get("/health").code()).isEqualTo(503);
            assertThat(client.get("/health/live").code()).isEqualTo(200);
            assertThat(apply(client, "spring-sale", "u-1").code()).isEqualTo(202);
            assertThat(api.stop.drain()).as("a second stop begins nothing").isFalse();
        });
    }

    @Test
    void refusesNewApplicationsWith503AndRetryAfterCountingNothingOnceTheDrainIsOver() {
        api.defineOpen("spring-sale", 100);
        api.test((server, client) -> {
            assertThat(apply(client, "spring-sale", "u-1").code()).isEqualTo(202);
            api.stop.drain();
            api.stop.refuse();

            var refused = apply(client, "spring-sale", "u-2");

            assertProblem(refused, 503, "UNAVAILABLE");
            assertThat(refused.headers().get("Retry-After")).containsExactly("1");
            assertThat(api.gate.count(new EventId("spring-sale"))).isEqualTo(1);
            assertThat(api.publisher.requests).hasSize(1);
            assertThat(client.get("/health/live").code()).isEqualTo(200);
            assertThat(client.get("/metrics").code()).isEqualTo(200);
        });
    }
}
