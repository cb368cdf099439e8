package firstcome.ingress.identity;

import static firstcome.ingress.identity.ShopperTokens.NOW;
import static firstcome.ingress.identity.ShopperTokens.claims;
import static firstcome.ingress.identity.ShopperTokens.hs256;
import static firstcome.ingress.identity.ShopperTokens.with;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.util.Base64URL;
import com.nimbusds.jwt.PlainJWT;
import firstcome.ingress.api.UserId;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ShopperVerifierTest {

    private static RSAKey rsa;
    private static ECKey ec;

    @BeforeAll
    static void keys() {
        rsa = ShopperTokens.rsaKey("rsa-1");
        ec = ShopperTokens.ecKey("ec-1");
    }

    private static ShopperVerifier verifier(ShopperIdentityConfig config) {
        return ShopperVerifier.create(config, new SettableClock(NOW)).orElseThrow();
    }

    private static ShopperIdentityConfig secret(String secret) {
        return new ShopperIdentityConfig(Optional.of(secret), Optional.empty(), Optional.empty(), Optional.empty());
    }

    private static void assertRefused(ShopperVerification verification, String message) {
        assertThat(verification).isEqualTo(new ShopperVerification.Refused(message));
        assertThat(((ShopperVerification.Refused) verification).outcome()).isEqualTo("UNAUTHENTICATED");
    }

    @Test
    void isNothingWhenIdentitiesAreOff() {
        assertThat(ShopperVerifier.create(ShopperIdentityConfig.OFF)).isEmpty();
    }

    @Nested
    class WithASharedSecret {

        private final ShopperVerifier verifier = verifier(secret(ShopperTokens.SECRET));

        @Test
        void givesTheSubjectAndTheClaimsOfAValidToken() {
            String token = hs256(with("alice", c -> c.claim("tier", "gold").claim("groups", List.of("staff", "vip"))));

            ShopperVerification.Verified shopper = verifier.verify("Bearer " + token, null).shopper().orElseThrow();

            assertThat(shopper.userId()).isEqualTo(new UserId("alice"));
            assertThat(shopper.claims()).containsEntry("sub", "alice").containsEntry("tier", "gold")
                    .containsEntry("groups", List.of("staff", "vip"))
                    .containsEntry("exp", NOW.plusSeconds(3600).getEpochSecond());
            assertThat(shopper.customClaims()).isEqualTo(Map.of("tier", "gold", "groups", List.of("staff", "vip")));
        }

        @Test
        void takesTheHeaderBeforeTheCookieAndBearerInAnyCase() {
            String alice = hs256(claims("alice").build());
            String bob = hs256(claims("bob").build());

            assertThat(verifier.verify("Bearer " + alice, bob).shopper()).map(s -> s.userId().value()).contains("alice");
            assertThat(verifier.verify(null, bob).shopper()).map(s -> s.userId().value()).contains("bob");
            assertThat(verifier.verify("bearer " + alice, null).shopper()).map(s -> s.userId().value()).contains("alice");
            assertThat(verifier.verify("BEARER   " + alice + " ", null).shopper()).map(s -> s.userId().value()).contains("alice");
            // Another scheme is not a shopper token: the cookie still counts, else the refusal says what to send.
            assertThat(verifier.verify("Basic dXNlcjpwdw==", bob).shopper()).map(s -> s.userId().value()).contains("bob");
            assertRefused(verifier.verify("Basic dXNlcjpwdw==", null), ShopperVerifier.NOT_BEARER);
            // A Bearer header is the token, even when it is a bad one and the cookie is good.
            assertRefused(verifier.verify("Bearer " + alice + "x", bob), ShopperVerifier.INVALID_SIGNATURE);
        }

        @Test
        void refusesARequestWithoutAToken() {
            assertRefused(verifier.verify(null, null), ShopperVerifier.NO_TOKEN);
            assertRefused(verifier.verify("", " "), ShopperVerifier.NO_TOKEN);
            assertRefused(verifier.verify("Bearer ", null), ShopperVerifier.NO_TOKEN);
            assertRefused(verifier.verifyToken(null), ShopperVerifier.NO_TOKEN);
        }

        @Test
        void refusesAnExpiredTokenAfterThirtySecondsOfSkew() {
            assertThat(verifier.verifyToken(hs256(with("alice", c -> c.expirationTime(Date.from(NOW.minusSeconds(29))))))
                    .shopper()).isPresent();
            assertRefused(verifier.verifyToken(hs256(with("alice", c -> c.expirationTime(Date.from(NOW.minusSeconds(31)))))),
                    ShopperVerifier.EXPIRED);
        }

        @Test
        void refusesATokenNotValidYetBeyondTheSkew() {
            assertThat(verifier.verifyToken(hs256(with("alice", c -> c.notBeforeTime(Date.from(NOW.plusSeconds(29))))))
                    .shopper()).isPresent();
            assertRefused(verifier.verifyToken(hs256(with("alice", c -> c.notBeforeTime(Date.from(NOW.plusSeconds(31)))))),
                    ShopperVerifier.NOT_YET_VALID);
        }

        @Test
        void requiresExpAndSub() {
            assertRefused(verifier.verifyToken(hs256(with("alice", c -> c.expirationTime(null)))), ShopperVerifier.MISSING_CLAIMS);
            assertRefused(verifier.verifyToken(hs256(with("alice", c -> c.subject(null)))), ShopperVerifier.MISSING_CLAIMS);
        }

        @Test
        void refusesASubjectThatIsNotAUserId() {
            for (String sub : new String[] {"a b", "..", "x".repeat(65), "alice/../bob", "ü", ""}) {
                assertThat(verifier.verifyToken(hs256(claims(sub).build())))
                        .as(sub).isIn(new ShopperVerification.Refused(ShopperVerifier.BAD_SUBJECT),
                                new ShopperVerification.Refused(ShopperVerifier.MISSING_CLAIMS));
            }
            assertRefused(verifier.verifyToken(hs256(claims("a b").build())), ShopperVerifier.BAD_SUBJECT);
            assertThat(verifier.verifyToken(hs256(claims("u-42@shop:eu_1.x").build())).shopper()).isPresent();
        }

        @Test
        void refusesAnotherSecretsSignature() {
            assertRefused(verifier.verifyToken(hs256("another-secret-of-at-least-32-bytes!!", claims("alice").build())),
                    ShopperVerifier.INVALID_SIGNATURE);
        }

        @Test
        void refusesTokensOverEightKibBeforeParsing() {
            String big = hs256(with("alice", c -> c.claim("pad", "x".repeat(8 * 1024))));
            assertRefused(verifier.verifyToken(big), ShopperVerifier.TOO_LONG);
            assertRefused(verifier.verifyToken("x".repeat(8 * 1024 + 1)), ShopperVerifier.TOO_LONG);
            // Just under the limit it is parsed (and here refused for what it is, not for its size).
            assertRefused(verifier.verifyToken("x".repeat(8 * 1024)), ShopperVerifier.MALFORMED);
        }

        @Test
        void refusesWhatIsNotASignedJwt() {
            for (String token : new String[] {"abc", "a.b.c", "a.b", "...", "e30.e30.", "eyJhbGciOiJIUzI1NiJ9.e30"}) {
                assertThat(verifier.verifyToken(token)).as(token).isInstanceOf(ShopperVerification.Refused.class);
            }
            assertRefused(verifier.verifyToken("a.b.c"), ShopperVerifier.MALFORMED);
        }

        @Test
        void neverTakesAlgNone() {
            String plain = new PlainJWT(claims("alice").build()).serialize();
            assertRefused(verifier.verifyToken(plain), ShopperVerifier.MALFORMED);
            String[] parts = hs256(claims("alice").build()).split("\\.");
            for (String alg : new String[] {"none", "None", "NONE"}) {
                String header = Base64URL.encode("{\"alg\":\"" + alg + "\"}").toString();
                assertThat(verifier.verifyToken(header + "." + parts[1] + "." + parts[2])).as(alg)
                        .isInstanceOf(ShopperVerification.Refused.class);
                assertThat(verifier.verifyToken(header + "." + parts[1] + ".")).as(alg)
                        .isInstanceOf(ShopperVerification.Refused.class);
            }
        }

        @Test
        void refusesRsaAndEcTokensWhenOnlyASecretIsConfigured() {
            assertRefused(verifier.verifyToken(ShopperTokens.rs256(rsa, claims("alice").build())), ShopperVerifier.INVALID_SIGNATURE);
            assertRefused(verifier.verifyToken(ShopperTokens.es256(ec, claims("alice").build())), ShopperVerifier.INVALID_SIGNATURE);
        }

        @Test
        void refusesCriticalHeaders() {
            JWSHeader header = new JWSHeader.Builder(JWSAlgorithm.HS256).customParam("x-shop", true)
                    .criticalParams(Set.of("x-shop")).build();
            String token = ShopperTokens.sign(header, claims("alice").build(),
                    ShopperTokens.macSigner(ShopperTokens.SECRET.getBytes(StandardCharsets.UTF_8)));

            assertRefused(verifier.verifyToken(token), ShopperVerifier.INVALID_SIGNATURE);
        }

        @Test
        void takesTheJwtTypeOrNoneButNotAnother() {
            var signer = ShopperTokens.macSigner(ShopperTokens.SECRET.getBytes(StandardCharsets.UTF_8));
            assertThat(verifier.verifyToken(ShopperTokens.sign(new JWSHeader.Builder(JWSAlgorithm.HS256).type(JOSEObjectType.JWT)
                    .build(), claims("alice").build(), signer)).shopper()).isPresent();
            assertThat(verifier.verifyToken(ShopperTokens.sign(new JWSHeader.Builder(JWSAlgorithm.HS256)
                    .type(new JOSEObjectType("at+jwt")).build(), claims("alice").build(), signer)))
                    .isInstanceOf(ShopperVerification.Refused.class);
        }
    }

    @Nested
    class WithIssuerAndAudience {

        private final ShopperVerifier verifier = verifier(new ShopperIdentityConfig(Optional.of(ShopperTokens.SECRET),
                Optional.empty(), Optional.of("https://shop.example"), Optional.of("firstcome")));

        @Test
        void takesTheExactIssuerAndAudience() {
            assertThat(verifier.verifyToken(hs256(with("alice", c -> c.issuer("https://shop.example").audience("firstcome"))))
                    .shopper()).isPresent();
            assertThat(verifier.verifyToken(hs256(with("alice", c -> c.issuer("https://shop.example")
                    .audience(List.of("newsletter", "firstcome"))))).shopper()).isPresent();
        }

        @Test
        void refusesAnotherOrNoIssuerOrAudienceWithoutNamingTheExpectedOne() {
            assertRefused(verifier.verifyToken(hs256(with("alice", c -> c.issuer("https://evil.example").audience("firstcome")))),
                    ShopperVerifier.WRONG_ISSUER);
            assertRefused(verifier.verifyToken(hs256(with("alice", c -> c.issuer("https://shop.example/").audience("firstcome")))),
                    ShopperVerifier.WRONG_ISSUER);
            assertRefused(verifier.verifyToken(hs256(with("alice", c -> c.audience("firstcome")))), ShopperVerifier.WRONG_ISSUER);
            assertRefused(verifier.verifyToken(hs256(with("alice", c -> c.issuer("https://shop.example").audience("newsletter")))),
                    ShopperVerifier.WRONG_AUDIENCE);
            assertRefused(verifier.verifyToken(hs256(with("alice", c -> c.issuer("https://shop.example")))),
                    ShopperVerifier.WRONG_AUDIENCE);
            assertThat(List.of(ShopperVerifier.WRONG_ISSUER, ShopperVerifier.WRONG_AUDIENCE))
                    .noneMatch(message -> message.contains("shop.example") || message.contains("firstcome"));
        }
    }

    @Nested
    class WithAJwksFile {

        @TempDir
        Path dir;

        private ShopperVerifier jwksVerifier() {
            Path file = ShopperTokens.writeJwks(dir.resolve("jwks.json"), List.of(rsa, ec));
            return verifier(new ShopperIdentityConfig(Optional.empty(), Optional.of(file), Optional.empty(), Optional.empty()));
        }

        @Test
        void verifiesRs256AndEs256TokensByKid() {
            ShopperVerifier verifier = jwksVerifier();

            assertThat(verifier.verifyToken(ShopperTokens.rs256(rsa, claims("alice").build())).shopper())
                    .map(s -> s.userId().value()).contains("alice");
            assertThat(verifier.verifyToken(ShopperTokens.es256(ec, claims("bob").build())).shopper())
                    .map(s -> s.userId().value()).contains("bob");
        }

        @Test
        void refusesHs256TokensEvenSignedWithThePublicKey() {
            ShopperVerifier verifier = jwksVerifier();
            assertRefused(verifier.verifyToken(hs256(claims("alice").build())), ShopperVerifier.INVALID_SIGNATURE);

            // The classic confusion: the RSA public key (as PEM-less DER, and as the JWKS text) used as an HMAC secret.
            for (byte[] secret : List.of(rsaPublicDer(), rsa.toPublicJWK().toJSONString().getBytes(StandardCharsets.UTF_8))) {
                String token = ShopperTokens.sign(new JWSHeader.Builder(JWSAlgorithm.HS256).keyID("rsa-1").build(),
                        claims("mallory").build(), ShopperTokens.macSigner(secret));
                assertRefused(verifier.verifyToken(token), ShopperVerifier.INVALID_SIGNATURE);
            }
        }

        @Test
        void refusesAnUnknownKidAndAKeyNotInTheFile() {
            ShopperVerifier verifier = jwksVerifier();
            RSAKey stranger = ShopperTokens.rsaKey("rsa-2");
            RSAKey impostor = ShopperTokens.rsaKey("rsa-1");

            assertRefused(verifier.verifyToken(ShopperTokens.rs256(stranger, claims("alice").build())), ShopperVerifier.INVALID_SIGNATURE);
            assertRefused(verifier.verifyToken(ShopperTokens.rs256(impostor, claims("alice").build())), ShopperVerifier.INVALID_SIGNATURE);
        }

        @Test
        void refusesAnRsaTokenThatNamesTheEcKey() {
            ShopperVerifier verifier = jwksVerifier();
            String token = ShopperTokens.sign(new JWSHeader.Builder(JWSAlgorithm.RS256).keyID("ec-1").build(), claims("alice").build(),
                    rsaSigner());
            assertRefused(verifier.verifyToken(token), ShopperVerifier.INVALID_SIGNATURE);
        }

        @Test
        void refusesAtStartAFileThatCannotBeUsed() throws Exception {
            Path garbage = Files.writeString(dir.resolve("garbage.json"), "{not json");
            Path empty = Files.writeString(dir.resolve("empty.json"), "{\"keys\":[]}");
            Path secretKeysOnly = Files.writeString(dir.resolve("oct.json"),
                    "{\"keys\":[{\"kty\":\"oct\",\"kid\":\"h\",\"k\":\"" + Base64URL.encode(ShopperTokens.SECRET) + "\"}]}");

            for (Path file : List.of(garbage, empty, secretKeysOnly)) {
                var config = new ShopperIdentityConfig(Optional.empty(), Optional.of(file), Optional.empty(), Optional.empty());
                assertThatThrownBy(() -> ShopperVerifier.create(config)).as(file.toString())
                        .isInstanceOf(IllegalArgumentException.class)
                        .hasMessageStartingWith("SHOPPER_JWT_JWKS must name a readable JWKS file of RSA or EC public keys, was '" + file + "'");
            }
        }

        private static byte[] rsaPublicDer() {
            try {
                return rsa.toRSAPublicKey().getEncoded();
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }

        private static com.nimbusds.jose.JWSSigner rsaSigner() {
            try {
                return new com.nimbusds.jose.crypto.RSASSASigner(rsa);
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }
    }
}
