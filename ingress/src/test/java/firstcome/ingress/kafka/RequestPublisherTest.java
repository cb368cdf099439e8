package firstcome.ingress.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import firstcome.ingress.IngressConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.errors.NotEnoughReplicasException;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.errors.TimeoutException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Which failed sends certainly never reached the log (the slot goes back) and which may have (the place is kept). */
class RequestPublisherTest {

    @Test
    void takesAFailureInsideSendAsCertainlyNeverSent() {
        assertThat(RequestPublisher.certain(new TimeoutException("no metadata within max.block.ms"), true)).isTrue();
    }

    @Test
    void takesANonRetriableRefusalOfTheBrokerAsCertainlyNeverSent() {
        assertThat(RequestPublisher.certain(new RecordTooLargeException("too large"), false)).isTrue();
    }

    @Test
    void takesATimeoutOrARetriableErrorAfterSendAsPossiblyWritten() {
        assertThat(RequestPublisher.certain(new TimeoutException("Expiring 1 record(s)"), false)).isFalse();
        assertThat(RequestPublisher.certain(new NotEnoughReplicasException("isr"), false)).isFalse();
    }

    @Test
    void takesAForcedCloseFailingABatchAfterSendAsPossiblyWritten() {
        assertThat(RequestPublisher.certain(new KafkaException("Producer is closed forcefully."), false)).isFalse();
    }

    @Test
    void takesTheClientFilesSettingsButKeepsAcksAllIdempotenceAndItsOwnTimeouts(@TempDir Path dir) throws IOException {
        Path file = Files.writeString(dir.resolve("kafka.properties"),
                "security.protocol=SASL_SSL\nsasl.mechanism=PLAIN\ndelivery.timeout.ms=120000\n");
        IngressConfig config = IngressConfig.fromEnv(Map.of("KAFKA_BOOTSTRAP_SERVERS", "managed:9093",
                "KAFKA_CLIENT_CONFIG", file.toString()));

        Map<String, Object> settings = RequestPublisher.settings(config);

        assertThat(settings)
                .containsEntry("bootstrap.servers", "managed:9093")
                .containsEntry("security.protocol", "SASL_SSL")
                .containsEntry("sasl.mechanism", "PLAIN")
                .containsEntry("acks", "all")
                .containsEntry("enable.idempotence", true)
                // INGRESS_KAFKA_DELIVERY_TIMEOUT_MS, not the file: the 503 UNCONFIRMED and the reconciler are timed by it
                .containsEntry("delivery.timeout.ms", 3_000);
    }
}
