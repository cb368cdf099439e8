package firstcome.ingress.api;

import static firstcome.ingress.ApiFixture.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import firstcome.ingress.ApiFixture;
import io.javalin.testtools.HttpClient;
import io.javalin.testtools.Response;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Test;

/** {@code /health/live}, {@code /health/ready} and the {@code /health} summary, over fakes that fail or hang. */
class HealthProbesTest {

    private static final Duration GENEROUS = Duration.ofSeconds(5);

    private final ApiFixture api = new ApiFixture();

    @Test
    void answersAllThreeProbesWithUpWhenEveryDependencyIs() {
        api.test((server, client) -> {
            for (String probe : new String[] {"/health/live", "/health/ready", "/health"}) {
                Response response = client.get(probe);
                assertThat(response.code()).as(probe).isEqualTo(200);
                assertThat(json(response).get("status").asText()).as(probe).isEqualTo("UP");
            }
        });
    }

    @Test
    void staysLiveAndReadyWithRedisDownWhileTheSummarySaysWhy() {
        api.test((server, client) -> {
            api.gate.down = true;

            assertThat(client.get("/health/live").code()).isEqualTo(200);
            Response ready = client.get("/health/ready");
            assertThat(ready.code()).isEqualTo(200);
            assertThat(json(ready).has("redis")).as("ready does not ask Redis").isFalse();
            Response health = client.get("/health");
            assertThat(health.code()).isEqualTo(503);
            assertThat(json(health).get("redis").asText()).isEqualTo("DOWN");
        });
    }

    @Test
    void isNotReadyWhileKafkaIsDownButStaysLive() {
        api.test((server, client) -> {
            api.kafkaUp = false;

            assertThat(client.get("/health/live").code()).isEqualTo(200);
            Response ready = client.get("/health/ready");
            assertThat(ready.code()).isEqualTo(503);
            assertThat(json(ready).get("kafka").asText()).isEqualTo("DOWN");
        });
    }

    @Test
    void isNotReadyUntilTheCatalogHasLoaded() {
        ApiFixture.withCatalogStillLoading().test((server, client) -> {
            assertThat(client.get("/health/live").code()).isEqualTo(200);
            Response ready = client.get("/health/ready");
            assertThat(ready.code()).isEqualTo(503);
            assertThat(json(ready).get("catalog").asText()).isEqualTo("LOADING");
        });
    }

    @Test
    void answersWithinTheBoundWhileKafkaDoesNotAnswerAndRecoversWhenItDoes() {
        api.kafkaAnswers = new CountDownLatch(1);
        api.test((server, client) -> {
            try {
                for (int i = 0; i < 2; i++) {
                    assertAnswersWithin(client, "/health/ready", 503);
                    assertAnswersWithin(client, "/health", 503);
                    assertAnswersWithin(client, "/health/live", 200);
                }
                assertThat(json(client.get("/health")).get("kafka").asText()).isEqualTo("DOWN");
            } finally {
                api.kafkaAnswers.countDown();
            }
            await().atMost(GENEROUS).until(() -> client.get("/health/ready").code() == 200);
            assertThat(client.get("/health").code()).isEqualTo(200);
        });
    }

    private static void assertAnswersWithin(HttpClient client, String probe, int status) {
        long asked = System.nanoTime();
        assertThat(client.get(probe).code()).as(probe).isEqualTo(status);
        assertThat(Duration.ofNanos(System.nanoTime() - asked)).as(probe).isLessThan(GENEROUS);
    }
}
