package firstcome.sink;

import java.time.Duration;
import java.util.Map;

/**
 * The sink's settings, read once from the environment (the contract's names, plus the
 * {@code SINK_*} tuning knobs documented in the module's README).
 *
 * @param batchSize  most records one poll hands over, so most rows one transaction writes ({@code max.poll.records})
 * @param retryFirst wait before the first retry of a batch the database or broker refused
 * @param retryMax   cap of the exponential back-off between retries
 */
public record SinkConfig(
        String bootstrapServers,
        String mysqlUrl,
        String mysqlUser,
        String mysqlPassword,
        int port,
        String groupId,
        int batchSize,
        Duration retryFirst,
        Duration retryMax) {

    public static final int MAX_BATCH_SIZE = 10_000;

    public static SinkConfig fromEnv(Map<String, String> env) {
        return new SinkConfig(
                setting(env, "KAFKA_BOOTSTRAP_SERVERS", "localhost:9092"),
                setting(env, "MYSQL_URL", "jdbc:mysql://localhost:3306/coupon"),
                setting(env, "MYSQL_USER", "coupon"),
                // An empty password is a legitimate setting, so only an unset variable takes the default.
                env.getOrDefault("MYSQL_PASSWORD", "coupon"),
                intSetting(env, "SINK_PORT", 8082),
                setting(env, "SINK_GROUP_ID", "coupon-sink"),
                intSetting(env, "SINK_BATCH_SIZE", 500),
                Duration.ofMillis(intSetting(env, "SINK_RETRY_FIRST_MS", 100)),
                Duration.ofMillis(intSetting(env, "SINK_RETRY_MAX_MS", 5_000)));
    }

    public SinkConfig {
        requireText("KAFKA_BOOTSTRAP_SERVERS", bootstrapServers);
        requireText("MYSQL_URL", mysqlUrl);
        if (!mysqlUrl.startsWith("jdbc:mysql:")) {
            throw new IllegalArgumentException("MYSQL_URL must be a jdbc:mysql: URL (mysql-connector-j), was '" + mysqlUrl + "'");
        }
        requireText("MYSQL_USER", mysqlUser);
        if (mysqlPassword == null) {
            throw new IllegalArgumentException("MYSQL_PASSWORD must be set");
        }
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("SINK_PORT must be a port number, was " + port);
        }
        requireText("SINK_GROUP_ID", groupId);
        if (batchSize < 1 || batchSize > MAX_BATCH_SIZE) {
            throw new IllegalArgumentException("SINK_BATCH_SIZE must be between 1 and " + MAX_BATCH_SIZE + ", was " + batchSize);
        }
        if (retryFirst == null || retryFirst.toMillis() < 1) {
            throw new IllegalArgumentException("SINK_RETRY_FIRST_MS must be 1 or more");
        }
        if (retryMax == null || retryMax.compareTo(retryFirst) < 0) {
            throw new IllegalArgumentException("SINK_RETRY_MAX_MS must be at least SINK_RETRY_FIRST_MS");
        }
    }

    /** The same settings with another consumer group (tests and the benchmark run several sinks). */
    public SinkConfig withGroupId(String newGroupId) {
        return new SinkConfig(bootstrapServers, mysqlUrl, mysqlUser, mysqlPassword, port, newGroupId, batchSize, retryFirst, retryMax);
    }

    private static String setting(Map<String, String> env, String name, String fallback) {
        String value = env.get(name);
        return value == null || value.isBlank() ? fallback : value.strip();
    }

    private static int intSetting(Map<String, String> env, String name, int fallback) {
        String value = env.get(name);
        if (value == null || value.isBlank()) {
            return fallback;
        }
        try {
            return Integer.parseInt(value.strip());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(name + " must be a number, was '" + value + "'", e);
        }
    }

    private static void requireText(String name, String value) {
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException(name + " must not be empty");
        }
    }
}
