package firstcome.ingress.identity;

import static org.assertj.core.api.Assertions.assertThat;

import firstcome.ingress.CapturedLogs;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Optional;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.Size;

/**
 * docs/identities.md: a secret shorter than 32 bytes is zero-padded to 32 for the library, and that
 * verifies exactly as the short key does, because HMAC-SHA256 pads every key shorter than its 64-byte
 * block with zero bytes (RFC 2104 §2). Proven with the JDK's own {@code Mac}, no JOSE library involved.
 */
class ShopperSecretPaddingTest {

    @Property(tries = 200)
    void hmacSha256OfAShortKeyEqualsThatOfTheKeyZeroPadded(@ForAll @Size(min = 1, max = 31) byte[] key,
            @ForAll @Size(max = 200) byte[] data) {
        byte[] direct = ShopperTokens.hmacSha256(key, data);

        assertThat(ShopperTokens.hmacSha256(ShopperVerifier.hmacKey(key), data)).isEqualTo(direct);
        assertThat(ShopperTokens.hmacSha256(Arrays.copyOf(key, 64), data)).isEqualTo(direct);
        assertThat(ShopperVerifier.hmacKey(key)).hasSize(32).startsWith(key);
    }

    @Property(tries = 20)
    void keepsASecretOfThirtyTwoBytesOrMoreAsItIs(@ForAll @Size(min = 32, max = 100) byte[] key) {
        assertThat(ShopperVerifier.hmacKey(key)).isEqualTo(key);
    }

    @Property(tries = 50)
    void aTokenSignedWithTheUnpaddedShortSecretVerifies(@ForAll @Size(min = 1, max = 31) byte[] rawSecret) {
        // A secret as an environment variable is text: take printable ASCII of the random length.
        byte[] ascii = new byte[rawSecret.length];
        for (int i = 0; i < rawSecret.length; i++) {
            ascii[i] = (byte) ('!' + Math.floorMod(rawSecret[i], 94));
        }
        String secret = new String(ascii, StandardCharsets.US_ASCII);
        ShopperVerifier verifier = ShopperVerifier.create(new ShopperIdentityConfig(Optional.of(secret), Optional.empty(),
                Optional.empty(), Optional.empty()), new SettableClock(ShopperTokens.NOW)).orElseThrow();

        String token = ShopperTokens.hs256WithJdkMac(ascii, "{\"alg\":\"HS256\",\"typ\":\"JWT\"}",
                "{\"sub\":\"alice\",\"exp\":" + ShopperTokens.NOW.plusSeconds(60).getEpochSecond() + "}");

        assertThat(verifier.verifyToken(token).shopper()).map(s -> s.userId().value()).contains("alice");
    }

    @Property(tries = 1)
    void theLocalSecretIsAcceptedWithOneWarningThatNeverShowsIt() {
        ShopperIdentityConfig config = new ShopperIdentityConfig(Optional.of("local-shopper-secret"), Optional.empty(),
                Optional.empty(), Optional.empty());
        try (CapturedLogs logs = new CapturedLogs()) {
            ShopperVerifier verifier = ShopperVerifier.create(config, new SettableClock(ShopperTokens.NOW)).orElseThrow();
            String token = ShopperTokens.hs256WithJdkMac("local-shopper-secret".getBytes(StandardCharsets.UTF_8),
                    "{\"alg\":\"HS256\"}", "{\"sub\":\"alice\",\"exp\":" + ShopperTokens.NOW.plusSeconds(60).getEpochSecond() + "}");

            assertThat(verifier.verifyToken(token).shopper()).isPresent();
            assertThat(logs.lines()).filteredOn(line -> line.contains("SHOPPER_JWT_SECRET is shorter than 32 bytes")).hasSize(1);
            assertThat(logs.lines()).noneMatch(line -> line.contains("local-shopper-secret") || line.contains(token));
        }
        assertThat(config.shortSecret()).isTrue();
        assertThat(config.toString()).doesNotContain("local-shopper-secret").contains("shorter than 32 bytes");
    }
}
