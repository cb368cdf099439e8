package firstcome.ingress.kafka;

import firstcome.contract.KafkaConnection;
import firstcome.contract.Topic;
import firstcome.ingress.api.EventId;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.utils.Utils;

/**
 * Where an event's partition of a topic keyed by event ends right now (coupon-requests, and
 * coupon-actions for the shop's returns): the partition the default partitioner picks for the
 * event's key ({@code toPositive(murmur2(key)) % partitions}), and its end offset.
 */
public final class RequestsLogEnd implements AutoCloseable {

    private static final Duration WAIT = Duration.ofSeconds(2);

    private final Topic<?> topic;
    private final KafkaConsumer<byte[], byte[]> consumer;

    public RequestsLogEnd(KafkaConnection kafka, Topic<?> topic) {
        this.topic = topic;
        this.consumer = new KafkaConsumer<>(kafka.settings(Map.of(
                ConsumerConfig.CLIENT_ID_CONFIG, "firstcome-ingress-end-of-" + topic.name(),
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false)),
                new ByteArrayDeserializer(), new ByteArrayDeserializer());
    }

    /** Throws the client's exception when the broker does not answer within 2 s. */
    public synchronized long endOffset(EventId event) {
        byte[] key = topic.keySerde().serializer().serialize(topic.name(), event.value());
        int partitions = consumer.partitionsFor(topic.name(), WAIT).size();
        var partition = new TopicPartition(topic.name(), partition(key, partitions));
        return consumer.endOffsets(List.of(partition), WAIT).get(partition);
    }

    /** The default partitioner's choice for a keyed record. */
    public static int partition(byte[] key, int partitions) {
        return Utils.toPositive(Utils.murmur2(key)) % partitions;
    }

    @Override
    public synchronized void close() {
        consumer.close(Duration.ofSeconds(2));
    }
}
