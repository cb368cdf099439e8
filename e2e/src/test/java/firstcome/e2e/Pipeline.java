package firstcome.e2e;

import firstcome.contract.KafkaConnection;
import firstcome.contract.Topics;
import firstcome.stackkit.FreePorts;
import firstcome.testkit.Infrastructure;
import java.io.IOException;
import java.nio.file.Files;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;

/**
 * The whole of firstcome over the test infrastructure: the contract's topics, then the
 * streams-processor, the sink and the ingress as child processes, each waited for until healthy.
 */
final class Pipeline implements AutoCloseable {

    static final String ADMIN_TOKEN = "e2e-admin-token";
    static final String SHOP_TOKEN = "e2e-shop-token";
    /** The services' defaults, set here because {@link #awaitQuiescence} reads these groups' offsets. */
    static final String PROCESSOR_GROUP = "firstcome-processor";
    static final String SINK_GROUP = "coupon-sink";
    private static final Duration START_DEADLINE = Duration.ofSeconds(90);

    private final Infrastructure infrastructure;
    private final KafkaConnection kafka;
    private final Map<String, String> environment;
    final ServiceProcess processor;
    final ServiceProcess sink;
    final ServiceProcess ingress;

    Pipeline(Infrastructure infrastructure) throws IOException {
        this(infrastructure, infrastructure.kafkaBootstrapServers());
    }

    /** Over a broker of the test's own at {@code bootstrapServers}, with the testkit's Redis and MariaDB. */
    Pipeline(Infrastructure infrastructure, String bootstrapServers) throws IOException {
        this(infrastructure, KafkaConnection.plain(bootstrapServers), Map.of(), Map.of());
    }

    /** Over a broker of the test's own, with {@code settings} added to every service's environment. */
    Pipeline(Infrastructure infrastructure, String bootstrapServers, Map<String, String> settings) throws IOException {
        this(infrastructure, KafkaConnection.plain(bootstrapServers), settings, Map.of());
    }

    /** With {@code settings} added to every service's environment (e.g. {@code EVENT_RETENTION}). */
    Pipeline(Infrastructure infrastructure, Map<String, String> settings) throws IOException {
        this(infrastructure, KafkaConnection.plain(infrastructure.kafkaBootstrapServers()), settings, Map.of());
    }

    /**
     * With {@code settings} added to every service's environment and {@code ingressSettings} to the
     * ingress's alone (e.g. {@code SHOPPER_JWT_SECRET}, as {@code make up SHOPPER_AUTH=on} does).
     */
    Pipeline(Infrastructure infrastructure, Map<String, String> settings, Map<String, String> ingressSettings)
            throws IOException {
        this(infrastructure, KafkaConnection.plain(infrastructure.kafkaBootstrapServers()), settings, ingressSettings);
    }

    /**
     * Over a broker of the test's own reached through {@code kafka}: the topics are created, and
     * every service connects, with its brokers and its client file ({@code KAFKA_CLIENT_CONFIG}).
     */
    Pipeline(Infrastructure infrastructure, KafkaConnection kafka) throws IOException {
        this(infrastructure, kafka, Map.of(), Map.of());
    }

    private Pipeline(Infrastructure infrastructure, KafkaConnection kafka, Map<String, String> settings,
            Map<String, String> ingressSettings) throws IOException {
        this.infrastructure = infrastructure;
        this.kafka = kafka;
        try (Admin admin = Admin.create(kafka.settings(Map.of()))) {
            Topics.standard().createAll(admin, Topics.DEFAULT_PARTITIONS);
        }
        Map<String, String> common = new HashMap<>();
        common.put("KAFKA_BOOTSTRAP_SERVERS", kafka.bootstrapServers());
        kafka.clientConfig().ifPresent(file -> common.put("KAFKA_CLIENT_CONFIG", file.toString()));
        common.put("REDIS_URL", infrastructure.redisUrl());
        common.put("MYSQL_URL", infrastructure.mysqlJdbcUrl());
        common.put("MYSQL_USER", infrastructure.mysqlUser());
        common.put("MYSQL_PASSWORD", infrastructure.mysqlPassword());
        common.put("ADMIN_TOKEN", ADMIN_TOKEN);
        common.put("SHOP_TOKEN", SHOP_TOKEN);
        // Every shopper of a test is 127.0.0.1: the per-address connection cap is for the world outside.
        common.put("INGRESS_MAX_CONNECTIONS_PER_CLIENT", "1000");
        common.put("PROCESSOR_APPLICATION_ID", PROCESSOR_GROUP);
        common.put("SINK_GROUP_ID", SINK_GROUP);
        int processorPort = FreePorts.next();
        int sinkPort = FreePorts.next();
        int ingressPort = FreePorts.next();
        common.put("PROCESSOR_PORT", String.valueOf(processorPort));
        common.put("PROCESSOR_URL", "http://localhost:" + processorPort);
        common.put("SINK_PORT", String.valueOf(sinkPort));
        common.put("INGRESS_PORT", String.valueOf(ingressPort));
        common.put("PROCESSOR_STATE_DIR", Files.createTempDirectory("e2e-streams").toString());
        // No load balancer in front to notice a stop: the ingress closes without the drain unless a test sets one.
        common.put("INGRESS_SHUTDOWN_DRAIN_MS", "0");
        common.putAll(settings);
        environment = Map.copyOf(common);

        processor = new ServiceProcess("streams-processor", common, processorPort).start();
        sink = new ServiceProcess("sink", common, sinkPort).start();
        Map<String, String> ingressEnvironment = new HashMap<>(common);
        ingressEnvironment.putAll(ingressSettings);
        ingress = new ServiceProcess("ingress", ingressEnvironment, ingressPort).start();
        processor.awaitHealthy(START_DEADLINE);
        sink.awaitHealthy(START_DEADLINE);
        ingress.awaitHealthy(START_DEADLINE);
    }

    /** The services' environment, for starting another one like them. */
    Map<String, String> environment() {
        return environment;
    }

    /** Shoppers, and the organiser, over HTTP to this pipeline's ingress. */
    Shoppers shoppers() {
        return new Shoppers(ingress.url());
    }

    /**
     * Waits until everything in the logs has gone through the streams-processor and the sink into
     * MySQL ({@link Quiescence}), so that rows counted next are final.
     */
    void awaitQuiescence(Duration deadline) {
        try (var quiescence = new Quiescence(kafka, PROCESSOR_GROUP, SINK_GROUP)) {
            quiescence.await(deadline);
        }
    }

    Connection database() throws SQLException {
        return DriverManager.getConnection(infrastructure.mysqlJdbcUrl(), infrastructure.mysqlUser(),
                infrastructure.mysqlPassword());
    }

    @Override
    public void close() {
        ingress.close();
        sink.close();
        processor.close();
    }
}
