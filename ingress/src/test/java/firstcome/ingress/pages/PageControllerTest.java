package firstcome.ingress.pages;

import static firstcome.ingress.ApiFixture.NOW;
import static firstcome.ingress.ApiFixture.assertProblem;
import static firstcome.ingress.ApiFixture.json;
import static firstcome.ingress.ApiFixture.send;
import static org.assertj.core.api.Assertions.assertThat;

import firstcome.contract.EventDefinition;
import firstcome.ingress.ApiFixture;
import io.javalin.testtools.HttpClient;
import io.javalin.testtools.Response;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class PageControllerTest {

    private final ApiFixture api = new ApiFixture();

    @Test
    void servesTheEventPageAtTheRootAndUnderEveryEventAddress() {
        api.test((server, client) -> {
            for (String path : List.of("/", "/e/spring-sale", "/e/no-such-event")) {
                Response page = client.get(path);

                assertThat(page.code()).as(path).isEqualTo(200);
                assertThat(header(page, "Content-Type")).startsWith("text/html");
                assertThat(page.body().string()).contains("<button id=\"apply\"").contains("aria-live=\"polite\"")
                        .contains("<section id=\"draw-check\"");
                assertThat(header(page, "Cache-Control")).isEqualTo("no-cache");
                assertThat(header(page, "ETag")).matches("\"[0-9a-f]{16}\"");
                assertThat(header(page, "Content-Security-Policy")).contains("default-src 'self'");
            }
        });
    }

    @Test
    void servesTheOrganiserPage() {
        api.test((server, client) -> {
            Response page = client.get("/admin");

            assertThat(page.code()).isEqualTo(200);
            assertThat(page.body().string()).contains("id=\"token\" type=\"password\"").contains("/assets/admin.js?v=")
                    .contains("<input id=\"define-draw-window\"").contains("<input id=\"define-draw-cap\"");
        });
    }

    @Test
    void answersNotModifiedWhenTheBrowsersCopyIsCurrent() {
        api.test((server, client) -> {
            String etag = header(client.get("/"), "ETag");

            Response revalidated = get(client, "/", Map.of("If-None-Match", etag));
            Response changed = get(client, "/", Map.of("If-None-Match", "\"0000000000000000\""));

            assertThat(revalidated.code()).isEqualTo(304);
            assertThat(revalidated.body().string()).isEmpty();
            assertThat(header(revalidated, "ETag")).isEqualTo(etag);
            assertThat(changed.code()).isEqualTo(200);
        });
    }

    @Test
    void letsBrowsersKeepAReferencedFileForAYearOnlyUnderItsCurrentHash() {
        api.test((server, client) -> {
            Matcher reference = Pattern.compile("/assets/event\\.js\\?v=([0-9a-f]{16})").matcher(client.get("/").body().string());
            assertThat(reference.find()).as("the page references its script with a hash").isTrue();

            Response current = client.get("/assets/event.js?v=" + reference.group(1));
            Response unversioned = client.get("/assets/event.js");

            assertThat(current.code()).isEqualTo(200);
            assertThat(header(current, "Content-Type")).startsWith("text/javascript");
            assertThat(header(current, "Cache-Control")).isEqualTo("public, max-age=31536000, immutable");
            assertThat(header(current, "ETag")).isEqualTo("\"" + reference.group(1) + "\"");
            assertThat(header(unversioned, "Cache-Control")).isEqualTo("no-cache");
            assertThat(client.get("/assets/firstcome.css").code()).isEqualTo(200);
        });
    }

    @Test
    void refusesFilesThatAreNotThePagesAssets() {
        api.test((server, client) -> {
            assertProblem(client.get("/assets/event.html"), 404, "NOT_FOUND");
            assertProblem(client.get("/assets/nothing.js"), 404, "NOT_FOUND");
            assertProblem(client.get("/assets/..%2Flog4j2.xml"), 404, "NOT_FOUND");
        });
    }

    @Test
    void featuresTheOpenEventThatOpenedLast() {
        api.define("last-week", 10, NOW.minusSeconds(7 * 86400), NOW.minusSeconds(6 * 86400));
        api.define("this-morning", 10, NOW.minusSeconds(3600), null);
        api.define("an-hour-ago-open", 10, NOW.minusSeconds(7200), null);
        api.define("tomorrow", 10, NOW.plusSeconds(86400), null);
        api.test((server, client) -> {
            Response featured = client.get("/featured-event");

            assertThat(featured.code()).isEqualTo(200);
            assertThat(json(featured).get("eventId").asText()).isEqualTo("this-morning");
        });
    }

    @Test
    void featuresTheNextEventWhenNoneIsOpenThenTheLastOne() {
        var closed = new EventDefinition("closed", 1, NOW.minusSeconds(600), NOW.minusSeconds(300));
        var older = new EventDefinition("older", 1, NOW.minusSeconds(900), NOW.minusSeconds(800));
        var soon = new EventDefinition("soon", 1, NOW.plusSeconds(60), null);
        var later = new EventDefinition("later", 1, NOW.plusSeconds(3600), null);

        assertThat(PageController.featured(List.of(closed, later, soon, older), NOW)).contains(soon);
        assertThat(PageController.featured(List.of(older, closed), NOW)).contains(closed);
        assertThat(PageController.featured(List.of(), NOW)).isEmpty();
    }

    @Test
    void saysUnknownEventWhenNothingIsDefinedYet() {
        api.test((server, client) -> assertProblem(client.get("/featured-event"), 404, "UNKNOWN_EVENT"));
    }

    @Test
    void saysUnavailableWhileTheCatalogIsStillBeingRead() {
        ApiFixture loading = ApiFixture.withCatalogStillLoading();
        loading.test((server, client) -> assertProblem(client.get("/featured-event"), 503, "UNAVAILABLE"));
    }

    private static Response get(HttpClient client, String path, Map<String, String> headers) {
        return send(client, path, "GET", null, "", headers);
    }

    private static String header(Response response, String name) {
        List<String> values = response.headers().get(name);
        assertThat(values).as("header %s", name).isNotEmpty();
        return values.get(0);
    }
}
