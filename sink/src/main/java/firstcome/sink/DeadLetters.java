package firstcome.sink;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sets records aside on {@code coupon-issued-dlq}: the original key, value, headers and timestamp,
 * plus headers saying why and where from. Returns only once the broker has acknowledged every one,
 * so the consumer never commits past a record that is neither in the table nor in the dead-letter
 * topic. Each dead letter is logged once and counted once, when acknowledged.
 */
final class DeadLetters {

    static final String REASON = "firstcome.error.reason";
    static final String MESSAGE = "firstcome.error.message";
    static final String TOPIC = "firstcome.error.topic";
    static final String PARTITION = "firstcome.error.partition";
    static final String OFFSET = "firstcome.error.offset";

    private static final Logger log = LoggerFactory.getLogger(DeadLetters.class);

    /** Some dead letters were not acknowledged; {@link #unsent()} are to be sent again. */
    static final class NotAcknowledged extends KafkaException {
        private final transient List<CouponBatch.Rejection> unsent;

        NotAcknowledged(List<CouponBatch.Rejection> unsent, Throwable cause) {
            super(unsent.size() + " dead letter(s) not acknowledged: " + cause.getMessage(), cause);
            this.unsent = List.copyOf(unsent);
        }

        List<CouponBatch.Rejection> unsent() {
            return unsent;
        }
    }

    private final Producer<byte[], byte[]> producer;
    private final String topic;
    private final SinkMetrics metrics;

    DeadLetters(Producer<byte[], byte[]> producer, String topic, SinkMetrics metrics) {
        this.producer = producer;
        this.topic = topic;
        this.metrics = metrics;
    }

    /** Sends them all and waits for every acknowledgement; throws {@link NotAcknowledged} naming those still to send. */
    void send(List<CouponBatch.Rejection> rejections) {
        if (rejections.isEmpty()) {
            return;
        }
        List<Future<RecordMetadata>> acks = new ArrayList<>(rejections.size());
        List<CouponBatch.Rejection> unsent = new ArrayList<>();
        Exception failure = null;
        for (CouponBatch.Rejection rejection : rejections) {
            try {
                acks.add(producer.send(toDeadLetter(rejection, topic)));
            } catch (KafkaException e) {
                // send() itself fails when the broker's metadata cannot be had within max.block.ms.
                acks.add(null);
                failure = failure == null ? e : failure;
            }
        }
        for (int i = 0; i < rejections.size(); i++) {
            CouponBatch.Rejection rejection = rejections.get(i);
            try {
                if (acks.get(i) == null) {
                    unsent.add(rejection);
                    continue;
                }
                RecordMetadata stored = acks.get(i).get();
                metrics.deadLettered(rejection.reason());
                ConsumerRecord<byte[], byte[]> record = rejection.record();
                log.warn("{}-{}@{} set aside to {}-{}@{}: {}: {}", record.topic(), record.partition(), record.offset(),
                        stored.topic(), stored.partition(), stored.offset(), rejection.reason(), rejection.detail());
            } catch (ExecutionException e) {
                unsent.add(rejection);
                failure = failure == null ? e : failure;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                unsent.addAll(rejections.subList(i, rejections.size()));
                throw new NotAcknowledged(unsent, e);
            }
        }
        if (!unsent.isEmpty()) {
            throw new NotAcknowledged(unsent, failure instanceof ExecutionException ? failure.getCause() : failure);
        }
    }

    /** The dead letter of a rejected record: its bytes as read, the original headers, then ours. */
    static ProducerRecord<byte[], byte[]> toDeadLetter(CouponBatch.Rejection rejection, String topic) {
        ConsumerRecord<byte[], byte[]> record = rejection.record();
        RecordHeaders headers = new RecordHeaders(record.headers().toArray());
        headers.add(REASON, utf8(rejection.reason().name()));
        headers.add(MESSAGE, utf8(rejection.detail()));
        headers.add(TOPIC, utf8(record.topic()));
        headers.add(PARTITION, utf8(Integer.toString(record.partition())));
        headers.add(OFFSET, utf8(Long.toString(record.offset())));
        Long timestamp = record.timestamp() >= 0 ? record.timestamp() : null;
        return new ProducerRecord<>(topic, null, timestamp, record.key(), record.value(), headers);
    }

    private static byte[] utf8(String text) {
        return (text == null ? "" : text).getBytes(StandardCharsets.UTF_8);
    }
}
