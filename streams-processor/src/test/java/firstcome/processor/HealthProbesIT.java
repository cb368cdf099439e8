package firstcome.processor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import firstcome.contract.Topics;
import firstcome.stackkit.FreePorts;
import firstcome.testkit.StoppableBroker;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The processor's probes when its broker goes away: the streams client still says RUNNING for a
 * while, so ready and the summary ask the broker themselves and turn 503 within the bound; live stays 200.
 */
class HealthProbesIT {

    private static final Duration GENEROUS = Duration.ofSeconds(5);

    private final HttpClient http = HttpClient.newHttpClient();

    @Test
    void turnsNotReadyWithinTheBoundWhenItsBrokerIsGoneButStaysLive(@TempDir Path stateDir) throws Exception {
        Topics topics = Topics.standard();
        try (StoppableBroker broker = StoppableBroker.start()) {
            broker.createTopics(topics);
            int port = FreePorts.next();
            var config = new ProcessorConfig(broker.bootstrapServers(), "it-health-" + UUID.randomUUID(), stateDir,
                    port, "localhost", 1);
            try (App processor = App.start(config, topics)) {
                // given
                await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
                    HttpResponse<String> ready = get(port, "/health/ready");
                    assertThat(ready.statusCode()).isEqualTo(200);
                    assertThat(ready.body()).contains("\"streams\":\"RUNNING\"", "\"broker\":\"UP\"");
                });
                assertThat(get(port, "/health").statusCode()).isEqualTo(200);
                assertThat(get(port, "/health/live").statusCode()).isEqualTo(200);

                // when
                broker.stop();

                // then
                for (String probe : new String[] {"/health/ready", "/health"}) {
                    long asked = System.nanoTime();
                    HttpResponse<String> response = get(port, probe);
                    assertThat(Duration.ofNanos(System.nanoTime() - asked)).as(probe).isLessThan(GENEROUS);
                    assertThat(response.statusCode()).as(probe).isEqualTo(503);
                    assertThat(response.body()).as(probe).contains("\"status\":\"DOWN\"", "\"broker\":\"DOWN\"");
                }
                long asked = System.nanoTime();
                assertThat(get(port, "/health/live").statusCode()).isEqualTo(200);
                assertThat(Duration.ofNanos(System.nanoTime() - asked)).isLessThan(GENEROUS);
            }
        }
    }

    private HttpResponse<String> get(int port, String path) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://localhost:" + port + path)).timeout(Duration.ofSeconds(30)).build(),
                HttpResponse.BodyHandlers.ofString());
    }
}
