package firstcome.ingress.identity;

import static firstcome.ingress.RunningIngress.assertOutcome;
import static firstcome.ingress.RunningIngress.requestRecords;
import static firstcome.ingress.RunningIngress.uniqueEventId;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jwt.JWTClaimsSet;
import com.fasterxml.jackson.databind.JsonNode;
import firstcome.contract.EligibleAs;
import firstcome.contract.Json;
import firstcome.ingress.RunningIngress;
import firstcome.testkit.Infrastructure;
import firstcome.testkit.InfrastructureExtension;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Shopper identities with a JWKS file against real Redis and Kafka (docs/identities.md): the shop's
 * sign-in publishes two keys (RS256 and ES256), tokens of both apply and read their own results; the
 * file is rewritten without the old key and, once the ingress has read it again (at most once a
 * second), the old key's tokens are refused, with nothing counted at the gate or published. An event
 * for gold or vip members admits only the tokens that carry the claim, and their requests in
 * coupon-requests carry what was checked.
 */
@ExtendWith(InfrastructureExtension.class)
class ShopperIdentityIT {

    private static final RSAKey OLD_KEY = ShopperTokens.rsaKey("2026-10");
    private static final ECKey NEW_KEY = ShopperTokens.ecKey("2026-11");

    private static RunningIngress ingress;
    private static String bootstrapServers;
    private static Path jwks;

    @BeforeAll
    static void start(Infrastructure infrastructure) throws Exception {
        RunningIngress.createTopics(infrastructure);
        bootstrapServers = infrastructure.kafkaBootstrapServers();
        jwks = ShopperTokens.writeJwks(Files.createTempFile("shop-keys", ".json"), List.of(OLD_KEY, NEW_KEY));
        ingress = RunningIngress.start(RunningIngress.config(bootstrapServers, infrastructure.redisUrl(),
                Map.of("SHOPPER_JWT_JWKS", jwks.toString())));
    }

    @AfterAll
    static void stop() throws Exception {
        if (ingress != null) {
            ingress.close();
        }
        if (jwks != null) {
            Files.deleteIfExists(jwks);
        }
    }

    @Test
    void acceptsTokensOfBothKeysAndRefusesTheOldKeysOnceTheFileNoLongerHasIt() throws Exception {
        String event = uniqueEventId("identities");
        assertThat(ingress.define(event, "{\"limit\": 10}").statusCode()).isEqualTo(200);
        String alice = ShopperTokens.rs256(OLD_KEY, claims("alice"));
        String bob = ShopperTokens.es256(NEW_KEY, claims("bob"));

        // Both keys published: both shoppers apply, as themselves, and read their own results.
        HttpResponse<String> aliceApplied = apply(event, alice, "{}");
        assertThat(aliceApplied.statusCode()).as(aliceApplied.body()).isEqualTo(202);
        assertThat(Json.mapper().readTree(aliceApplied.body()).get("userId").asText()).isEqualTo("alice");
        HttpResponse<String> bobApplied = apply(event, bob, "{\"userId\":\"bob\"}");
        assertThat(bobApplied.statusCode()).as(bobApplied.body()).isEqualTo(202);
        assertThat(ingress.get("/events/" + event + "/applications/alice", bearer(alice)).statusCode()).isEqualTo(200);
        assertOutcome(ingress.get("/events/" + event + "/applications/alice", bearer(bob)), 403, "FORBIDDEN");
        assertThat(ingress.get("/events/" + event + "/applications/alice", bearer(RunningIngress.SHOP_TOKEN)).statusCode())
                .isEqualTo(200);
        HttpResponse<String> shopper = ingress.get("/shopper", Map.of("Cookie", ShopperVerifier.COOKIE + "=" + bob));
        assertThat(Json.mapper().readTree(shopper.body())).isEqualTo(Json.mapper().readTree("{\"userId\":\"bob\",\"claims\":{}}"));

        // Refusals count nothing.
        assertOutcome(apply(event, bob, "{\"userId\":\"carol\"}"), 403, "FORBIDDEN");
        assertOutcome(ingress.post("/events/" + event + "/applications", "{\"userId\":\"carol\"}", Map.of()), 401, "UNAUTHENTICATED");
        assertCounted(event, 2);

        // The shop retires the old key: its tokens are refused once the ingress has read the file again.
        ShopperTokens.writeJwks(jwks, List.of(NEW_KEY));
        String carol = ShopperTokens.rs256(OLD_KEY, claims("carol"));
        // Polled where a token counts nothing either way: who am I?
        await("the old key's tokens refused").atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(200))
                .until(() -> ingress.get("/shopper", bearer(carol)).statusCode() == 401);
        assertOutcome(apply(event, carol, "{}"), 401, "UNAUTHENTICATED");
        assertOutcome(ingress.get("/events/" + event + "/applications/alice", bearer(alice)), 401, "UNAUTHENTICATED");
        assertThat(ingress.get("/events/" + event + "/applications/bob", bearer(bob)).statusCode()).isEqualTo(200);
        HttpResponse<String> dave = apply(event, ShopperTokens.es256(NEW_KEY, claims("dave")), "{}");
        assertThat(dave.statusCode()).as(dave.body()).isEqualTo(202);
        assertCounted(event, 3);
    }

    @Test
    void anEventForGoldOrVipMembersAdmitsTheirTokensOnlyAndTheRequestCarriesWhatWasChecked() throws Exception {
        String event = uniqueEventId("members");
        HttpResponse<String> defined = ingress.define(event,
                "{\"limit\": 10, \"eligibility\": {\"claim\": \"tier\", \"anyOf\": [\"gold\", \"vip\"]}}");
        assertThat(defined.statusCode()).as(defined.body()).isEqualTo(200);
        JsonNode rule = Json.mapper().readTree("{\"claim\":\"tier\",\"anyOf\":[\"gold\",\"vip\"]}");
        assertThat(Json.mapper().readTree(ingress.get("/events/" + event).body()).get("eligibility")).isEqualTo(rule);

        HttpResponse<String> gold = apply(event, ShopperTokens.es256(NEW_KEY, claims("gina", Map.of("tier", "gold"))), "{}");
        // The other test retires the old key: only the new one is used here.
        HttpResponse<String> vipInAnArray = apply(event,
                ShopperTokens.es256(NEW_KEY, claims("victor", Map.of("tier", List.of("staff", "vip")))), "{}");
        HttpResponse<String> bronze = apply(event, ShopperTokens.es256(NEW_KEY, claims("bert", Map.of("tier", "bronze"))), "{}");
        HttpResponse<String> none = apply(event, ShopperTokens.es256(NEW_KEY, claims("nina")), "{}");

        assertThat(gold.statusCode()).as(gold.body()).isEqualTo(202);
        assertThat(vipInAnArray.statusCode()).as(vipInAnArray.body()).isEqualTo(202);
        assertOutcome(bronze, 403, "NOT_ELIGIBLE");
        assertThat(Json.mapper().readTree(bronze.body()).get("message").asText()).isEqualTo("this event is for shoppers whose tier is gold or vip");
        assertOutcome(none, 403, "NOT_ELIGIBLE");
        assertCounted(event, 2);
        assertThat(requestRecords(bootstrapServers, event)).extracting(record -> record.value().userId() + " " + record.value().eligibleAs())
                .containsExactlyInAnyOrder("gina " + new EligibleAs("tier", "gold"), "victor " + new EligibleAs("tier", "vip"));

        // The organiser opens the event to everyone: a redefinition without the rule clears it.
        assertThat(ingress.define(event, "{\"limit\": 10}").statusCode()).isEqualTo(200);
        assertThat(Json.mapper().readTree(ingress.get("/events/" + event).body()).has("eligibility")).isFalse();
        HttpResponse<String> bertAgain = apply(event, ShopperTokens.es256(NEW_KEY, claims("bert", Map.of("tier", "bronze"))), "{}");
        assertThat(bertAgain.statusCode()).as(bertAgain.body()).isEqualTo(202);
        assertCounted(event, 3);
        assertThat(requestRecords(bootstrapServers, event)).filteredOn(record -> record.value().userId().equals("bert"))
                .singleElement().satisfies(record -> assertThat(record.value().eligibleAs()).isNull());
    }

    /** The gate counted exactly {@code applicants} (the event's remaining places say so) and published as many requests. */
    private static void assertCounted(String event, int applicants) throws Exception {
        HttpResponse<String> info = ingress.get("/events/" + event);
        assertThat(Json.mapper().readTree(info.body()).get("remaining").asLong()).as(info.body()).isEqualTo(10 - applicants);
        assertThat(requestRecords(bootstrapServers, event)).hasSize(applicants);
    }

    private static HttpResponse<String> apply(String event, String token, String body) {
        return ingress.post("/events/" + event + "/applications", body, bearer(token));
    }

    private static Map<String, String> bearer(String token) {
        return Map.of("Authorization", "Bearer " + token);
    }

    private static JWTClaimsSet claims(String sub) {
        return claims(sub, Map.of());
    }

    private static JWTClaimsSet claims(String sub, Map<String, Object> custom) {
        Instant now = Instant.now();
        var claims = new JWTClaimsSet.Builder().subject(sub).issueTime(Date.from(now)).expirationTime(Date.from(now.plusSeconds(3600)));
        custom.forEach(claims::claim);
        return claims.build();
    }
}
