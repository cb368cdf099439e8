package firstcome.ingress;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import firstcome.contract.StartupFailure;
import firstcome.ingress.identity.ShopperIdentityConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** How the ingress's start takes the shopper identity settings (docs/identities.md). */
class AppShopperIdentityTest {

    @TempDir
    Path dir;

    @Test
    void aJwksFileItCannotUseEndsTheStartWithOneLineNamingTheSetting() throws Exception {
        Path jwks = Files.writeString(dir.resolve("jwks.json"), "{\"keys\":[]}");
        IngressConfig config = ApiFixture.config(Map.of("SHOPPER_JWT_JWKS", jwks.toString()));

        assertThatThrownBy(() -> App.shopperVerifier(config, Clock.systemUTC()))
                .isInstanceOf(StartupFailure.class)
                .hasMessageContaining("SHOPPER_JWT_JWKS")
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n"));
    }

    @Test
    void offWithoutSettingsOnWithASecret() {
        assertThat(App.shopperVerifier(ApiFixture.config(Map.of()), Clock.systemUTC())).isEmpty();
        assertThat(App.shopperVerifier(ApiFixture.config(Map.of("SHOPPER_JWT_SECRET", ApiFixture.SHOPPER_SECRET)),
                Clock.systemUTC())).isPresent();
    }

    @Test
    void theStartsLineSaysWhichKindIsOnAndNeverTheSecret() throws Exception {
        var secret = ApiFixture.config(Map.of("SHOPPER_JWT_SECRET", ApiFixture.SHOPPER_SECRET, "SHOPPER_JWT_ISSUER", "https://shop"));
        Path jwks = Files.writeString(dir.resolve("keys.json"), "{\"keys\":[]}");

        assertThat(App.shopperIdentities(secret.shopperIdentity()))
                .startsWith("on, HS256 with SHOPPER_JWT_SECRET").contains("issuer https://shop")
                .doesNotContain(ApiFixture.SHOPPER_SECRET);
        assertThat(App.shopperIdentities(ApiFixture.config(Map.of()).shopperIdentity())).startsWith("off");
        assertThat(App.shopperIdentities(new ShopperIdentityConfig(Optional.empty(),
                Optional.of(jwks), Optional.empty(), Optional.empty())))
                .isEqualTo("on, RS256/ES256 with the JWKS file " + jwks);
    }
}
