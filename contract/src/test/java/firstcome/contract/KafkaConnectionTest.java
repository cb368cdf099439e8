package firstcome.contract;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import org.apache.kafka.common.errors.SaslAuthenticationException;
import org.apache.kafka.common.errors.SslAuthenticationException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class KafkaConnectionTest {

    private static final String MANAGED_KAFKA = """
            # a managed cluster's client settings
            security.protocol=SASL_SSL
            sasl.mechanism=PLAIN
            sasl.jaas.config=org.apache.kafka.common.security.plain.PlainLoginModule required \\
                username="shop" password="s3cret";
            ssl.truststore.location=/etc/firstcome/trust.p12
            ssl.truststore.type=PKCS12
            request.timeout.ms=20000
            """;

    @TempDir
    Path dir;

    @Test
    void readsTheBrokersAndNoFileFromAnEnvironmentWithoutKafkaClientConfig() {
        assertThat(KafkaConnection.fromEnv(Map.of())).isEqualTo(KafkaConnection.plain("localhost:9092"));
        assertThat(KafkaConnection.fromEnv(Map.of("KAFKA_BOOTSTRAP_SERVERS", "k1:9092,k2:9092", "KAFKA_CLIENT_CONFIG", " ")))
                .isEqualTo(KafkaConnection.plain("k1:9092,k2:9092"));
    }

    @Test
    void refusesBlankBrokersNamingTheVariable() {
        assertThatThrownBy(() -> KafkaConnection.fromEnv(Map.of("KAFKA_BOOTSTRAP_SERVERS", " ")))
                .hasMessage("KAFKA_BOOTSTRAP_SERVERS must not be empty");
    }

    @Test
    void readsTheSettingsOfTheFileKafkaClientConfigNames() throws IOException {
        Path file = write(MANAGED_KAFKA);

        KafkaConnection connection = KafkaConnection.fromEnv(Map.of("KAFKA_BOOTSTRAP_SERVERS", "managed:9093",
                "KAFKA_CLIENT_CONFIG", file.toString()));

        assertThat(connection.bootstrapServers()).isEqualTo("managed:9093");
        assertThat(connection.clientConfig()).contains(file);
        assertThat(connection.clientSettings())
                .containsEntry("security.protocol", "SASL_SSL")
                .containsEntry("sasl.mechanism", "PLAIN")
                .containsEntry("sasl.jaas.config",
                        "org.apache.kafka.common.security.plain.PlainLoginModule required username=\"shop\" password=\"s3cret\";")
                .containsEntry("request.timeout.ms", "20000")
                .hasSize(6);
    }

    @Test
    void refusesAMissingFileInOneLineNamingTheVariableAndThePath() {
        Path missing = dir.resolve("missing.properties");

        assertThatThrownBy(() -> KafkaConnection.fromEnv(Map.of("KAFKA_CLIENT_CONFIG", missing.toString())))
                .isInstanceOf(StartupFailure.class)
                .hasMessage("KAFKA_CLIENT_CONFIG=" + missing + " cannot be read: no such file");
    }

    @Test
    void refusesADirectoryForAFile() {
        assertThatThrownBy(() -> KafkaConnection.fromEnv(Map.of("KAFKA_CLIENT_CONFIG", dir.toString())))
                .isInstanceOf(StartupFailure.class)
                .hasMessageStartingWith("KAFKA_CLIENT_CONFIG=" + dir + " cannot be read: ");
    }

    @ParameterizedTest
    @ValueSource(strings = {"acks=1", "enable.idempotence=false", "isolation.level=read_uncommitted", "group.id=other",
            "enable.auto.commit=true", "auto.offset.reset=latest", "transactional.id=t", "partitioner.class=x.Y",
            "value.deserializer=x.Y", "processing.guarantee=at_least_once", "producer.acks=0",
            "main.consumer.isolation.level=read_uncommitted", "application.id=other",
            "default.timestamp.extractor=org.apache.kafka.streams.processor.WallclockTimestampExtractor", "max.task.idle.ms=-1",
            "topic.cleanup.policy=delete", "topic.retention.ms=1000"})
    void refusesASettingTheGuaranteesRestOnNamingIt(String line) throws IOException {
        Path file = write("security.protocol=SASL_SSL\n" + line + "\n");
        String key = line.substring(0, line.indexOf('='));

        assertThatThrownBy(() -> KafkaConnection.fromEnv(Map.of("KAFKA_CLIENT_CONFIG", file.toString())))
                .isInstanceOf(StartupFailure.class)
                .hasMessage("KAFKA_CLIENT_CONFIG=" + file + " sets " + key + ", which firstcome does not take from it:"
                        + " firstcome sets it for each client, its guarantees rest on it; remove it from the file");
    }

    @Test
    void refusesBrokersInTheFileBecauseKafkaBootstrapServersNamesThem() throws IOException {
        Path file = write("bootstrap.servers=elsewhere:9092\n");

        assertThatThrownBy(() -> KafkaConnection.fromEnv(Map.of("KAFKA_CLIENT_CONFIG", file.toString())))
                .hasMessage("KAFKA_CLIENT_CONFIG=" + file + " sets bootstrap.servers, which firstcome does not take from it:"
                        + " the brokers come from KAFKA_BOOTSTRAP_SERVERS; remove it from the file");
    }

    @Test
    void refusesAValueNoClientWouldTakeNamingTheSetting() throws IOException {
        Path misspelt = write("security.protocol=SASL_SLL\n");
        Path notANumber = write("request.timeout.ms=twenty seconds\n");

        assertThatThrownBy(() -> KafkaConnection.fromEnv(Map.of("KAFKA_CLIENT_CONFIG", misspelt.toString())))
                .isInstanceOf(StartupFailure.class)
                .hasMessageStartingWith("KAFKA_CLIENT_CONFIG=" + misspelt + ": Invalid value SASL_SLL for configuration security.protocol");
        assertThatThrownBy(() -> KafkaConnection.fromEnv(Map.of("KAFKA_CLIENT_CONFIG", notANumber.toString())))
                .isInstanceOf(StartupFailure.class)
                .hasMessageContaining("request.timeout.ms");
    }

    @Test
    void givesEveryClientTheFilesSettingsUnderItsOwnAndTheBrokers() throws IOException {
        KafkaConnection connection = new KafkaConnection("managed:9093", Optional.of(write(MANAGED_KAFKA)),
                Map.of("security.protocol", "SASL_SSL", "request.timeout.ms", "20000", "client.dns.lookup", "use_all_dns_ips"));

        Map<String, Object> settings = connection.settings(Map.of("client.id", "firstcome-ingress", "acks", "all",
                "request.timeout.ms", 2_998));

        assertThat(settings).containsOnly(
                Map.entry("bootstrap.servers", "managed:9093"),
                Map.entry("security.protocol", "SASL_SSL"),
                Map.entry("client.dns.lookup", "use_all_dns_ips"),
                Map.entry("client.id", "firstcome-ingress"),
                Map.entry("acks", "all"),
                // the client's own value stays where it sets one
                Map.entry("request.timeout.ms", 2_998));
    }

    @Test
    void givesAStreamsClientTheSameAsProperties() {
        KafkaConnection connection = new KafkaConnection("managed:9093", Optional.of(dir.resolve("client.properties")),
                Map.of("security.protocol", "SSL"));
        Properties own = new Properties();
        own.put("application.id", "firstcome-processor");
        own.put("num.stream.threads", 2);

        Properties merged = connection.properties(own);

        assertThat(merged).containsOnly(Map.entry("bootstrap.servers", "managed:9093"), Map.entry("security.protocol", "SSL"),
                Map.entry("application.id", "firstcome-processor"), Map.entry("num.stream.threads", 2));
    }

    @Test
    void keepsTheBrokersInOnePlace() {
        assertThatThrownBy(() -> KafkaConnection.plain("k:9092").settings(Map.of("bootstrap.servers", "other:9092")))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void neverShowsTheFilesSettings() throws IOException {
        Path file = write(MANAGED_KAFKA);
        KafkaConnection connection = KafkaConnection.fromEnv(Map.of("KAFKA_BOOTSTRAP_SERVERS", "managed:9093",
                "KAFKA_CLIENT_CONFIG", file.toString()));

        assertThat(connection.toString()).isEqualTo("Kafka at managed:9093 with KAFKA_CLIENT_CONFIG=" + file).doesNotContain("s3cret");
    }

    @Test
    void saysInOneLineThatKafkaRefusedTheCredentialsOrTheHandshake() {
        KafkaConnection connection = new KafkaConnection("127.0.0.1:9093", Optional.of(Path.of("/etc/firstcome/kafka.properties")),
                Map.of("security.protocol", "SASL_SSL"));

        assertThat(connection.refusal(new SaslAuthenticationException("Authentication failed: Invalid username or password")))
                .hasMessage("Kafka at 127.0.0.1:9093 refused the credentials from KAFKA_CLIENT_CONFIG=/etc/firstcome/kafka.properties:"
                        + " Authentication failed: Invalid username or password");
        assertThat(connection.refusal(new SslAuthenticationException("SSL handshake failed",
                        new javax.net.ssl.SSLHandshakeException("PKIX path building failed\nunable to find valid certification path"))))
                .hasMessage("Kafka at 127.0.0.1:9093 failed the TLS handshake with the settings from"
                        + " KAFKA_CLIENT_CONFIG=/etc/firstcome/kafka.properties: SSL handshake failed: PKIX path building failed"
                        + " unable to find valid certification path");
    }

    @Test
    void hasNoCredentialsToCheckWithoutAFile() {
        assertThat(KafkaConnection.plain("127.0.0.1:1").checkCredentials(Duration.ofMillis(1))).isTrue();
    }

    @Test
    void refusesSettingsNoClientCanBeMadeOfInOneLine() throws IOException {
        Path file = write("security.protocol=SSL\nssl.truststore.location=" + dir.resolve("absent.p12") + "\nssl.truststore.password=x\n");
        KafkaConnection connection = KafkaConnection.fromEnv(Map.of("KAFKA_BOOTSTRAP_SERVERS", "127.0.0.1:1",
                "KAFKA_CLIENT_CONFIG", file.toString()));

        assertThatThrownBy(() -> connection.checkCredentials(Duration.ofSeconds(1)))
                .isInstanceOf(StartupFailure.class)
                .hasMessageStartingWith("no Kafka client can be made with the settings of KAFKA_CLIENT_CONFIG=" + file + ": ")
                .hasMessageContaining("absent.p12")
                .hasMessageNotContaining("\n");
    }

    private Path write(String text) throws IOException {
        return Files.writeString(Files.createTempFile(dir, "client", ".properties"), text);
    }
}
