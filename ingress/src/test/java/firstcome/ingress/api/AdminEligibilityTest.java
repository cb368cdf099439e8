package firstcome.ingress.api;

import static firstcome.ingress.ApiFixture.TOKEN;
import static firstcome.ingress.ApiFixture.assertProblem;
import static firstcome.ingress.ApiFixture.json;
import static firstcome.ingress.ApiFixture.send;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import firstcome.contract.Eligibility;
import firstcome.contract.Json;
import firstcome.ingress.ApiFixture;
import io.javalin.testtools.HttpClient;
import io.javalin.testtools.Response;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * An event's {@code eligibility} (docs/identities.md, "Eligibility") at the admin route: stored with the
 * definition, shown by the answer, the public event info and the organiser's list and stats; cleared by
 * a redefinition without it, like {@code waitlist} or {@code closesAt}; every bad shape a 400 naming the member.
 */
class AdminEligibilityTest {

    private static final Instant OPENS = Instant.parse("2026-11-24T09:00:00Z");
    private static final String GOLD_OR_VIP = "{\"claim\": \"tier\", \"anyOf\": [\"gold\", \"vip\"]}";

    private final ApiFixture api = new ApiFixture();

    @Test
    void storesTheEligibilityAndShowsItInEveryAnswerAboutTheEvent() {
        api.test((server, client) -> {
            Response response = define(client, "members", "{\"limit\": 10, \"opensAt\": \"" + OPENS + "\", \"eligibility\": " + GOLD_OR_VIP + "}");

            assertThat(response.code()).as(response.body().string()).isEqualTo(200);
            JsonNode rule = Json.mapper().readTree("{\"claim\":\"tier\",\"anyOf\":[\"gold\",\"vip\"]}");
            assertThat(json(response).get("eligibility")).isEqualTo(rule);
            Eligibility stored = new Eligibility("tier", List.of("gold", "vip"));
            assertThat(api.publisher.definitions).singleElement().satisfies(sent -> assertThat(sent.value().eligibility()).isEqualTo(stored));
            assertThat(api.catalog.find(new EventId("members")).orElseThrow().eligibility()).isEqualTo(stored);

            assertThat(json(client.get("/events/members")).get("eligibility")).isEqualTo(rule);
            assertThat(json(admin(client, "/admin/events")).get("events").get(0).get("eligibility")).isEqualTo(rule);
            assertThat(json(admin(client, "/admin/events/members/stats")).get("eligibility")).isEqualTo(rule);
        });
    }

    @Test
    void leavesEligibilityOutOfTheAnswersOfAnEventOpenToEveryShopper() {
        api.test((server, client) -> {
            Response response = define(client, "open", "{\"limit\": 10, \"eligibility\": null}");

            assertThat(response.code()).isEqualTo(200);
            assertThat(json(response).has("eligibility")).isFalse();
            assertThat(api.catalog.find(new EventId("open")).orElseThrow().eligibility()).isNull();
            assertThat(json(client.get("/events/open")).has("eligibility")).isFalse();
            assertThat(json(admin(client, "/admin/events")).get("events").get(0).has("eligibility")).isFalse();
            assertThat(json(admin(client, "/admin/events/open/stats")).has("eligibility")).isFalse();
        });
    }

    @Test
    void aRedefinitionChangesTheRuleAndOneWithoutItClearsIt() {
        api.test((server, client) -> {
            String base = "{\"limit\": 10, \"opensAt\": \"" + OPENS + "\"";
            assertThat(define(client, "members", base + ", \"eligibility\": " + GOLD_OR_VIP + "}").code()).isEqualTo(200);

            Response changed = define(client, "members", base + ", \"eligibility\": {\"claim\": \"groups\", \"anyOf\": [\"staff\"]}}");
            assertThat(changed.code()).as("the rule may change once the event has opened").isEqualTo(200);
            assertThat(api.catalog.find(new EventId("members")).orElseThrow().eligibility())
                    .isEqualTo(new Eligibility("groups", List.of("staff")));

            Response cleared = define(client, "members", base + "}");
            assertThat(cleared.code()).isEqualTo(200);
            assertThat(json(cleared).has("eligibility")).isFalse();
            assertThat(api.catalog.find(new EventId("members")).orElseThrow().eligibility()).isNull();
            assertThat(api.publisher.definitions).hasSize(3);
            assertThat(api.publisher.definitions.get(2).value().eligibility()).isNull();
        });
    }

    @Test
    void takesAHundredValuesOfSixtyFourCharactersInABodyOverFourKibibytes() {
        List<String> values = IntStream.range(0, Eligibility.MAX_VALUES)
                .mapToObj(i -> String.format("%02d", i) + "v".repeat(Eligibility.MAX_LENGTH - 2)).toList();
        api.test((server, client) -> {
            String body = "{\"limit\": 10, \"eligibility\": {\"claim\": \"" + "c".repeat(64) + "\", \"anyOf\": "
                    + Json.mapper().writeValueAsString(values) + "}}";
            assertThat(body.length()).isGreaterThan(JsonBody.MAX_BYTES);

            Response response = define(client, "wide", body);

            assertThat(response.code()).as(response.body().string()).isEqualTo(200);
            assertThat(api.catalog.find(new EventId("wide")).orElseThrow().eligibility().anyOf()).isEqualTo(values);
            assertProblem(define(client, "huge", "{\"limit\": 10, \"pad\": \"" + "p".repeat(JsonBody.ADMIN_MAX_BYTES) + "\"}"),
                    413, "INVALID_REQUEST");
        });
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', quoteCharacter = '`', textBlock = """
            {"limit": 5, "eligibility": "tier"}                                            | eligibility must be an object such as {"claim": "tier", "anyOf": ["gold", "vip"]}, or null for an event open to every shopper; was "tier"
            {"limit": 5, "eligibility": ["gold"]}                                          | eligibility must be an object such as {"claim": "tier", "anyOf": ["gold", "vip"]}, or null for an event open to every shopper; was ["gold"]
            {"limit": 5, "eligibility": {"claim": "tier", "anyOf": ["gold"], "allOf": []}} | eligibility takes only claim and anyOf, such as {"claim": "tier", "anyOf": ["gold", "vip"]}; it has an unknown member "allOf"
            {"limit": 5, "eligibility": {"anyOf": ["gold"]}}                               | eligibility.claim is required: the name of the shopper token's claim to check, 1-64 characters of [A-Za-z0-9_.:-]
            {"limit": 5, "eligibility": {"claim": null, "anyOf": ["gold"]}}                | eligibility.claim is required: the name of the shopper token's claim to check, 1-64 characters of [A-Za-z0-9_.:-]
            {"limit": 5, "eligibility": {"claim": "", "anyOf": ["gold"]}}                  | eligibility.claim must be a string of 1-64 characters of [A-Za-z0-9_.:-], was ""
            {"limit": 5, "eligibility": {"claim": "ti er", "anyOf": ["gold"]}}             | eligibility.claim must be a string of 1-64 characters of [A-Za-z0-9_.:-], was "ti er"
            {"limit": 5, "eligibility": {"claim": 7, "anyOf": ["gold"]}}                   | eligibility.claim must be a string of 1-64 characters of [A-Za-z0-9_.:-], was 7
            {"limit": 5, "eligibility": {"claim": "tier"}}                                 | eligibility.anyOf is required: the claim's accepted values, an array of 1-100 strings
            {"limit": 5, "eligibility": {"claim": "tier", "anyOf": "gold"}}                | eligibility.anyOf must be an array of 1-100 strings, was "gold"
            {"limit": 5, "eligibility": {"claim": "tier", "anyOf": []}}                    | eligibility.anyOf must hold 1-100 values, had 0
            {"limit": 5, "eligibility": {"claim": "tier", "anyOf": ["gold", 3]}}           | eligibility.anyOf[1] must be a string of 1-64 characters, was 3
            {"limit": 5, "eligibility": {"claim": "tier", "anyOf": [null]}}                | eligibility.anyOf[0] must be a string of 1-64 characters, was null
            {"limit": 5, "eligibility": {"claim": "tier", "anyOf": ["gold", ""]}}          | eligibility.anyOf[1] must be a string of 1-64 characters, was ""
            {"limit": 5, "eligibility": {"claim": "tier", "anyOf": [["gold"]]}}            | eligibility.anyOf[0] must be a string of 1-64 characters, was ["gold"]
            """)
    void refusesABadEligibilityNamingTheMember(String body, String message) {
        api.test((server, client) -> {
            Response response = define(client, "bad", body);

            assertProblem(response, 400, "INVALID_REQUEST");
            assertThat(json(response).get("message").asText()).isEqualTo(message);
            assertThat(api.publisher.definitions).isEmpty();
        });
    }

    @Test
    void refusesTooManyOrTooLongValuesAndATooLongClaim() {
        String hundredAndOne = Json.mapper().valueToTree(IntStream.rangeClosed(0, 100).mapToObj(i -> "v" + i).toList()).toString();
        api.test((server, client) -> {
            Response tooMany = define(client, "bad", "{\"limit\": 5, \"eligibility\": {\"claim\": \"tier\", \"anyOf\": " + hundredAndOne + "}}");
            Response tooLong = define(client, "bad", "{\"limit\": 5, \"eligibility\": {\"claim\": \"tier\", \"anyOf\": [\"" + "x".repeat(65) + "\"]}}");
            Response longClaim = define(client, "bad", "{\"limit\": 5, \"eligibility\": {\"claim\": \"" + "c".repeat(65) + "\", \"anyOf\": [\"gold\"]}}");

            assertProblem(tooMany, 400, "INVALID_REQUEST");
            assertThat(json(tooMany).get("message").asText()).isEqualTo("eligibility.anyOf must hold 1-100 values, had 101");
            assertProblem(tooLong, 400, "INVALID_REQUEST");
            assertThat(json(tooLong).get("message").asText())
                    .isEqualTo("eligibility.anyOf[0] must be a string of 1-64 characters, was \"" + "x".repeat(65) + "\"");
            assertProblem(longClaim, 400, "INVALID_REQUEST");
            assertThat(json(longClaim).get("message").asText()).startsWith("eligibility.claim must be a string of 1-64 characters");
            assertThat(api.publisher.definitions).isEmpty();
        });
    }

    private static Response define(HttpClient client, String eventId, String body) {
        return send(client, "/admin/events/" + eventId, "PUT", "application/json", body, Map.of("Authorization", "Bearer " + TOKEN));
    }

    private static Response admin(HttpClient client, String path) {
        return send(client, path, "GET", null, "", Map.of("Authorization", "Bearer " + TOKEN));
    }
}
