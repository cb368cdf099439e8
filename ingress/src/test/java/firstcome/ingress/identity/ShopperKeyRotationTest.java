package firstcome.ingress.identity;

import static firstcome.ingress.identity.ShopperTokens.claims;
import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.RSAKey;
import firstcome.ingress.CapturedLogs;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The shop rotates its keys by rewriting the JWKS file: the ingress picks the change up at its next
 * look at the file (at most once a second, by the injected clock), without a restart, and a broken
 * version of the file never costs the keys in use.
 */
class ShopperKeyRotationTest {

    @TempDir
    Path dir;

    private final SettableClock clock = new SettableClock(ShopperTokens.NOW);
    private final RSAKey oldKey = ShopperTokens.rsaKey("2026-10");
    private final ECKey newKey = ShopperTokens.ecKey("2026-11");
    private Path jwks;
    private ShopperVerifier verifier;
    private String oldToken;
    private String newToken;

    @BeforeEach
    void bothKeysPublished() {
        jwks = ShopperTokens.writeJwks(dir.resolve("jwks.json"), List.of(oldKey, newKey));
        verifier = ShopperVerifier.create(new ShopperIdentityConfig(Optional.empty(), Optional.of(jwks), Optional.empty(),
                Optional.empty()), clock).orElseThrow();
        oldToken = ShopperTokens.rs256(oldKey, claims("alice").expirationTime(java.util.Date.from(ShopperTokens.NOW.plusSeconds(86_400))).build());
        newToken = ShopperTokens.es256(newKey, claims("bob").expirationTime(java.util.Date.from(ShopperTokens.NOW.plusSeconds(86_400))).build());
    }

    @Test
    void refusesTheRetiredKeysTokensOnceTheFileIsReRead() throws Exception {
        assertVerified(oldToken, "alice");
        assertVerified(newToken, "bob");

        rewrite(List.of(newKey));
        // Looked at no more than once a second: until then the keys read last stay in use.
        clock.advance(Duration.ofMillis(999));
        assertVerified(oldToken, "alice");

        clock.advance(Duration.ofMillis(1));
        assertRefused(oldToken);
        assertVerified(newToken, "bob");
    }

    @Test
    void takesANewKeyAddedToTheFile() throws Exception {
        RSAKey next = ShopperTokens.rsaKey("2026-12");
        String nextToken = ShopperTokens.rs256(next, claims("carol").build());
        assertRefused(nextToken);

        rewrite(List.of(newKey, next));
        clock.advance(JwksFile.CHECK_EVERY);

        assertVerified(nextToken, "carol");
        assertVerified(newToken, "bob");
        assertRefused(oldToken);
    }

    @Test
    void keepsTheLastGoodKeysWhenTheFileBreaksAndWarnsOnce() throws Exception {
        try (CapturedLogs logs = new CapturedLogs()) {
            Files.writeString(jwks, "{\"keys\": [ half a file");
            Files.setLastModifiedTime(jwks, FileTime.from(ShopperTokens.NOW.plusSeconds(10)));
            for (int second = 0; second < 5; second++) {
                clock.advance(JwksFile.CHECK_EVERY);
                assertVerified(oldToken, "alice");
                assertVerified(newToken, "bob");
            }
            assertThat(logs.lines()).filteredOn(line -> line.contains("the keys read before stay in use")).hasSize(1);

            Files.delete(jwks);
            clock.advance(JwksFile.CHECK_EVERY);
            assertVerified(newToken, "bob");
            clock.advance(JwksFile.CHECK_EVERY);
            assertThat(logs.lines()).filteredOn(line -> line.contains("the keys read before stay in use")).hasSize(2);

            // Fixed: the file's keys count again.
            rewrite(List.of(newKey));
            clock.advance(JwksFile.CHECK_EVERY);
            assertRefused(oldToken);
            assertVerified(newToken, "bob");
            assertThat(logs.lines()).noneMatch(line -> line.contains(oldToken) || line.contains(newToken));
        }
    }

    private void rewrite(List<? extends com.nimbusds.jose.jwk.JWK> keys) throws Exception {
        ShopperTokens.writeJwks(jwks, keys);
        // A modification time of its own, even on a file system with coarse timestamps.
        Files.setLastModifiedTime(jwks, FileTime.from(clock.instant().plusSeconds(3600)));
    }

    private void assertVerified(String token, String userId) {
        assertThat(verifier.verifyToken(token).shopper()).as(userId).map(s -> s.userId().value()).contains(userId);
    }

    private void assertRefused(String token) {
        assertThat(verifier.verifyToken(token)).isEqualTo(new ShopperVerification.Refused(ShopperVerifier.INVALID_SIGNATURE));
    }
}
