package firstcome.processor;

import firstcome.contract.ServiceDescription;
import firstcome.contract.Setting;
import firstcome.contract.Topics;
import java.util.List;

/**
 * Every environment variable the streams-processor reads, with its default:
 * {@code java -jar streams-processor.jar --help} prints them and the start logs the value each took.
 * {@code ProcessorSettingsTest} keeps the list equal to what {@link ProcessorConfig#fromEnv} reads,
 * and each default equal to the one it takes.
 */
final class ProcessorSettings {

    static final ServiceDescription DESCRIPTION = new ServiceDescription("streams-processor",
            "decides every request and action in log order under exactly-once (Kafka Streams), and answers look-ups of its state",
            List.of(
                    Setting.KAFKA_BOOTSTRAP_SERVERS,
                    Setting.KAFKA_CLIENT_CONFIG,
                    Setting.of("PROCESSOR_APPLICATION_ID", "firstcome-processor", "the Kafka Streams application id (consumer group)"),
                    Setting.of("PROCESSOR_STATE_DIR", ".local/streams", "where the state stores live on disk"),
                    Setting.of("PROCESSOR_PORT", "8081", "the HTTP port (health, metrics, look-ups)"),
                    Setting.of("PROCESSOR_HOST", "localhost", "how other instances reach this one"),
                    Setting.of("PROCESSOR_THREADS", "1", "stream threads"),
                    Setting.of("PROCESSOR_ISSUED_TOPIC", Topics.ISSUED, "where issued coupons go (another name: a replay)"),
                    Setting.of("PROCESSOR_DECISIONS_TOPIC", Topics.DECISIONS, "where decisions go (another name: a replay)"),
                    Setting.HTTP_HOST,
                    Setting.EVENT_RETENTION,
                    Setting.secret("SHOP_TOKEN", "set: the look-up routes ask for Authorization: Bearer <SHOP_TOKEN>; unset: they are open"),
                    Setting.of("PROCESSOR_STANDBY_REPLICAS", "1", "num.standby.replicas: warm copies of each task's state on other instances"),
                    Setting.of("PROCESSOR_SHUTDOWN_TIMEOUT_MS", "10000", "the bound on a graceful stop (SIGTERM)"),
                    Setting.LOG_FORMAT));

    private ProcessorSettings() {
    }
}
