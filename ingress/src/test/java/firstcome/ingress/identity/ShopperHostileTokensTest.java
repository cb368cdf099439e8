package firstcome.ingress.identity;

import static firstcome.ingress.identity.ShopperTokens.NOW;
import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.util.Base64URL;
import com.nimbusds.jwt.JWTClaimsSet;
import firstcome.contract.Ids;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Date;
import java.util.List;
import java.util.Optional;
import java.util.function.UnaryOperator;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Assume;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;

/**
 * Whatever a client sends as its token, in the header or the cookie, to a verifier of a shared
 * secret or of a JWKS file: a refusal, never an exception, never a shopper, unless it is a token the
 * shop's key signed with claims that hold.
 */
class ShopperHostileTokensTest {

    private static final String ISSUER = "https://shop.example";
    private static final String AUDIENCE = "firstcome";

    private static RSAKey rsa;
    private static ECKey ec;
    private static RSAKey stranger;
    private static Path dir;
    private static ShopperVerifier bySecret;
    private static ShopperVerifier byJwks;

    @BeforeContainer
    static void verifiers() throws Exception {
        rsa = ShopperTokens.rsaKey("rsa-1");
        ec = ShopperTokens.ecKey("ec-1");
        stranger = ShopperTokens.rsaKey("rsa-1");
        dir = Files.createTempDirectory("shopper-jwks");
        Path jwks = ShopperTokens.writeJwks(dir.resolve("jwks.json"), List.of(rsa, ec));
        SettableClock clock = new SettableClock(NOW);
        bySecret = ShopperVerifier.create(new ShopperIdentityConfig(Optional.of(ShopperTokens.SECRET), Optional.empty(),
                Optional.of(ISSUER), Optional.of(AUDIENCE)), clock).orElseThrow();
        byJwks = ShopperVerifier.create(new ShopperIdentityConfig(Optional.empty(), Optional.of(jwks),
                Optional.of(ISSUER), Optional.of(AUDIENCE)), clock).orElseThrow();
    }

    @AfterContainer
    static void removeTheJwks() throws Exception {
        Files.deleteIfExists(dir.resolve("jwks.json"));
        Files.deleteIfExists(dir);
    }

    @Property(tries = 1500)
    void everyHostileTokenIsRefused(@ForAll("hostileTokens") String token, @ForAll boolean asCookie) {
        for (ShopperVerifier verifier : List.of(bySecret, byJwks)) {
            ShopperVerification verification = asCookie ? verifier.verify(null, token) : verifier.verify("Bearer " + token, null);
            assertThat(verification).isInstanceOf(ShopperVerification.Refused.class);
            // One of the fixed sentences: nothing of the token, the keys or the expected claims is echoed.
            assertThat(((ShopperVerification.Refused) verification).message()).isIn(ShopperVerifier.NO_TOKEN,
                    ShopperVerifier.TOO_LONG, ShopperVerifier.MALFORMED, ShopperVerifier.INVALID_SIGNATURE, ShopperVerifier.EXPIRED,
                    ShopperVerifier.NOT_YET_VALID, ShopperVerifier.WRONG_ISSUER, ShopperVerifier.WRONG_AUDIENCE,
                    ShopperVerifier.MISSING_CLAIMS, ShopperVerifier.BAD_SUBJECT);
        }
    }

    @Property(tries = 500)
    void aMutatedTokenIsRefusedUnlessItStillCarriesTheSameBytes(@ForAll("signedTokens") String token,
            @ForAll("positions") double where, @ForAll("tokenChars") char replacement) {
        int at = (int) (where * token.length());
        String mutated = token.substring(0, at) + replacement + token.substring(at + 1);
        Assume.that(!mutated.equals(token));

        for (ShopperVerifier verifier : List.of(bySecret, byJwks)) {
            ShopperVerification verification = verifier.verifyToken(mutated);
            if (verification instanceof ShopperVerification.Verified) {
                // Only a change in a segment's unused trailing bits can leave the signed bytes as they were.
                assertThat(decoded(mutated)).as(mutated).isEqualTo(decoded(token));
            }
        }
    }

    @Provide
    Arbitrary<String> hostileTokens() {
        return Arbitraries.oneOf(List.of(
                randomText(),
                randomSegments(),
                truncated(),
                swappedSignatures(),
                algNone(),
                hmacWithThePublicKey(),
                signedBy(Arbitraries.just(0).map(any -> (UnaryOperator<JWTClaimsSet.Builder>) c -> c),
                        Arbitraries.of(Signer.STRANGER, Signer.OTHER_SECRET)),
                signedByTheShop(Arbitraries.longs().between(31, 10_000_000)
                        .map(ago -> c -> c.expirationTime(Date.from(NOW.minusSeconds(ago))))),
                signedByTheShop(Arbitraries.longs().between(31, 10_000_000)
                        .map(ahead -> c -> c.notBeforeTime(Date.from(NOW.plusSeconds(ahead))))),
                signedByTheShop(Arbitraries.strings().ofMaxLength(40).filter(iss -> !iss.equals(ISSUER))
                        .map(iss -> c -> c.issuer(iss.isEmpty() ? null : iss))),
                signedByTheShop(Arbitraries.strings().ofMaxLength(40).filter(aud -> !aud.equals(AUDIENCE))
                        .map(aud -> c -> c.audience(aud.isEmpty() ? null : aud))),
                signedByTheShop(Arbitraries.integers().between(8 * 1024, 20_000)
                        .map(size -> c -> c.claim("pad", "p".repeat(size)))),
                signedByTheShop(Arbitraries.just(0).map(any -> c -> c.subject(null))),
                signedByTheShop(Arbitraries.just(0).map(any -> c -> c.expirationTime(null))),
                signedByTheShop(Arbitraries.strings().ofMaxLength(80).filter(sub -> !Ids.isValid(sub))
                        .map(sub -> c -> c.subject(sub)))));
    }

    @Provide
    Arbitrary<String> signedTokens() {
        return signedByTheShop(Arbitraries.strings().alpha().numeric().ofMinLength(1).ofMaxLength(20)
                .map(sub -> c -> c.subject(sub)));
    }

    @Provide
    Arbitrary<Double> positions() {
        return Arbitraries.doubles().between(0, 1).filter(d -> d < 1);
    }

    @Provide
    Arbitrary<Character> tokenChars() {
        return Arbitraries.oneOf(List.of(Arbitraries.chars().with("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.".toCharArray()),
                Arbitraries.chars().all()));
    }

    private Arbitrary<String> randomText() {
        return Arbitraries.oneOf(List.of(
                Arbitraries.strings().all().ofMaxLength(300),
                Arbitraries.strings().withChars("ABCabcxyz0123456789-_.=+/ ").ofMaxLength(600),
                Arbitraries.bytes().array(byte[].class).ofMaxSize(600).map(bytes -> new String(bytes, StandardCharsets.ISO_8859_1))));
    }

    private Arbitrary<String> randomSegments() {
        Arbitrary<String> json = Arbitraries.of("{\"alg\":\"HS256\"}", "{\"alg\":\"RS256\",\"kid\":\"rsa-1\"}",
                "{\"alg\":\"ES256\",\"kid\":\"ec-1\"}", "{}", "[]", "null", "{\"alg\":null}", "{\"alg\":\"HS256\",\"crit\":[\"x\"],\"x\":1}",
                "{\"alg\":\"HS256\",\"jwk\":{}}", "{\"sub\":\"alice\",\"exp\":99999999999}", "{\"sub\":[\"alice\"],\"exp\":\"x\"}",
                "{\"alg\":\"RS256\",\"kid\":{\"a\":1}}", "\"str\"", "1e999");
        Arbitrary<String> segment = Arbitraries.oneOf(List.of(
                json.map(text -> Base64URL.encode(text).toString()),
                Arbitraries.bytes().array(byte[].class).ofMaxSize(300).map(bytes -> Base64URL.encode(bytes).toString())));
        return Combinators.combine(segment, segment, segment, Arbitraries.integers().between(1, 6))
                .as((a, b, c, parts) -> String.join(".", Arrays.asList(a, b, c, a, b, c).subList(0, parts)));
    }

    private Arbitrary<String> truncated() {
        return Combinators.combine(signedTokens(), Arbitraries.doubles().between(0, 1).filter(d -> d < 1))
                .as((token, where) -> token.substring(0, (int) (where * token.length())));
    }

    private Arbitrary<String> swappedSignatures() {
        return Combinators.combine(Arbitraries.of(Signer.values()), Arbitraries.of(Signer.values()))
                .as((first, second) -> {
                    String alice = first.sign(claims().subject("alice").build());
                    String mallory = second.sign(claims().subject("mallory").build());
                    return alice.substring(0, alice.lastIndexOf('.')) + mallory.substring(mallory.lastIndexOf('.'));
                });
    }

    private Arbitrary<String> algNone() {
        return Combinators.combine(Arbitraries.of("none", "None", "NONE", "nOnE", ""),
                        Arbitraries.of("", "AAAA", "x"), Arbitraries.of(Signer.HS, Signer.RS))
                .as((alg, signature, signer) -> {
                    String valid = signer.sign(claims().build());
                    String payload = valid.split("\\.")[1];
                    return Base64URL.encode("{\"alg\":\"" + alg + "\"}") + "." + payload + "." + signature;
                });
    }

    private Arbitrary<String> hmacWithThePublicKey() {
        return Arbitraries.of("rsa-1", "ec-1").map(kid -> {
            byte[] secret;
            try {
                secret = kid.equals("rsa-1") ? rsa.toRSAPublicKey().getEncoded() : ec.toECPublicKey().getEncoded();
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
            return ShopperTokens.sign(new JWSHeader.Builder(JWSAlgorithm.HS256).keyID(kid).build(), claims().build(),
                    ShopperTokens.macSigner(secret));
        });
    }

    private Arbitrary<String> signedByTheShop(Arbitrary<UnaryOperator<JWTClaimsSet.Builder>> changes) {
        return signedBy(changes, Arbitraries.of(Signer.HS, Signer.RS, Signer.ES));
    }

    private Arbitrary<String> signedBy(Arbitrary<UnaryOperator<JWTClaimsSet.Builder>> changes, Arbitrary<Signer> signers) {
        return Combinators.combine(changes, signers).as((change, signer) -> signer.sign(change.apply(claims()).build()));
    }

    /** Claims that hold at {@link ShopperTokens#NOW} for the verifiers here. */
    private static JWTClaimsSet.Builder claims() {
        return ShopperTokens.claims("alice").issuer(ISSUER).audience(AUDIENCE);
    }

    private static List<String> decoded(String token) {
        return Arrays.stream(token.split("\\.", -1))
                .map(part -> Arrays.toString(new Base64URL(part).decode())).toList();
    }

    private enum Signer {
        HS, RS, ES, STRANGER, OTHER_SECRET;

        String sign(JWTClaimsSet claims) {
            return switch (this) {
                case HS -> ShopperTokens.hs256(claims);
                case RS -> ShopperTokens.rs256(rsa, claims);
                case ES -> ShopperTokens.es256(ec, claims);
                case STRANGER -> ShopperTokens.rs256(stranger, claims);
                case OTHER_SECRET -> ShopperTokens.hs256("not-the-shop-secret-but-32-bytes-long", claims);
            };
        }
    }
}
