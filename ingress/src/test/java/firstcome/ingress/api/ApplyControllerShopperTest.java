package firstcome.ingress.api;

import static firstcome.ingress.ApiFixture.NOW;
import static firstcome.ingress.ApiFixture.SHOP_TOKEN;
import static firstcome.ingress.ApiFixture.apply;
import static firstcome.ingress.ApiFixture.assertProblem;
import static firstcome.ingress.ApiFixture.bearer;
import static firstcome.ingress.ApiFixture.json;
import static firstcome.ingress.ApiFixture.send;
import static firstcome.ingress.ApiFixture.shopperClaims;
import static firstcome.ingress.ApiFixture.shopperToken;
import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.PlainJWT;
import com.nimbusds.jwt.SignedJWT;
import firstcome.contract.Json;
import firstcome.ingress.ApiFixture;
import firstcome.ingress.identity.ShopperVerifier;
import io.javalin.testtools.HttpClient;
import io.javalin.testtools.Response;
import java.nio.charset.StandardCharsets;
import java.util.Date;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The public routes with shopper identities on (docs/identities.md): the applicant is the signed
 * token's {@code sub}, from {@code Authorization: Bearer} or the cookie; every refusal comes before
 * the gate and the sold-out short-cut, and is counted by outcome like every answer. With identities
 * off the routes behave as before.
 */
class ApplyControllerShopperTest {

    private final ApiFixture api = new ApiFixture();

    // ---- POST /events/{e}/applications ----

    @Test
    void theApplicantIsTheTokensSubjectWithoutAUserIdInTheBody() {
        api.defineOpen("sale", 10);
        api.testWithShopperIdentities((server, client) -> {
            Response response = applyAs(client, "sale", "{}", bearer(shopperToken("alice")));

            assertThat(response.code()).isEqualTo(202);
            assertThat(json(response)).isEqualTo(Json.mapper().readTree(
                    "{\"outcome\":\"ACCEPTED\",\"eventId\":\"sale\",\"userId\":\"alice\",\"position\":1}"));
            assertThat(api.publisher.requests).singleElement().satisfies(sent -> assertThat(sent.value().userId()).isEqualTo("alice"));
        });
    }

    @Test
    void acceptsAnEmptyBodyAndTheShoppersOwnIdInIt() {
        api.defineOpen("sale", 10);
        api.testWithShopperIdentities((server, client) -> {
            Response empty = send(client, "/events/sale/applications", "POST", null, "", bearer(shopperToken("alice")));
            Response own = applyAs(client, "sale", "{\"userId\":\"bob\"}", bearer(shopperToken("bob")));

            assertThat(empty.code()).as(empty.body().string()).isEqualTo(202);
            assertThat(json(empty).get("userId").asText()).isEqualTo("alice");
            assertThat(own.code()).isEqualTo(202);
            assertThat(json(own).get("userId").asText()).isEqualTo("bob");
            assertThat(api.gate.count(new EventId("sale"))).isEqualTo(2);
        });
    }

    @Test
    void refusesAnotherUsersIdInTheBodyBeforeTheGateAndCountsTheAnswer() {
        api.defineOpen("sale", 10);
        api.testWithShopperIdentities((server, client) -> {
            Response response = applyAs(client, "sale", "{\"userId\":\"bob\"}", bearer(shopperToken("alice")));

            assertProblem(response, 403, "FORBIDDEN");
            assertNothingCounted("sale");
            assertThat(api.registry.scrape()).containsPattern("ingress_applications_total\\{outcome=\"FORBIDDEN\"} 1\\.0");
        });
    }

    @Test
    void refusesAnApplicationWithoutATokenAsUnauthenticatedWithWwwAuthenticate() {
        api.defineOpen("sale", 10);
        api.testWithShopperIdentities((server, client) -> {
            Response response = apply(client, "sale", "alice");

            assertProblem(response, 401, "UNAUTHENTICATED");
            assertThat(response.headers().get("WWW-Authenticate")).containsExactly("Bearer");
            assertNothingCounted("sale");
            assertThat(api.registry.scrape()).containsPattern("ingress_applications_total\\{outcome=\"UNAUTHENTICATED\"} 1\\.0");
        });
    }

    @Test
    void refusesForgedExpiredAndUnsignedTokens() {
        api.defineOpen("sale", 10);
        String forged = sign(shopperClaims("alice").build(), "another-secret-of-at-least-32-bytes!!");
        String expired = shopperToken(shopperClaims("alice").expirationTime(Date.from(NOW.minusSeconds(60))).build());
        String unsigned = new PlainJWT(shopperClaims("alice").build()).serialize();
        api.testWithShopperIdentities((server, client) -> {
            for (String token : List.of(forged, expired, unsigned, "not-a-jwt")) {
                Response response = applyAs(client, "sale", "{}", bearer(token));
                assertProblem(response, 401, "UNAUTHENTICATED");
                assertThat(json(response).get("message").asText()).doesNotContain(token);
            }
            assertNothingCounted("sale");
        });
    }

    @Test
    void takesTheTokenFromTheCookieWhenThereIsNoBearerHeader() {
        api.defineOpen("sale", 10);
        api.testWithShopperIdentities((server, client) -> {
            Response withCookie = applyAs(client, "sale", "{}", cookie(shopperToken("alice")));
            // A header of another scheme is not a shopper token: the cookie is used.
            Response basicAndCookie = applyAs(client, "sale", "{}",
                    Map.of("Authorization", "Basic Ym9iOnB3", "Cookie", ShopperVerifier.COOKIE + "=" + shopperToken("bob")));

            assertThat(withCookie.code()).isEqualTo(202);
            assertThat(json(withCookie).get("userId").asText()).isEqualTo("alice");
            assertThat(basicAndCookie.code()).isEqualTo(202);
            assertThat(json(basicAndCookie).get("userId").asText()).isEqualTo("bob");
        });
    }

    @Test
    void aBadBearerHeaderIsTheOneVerifiedEvenWithAGoodCookie() {
        api.defineOpen("sale", 10);
        api.testWithShopperIdentities((server, client) -> {
            Map<String, String> headers = Map.of("Authorization", "Bearer not-a-jwt",
                    "Cookie", ShopperVerifier.COOKIE + "=" + shopperToken("alice"));

            assertProblem(applyAs(client, "sale", "{}", headers), 401, "UNAUTHENTICATED");
            assertNothingCounted("sale");
        });
    }

    @Test
    void refusesBeforeTheSoldOutShortCut() {
        api.defineOpen("tiny", 1);
        api.testWithShopperIdentities((server, client) -> {
            assertThat(applyAs(client, "tiny", "{}", bearer(shopperToken("alice"))).code()).isEqualTo(202);
            assertProblem(applyAs(client, "tiny", "{}", bearer(shopperToken("bob"))), 410, "SOLD_OUT");
            int admits = api.gate.admitCalls.get();

            // Sold out, and known to be: still, who applies is settled first.
            assertProblem(applyAs(client, "tiny", "{\"userId\":\"carol\"}", Map.of()), 401, "UNAUTHENTICATED");
            assertProblem(applyAs(client, "tiny", "{\"userId\":\"carol\"}", bearer(shopperToken("dave"))), 403, "FORBIDDEN");

            assertThat(api.gate.admitCalls.get()).isEqualTo(admits);
            assertThat(api.gate.count(new EventId("tiny"))).isEqualTo(1);
            assertThat(api.publisher.requests).hasSize(1);
        });
    }

    @Test
    void withIdentitiesOffTheBodysUserIdIsRequiredAndATokenChangesNothing() {
        api.defineOpen("sale", 10);
        api.test((server, client) -> {
            assertProblem(applyAs(client, "sale", "{}", bearer(shopperToken("alice"))), 400, "INVALID_REQUEST");
            Response named = applyAs(client, "sale", "{\"userId\":\"bob\"}", bearer(shopperToken("alice")));

            assertThat(named.code()).isEqualTo(202);
            assertThat(json(named).get("userId").asText()).isEqualTo("bob");
        });
    }

    // ---- GET /events/{e}/applications/{u} ----

    @Test
    void aShopperReadsTheirOwnResultByHeaderOrCookie() {
        api.defineOpen("sale", 10);
        api.testWithShopperIdentities((server, client) -> {
            applyAs(client, "sale", "{}", bearer(shopperToken("alice")));

            Response byHeader = get(client, "/events/sale/applications/alice", bearer(shopperToken("alice")));
            Response byCookie = get(client, "/events/sale/applications/alice", cookie(shopperToken("alice")));

            assertThat(byHeader.code()).isEqualTo(200);
            assertThat(json(byHeader).get("outcome").asText()).isEqualTo("PENDING");
            assertThat(byCookie.code()).isEqualTo(200);
            assertProblem(get(client, "/events/sale/applications/bob", bearer(shopperToken("bob"))), 404, "NOT_APPLIED");
        });
    }

    @Test
    void anotherShoppersResultIsForbiddenAndWithoutATokenUnauthenticated() {
        api.defineOpen("sale", 10);
        api.testWithShopperIdentities((server, client) -> {
            applyAs(client, "sale", "{}", bearer(shopperToken("alice")));

            assertProblem(get(client, "/events/sale/applications/alice", bearer(shopperToken("mallory"))), 403, "FORBIDDEN");
            Response anonymous = get(client, "/events/sale/applications/alice", Map.of());
            assertProblem(anonymous, 401, "UNAUTHENTICATED");
            assertThat(anonymous.headers().get("WWW-Authenticate")).containsExactly("Bearer");
            assertProblem(get(client, "/events/sale/applications/alice", bearer("not-the-shop-token")), 401, "UNAUTHENTICATED");
        });
    }

    @Test
    void theShopsBackendReadsAnyShoppersResultWithTheShopToken() {
        api.defineOpen("sale", 10);
        api.testWithShopperIdentities((server, client) -> {
            applyAs(client, "sale", "{}", bearer(shopperToken("alice")));

            Response response = get(client, "/events/sale/applications/alice", bearer(SHOP_TOKEN));

            assertThat(response.code()).isEqualTo(200);
            assertThat(json(response).get("outcome").asText()).isEqualTo("PENDING");
        });
    }

    @Test
    void withIdentitiesOffAnyoneReadsAnyResultAsBefore() {
        api.defineOpen("sale", 10);
        api.test((server, client) -> {
            apply(client, "sale", "alice");

            assertThat(get(client, "/events/sale/applications/alice", Map.of()).code()).isEqualTo(200);
        });
    }

    // ---- GET /shopper ----

    @Test
    void theShopperRouteSaysWhoTheTokenNamesWithTheShopsOwnClaims() {
        String token = shopperToken(shopperClaims("alice").claim("tier", "gold").claim("groups", List.of("a", "b"))
                .issuer("https://shop.example").build());
        api.testWithShopperIdentities((server, client) -> {
            Response byHeader = get(client, "/shopper", bearer(token));
            Response byCookie = get(client, "/shopper", cookie(token));

            assertThat(byHeader.code()).isEqualTo(200);
            assertThat(json(byHeader)).isEqualTo(Json.mapper().readTree(
                    "{\"userId\":\"alice\",\"claims\":{\"tier\":\"gold\",\"groups\":[\"a\",\"b\"]}}"));
            assertThat(byHeader.headers().get("Cache-Control")).containsExactly("no-store");
            assertThat(json(byCookie)).isEqualTo(json(byHeader));
        });
    }

    @Test
    void theShopperRouteIsUnauthenticatedWithoutAValidToken() {
        api.testWithShopperIdentities((server, client) -> {
            Response none = get(client, "/shopper", Map.of());
            assertProblem(none, 401, "UNAUTHENTICATED");
            assertThat(none.headers().get("WWW-Authenticate")).containsExactly("Bearer");
            assertProblem(get(client, "/shopper", cookie("garbage")), 401, "UNAUTHENTICATED");
        });
    }

    @Test
    void theShopperRouteIsNotFoundWithIdentitiesOff() {
        api.test((server, client) -> assertProblem(get(client, "/shopper", bearer(shopperToken("alice"))), 404, "NOT_FOUND"));
    }

    // ---- helpers ----

    private void assertNothingCounted(String eventId) {
        assertThat(api.gate.count(new EventId(eventId))).isZero();
        assertThat(api.publisher.requests).isEmpty();
    }

    private static Response applyAs(HttpClient client, String eventId, String body, Map<String, String> headers) {
        return send(client, "/events/" + eventId + "/applications", "POST", "application/json", body, headers);
    }

    private static Response get(HttpClient client, String path, Map<String, String> headers) {
        return send(client, path, "GET", null, "", headers);
    }

    private static Map<String, String> cookie(String token) {
        return Map.of("Cookie", ShopperVerifier.COOKIE + "=" + token);
    }

    private static String sign(JWTClaimsSet claims, String secret) {
        try {
            SignedJWT jwt = new SignedJWT(new JWSHeader(JWSAlgorithm.HS256), claims);
            jwt.sign(new MACSigner(secret.getBytes(StandardCharsets.UTF_8)));
            return jwt.serialize();
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
    }
}
