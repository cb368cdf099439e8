package firstcome.ingress.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.errors.NotEnoughReplicasException;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.errors.TimeoutException;
import org.junit.jupiter.api.Test;

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
}
