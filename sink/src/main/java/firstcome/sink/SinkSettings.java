package firstcome.sink;

import firstcome.contract.ServiceDescription;
import firstcome.contract.Setting;
import java.util.List;

/**
 * Every environment variable the sink reads, with its default: {@code java -jar sink.jar --help}
 * prints them and the start logs the value each took. {@code SinkSettingsTest} keeps the list equal
 * to what {@link SinkConfig#fromEnv} reads, and each default equal to the one it takes.
 */
final class SinkSettings {

    static final ServiceDescription DESCRIPTION = new ServiceDescription("sink",
            "writes issued coupons and their changes into MySQL, in batched idempotent transactions",
            List.of(
                    Setting.KAFKA_BOOTSTRAP_SERVERS,
                    Setting.KAFKA_CLIENT_CONFIG,
                    Setting.of("MYSQL_URL", "jdbc:mysql://localhost:3306/coupon", "the database (a jdbc:mysql: URL)"),
                    Setting.of("MYSQL_USER", "coupon", "the database user"),
                    Setting.secret("MYSQL_PASSWORD", "coupon", "the database user's password (set but empty: no password)"),
                    Setting.of("SINK_PORT", "8082", "the HTTP port (health, metrics)"),
                    Setting.of("SINK_GROUP_ID", "coupon-sink", "the consumer group"),
                    Setting.of("SINK_BATCH_SIZE", "500", "most rows one transaction writes (1..10000)"),
                    Setting.of("SINK_RETRY_FIRST_MS", "100", "wait before the first retry of a refused batch"),
                    Setting.of("SINK_RETRY_MAX_MS", "5000", "cap of the back-off between retries"),
                    Setting.HTTP_HOST,
                    Setting.of("SINK_SHUTDOWN_TIMEOUT_MS", "10000", "the bound on a graceful stop (SIGTERM): the batch in hand finished or abandoned"),
                    Setting.LOG_FORMAT));

    private SinkSettings() {
    }
}
