package firstcome.sink;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import firstcome.contract.Topics;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.record.TimestampType;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;

class DeadLettersTest {

    private static final byte[] KEY = "e1".getBytes(StandardCharsets.UTF_8);
    private static final byte[] VALUE = {'{', 0x00, (byte) 0xff};

    private static CouponBatch.Rejection rejection(long offset) {
        RecordHeaders headers = new RecordHeaders();
        headers.add("trace", "t-1".getBytes(StandardCharsets.UTF_8));
        ConsumerRecord<byte[], byte[]> record = new ConsumerRecord<>(Topics.ISSUED, 2, offset, 1_764_000_000_000L,
                TimestampType.CREATE_TIME, -1, -1, KEY, VALUE, headers, Optional.empty());
        return new CouponBatch.Rejection(record, DeadLetterReason.UNREADABLE, "not a valid IssuedCoupon");
    }

    private static String header(ProducerRecord<byte[], byte[]> record, String name) {
        Header header = record.headers().lastHeader(name);
        return header == null ? null : new String(header.value(), StandardCharsets.UTF_8);
    }

    @Test
    void forwardsTheOriginalBytesWithHeadersSayingWhyAndWhereFrom() {
        ProducerRecord<byte[], byte[]> letter = DeadLetters.toDeadLetter(rejection(41), Topics.ISSUED_DLQ);

        assertThat(letter.topic()).isEqualTo(Topics.ISSUED_DLQ);
        assertThat(letter.key()).isEqualTo(KEY);
        assertThat(letter.value()).isEqualTo(VALUE);
        assertThat(letter.timestamp()).isEqualTo(1_764_000_000_000L);
        assertThat(header(letter, "trace")).isEqualTo("t-1");
        assertThat(header(letter, DeadLetters.REASON)).isEqualTo("UNREADABLE");
        assertThat(header(letter, DeadLetters.MESSAGE)).isEqualTo("not a valid IssuedCoupon");
        assertThat(header(letter, DeadLetters.TOPIC)).isEqualTo(Topics.ISSUED);
        assertThat(header(letter, DeadLetters.PARTITION)).isEqualTo("2");
        assertThat(header(letter, DeadLetters.OFFSET)).isEqualTo("41");
    }

    @Test
    void returnsOnlyOnceEveryDeadLetterIsAcknowledgedAndCountsEach() {
        MockProducer<byte[], byte[]> producer = new MockProducer<>(true, null, new ByteArraySerializer(), new ByteArraySerializer());
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        DeadLetters deadLetters = new DeadLetters(producer, Topics.ISSUED_DLQ, new SinkMetrics(registry));

        deadLetters.send(List.of(rejection(1), rejection(2)));

        assertThat(producer.history()).hasSize(2);
        assertThat(registry.get("sink.dead.letters").tag("reason", "UNREADABLE").counter().count()).isEqualTo(2);
    }

    @Test
    void namesTheDeadLettersTheBrokerDidNotAcknowledge() {
        MockProducer<byte[], byte[]> producer = new MockProducer<>(false, null, new ByteArraySerializer(), new ByteArraySerializer());
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        DeadLetters deadLetters = new DeadLetters(producer, Topics.ISSUED_DLQ, new SinkMetrics(registry));
        CouponBatch.Rejection acknowledged = rejection(1);
        CouponBatch.Rejection refused = rejection(2);
        // Answer the broker's side from another thread while send() waits, as a real broker would.
        Thread broker = new Thread(() -> {
            org.awaitility.Awaitility.await().until(() -> producer.history().size() == 2);
            producer.completeNext();
            producer.errorNext(new TimeoutException("broker gone"));
        });
        broker.start();

        assertThatThrownBy(() -> deadLetters.send(List.of(acknowledged, refused)))
                .isInstanceOfSatisfying(DeadLetters.NotAcknowledged.class,
                        e -> assertThat(e.unsent()).containsExactly(refused));
        assertThat(registry.get("sink.dead.letters").tag("reason", "UNREADABLE").counter().count()).isEqualTo(1);
    }
}
