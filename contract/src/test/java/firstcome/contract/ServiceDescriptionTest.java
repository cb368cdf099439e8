package firstcome.contract;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ServiceDescriptionTest {

    private static final ServiceDescription SERVICE = new ServiceDescription("example", "answers questions", List.of(
            Setting.KAFKA_BOOTSTRAP_SERVERS,
            Setting.KAFKA_CLIENT_CONFIG,
            Setting.REDIS_URL,
            Setting.of("EXAMPLE_PORT", "8080", "the HTTP port"),
            Setting.of("EXAMPLE_DB_URL", "jdbc:mysql://localhost:3306/coupon", "the database"),
            Setting.secret("ADMIN_TOKEN", "the admin token"),
            Setting.secret("MYSQL_PASSWORD", "coupon", "the database password"),
            Setting.optional("EXAMPLE_ISSUER", "the issuer; unset: not checked"),
            Setting.LOG_FORMAT));

    @Test
    void namesEverySettingWithItsValueAndWhetherItIsTheDefault() {
        String line = SERVICE.effectiveConfiguration(Map.of("EXAMPLE_PORT", "9000", "KAFKA_BOOTSTRAP_SERVERS", " broker:9092 "));

        assertThat(line).isEqualTo("the example's configuration: KAFKA_BOOTSTRAP_SERVERS=broker:9092, KAFKA_CLIENT_CONFIG=(unset),"
                + " REDIS_URL=redis://localhost:6379 (default), EXAMPLE_PORT=9000,"
                + " EXAMPLE_DB_URL=jdbc:mysql://localhost:3306/coupon (default), ADMIN_TOKEN=(unset), MYSQL_PASSWORD=**** (default),"
                + " EXAMPLE_ISSUER=(unset), LOG_FORMAT=text (default)");
    }

    @Test
    void neverShowsASecretNorTheCredentialsOfAUrl() {
        String line = SERVICE.effectiveConfiguration(Map.of(
                "ADMIN_TOKEN", "admin-secret-1",
                "MYSQL_PASSWORD", "db-secret-2",
                "REDIS_URL", "rediss://gate:redis-secret-3@redis.example.net:6380/2",
                "EXAMPLE_DB_URL", "jdbc:mysql://db:3306/coupon?user=coupon&password=db-secret-4&useSSL=true"));

        assertThat(line).doesNotContain("secret-")
                .contains("ADMIN_TOKEN=****", "MYSQL_PASSWORD=****,", "REDIS_URL=rediss://gate:****@redis.example.net:6380/2",
                        "EXAMPLE_DB_URL=jdbc:mysql://db:3306/coupon?user=coupon&password=****&useSSL=true");
    }

    @Test
    void listsTheKafkaClientFilesSettingsWithTheirPasswordsMasked(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("kafka-client.properties");
        Files.writeString(file, """
                security.protocol=SASL_SSL
                sasl.mechanism=PLAIN
                sasl.jaas.config=org.apache.kafka.common.security.plain.PlainLoginModule required username="shop" password="kafka-secret-5";
                ssl.truststore.location=/etc/firstcome/trust.p12
                ssl.truststore.password=kafka-secret-6
                producer.ssl.key.password=kafka-secret-7
                """);

        String line = SERVICE.effectiveConfiguration(Map.of("KAFKA_CLIENT_CONFIG", file.toString()));

        assertThat(line).doesNotContain("secret-").contains("KAFKA_CLIENT_CONFIG=" + file + " {producer.ssl.key.password=****,"
                + " sasl.jaas.config=****, sasl.mechanism=PLAIN, security.protocol=SASL_SSL,"
                + " ssl.truststore.location=/etc/firstcome/trust.p12, ssl.truststore.password=****}");
    }

    @Test
    void masksPasswordsInsideAnyValue() {
        assertThat(Setting.redacted("redis://:only-password@h:6379")).isEqualTo("redis://:****@h:6379");
        assertThat(Setting.redacted("redis://user:p@ss:w0rd@h1:7000,h2:7001")).isEqualTo("redis://user:****@h1:7000,h2:7001");
        assertThat(Setting.redacted("redis://user@h:6379")).isEqualTo("redis://user@h:6379");
        assertThat(Setting.redacted("http://localhost:8081")).isEqualTo("http://localhost:8081");
        assertThat(Setting.redacted("jdbc:mysql://h/db;password=x;user=u")).isEqualTo("jdbc:mysql://h/db;password=****;user=u");
    }

    @Test
    void theUsageListsEveryVariableWithItsDefaultAndMeaning() {
        String usage = SERVICE.usage();

        for (Setting setting : SERVICE.settings()) {
            assertThat(usage).contains("  " + setting.name()).contains(setting.meaning());
        }
        assertThat(usage).contains("  EXAMPLE_PORT=8080\n", "  ADMIN_TOKEN (secret; unset by default)\n",
                "  MYSQL_PASSWORD=coupon (secret)\n", "  EXAMPLE_ISSUER (unset by default)\n");
    }

    @Test
    void findsVariablesReadButNotListedListedButNotReadAndWrongDefaults() {
        var description = new ServiceDescription("example", "answers questions", List.of(
                Setting.of("EXAMPLE_PORT", "8081", "the HTTP port"),
                Setting.of("EXAMPLE_NEVER_READ", "x", "nothing"),
                Setting.LOG_FORMAT));

        List<String> disagreements = description.disagreementsWith(env -> {
            var settings = new Environment(env);
            return List.of(settings.integer("EXAMPLE_PORT", 8080), settings.text("EXAMPLE_HOST", "localhost"));
        });

        assertThat(disagreements).containsExactlyInAnyOrder("EXAMPLE_HOST is read but not listed",
                "EXAMPLE_NEVER_READ is listed but not read", "EXAMPLE_PORT's default is not 8081");
    }
}
