package firstcome.sink;

import firstcome.contract.Environment;
import firstcome.contract.KafkaConnection;
import java.time.Duration;
import java.util.Map;

/**
 * The sink's settings, read once from the environment (the contract's names, plus the
 * {@code SINK_*} tuning knobs documented in the module's README).
 *
 * @param kafka      the brokers and the client settings ({@code KAFKA_BOOTSTRAP_SERVERS}, {@code KAFKA_CLIENT_CONFIG})
 * @param batchSize  most records one poll hands over, so most rows one transaction writes ({@code max.poll.records})
 * @param retryFirst wait before the first retry of a batch the database or broker refused
 * @param retryMax   cap of the exponential back-off between retries
 * @param httpHost   the address /health and /metrics bind ({@code HTTP_HOST})
 * @param shutdownTimeout {@code SINK_SHUTDOWN_TIMEOUT_MS}: the bound on a graceful stop (SIGTERM): the batch in hand
 *                   written and committed, the consumer closed (leaving its group), the pool closed
 */
public record SinkConfig(
        KafkaConnection kafka,
        String mysqlUrl,
        String mysqlUser,
        String mysqlPassword,
        int port,
        String groupId,
        int batchSize,
        Duration retryFirst,
        Duration retryMax,
        String httpHost,
        Duration shutdownTimeout) {

    public static final int MAX_BATCH_SIZE = 10_000;
    public static final Duration DEFAULT_SHUTDOWN_TIMEOUT = Duration.ofSeconds(10);

    /** Listening on all interfaces, the contract's default; the brokers without a client file. */
    public SinkConfig(String bootstrapServers, String mysqlUrl, String mysqlUser, String mysqlPassword, int port,
                      String groupId, int batchSize, Duration retryFirst, Duration retryMax) {
        this(KafkaConnection.plain(bootstrapServers), mysqlUrl, mysqlUser, mysqlPassword, port, groupId, batchSize, retryFirst, retryMax,
                Environment.ALL_INTERFACES, DEFAULT_SHUTDOWN_TIMEOUT);
    }

    public static SinkConfig fromEnv(Map<String, String> env) {
        var settings = new Environment(env);
        return new SinkConfig(
                KafkaConnection.fromEnv(env),
                settings.text("MYSQL_URL", "jdbc:mysql://localhost:3306/coupon"),
                settings.text("MYSQL_USER", "coupon"),
                // An empty password is a legitimate setting, so only an unset variable takes the default.
                env.getOrDefault("MYSQL_PASSWORD", "coupon"),
                settings.integer("SINK_PORT", 8082),
                settings.text("SINK_GROUP_ID", "coupon-sink"),
                settings.integer("SINK_BATCH_SIZE", 500),
                settings.millis("SINK_RETRY_FIRST_MS", Duration.ofMillis(100)),
                settings.millis("SINK_RETRY_MAX_MS", Duration.ofMillis(5_000)),
                settings.httpHost(),
                settings.millis("SINK_SHUTDOWN_TIMEOUT_MS", DEFAULT_SHUTDOWN_TIMEOUT));
    }

    public SinkConfig {
        if (kafka == null) {
            throw new IllegalArgumentException("KAFKA_BOOTSTRAP_SERVERS must not be empty");
        }
        Environment.requireText("MYSQL_URL", mysqlUrl);
        if (!mysqlUrl.startsWith("jdbc:mysql:")) {
            throw new IllegalArgumentException("MYSQL_URL must be a jdbc:mysql: URL (mysql-connector-j), was '" + mysqlUrl + "'");
        }
        Environment.requireText("MYSQL_USER", mysqlUser);
        if (mysqlPassword == null) {
            throw new IllegalArgumentException("MYSQL_PASSWORD must be set");
        }
        Environment.requirePort("SINK_PORT", port);
        Environment.requireText("SINK_GROUP_ID", groupId);
        if (batchSize < 1 || batchSize > MAX_BATCH_SIZE) {
            throw new IllegalArgumentException("SINK_BATCH_SIZE must be between 1 and " + MAX_BATCH_SIZE + ", was " + batchSize);
        }
        if (retryFirst == null || retryFirst.toMillis() < 1) {
            throw new IllegalArgumentException("SINK_RETRY_FIRST_MS must be 1 or more");
        }
        if (retryMax == null || retryMax.compareTo(retryFirst) < 0) {
            throw new IllegalArgumentException("SINK_RETRY_MAX_MS must be at least SINK_RETRY_FIRST_MS");
        }
        Environment.requireHost("HTTP_HOST", httpHost);
        if (shutdownTimeout == null || shutdownTimeout.toMillis() < 1) {
            throw new IllegalArgumentException("SINK_SHUTDOWN_TIMEOUT_MS must be 1 or more, was "
                    + (shutdownTimeout == null ? null : shutdownTimeout.toMillis()));
        }
    }

    /** The same settings with another consumer group (tests and the benchmark run several sinks). */
    public SinkConfig withGroupId(String newGroupId) {
        return new SinkConfig(kafka, mysqlUrl, mysqlUser, mysqlPassword, port, newGroupId, batchSize, retryFirst, retryMax, httpHost,
                shutdownTimeout);
    }

    public String bootstrapServers() {
        return kafka.bootstrapServers();
    }
}
