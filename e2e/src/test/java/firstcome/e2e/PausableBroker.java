package firstcome.e2e;

import static org.awaitility.Awaitility.await;

import firstcome.contract.KafkaConnection;
import firstcome.stackkit.ChildProcess;
import firstcome.stackkit.FreePorts;
import firstcome.stackkit.SingleNodeBroker;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.common.Uuid;

/**
 * A single-node Kafka broker of one test's own, as a child process that can be frozen
 * ({@code SIGSTOP}) and thawed ({@code SIGCONT}): a broker that answers nothing for a while but
 * keeps what it was sent, unlike one that is gone. The testkit's shared broker runs inside the
 * test JVM and cannot be frozen. Runs from the test's class path, which holds the Kafka server.
 * Its client listener is plain, or requires SASL/PLAIN over TLS ({@link #startSecured}).
 */
final class PausableBroker implements AutoCloseable {

    private static final Duration READY_WITHIN = Duration.ofSeconds(60);

    private final ChildProcess process;
    private final int port;
    /** How the test reaches it as the broker's administrator. */
    private final KafkaConnection admin;

    private PausableBroker(ChildProcess process, int port, KafkaConnection admin) {
        this.process = process;
        this.port = port;
        this.admin = admin;
    }

    static PausableBroker start(String name) throws IOException {
        return start(name, null);
    }

    /** With a client listener that requires SASL/PLAIN over TLS, as {@code listener} sets it up. */
    static PausableBroker startSecured(String name, SaslSslListener listener) throws IOException {
        return start(name, listener);
    }

    private static PausableBroker start(String name, SaslSslListener secured) throws IOException {
        Path dir = Files.createTempDirectory("e2e-broker-");
        Path logs = Path.of(System.getProperty("firstcome.logs", "target/service-logs"));
        int port = FreePorts.next();
        int controllerPort = FreePorts.next();
        String protocol = secured == null ? "PLAINTEXT" : "SASL_SSL";
        List<String> lines = new ArrayList<>(List.of(
                "process.roles=broker,controller",
                "node.id=1",
                "controller.quorum.bootstrap.servers=127.0.0.1:" + controllerPort,
                "listeners=" + protocol + "://127.0.0.1:" + port + ",CONTROLLER://127.0.0.1:" + controllerPort,
                "advertised.listeners=" + protocol + "://127.0.0.1:" + port,
                "controller.listener.names=CONTROLLER",
                "inter.broker.listener.name=" + protocol,
                "listener.security.protocol.map=" + protocol + ":" + protocol + ",CONTROLLER:PLAINTEXT",
                "log.dirs=" + dir.resolve("data")));
        if (secured != null) {
            lines.addAll(secured.brokerSettings());
        }
        SingleNodeBroker.settings().forEach((key, value) -> lines.add(key + "=" + value));
        Path properties = dir.resolve("server.properties");
        Files.writeString(properties, String.join("\n", lines) + "\n");

        String classPath = System.getProperty("java.class.path");
        ChildProcess.runToCompletion(List.of(ChildProcess.java(), "-Xmx256m", "-cp", classPath,
                "kafka.tools.StorageTool", "format", "-t", Uuid.randomUuid().toString(), "-c", properties.toString(),
                "--standalone"), logs.resolve(name + "-format.log"), Duration.ofSeconds(60));
        ChildProcess process = new ChildProcess(name, List.of(ChildProcess.java(), "-Xmx512m", "-cp", classPath,
                "kafka.Kafka", properties.toString()), logs.resolve(name + ".log")).start();
        String bootstrapServers = "127.0.0.1:" + port;
        KafkaConnection admin = secured == null ? KafkaConnection.plain(bootstrapServers)
                : secured.connection(bootstrapServers, SaslSslListener.ADMIN, secured.password(SaslSslListener.ADMIN));
        PausableBroker broker = new PausableBroker(process, port, admin);
        broker.awaitReady();
        return broker;
    }

    String bootstrapServers() {
        return "127.0.0.1:" + port;
    }

    /** Freezes the broker: connections stay open, nothing is answered, nothing is lost. */
    void pause() {
        process.pause();
    }

    void resume() {
        process.resume();
    }

    @Override
    public void close() throws Exception {
        if (process.alive()) {
            resume();
            process.stop(Duration.ofSeconds(10));
        }
    }

    private void awaitReady() {
        await("the broker answers (log: " + process.log() + ")").atMost(READY_WITHIN).pollInterval(Duration.ofMillis(250))
                .until(() -> {
                    if (!process.alive()) {
                        throw new IllegalStateException("the broker exited: " + process.logTail());
                    }
                    return answers();
                });
    }

    private boolean answers() {
        try (Admin client = Admin.create(admin.settings(Map.of(
                AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 2000,
                AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 2000)))) {
            return !client.describeCluster().nodes().get(3, TimeUnit.SECONDS).isEmpty();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        } catch (Exception notYet) {
            return false;
        }
    }
}
