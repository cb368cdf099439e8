package firstcome.ops;

import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jwt.SignedJWT;
import firstcome.ingress.identity.ShopperIdentityConfig;
import firstcome.ingress.identity.ShopperVerification;
import firstcome.ingress.identity.ShopperVerifier;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The token command's tokens, checked by the ingress's own verifier as the routes use it. */
class TokenTest {

    private record Result(int status, String out, String err) {
    }

    private static Result token(Map<String, String> env, String... args) {
        var out = new ByteArrayOutputStream();
        var err = new ByteArrayOutputStream();
        int status = Token.run(env, args, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Result(status, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    private static ShopperVerifier verifier(String secret, String issuer, String audience) {
        return ShopperVerifier.create(new ShopperIdentityConfig(Optional.of(secret), Optional.empty(),
                Optional.ofNullable(issuer), Optional.ofNullable(audience))).orElseThrow();
    }

    @Test
    void theLocalSecretsTokenIsAcceptedByTheIngressAsTheUserWithTheClaims() throws Exception {
        Result result = token(Map.of(), "--user", "alice", "--claims", "{\"tier\":\"gold\",\"groups\":[\"vip\",\"staff\"]}");

        assertThat(result.status()).isZero();
        assertThat(result.err()).isEmpty();
        String jwt = result.out().strip();
        assertThat(result.out()).isEqualTo(jwt + System.lineSeparator());
        ShopperVerification verdict = verifier("local-shopper-secret", null, null).verifyToken(jwt);
        assertThat(verdict).isInstanceOf(ShopperVerification.Verified.class);
        var verified = (ShopperVerification.Verified) verdict;
        assertThat(verified.userId().value()).isEqualTo("alice");
        assertThat(verified.customClaims()).containsEntry("tier", "gold").containsEntry("groups", List.of("vip", "staff"));

        var claims = SignedJWT.parse(jwt).getJWTClaimsSet();
        assertThat(Duration.between(claims.getIssueTime().toInstant(), claims.getExpirationTime().toInstant()))
                .isEqualTo(Duration.ofHours(1));
        assertThat(claims.getIssuer()).isNull();
        assertThat(claims.getAudience()).isEmpty();
    }

    @Test
    void anotherSecretsVerifierRefusesIt() {
        String jwt = token(Map.of(), "--user", "alice").out().strip();

        assertThat(verifier("another-shopper-secret", null, null).verifyToken(jwt))
                .isInstanceOf(ShopperVerification.Refused.class);
    }

    @Test
    void theSecretIssuerAndAudienceComeFromTheEnvironment() {
        String secret = "a-long-random-secret-of-more-than-32-bytes";
        Map<String, String> env = Map.of("SHOPPER_JWT_SECRET", secret, "SHOPPER_JWT_ISSUER", "https://shop.example",
                "SHOPPER_JWT_AUDIENCE", "firstcome");
        String jwt = token(env, "--user", "bob").out().strip();

        var verdict = verifier(secret, "https://shop.example", "firstcome").verifyToken(jwt);
        assertThat(verdict).isInstanceOf(ShopperVerification.Verified.class);
        assertThat(((ShopperVerification.Verified) verdict).userId().value()).isEqualTo("bob");
        assertThat(verifier(secret, "https://other.example", "firstcome").verifyToken(jwt))
                .as("an ingress pinned to another issuer").isInstanceOf(ShopperVerification.Refused.class);
        assertThat(verifier("local-shopper-secret", null, null).verifyToken(jwt))
                .as("signed with the environment's secret, not the local one").isInstanceOf(ShopperVerification.Refused.class);
    }

    @Test
    void badClaimsAMissingOrInvalidUserAndReservedClaimsAreOneLineAndExitTwo() {
        assertOneLineRefusal(token(Map.of(), "--user", "alice", "--claims", "{tier:gold"), "CLAIMS is not valid JSON");
        assertOneLineRefusal(token(Map.of(), "--user", "alice", "--claims", "[\"gold\"]"), "CLAIMS must be a JSON object");
        assertOneLineRefusal(token(Map.of(), "--user", "alice", "--claims", "{\"sub\":\"mallory\"}"), "CLAIMS may not set 'sub'");
        assertOneLineRefusal(token(Map.of()), "USER is missing");
        assertOneLineRefusal(token(Map.of(), "--user", " "), "USER is missing");
        assertOneLineRefusal(token(Map.of(), "--user", "not valid!"), "USER must be");
        assertOneLineRefusal(token(Map.of(), "--user", "alice", "--lifetime", "5"), "unknown option '--lifetime'");
    }

    @Test
    void helpSaysHowToUseIt() {
        Result result = token(Map.of(), "--help");

        assertThat(result.status()).isZero();
        assertThat(result.out()).contains("usage: token --user ID [--claims JSON]", "SHOPPER_JWT_SECRET", "firstcome_token");
    }

    private static void assertOneLineRefusal(Result result, String starting) {
        assertThat(result.status()).isEqualTo(2);
        assertThat(result.out()).isEmpty();
        assertThat(result.err()).startsWith("token: " + starting);
        assertThat(result.err().strip().lines()).hasSize(1);
    }
}
