package firstcome.ingress;

import static org.assertj.core.api.Assertions.assertThat;

import io.javalin.router.ParsedEndpoint;
import io.swagger.v3.oas.models.SpecVersion;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * The OpenAPI description itself: valid OpenAPI 3.1 (the parser reports nothing), describing exactly
 * the routes the ingress has, and served as it is at {@code GET /openapi.json}. The answers are checked
 * against it in {@code api.OpenApiConformanceIT}.
 */
class OpenApiDescriptionTest {

    private static final OpenApiDescription DESCRIPTION = OpenApiDescription.fromClasspath();

    @Test
    void isValidOpenApi31() {
        assertThat(DESCRIPTION.parsed.getMessages()).as("what the parser reports about " + OpenApiDescription.RESOURCE).isEmpty();
        assertThat(DESCRIPTION.api().getOpenapi()).isEqualTo("3.1.0");
        assertThat(DESCRIPTION.api().getSpecVersion()).isEqualTo(SpecVersion.V31);
        assertThat(DESCRIPTION.references()).as("the document's references").isNotEmpty().allSatisfy(pointer -> {
            assertThat(pointer).as("a reference inside the document").startsWith("/");
            assertThat(DESCRIPTION.node(pointer).isMissingNode()).as("the target of $ref #" + pointer + " is missing").isFalse();
        });
        assertThat(DESCRIPTION.loadEveryAnswerSchema()).as("the answers' schemas, each taken by the validator").hasSizeGreaterThan(50);
        assertThat(DESCRIPTION.api().getComponents().getSecuritySchemes())
                .containsOnlyKeys("adminToken", "shopToken", "shopperBearer", "shopperCookie");
    }

    @Test
    void describesEveryRouteOfTheIngressAndNoOther() {
        List<ParsedEndpoint> handlers = new ApiFixture().app().unsafe.internalRouter.allHttpHandlers();
        Set<String> routes = handlers.stream()
                .map(handler -> handler.endpoint.method.name() + " " + handler.endpoint.path)
                .filter(route -> !route.startsWith("BEFORE ") && !route.startsWith("AFTER "))
                .collect(Collectors.toCollection(TreeSet::new));

        assertThat(routes).as("the ingress's routes").contains("POST /events/{eventId}/applications", "GET /openapi.json");
        assertThat(new TreeSet<>(DESCRIPTION.operations())).as("the described operations").isEqualTo(routes);
    }

    @Test
    void everyOperationListsItsAnswersAndTheProblemShapeForEachRefusal() {
        DESCRIPTION.api().getPaths().forEach((path, item) -> item.readOperationsMap().forEach((method, operation) -> {
            assertThat(operation.getOperationId()).as(method + " " + path + " operationId").isNotBlank();
            assertThat(operation.getResponses()).as(method + " " + path + " answers").isNotEmpty();
            assertThat(operation.getSecurity()).as(method + " " + path + " says who may call it").isNotNull();
        }));
        assertThat(DESCRIPTION.text).as("every refusal's body refers to the one problem shape")
                .contains("\"$ref\": \"#/components/schemas/Problem\"");
    }

    @Test
    void isServedAsItIsWithItsEtag() {
        new ApiFixture().test((server, client) -> {
            HttpClient http = HttpClient.newHttpClient();
            URI uri = URI.create("http://127.0.0.1:" + server.port() + "/openapi.json");
            HttpResponse<String> served = http.send(HttpRequest.newBuilder(uri).build(), BodyHandlers.ofString());
            assertThat(served.statusCode()).isEqualTo(200);
            assertThat(served.headers().firstValue("Content-Type")).hasValueSatisfying(type -> assertThat(type).startsWith("application/json"));
            assertThat(served.body()).isEqualTo(DESCRIPTION.text);
            DESCRIPTION.check("GET", "/openapi.json", served);

            String etag = served.headers().firstValue("ETag").orElseThrow();
            HttpResponse<String> again = http.send(HttpRequest.newBuilder(uri).header("If-None-Match", etag).build(), BodyHandlers.ofString());
            assertThat(again.statusCode()).as("revalidated").isEqualTo(304);
            DESCRIPTION.check("GET", "/openapi.json", again);
        });
    }

    @Test
    void nameTheViolationsOfAnAnswerThatDrifted() {
        List<String> violations = DESCRIPTION.violations("GET", "/events/e-1", 200,
                Map.of("content-type", List.of("application/json")), "{\"eventId\":\"e-1\",\"limit\":0,\"surprise\":1}");
        assertThat(violations).as("a body the description does not allow").isNotEmpty()
                .anySatisfy(violation -> assertThat(violation).contains("limit"))
                .anySatisfy(violation -> assertThat(violation).contains("surprise"));
        assertThat(DESCRIPTION.violations("POST", "/events/e-1/applications", 418, Map.of(), ""))
                .singleElement().asString().contains("418").contains("202");
        assertThat(DESCRIPTION.violations("POST", "/events/e-1/applications", 503,
                Map.of("content-type", List.of("application/json")), "{\"outcome\":\"UNAVAILABLE\",\"message\":\"m\"}"))
                .singleElement().asString().contains("Retry-After");
        assertThat(DESCRIPTION.violations("POST", "/events/e-1/applications", 409,
                Map.of("content-type", List.of("application/json")), "{\"outcome\":\"SOLD_OUT\",\"message\":\"m\"}"))
                .as("an outcome the status does not carry").isNotEmpty();
        assertThat(DESCRIPTION.violations("GET", "/nowhere", 200, Map.of(), "")).singleElement().asString().contains("/nowhere");
    }
}
