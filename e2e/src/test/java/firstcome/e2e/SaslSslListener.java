package firstcome.e2e;

import static java.nio.charset.StandardCharsets.UTF_8;

import firstcome.contract.KafkaConnection;
import firstcome.stackkit.ChildProcess;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;

/**
 * A broker listener that requires SASL/PLAIN over TLS, as a managed Kafka does: a certificate for
 * {@code 127.0.0.1} and {@code localhost} made at test time with the JDK's {@code keytool}, a trust
 * store holding it for the clients, and the users the broker knows. It writes the broker's settings
 * and the clients' properties files ({@code KAFKA_CLIENT_CONFIG}) the way an operator would.
 */
final class SaslSslListener {

    /** The broker's own user (between its listeners), also the one the tests create topics with. */
    static final String ADMIN = "admin";

    private final Path dir;
    private final String storePassword;
    private final Map<String, String> users;

    private SaslSslListener(Path dir, String storePassword, Map<String, String> users) {
        this.dir = dir;
        this.storePassword = storePassword;
        this.users = users;
    }

    /** Makes the certificate and the stores in {@code dir}; {@code users} (name to password) may connect, and {@link #ADMIN}. */
    static SaslSslListener create(Path dir, Map<String, String> users) {
        String password = UUID.randomUUID().toString();
        Path logs = Path.of(System.getProperty("firstcome.logs", "target/service-logs")).resolve("keytool.log");
        String keytool = Path.of(System.getProperty("java.home"), "bin", "keytool").toString();
        String keystore = dir.resolve("broker.p12").toString();
        String certificate = dir.resolve("broker.pem").toString();
        String truststore = dir.resolve("trust.p12").toString();
        Duration bound = Duration.ofSeconds(60);
        ChildProcess.runToCompletion(List.of(keytool, "-genkeypair", "-alias", "broker", "-keyalg", "RSA", "-keysize", "2048",
                "-validity", "2", "-dname", "CN=localhost", "-ext", "SAN=dns:localhost,ip:127.0.0.1",
                "-keystore", keystore, "-storetype", "PKCS12", "-storepass", password, "-keypass", password), logs, bound);
        ChildProcess.runToCompletion(List.of(keytool, "-exportcert", "-rfc", "-alias", "broker", "-keystore", keystore,
                "-storetype", "PKCS12", "-storepass", password, "-file", certificate), logs, bound);
        ChildProcess.runToCompletion(List.of(keytool, "-importcert", "-noprompt", "-alias", "broker", "-file", certificate,
                "-keystore", truststore, "-storetype", "PKCS12", "-storepass", password), logs, bound);
        Map<String, String> all = new TreeMap<>(users);
        all.put(ADMIN, UUID.randomUUID().toString());
        return new SaslSslListener(dir, password, all);
    }

    /** The broker's settings for a listener named {@code SASL_SSL}, besides its addresses. */
    List<String> brokerSettings() {
        StringBuilder jaas = new StringBuilder(loginModule(ADMIN, users.get(ADMIN)).replace(";", ""));
        users.forEach((user, password) -> jaas.append(" user_").append(user).append("=\"").append(password).append('"'));
        List<String> lines = new ArrayList<>(List.of(
                "sasl.enabled.mechanisms=PLAIN",
                "sasl.mechanism.inter.broker.protocol=PLAIN",
                "listener.name.sasl_ssl.plain.sasl.jaas.config=" + jaas + ";",
                "ssl.keystore.location=" + dir.resolve("broker.p12"),
                "ssl.keystore.type=PKCS12",
                "ssl.keystore.password=" + storePassword,
                "ssl.key.password=" + storePassword));
        // Without a trust store the broker refuses to start (its own SSL engine check).
        lines.addAll(trustStoreSettings());
        return lines;
    }

    /** The password {@code user} connects with. */
    String password(String user) {
        return users.get(user);
    }

    /** Writes a client file for {@code user} with {@code password} (right or wrong) and returns its path. */
    Path clientConfig(String user, String password) throws IOException {
        return clientConfig(user, password, true);
    }

    /**
     * A client file that names no trust store when {@code trusting} is false: the client then trusts
     * only the JVM's certificate authorities, which never signed the test's certificate.
     */
    Path clientConfig(String user, String password, boolean trusting) throws IOException {
        List<String> lines = new ArrayList<>(List.of(
                "# a managed Kafka's client settings: SASL/PLAIN over TLS",
                "security.protocol=SASL_SSL",
                "sasl.mechanism=PLAIN",
                "sasl.jaas.config=" + loginModule(user, password)));
        if (trusting) {
            lines.addAll(trustStoreSettings());
        }
        Path file = dir.resolve(user + "-" + UUID.randomUUID() + ".properties");
        Files.write(file, lines, UTF_8);
        return file;
    }

    /** The connection of {@code user} with {@code password} to the brokers at {@code bootstrapServers}. */
    KafkaConnection connection(String bootstrapServers, String user, String password) throws IOException {
        return KafkaConnection.fromEnv(Map.of("KAFKA_BOOTSTRAP_SERVERS", bootstrapServers,
                "KAFKA_CLIENT_CONFIG", clientConfig(user, password).toString()));
    }

    private List<String> trustStoreSettings() {
        return List.of(
                "ssl.truststore.location=" + dir.resolve("trust.p12"),
                "ssl.truststore.type=PKCS12",
                "ssl.truststore.password=" + storePassword);
    }

    private static String loginModule(String user, String password) {
        return "org.apache.kafka.common.security.plain.PlainLoginModule required username=\"" + user + "\" password=\""
                + password + "\";";
    }
}
