package firstcome.loadkit;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import firstcome.stackkit.FreePorts;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class ApplyClientTest {

    private final List<String> received = new CopyOnWriteArrayList<>();
    private HttpServer ingress;

    @AfterEach
    void stopIngress() {
        if (ingress != null) {
            ingress.stop(0);
        }
    }

    @Test
    void postsTheUserAsJsonToTheEventsApplicationsAndAnswersTheStatus() throws IOException {
        ingress = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        ingress.createContext("/", exchange -> {
            received.add(exchange.getRequestMethod() + " " + exchange.getRequestURI() + " "
                    + exchange.getRequestHeaders().getFirst("Content-Type") + " "
                    + new String(exchange.getRequestBody().readAllBytes(), UTF_8));
            exchange.sendResponseHeaders(410, -1);
            exchange.close();
        });
        ingress.start();
        var client = new ApplyClient("http://127.0.0.1:" + ingress.getAddress().getPort(), Duration.ofSeconds(5));

        int status = client.apply("spring-sale", "u-7");

        assertThat(status).isEqualTo(410);
        assertThat(received).containsExactly(
                "POST /events/spring-sale/applications application/json {\"userId\":\"u-7\"}");
    }

    @Test
    void answersNoAnswerWhenNothingListens() {
        int closedPort = FreePorts.next();
        var client = new ApplyClient("http://127.0.0.1:" + closedPort, Duration.ofSeconds(5));

        assertThat(client.apply("spring-sale", "u-7")).isEqualTo(ApplyClient.NO_ANSWER);
    }

    @Test
    void retriesOnlyAfterABusyIngressOrNoAnswer() {
        assertThat(List.of(503, ApplyClient.NO_ANSWER)).allMatch(ApplyClient::worthRetrying);
        assertThat(List.of(202, 409, 410, 404, 400, 429, 500)).noneMatch(ApplyClient::worthRetrying);
    }
}
