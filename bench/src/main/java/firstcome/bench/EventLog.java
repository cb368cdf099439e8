package firstcome.bench;

import firstcome.contract.Topic;
import java.nio.charset.StandardCharsets;
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
 * Everything committed to one of firstcome's topics keyed by event ({@code coupon-issued},
 * {@code coupon-decisions}, {@code coupon-actions}, ...), read as the sink reads it
 * ({@code read_committed}, no consumer group), kept per event in log order and caught up on demand.
 */
final class EventLog<V> implements AutoCloseable {

    private final Topic<V> topic;
    private final KafkaConsumer<byte[], byte[]> consumer;
    private final List<TopicPartition> partitions;
    private final Map<String, List<V>> byEvent = new ConcurrentHashMap<>();

    EventLog(String bootstrapServers, Topic<V> topic) {
        this.topic = topic;
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

    /** The event's records committed so far (up to the last stable offset at the time of the call), in log order. */
    synchronized List<V> records(String event) {
        Map<TopicPartition, Long> ends = consumer.endOffsets(partitions, Duration.ofSeconds(10));
        long deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
        while (partitions.stream().anyMatch(p -> consumer.position(p) < ends.get(p)) && System.nanoTime() < deadline) {
            for (var record : consumer.poll(Duration.ofMillis(200))) {
                String key = new String(record.key(), StandardCharsets.UTF_8);
                byEvent.computeIfAbsent(key, e -> new ArrayList<>())
                        .add(topic.valueSerde().deserializer().deserialize(topic.name(), record.value()));
            }
        }
        return List.copyOf(byEvent.getOrDefault(event, List.of()));
    }

    @Override
    public synchronized void close() {
        consumer.close();
    }
}
