package firstcome.ingress.api;

import static firstcome.ingress.ApiFixture.apply;
import static firstcome.ingress.ApiFixture.assertProblem;
import static firstcome.ingress.ApiFixture.json;
import static firstcome.ingress.ApiFixture.post;
import static firstcome.ingress.ApiFixture.send;
import static org.assertj.core.api.Assertions.assertThat;

import firstcome.ingress.ApiFixture;
import io.javalin.testtools.Response;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** What the edge refuses, and how: never a 500, never a count changed by a bad request. */
class EdgeTest {

    private final ApiFixture api = new ApiFixture();

    @ParameterizedTest
    @ValueSource(strings = {
            "{\"userId\": \"has space\"}",
            "{\"userId\": \"\"}",
            "{\"userId\": \"x/y\"}",
            "{\"userId\": \"ünïcode\"}",
            "{\"userId\": \"0123456789012345678901234567890123456789012345678901234567890123456789\"}",
            "{\"userId\": 1.5}",
            "{\"userId\": 1e3}",
            "{\"userId\": true}",
            "{\"userId\": null}",
            "{\"userId\": {\"id\": \"a\"}}",
            "{\"userId\": [\"a\"]}",
            "{\"user\": \"a\"}",
            "{}",
            "[]",
            "\"a\"",
            "42",
            "null",
            "",
            "{\"userId\": \"a\"",
            "{\"userId\": \"a\"} trailing",
            "{\"userId\": \"a\"}{\"userId\": \"b\"}",
            "not json at all",
    })
    void refusesAMalformedApplicationWithoutCountingIt(String body) {
        api.defineOpen("e1", 10);
        api.test((server, client) -> {
            Response response = post(client, "/events/e1/applications", body);

            assertProblem(response, 400, "INVALID_REQUEST");
            assertThat(api.gate.admitCalls).hasValue(0);
            assertThat(api.publisher.requests).isEmpty();
        });
    }

    @ParameterizedTest
    @ValueSource(strings = {"has%20space", "0123456789012345678901234567890123456789012345678901234567890123456789", "a%2Fb", "%C3%BC"})
    void refusesAMalformedEventIdInThePath(String eventId) {
        api.test((server, client) -> {
            assertProblem(apply(client, eventId, "a"), 400, "INVALID_REQUEST");
            assertProblem(client.get("/events/" + eventId), 400, "INVALID_REQUEST");
        });
    }

    @Test
    void refusesAMalformedUserIdInTheStatusPath() {
        api.defineOpen("e1", 10);
        api.test((server, client) -> assertProblem(client.get("/events/e1/applications/bad%20id"), 400, "INVALID_REQUEST"));
    }

    @Test
    void refusesABodyOverFourKibibytesWith413() {
        api.defineOpen("e1", 10);
        String padding = "x".repeat(5000);
        api.test((server, client) -> {
            Response response = post(client, "/events/e1/applications", "{\"userId\":\"a\",\"pad\":\"" + padding + "\"}");

            assertProblem(response, 413, "INVALID_REQUEST");
            assertThat(api.gate.admitCalls).hasValue(0);
        });
    }

    @Test
    void takesABodyOfExactlyFourKibibytes() {
        api.defineOpen("e1", 10);
        String prefix = "{\"userId\":\"a\",\"pad\":\"";
        String body = prefix + "x".repeat(JsonBody.MAX_BYTES - prefix.length() - 2) + "\"}";
        assertThat(body).hasSize(JsonBody.MAX_BYTES);
        api.test((server, client) -> assertThat(post(client, "/events/e1/applications", body).code()).isEqualTo(202));
    }

    @ParameterizedTest
    @ValueSource(strings = {"text/plain", "application/x-www-form-urlencoded", "application/jsonp", "NONE"})
    void refusesABodyThatIsNotDeclaredAsJsonWith415(String contentType) {
        api.defineOpen("e1", 10);
        api.test((server, client) -> {
            Response response = send(client, "/events/e1/applications", "POST",
                    contentType.equals("NONE") ? null : contentType, "{\"userId\":\"a\"}", Map.of());

            assertProblem(response, 415, "INVALID_REQUEST");
            assertThat(api.gate.admitCalls).hasValue(0);
        });
    }

    @Test
    void takesJsonWithACharsetParameter() {
        api.defineOpen("e1", 10);
        api.test((server, client) -> {
            Response response = send(client, "/events/e1/applications", "POST", "Application/JSON; charset=utf-8",
                    "{\"userId\":\"a\"}", Map.of());

            assertThat(response.code()).isEqualTo(202);
        });
    }

    @Test
    void answersAnUnknownRouteWithTheContractBody() {
        api.test((server, client) -> {
            assertProblem(client.get("/nowhere"), 404, "NOT_FOUND");
            assertProblem(client.get("/events/e1/applications/u/more"), 404, "NOT_FOUND");
        });
    }

    @Test
    void answersAWrongMethodWithTheContractBody() {
        api.test((server, client) -> {
            assertProblem(send(client, "/events/e1/applications", "PATCH", "application/json", "{}", Map.of()), 405, "METHOD_NOT_ALLOWED");
            assertProblem(send(client, "/health", "DELETE", null, "", Map.of()), 405, "METHOD_NOT_ALLOWED");
        });
    }

    @ParameterizedTest
    @ValueSource(strings = {"GET /events/%zz HTTP/1.1", "GET /events/a%00b HTTP/1.1", "GET /%2e%2e/health HTTP/1.1"})
    void answersWhatJettyRefusesBeforeJavalinWithTheContractBody(String requestLine) {
        api.test((server, client) -> {
            String response = raw(server.port(), requestLine + "\r\nHost: localhost\r\nConnection: close\r\n\r\n");

            assertThat(response).startsWith("HTTP/1.1 400")
                    .containsIgnoringCase("Content-Type: application/json")
                    .endsWith("{\"outcome\":\"INVALID_REQUEST\",\"message\":\"the request is malformed (HTTP 400)\"}");
        });
    }

    @Test
    void reportsHealthyOnlyWhenRedisKafkaAndTheCatalogAre() {
        api.test((server, client) -> {
            Response up = client.get("/health");
            assertThat(up.code()).isEqualTo(200);
            assertThat(json(up).get("status").asText()).isEqualTo("UP");

            api.gate.down = true;
            Response redisDown = client.get("/health");
            assertThat(redisDown.code()).isEqualTo(503);
            assertThat(json(redisDown).get("redis").asText()).isEqualTo("DOWN");

            api.gate.down = false;
            api.kafkaUp = false;
            Response kafkaDown = client.get("/health");
            assertThat(kafkaDown.code()).isEqualTo(503);
            assertThat(json(kafkaDown).get("kafka").asText()).isEqualTo("DOWN");
        });
    }

    @Test
    void reportsTheCatalogAsLoadingUntilItHasReadTheTopic() {
        ApiFixture.withCatalogStillLoading().test((server, client) -> {
            Response response = client.get("/health");

            assertThat(response.code()).isEqualTo(503);
            assertThat(json(response).get("catalog").asText()).isEqualTo("LOADING");
        });
    }

    @Test
    void countsApplicationsByOutcomeInTheMetrics() {
        api.defineOpen("e1", 1);
        api.test((server, client) -> {
            apply(client, "e1", "a");
            apply(client, "e1", "b");
            apply(client, "e1", "c");
            post(client, "/events/e1/applications", "{}");

            String metrics = client.get("/metrics").body().string();

            assertThat(metrics)
                    .contains("ingress_applications_total{outcome=\"ACCEPTED\"} 1.0")
                    .contains("ingress_applications_total{outcome=\"SOLD_OUT\"} 2.0")
                    .contains("ingress_applications_total{outcome=\"INVALID_REQUEST\"} 1.0")
                    .contains("ingress_apply_seconds_bucket{outcome=\"ACCEPTED\"")
                    .contains("ingress_http_requests_seconds_count{method=\"POST\",route=\"/events/{eventId}/applications\",status=\"410\"} 2");
        });
    }

    /** Sends bytes no well-behaved client would, and returns the whole answer. */
    private static String raw(int port, String request) throws IOException {
        try (Socket socket = new Socket("127.0.0.1", port)) {
            socket.setSoTimeout(5000);
            OutputStream out = socket.getOutputStream();
            out.write(request.getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            InputStream in = socket.getInputStream();
            return new String(in.readAllBytes(), StandardCharsets.ISO_8859_1);
        }
    }
}
