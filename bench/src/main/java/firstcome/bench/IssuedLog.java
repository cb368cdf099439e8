package firstcome.bench;

import firstcome.contract.IssuedCoupon;
import firstcome.contract.Topic;
import firstcome.contract.Topics;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * Everything the streams-processor committed to {@code coupon-issued}, read as the sink reads it
 * ({@code read_committed}, no consumer group), kept per event and caught up on demand.
 */
final class IssuedLog implements AutoCloseable {

    private final Topic<IssuedCoupon> topic = Topics.standard().issued();
    private final KafkaConsumer<byte[], byte[]> consumer;
    private final List<TopicPartition> partitions;
    private final Map<String, List<IssuedCoupon>> byEvent = new ConcurrentHashMap<>();

    IssuedLog(String bootstrapServers) {
        consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed",
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false,
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest"),
                new ByteArrayDeserializer(), new ByteArrayDeserializer());
        partitions = consumer.partitionsFor(topic.name()).stream()
                .map(info -> new TopicPartition(topic.name(), info.partition())).toList();
        consumer.assign(partitions);
        consumer.seekToBeginning(partitions);
    }

    /** The event's coupons committed so far (up to the last stable offset at the time of the call). */
    synchronized List<IssuedCoupon> coupons(String event) {
        Map<TopicPartition, Long> ends = consumer.endOffsets(partitions, Duration.ofSeconds(10));
        long deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
        while (partitions.stream().anyMatch(p -> consumer.position(p) < ends.get(p)) && System.nanoTime() < deadline) {
            for (var record : consumer.poll(Duration.ofMillis(200))) {
                IssuedCoupon coupon = topic.valueSerde().deserializer().deserialize(topic.name(), record.value());
                byEvent.computeIfAbsent(coupon.eventId(), e -> new ArrayList<>()).add(coupon);
            }
        }
        return List.copyOf(byEvent.getOrDefault(event, List.of()));
    }

    @Override
    public synchronized void close() {
        consumer.close();
    }
}
