package firstcome.processor;

import static org.assertj.core.api.Assertions.assertThat;

import org.apache.kafka.common.errors.InvalidTxnStateException;
import org.apache.kafka.streams.errors.StreamsException;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse;
import org.junit.jupiter.api.Test;

class StreamThreadFailuresTest {

    /** As Kafka Streams hands it over when a commit meets a transaction the brokers aborted. */
    private static StreamsException commitRefused() {
        return new StreamsException("Error encountered trying to commit a transaction",
                new InvalidTxnStateException("The producer attempted a transactional operation in an invalid state."));
    }

    @Test
    void replacesTheThreadWhenTheBrokersAbortedItsTransaction() {
        assertThat(new StreamThreadFailures().handle(commitRefused())).isEqualTo(StreamThreadExceptionResponse.REPLACE_THREAD);
    }

    @Test
    void shutsTheClientDownOnAnyOtherFailure() {
        StreamThreadFailures failures = new StreamThreadFailures();

        assertThat(failures.handle(new StreamsException("a deserializer failed", new IllegalStateException("bad record"))))
                .isEqualTo(StreamThreadExceptionResponse.SHUTDOWN_CLIENT);
        assertThat(failures.handle(new IllegalStateException("a bug"))).isEqualTo(StreamThreadExceptionResponse.SHUTDOWN_CLIENT);
    }

    @Test
    void shutsTheClientDownOnceTheThreadWasReplacedTooOften() {
        StreamThreadFailures failures = new StreamThreadFailures();
        for (int i = 0; i < StreamThreadFailures.MAX_REPLACEMENTS; i++) {
            assertThat(failures.handle(commitRefused())).isEqualTo(StreamThreadExceptionResponse.REPLACE_THREAD);
        }

        assertThat(failures.handle(commitRefused())).isEqualTo(StreamThreadExceptionResponse.SHUTDOWN_CLIENT);
    }
}
