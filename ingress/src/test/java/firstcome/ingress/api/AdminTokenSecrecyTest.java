package firstcome.ingress.api;

import static firstcome.ingress.ApiFixture.assertProblem;
import static firstcome.ingress.ApiFixture.send;
import static org.assertj.core.api.Assertions.assertThat;

import firstcome.ingress.ApiFixture;
import firstcome.ingress.CapturedLogs;
import io.javalin.testtools.Response;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** A wrong admin token is refused with 401 and leaves no trace; the right one is never written anywhere. */
class AdminTokenSecrecyTest {

    private static final String GUESS = "s3cret-tokeX";
    private static final List<String> WRONG_AUTHORIZATIONS = List.of(
            "Bearer " + GUESS, "Bearer " + ApiFixture.TOKEN + "s", "Bearer " + ApiFixture.TOKEN.substring(1), "Basic " + ApiFixture.TOKEN,
            "Bearer", "Bearer " + "x".repeat(5000), ApiFixture.TOKEN);

    private final ApiFixture api = new ApiFixture();

    @Test
    void refusesEveryWrongTokenWithoutStoringPrimingOrLoggingAnything() {
        try (CapturedLogs logs = new CapturedLogs()) {
            api.test((server, client) -> {
                for (String authorization : WRONG_AUTHORIZATIONS) {
                    Response response = define(client, "guarded", authorization, "{\"limit\": 5, \"token\": \"" + GUESS + "\"}");

                    assertProblem(response, 401, "UNAUTHORIZED");
                    assertThat(response.body().string()).doesNotContain(GUESS).doesNotContain(ApiFixture.TOKEN);
                }
                assertThat(api.publisher.definitions).isEmpty();
                assertThat(api.catalog.size()).isZero();
                assertThat(api.gate.primed).isEmpty();
                assertThat(client.get("/events/guarded").code()).isEqualTo(404);
            });

            assertThat(String.join("\n", logs.lines())).doesNotContain(GUESS).doesNotContain(ApiFixture.TOKEN);
        }
    }

    @Test
    void neverWritesTheRightTokenToTheLogNorToAnAnswer() {
        try (CapturedLogs logs = new CapturedLogs()) {
            api.test((server, client) -> {
                Response stored = define(client, "open", "Bearer " + ApiFixture.TOKEN, "{\"limit\": 5}");
                Response refused = define(client, "open", "Bearer " + ApiFixture.TOKEN, "{\"limit\": -1}");

                assertThat(stored.code()).isEqualTo(200);
                assertThat(refused.code()).isEqualTo(400);
                assertThat(stored.body().string() + refused.body().string()).doesNotContain(ApiFixture.TOKEN);
            });

            assertThat(logs.lines()).as("the admin call is logged").isNotEmpty();
            assertThat(String.join("\n", logs.lines())).doesNotContain(ApiFixture.TOKEN);
        }
        assertThat(ApiFixture.config(Map.of("ADMIN_TOKEN", ApiFixture.TOKEN)).toString()).doesNotContain(ApiFixture.TOKEN);
    }

    private static Response define(io.javalin.testtools.HttpClient client, String event, String authorization, String body) {
        return send(client, "/admin/events/" + event, "PUT", "application/json", body, Map.of("Authorization", authorization));
    }
}
