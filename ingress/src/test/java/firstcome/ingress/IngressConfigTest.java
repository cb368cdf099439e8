package firstcome.ingress;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import firstcome.contract.RedisAddress;
import firstcome.ingress.identity.ShopperIdentityConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import org.eclipse.jetty.server.ServerConnector;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class IngressConfigTest {

    @Test
    void usesTheContractDefaultsWhenNothingIsSet() {
        IngressConfig config = IngressConfig.fromEnv(Map.of());

        assertThat(config.bootstrapServers()).isEqualTo("localhost:9092");
        assertThat(config.redis()).isEqualTo(RedisAddress.parse("redis://localhost:6379", false));
        assertThat(config.adminToken()).isEmpty();
        assertThat(config.port()).isEqualTo(8080);
        assertThat(config.redisTimeout()).isEqualTo(Duration.ofMillis(500));
        assertThat(config.deliveryTimeout()).isEqualTo(Duration.ofSeconds(3));
        assertThat(config.maxBlock()).isEqualTo(Duration.ofMillis(250));
        assertThat(config.soldOutShortcut()).isTrue();
        assertThat(config.soldOutRecheck()).isEqualTo(Duration.ofMillis(250));
        assertThat(config.soldOutShortcutMaxUsers()).isEqualTo(500_000);
        assertThat(config.eventRetention()).isEqualTo(Duration.ofDays(7));
    }

    @Test
    void boundsTheGracefulStopByTheDrainAndTheLongestSendByDefault() {
        IngressConfig config = IngressConfig.fromEnv(Map.of());

        assertThat(config.shutdownDrain()).isEqualTo(Duration.ofSeconds(5));
        // drain 5 s + delivery timeout 3 s + max block 0.25 s + 2 s
        assertThat(config.shutdownTimeout()).isEqualTo(Duration.ofMillis(10_250));
        assertThat(IngressConfig.fromEnv(Map.of("INGRESS_SHUTDOWN_DRAIN_MS", "0", "INGRESS_SHUTDOWN_TIMEOUT_MS", "8000"))
                .shutdownTimeout()).isEqualTo(Duration.ofSeconds(8));
    }

    @Test
    void refusesAStopBoundThatWouldCutApplicationsInFlight() {
        assertThatThrownBy(() -> IngressConfig.fromEnv(Map.of("INGRESS_SHUTDOWN_TIMEOUT_MS", "6000")))
                .hasMessage("INGRESS_SHUTDOWN_TIMEOUT_MS must be at least 9250 (INGRESS_SHUTDOWN_DRAIN_MS"
                        + " + INGRESS_KAFKA_DELIVERY_TIMEOUT_MS + INGRESS_KAFKA_MAX_BLOCK_MS + 1 s, so that applications"
                        + " in flight are answered), was 6000");
        assertThatThrownBy(() -> IngressConfig.fromEnv(Map.of("INGRESS_SHUTDOWN_DRAIN_MS", "-1")))
                .hasMessageContaining("INGRESS_SHUTDOWN_DRAIN_MS must be 0 or more");
    }

    @Test
    void readsTheRetentionAndTheShortcutsOverallCap() {
        IngressConfig config = IngressConfig.fromEnv(Map.of("EVENT_RETENTION", "PT2M",
                "INGRESS_SOLD_OUT_SHORTCUT_MAX_USERS", "1000"));

        assertThat(config.eventRetention()).isEqualTo(Duration.ofMinutes(2));
        assertThat(config.soldOutShortcutMaxUsers()).isEqualTo(1000);
        assertThat(config.toString()).contains("eventRetention=PT2M", "soldOutShortcutMaxUsers=1000");
        assertThatThrownBy(() -> IngressConfig.fromEnv(Map.of("EVENT_RETENTION", "PT5S")))
                .hasMessageStartingWith("EVENT_RETENTION must be at least PT1M");
        assertThatThrownBy(() -> IngressConfig.fromEnv(Map.of("EVENT_RETENTION", "a week")))
                .hasMessageContaining("EVENT_RETENTION").hasMessageContaining("a week");
        assertThatThrownBy(() -> IngressConfig.fromEnv(Map.of("EVENT_RETENTION", "-PT1S")))
                .hasMessageContaining("EVENT_RETENTION");
        assertThatThrownBy(() -> IngressConfig.fromEnv(Map.of("INGRESS_SOLD_OUT_SHORTCUT_MAX_USERS", "-1")))
                .hasMessageContaining("INGRESS_SOLD_OUT_SHORTCUT_MAX_USERS");
    }

    @Test
    void refusesARetentionShorterThanTheRepublicationHorizon() {
        // defaults: reconcile after 5.25 s, x 16, + half a sweep period (2.625 s) + 3 s delivery timeout + 0.25 s max block = 89.875 s
        assertThatThrownBy(() -> IngressConfig.fromEnv(Map.of("EVENT_RETENTION", "PT1M")))
                .hasMessage("EVENT_RETENTION (PT1M) must be at least the ingress's republication horizon, 89875 ms"
                        + " (INGRESS_RECONCILE_AFTER_MS 5250 x 16 + half of it + INGRESS_KAFKA_DELIVERY_TIMEOUT_MS + INGRESS_KAFKA_MAX_BLOCK_MS):"
                        + " raise EVENT_RETENTION, or lower INGRESS_RECONCILE_AFTER_MS (and the delivery timeout it must exceed)");
        assertThat(IngressConfig.fromEnv(Map.of("EVENT_RETENTION", "PT89.875S")).eventRetention())
                .isEqualTo(Duration.ofMillis(89_875));

        // a one-minute retention with a shorter republication: 2.5 s x 16 + 1 s + 0.25 s = 41.25 s
        IngressConfig config = IngressConfig.fromEnv(Map.of("EVENT_RETENTION", "PT1M",
                "INGRESS_RECONCILE_AFTER_MS", "2500", "INGRESS_KAFKA_DELIVERY_TIMEOUT_MS", "1000"));
        assertThat(config.eventRetention()).isEqualTo(Duration.ofMinutes(1));
        assertThat(config.reconcileAfter()).isEqualTo(Duration.ofMillis(2500));
    }

    @Test
    void readsEverySetting() {
        IngressConfig config = IngressConfig.fromEnv(Map.ofEntries(
                Map.entry("KAFKA_BOOTSTRAP_SERVERS", "k1:9092,k2:9092"),
                Map.entry("REDIS_URL", "redis://:pw@cache:6380/2"),
                Map.entry("ADMIN_TOKEN", "tok"),
                Map.entry("INGRESS_PORT", "9000"),
                Map.entry("INGRESS_REDIS_TIMEOUT_MS", "200"),
                Map.entry("INGRESS_REDIS_POOL_SIZE", "8"),
                Map.entry("INGRESS_KAFKA_DELIVERY_TIMEOUT_MS", "5000"),
                Map.entry("INGRESS_KAFKA_MAX_BLOCK_MS", "100"),
                Map.entry("INGRESS_KAFKA_BUFFER_BYTES", "1048576"),
                Map.entry("INGRESS_KAFKA_LINGER_MS", "0"),
                Map.entry("INGRESS_SOLD_OUT_SHORTCUT", "off"),
                Map.entry("INGRESS_SOLD_OUT_RECHECK_MS", "100"),
                Map.entry("INGRESS_SOLD_OUT_SNAPSHOT_MAX", "10")));

        assertThat(config.bootstrapServers()).isEqualTo("k1:9092,k2:9092");
        assertThat(config.redis().first().port()).isEqualTo(6380);
        assertThat(config.redis().database()).isEqualTo(2);
        assertThat(config.redis().cluster()).isFalse();
        assertThat(config.adminToken()).contains("tok");
        assertThat(config.port()).isEqualTo(9000);
        assertThat(config.redisTimeout()).isEqualTo(Duration.ofMillis(200));
        assertThat(config.redisPoolSize()).isEqualTo(8);
        assertThat(config.deliveryTimeout()).isEqualTo(Duration.ofSeconds(5));
        assertThat(config.maxBlock()).isEqualTo(Duration.ofMillis(100));
        assertThat(config.bufferBytes()).isEqualTo(1_048_576);
        assertThat(config.lingerMs()).isZero();
        assertThat(config.soldOutShortcut()).isFalse();
        assertThat(config.soldOutRecheck()).isEqualTo(Duration.ofMillis(100));
        assertThat(config.soldOutSnapshotMax()).isEqualTo(10);
    }

    @Test
    void takesTheSeedNodesOfARedisClusterWhenRedisClusterIsSet() {
        IngressConfig config = IngressConfig.fromEnv(Map.of(
                "REDIS_URL", "redis://:pw@h1:7000,h2:7001,h3:7002", "REDIS_CLUSTER", "true"));

        assertThat(config.redis().cluster()).isTrue();
        assertThat(config.redis().nodes()).extracting(RedisAddress.Node::port).containsExactly(7000, 7001, 7002);
        assertThat(config.toString()).contains("redis://h1:7000,h2:7001,h3:7002 (cluster)").doesNotContain("pw");
        assertThatThrownBy(() -> IngressConfig.fromEnv(Map.of("REDIS_URL", "redis://h1:7000,h2:7001")))
                .hasMessageContaining("set REDIS_CLUSTER=true");
        assertThatThrownBy(() -> IngressConfig.fromEnv(Map.of("REDIS_CLUSTER", "sometimes")))
                .hasMessage("REDIS_CLUSTER must be true or false, was 'sometimes'");
    }

    @Test
    void readsTheShopTokenAndTheActionTimeout() {
        IngressConfig defaults = IngressConfig.fromEnv(Map.of());
        IngressConfig set = IngressConfig.fromEnv(Map.of("SHOP_TOKEN", "shop-secret", "INGRESS_ACTION_TIMEOUT_MS", "750"));

        assertThat(defaults.shopToken()).isEmpty();
        assertThat(defaults.actionTimeout()).isEqualTo(Duration.ofSeconds(3));
        assertThat(set.shopToken()).contains("shop-secret");
        assertThat(set.actionTimeout()).isEqualTo(Duration.ofMillis(750));
        assertThat(set.toString()).doesNotContain("shop-secret").contains("shopToken=(set)", "actionTimeout=750ms");
        assertThat(IngressConfig.fromEnv(Map.of("SHOP_TOKEN", " ")).shopToken()).isEmpty();
        for (String bad : new String[] {"0", "-5", "60001", "soon"}) {
            assertThatThrownBy(() -> IngressConfig.fromEnv(Map.of("INGRESS_ACTION_TIMEOUT_MS", bad)))
                    .as(bad).hasMessageContaining("INGRESS_ACTION_TIMEOUT_MS");
        }
    }

    @Test
    void leavesShopperIdentitiesOffUnlessASecretOrAJwksFileIsSet() {
        IngressConfig config = IngressConfig.fromEnv(Map.of("SHOPPER_JWT_SECRET", "  "));

        assertThat(config.shopperIdentity()).isEqualTo(ShopperIdentityConfig.OFF);
        assertThat(config.shopperIdentity().enabled()).isFalse();
        assertThat(config.toString()).contains("shopperIdentity=(off");
    }

    @Test
    void readsTheShopperSecretIssuerAndAudienceAndNeverShowsTheSecret() {
        IngressConfig config = IngressConfig.fromEnv(Map.of("SHOPPER_JWT_SECRET", "a-shop-secret-of-more-than-32-bytes!",
                "SHOPPER_JWT_ISSUER", "https://shop.example", "SHOPPER_JWT_AUDIENCE", "firstcome"));

        assertThat(config.shopperIdentity().secret()).contains("a-shop-secret-of-more-than-32-bytes!");
        assertThat(config.shopperIdentity().issuer()).contains("https://shop.example");
        assertThat(config.shopperIdentity().audience()).contains("firstcome");
        assertThat(config.shopperIdentity().enabled()).isTrue();
        assertThat(config.shopperIdentity().shortSecret()).isFalse();
        assertThat(config.toString()).doesNotContain("a-shop-secret")
                .contains("shopperIdentity=HS256 with SHOPPER_JWT_SECRET (set), issuer=https://shop.example, audience=firstcome");
    }

    @Test
    void acceptsAShortShopperSecretAndSaysSoWithoutShowingIt() {
        IngressConfig config = IngressConfig.fromEnv(Map.of("SHOPPER_JWT_SECRET", "local-shopper-secret"));

        assertThat(config.shopperIdentity().shortSecret()).isTrue();
        assertThat(config.toString()).doesNotContain("local-shopper-secret").contains("(set, shorter than 32 bytes)");
    }

    @Test
    void readsTheShopperJwksFile(@TempDir Path dir) throws Exception {
        Path jwks = Files.writeString(dir.resolve("jwks.json"), "{\"keys\":[]}");

        IngressConfig config = IngressConfig.fromEnv(Map.of("SHOPPER_JWT_JWKS", jwks.toString()));

        assertThat(config.shopperIdentity().jwks()).contains(jwks);
        assertThat(config.shopperIdentity().secret()).isEmpty();
        assertThat(config.toString()).contains("shopperIdentity=RS256/ES256 with the keys of " + jwks);
    }

    @Test
    void refusesShopperSettingsThatCannotWork(@TempDir Path dir) throws Exception {
        Path jwks = Files.writeString(dir.resolve("jwks.json"), "{\"keys\":[]}");

        assertThatThrownBy(() -> IngressConfig.fromEnv(Map.of("SHOPPER_JWT_SECRET", "s3cret-value", "SHOPPER_JWT_JWKS", jwks.toString())))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("SHOPPER_JWT_SECRET and SHOPPER_JWT_JWKS are both set: set one of them"
                        + " (a shared HS256 secret, or a JWKS file of RS256 / ES256 public keys)")
                .message().doesNotContain("s3cret-value");
        assertThatThrownBy(() -> IngressConfig.fromEnv(Map.of("SHOPPER_JWT_JWKS", dir.resolve("missing.json").toString())))
                .hasMessage("SHOPPER_JWT_JWKS must name a readable JWKS file, was '" + dir.resolve("missing.json") + "'");
        assertThatThrownBy(() -> IngressConfig.fromEnv(Map.of("SHOPPER_JWT_JWKS", dir.toString())))
                .hasMessageStartingWith("SHOPPER_JWT_JWKS must name a readable JWKS file");
        assertThatThrownBy(() -> IngressConfig.fromEnv(Map.of("SHOPPER_JWT_ISSUER", "https://shop.example")))
                .hasMessageStartingWith("SHOPPER_JWT_ISSUER is set but shopper identities are off");
        assertThatThrownBy(() -> IngressConfig.fromEnv(Map.of("SHOPPER_JWT_AUDIENCE", "firstcome")))
                .hasMessageStartingWith("SHOPPER_JWT_AUDIENCE is set but shopper identities are off");
        assertThat(new ShopperIdentityConfig(null, null, null, null)).isEqualTo(ShopperIdentityConfig.OFF);
        assertThat(new ShopperIdentityConfig(Optional.of("x"), Optional.empty(), Optional.of(" "), Optional.empty()).issuer()).isEmpty();
    }

    @Test
    void treatsABlankTokenAsUnset() {
        assertThat(IngressConfig.fromEnv(Map.of("ADMIN_TOKEN", "  ")).adminToken()).isEmpty();
    }

    @Test
    void neverShowsTheTokenOrTheRedisPassword() {
        IngressConfig config = IngressConfig.fromEnv(Map.of("ADMIN_TOKEN", "super-secret", "REDIS_URL", "redis://:hunter2@cache:6379"));

        assertThat(config.toString()).doesNotContain("super-secret").doesNotContain("hunter2").contains("cache:6379");
    }

    @Test
    void refusesSettingsThatCannotWork() {
        assertThatThrownBy(() -> IngressConfig.fromEnv(Map.of("INGRESS_PORT", "eighty")))
                .hasMessageContaining("INGRESS_PORT");
        assertThatThrownBy(() -> IngressConfig.fromEnv(Map.of("INGRESS_PORT", "70000")))
                .hasMessageContaining("INGRESS_PORT");
        assertThatThrownBy(() -> IngressConfig.fromEnv(Map.of("REDIS_URL", "localhost:6379")))
                .hasMessageContaining("REDIS_URL");
        assertThatThrownBy(() -> IngressConfig.fromEnv(Map.of("INGRESS_KAFKA_DELIVERY_TIMEOUT_MS", "100")))
                .hasMessageContaining("INGRESS_KAFKA_DELIVERY_TIMEOUT_MS");
        assertThatThrownBy(() -> IngressConfig.fromEnv(Map.of("INGRESS_SOLD_OUT_SHORTCUT", "maybe")))
                .hasMessageContaining("INGRESS_SOLD_OUT_SHORTCUT");
        assertThatThrownBy(() -> IngressConfig.fromEnv(Map.of("INGRESS_REDIS_TIMEOUT_MS", "0")))
                .hasMessageContaining("INGRESS_REDIS_TIMEOUT_MS");
    }

    @Test
    void listensOnAllInterfacesUnlessHttpHostNamesOne() {
        assertThat(IngressConfig.fromEnv(Map.of()).httpHost()).isEqualTo("0.0.0.0");
        assertThatThrownBy(() -> IngressConfig.fromEnv(Map.of("HTTP_HOST", "http://0.0.0.0"))).hasMessageContaining("HTTP_HOST");

        var app = new ApiFixture().app(ApiFixture.config(Map.of("HTTP_HOST", "127.0.0.1"))).start();
        try {
            var connector = (ServerConnector) app.jettyServer().server().getConnectors()[0];
            assertThat(connector.getHost()).isEqualTo("127.0.0.1");
        } finally {
            app.stop();
        }
    }
}
