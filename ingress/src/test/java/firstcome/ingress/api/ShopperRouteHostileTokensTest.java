package firstcome.ingress.api;

import static firstcome.ingress.ApiFixture.NOW;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.nimbusds.jose.util.Base64URL;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.PlainJWT;
import firstcome.contract.Eligibility;
import firstcome.contract.EventDefinition;
import firstcome.contract.Json;
import firstcome.ingress.ApiFixture;
import firstcome.ingress.identity.ShopperVerifier;
import io.javalin.Javalin;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Date;
import java.util.List;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.statistics.Statistics;
import net.jqwik.api.lifecycle.BeforeContainer;

/**
 * Hostile shopper tokens against the running apply and status routes with identities on (HS256, a
 * pinned issuer and audience; headers allowed up to 64 KiB so that oversized tokens reach the
 * verifier): random text, a real token with one character changed, {@code alg: none}, expired, another
 * issuer or audience, over 8 KiB, a real token with another user's id in the body, a real token asking
 * for another shopper's result, a real token without the claim the event requires (its eligibility:
 * {@code tier} gold, docs/identities.md). Each is answered 401 UNAUTHENTICATED, 403 FORBIDDEN or 403
 * NOT_ELIGIBLE, as the contract says, and never changes the gate's count or publishes anything.
 */
class ShopperRouteHostileTokensTest {

    private static final String EVENT = "guarded";
    private static final String ISSUER = "https://shop.example";
    private static final String AUDIENCE = "firstcome";
    /** The event's eligibility: the valid tokens carry {@code tier: gold}; "not eligible" ones another tier or none. */
    private static final String CLAIM = "tier";
    private static final String ACCEPTED = "gold";

    private static ApiFixture api;
    private static Javalin server;
    private static HttpClient http;

    /** One hostile request: the token, sent as header or cookie, to apply (with a body userId or none) or to read a status. */
    record Attempt(String kind, String token, boolean asCookie, String bodyUserId, String statusOf) {
        @Override
        public String toString() {
            return kind + (asCookie ? " (cookie)" : " (header)") + (statusOf != null ? " status of " + statusOf
                    : " apply" + (bodyUserId != null ? " as " + bodyUserId : "")) + ": "
                    + (token.length() > 120 ? token.substring(0, 120) + "..." : token);
        }
    }

    @BeforeContainer
    static void startTheIngress() throws Exception {
        api = new ApiFixture();
        api.define(new EventDefinition(EVENT, 1_000_000, NOW.minusSeconds(60), null)
                .withEligibility(new Eligibility(CLAIM, List.of(ACCEPTED))));
        server = api.app(ApiFixture.config(Map.of("SHOPPER_JWT_SECRET", ApiFixture.SHOPPER_SECRET, "SHOPPER_JWT_ISSUER", ISSUER,
                "SHOPPER_JWT_AUDIENCE", AUDIENCE, "SHOP_TOKEN", ApiFixture.SHOP_TOKEN, "INGRESS_MAX_HEADER_BYTES", "65536"))).start(0);
        http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        // One shopper who did apply: their result is what the others try to read.
        HttpResponse<String> alice = send(new Attempt("valid", valid("alice"), false, null, null));
        assertThat(alice.statusCode()).as(alice.body()).isEqualTo(202);
    }

    @AfterContainer
    static void stopTheIngress() {
        server.stop();
    }

    @Property(tries = 300)
    void everyHostileTokenIsRefusedBeforeTheGate(@ForAll("attempts") Attempt attempt) throws Exception {
        long countBefore = api.gate.count(new EventId(EVENT));
        int admitsBefore = api.gate.admitCalls.get();
        int recordsBefore = api.publisher.requests.size();

        Statistics.collect(attempt.kind());
        HttpResponse<String> response = send(attempt);

        assertThat(response.statusCode()).as("%s: %s", attempt, response.body()).isIn(401, 403);
        JsonNode body = Json.mapper().readTree(response.body());
        assertThat(body.get("outcome").asText()).isEqualTo(response.statusCode() == 401 ? "UNAUTHENTICATED"
                : attempt.kind().equals("not eligible") ? "NOT_ELIGIBLE" : "FORBIDDEN");
        assertThat(body.get("message").asText()).isNotBlank();
        if (response.statusCode() == 401) {
            assertThat(response.headers().firstValue("WWW-Authenticate")).hasValue("Bearer");
        }
        if (attempt.kind().equals("other user's body id") || attempt.kind().equals("another shopper's status")) {
            assertThat(response.statusCode()).as("a valid token naming someone else").isEqualTo(403);
        } else if (attempt.kind().equals("not eligible")) {
            assertThat(response.statusCode()).as("a valid token without the event's claim").isEqualTo(403);
            assertThat(body.get("message").asText()).isEqualTo("this event is for shoppers whose tier is gold");
        } else {
            assertThat(response.statusCode()).as("a token that is not valid").isEqualTo(401);
        }
        assertThat(api.gate.count(new EventId(EVENT))).isEqualTo(countBefore);
        assertThat(api.gate.admitCalls.get()).isEqualTo(admitsBefore);
        assertThat(api.publisher.requests).hasSize(recordsBefore);
    }

    @Provide
    Arbitrary<Attempt> attempts() {
        Arbitrary<String> users = Arbitraries.strings().withCharRange('a', 'z').ofMinLength(1).ofMaxLength(12);
        Arbitrary<String> invalidTokens = Arbitraries.oneOf(List.of(
                Arbitraries.strings().withCharRange('!', '~').ofMinLength(1).ofMaxLength(300).map(t -> tagged("random", t)),
                Combinators.combine(users, Arbitraries.integers().between(0, 10_000), Arbitraries.chars().with(BASE64URL))
                        .as(ShopperRouteHostileTokensTest::mutated),
                users.map(user -> tagged("alg none", new PlainJWT(claims(user).build()).serialize())),
                users.map(user -> tagged("alg none, signature kept", algNone(valid(user)))),
                Combinators.combine(users, Arbitraries.longs().between(31, 10_000_000))
                        .as((user, ago) -> tagged("expired", ApiFixture.shopperToken(
                                claims(user).expirationTime(Date.from(NOW.minusSeconds(ago))).build()))),
                Combinators.combine(users, Arbitraries.strings().withCharRange(' ', '~').ofMaxLength(40).filter(iss -> !iss.equals(ISSUER)))
                        .as((user, iss) -> tagged("wrong iss", ApiFixture.shopperToken(claims(user).issuer(iss).build()))),
                Combinators.combine(users, Arbitraries.strings().withCharRange(' ', '~').ofMaxLength(40).filter(aud -> !aud.equals(AUDIENCE)))
                        .as((user, aud) -> tagged("wrong aud", ApiFixture.shopperToken(claims(user).audience(aud).build()))),
                Combinators.combine(users, Arbitraries.integers().between(ShopperVerifier.MAX_TOKEN_CHARS, 30_000))
                        .as((user, size) -> tagged("oversized", ApiFixture.shopperToken(claims(user).claim("pad", "x".repeat(size)).build())))));
        Arbitrary<Attempt> invalid = Combinators.combine(invalidTokens, Arbitraries.of(true, false),
                Arbitraries.of("apply", "apply named", "status"), users)
                .as((tagged, cookie, route, user) -> new Attempt(kindOf(tagged), tokenOf(tagged), cookie,
                        route.equals("apply named") ? user : null, route.equals("status") ? user : null));
        Arbitrary<Attempt> otherBodyId = Combinators.combine(users, users, Arbitraries.of(true, false))
                .filter((shopper, named, cookie) -> !shopper.equals(named))
                .as((shopper, named, cookie) -> new Attempt("other user's body id", valid(shopper), cookie, named, null));
        Arbitrary<Attempt> otherStatus = Combinators.combine(users, Arbitraries.of("alice", "bob", "carol"), Arbitraries.of(true, false))
                .filter((shopper, owner, cookie) -> !shopper.equals(owner))
                .as((shopper, owner, cookie) -> new Attempt("another shopper's status", valid(shopper), cookie, null, owner));
        Arbitrary<Object> otherTier = Arbitraries.oneOf(List.of(
                Arbitraries.strings().withCharRange('!', '~').ofMaxLength(20).filter(tier -> !tier.equals(ACCEPTED)).map(tier -> (Object) tier),
                Arbitraries.of("GOLD", "gold ", " gold").map(tier -> (Object) tier),
                Arbitraries.integers().map(tier -> (Object) tier),
                Arbitraries.of("silver", "bronze", "GOLD").list().ofMaxSize(3).map(tiers -> (Object) tiers)));
        Arbitrary<Attempt> notEligible = Combinators.combine(users, otherTier, Arbitraries.of(true, false), Arbitraries.of(true, false))
                .as((shopper, tier, cookie, withoutClaim) -> new Attempt("not eligible", ApiFixture.shopperToken(
                        withoutClaim ? baseClaims(shopper).build() : baseClaims(shopper).claim(CLAIM, tier).build()), cookie, null, null));
        return Arbitraries.frequencyOf(
                Tuple.of(6, invalid), Tuple.of(1, otherBodyId), Tuple.of(1, otherStatus), Tuple.of(1, notEligible));
    }

    private static final char[] BASE64URL = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_".toCharArray();

    /** A kind and a token, carried through the combinators as "kind\ntoken". */
    private static String tagged(String kind, String token) {
        return kind + "\n" + token;
    }

    private static String kindOf(String tagged) {
        return tagged.substring(0, tagged.indexOf('\n'));
    }

    private static String tokenOf(String tagged) {
        return tagged.substring(tagged.indexOf('\n') + 1);
    }

    /**
     * A valid token with one character replaced. Never the last one: its low bits are padding, which a
     * decoder may ignore, so changing it need not change the signature.
     */
    private static String mutated(String user, int at, char replacement) {
        String token = valid(user);
        int position = at % (token.length() - 1);
        char original = token.charAt(position);
        char changed = original == replacement ? (replacement == 'A' ? 'B' : 'A') : replacement;
        return tagged("mutated", token.substring(0, position) + changed + token.substring(position + 1));
    }

    /** The token's header replaced by {@code {"alg":"none"}}, its payload and signature kept. */
    private static String algNone(String token) {
        String[] parts = token.split("\\.");
        return Base64URL.encode("{\"alg\":\"none\",\"typ\":\"JWT\"}".getBytes(StandardCharsets.UTF_8)) + "." + parts[1] + "." + parts[2];
    }

    /** A shopper's claims as the shop's sign-in issues them, with the claim the event requires. */
    private static JWTClaimsSet.Builder claims(String user) {
        return baseClaims(user).claim(CLAIM, ACCEPTED);
    }

    private static JWTClaimsSet.Builder baseClaims(String user) {
        return ApiFixture.shopperClaims(user).issuer(ISSUER).audience(AUDIENCE);
    }

    private static String valid(String user) {
        return ApiFixture.shopperToken(claims(user).build());
    }

    private static HttpResponse<String> send(Attempt attempt) throws Exception {
        String path = attempt.statusOf() != null ? "/events/" + EVENT + "/applications/" + attempt.statusOf() : "/events/" + EVENT + "/applications";
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://localhost:" + server.port() + path))
                .timeout(Duration.ofSeconds(10));
        if (attempt.asCookie()) {
            request.header("Cookie", ShopperVerifier.COOKIE + "=" + attempt.token());
        } else {
            request.header("Authorization", "Bearer " + attempt.token());
        }
        if (attempt.statusOf() != null) {
            request.GET();
        } else {
            String body = attempt.bodyUserId() == null ? "{}" : "{\"userId\":\"" + attempt.bodyUserId() + "\"}";
            request.header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body));
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }
}
