package firstcome.ingress.catalog;

import firstcome.contract.EventDefinition;
import firstcome.contract.KafkaConnection;
import firstcome.contract.Topic;
import firstcome.ingress.kafka.FollowerThread;
import firstcome.ingress.kafka.TopicAssignment;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads the compacted coupon-events topic from its beginning into the {@link EventCatalog} on a
 * background thread, then keeps following it. No consumer group: every ingress reads every
 * partition, commits nothing, and starts from the beginning again after a restart. The catalog
 * counts as loaded once the end offsets seen at start are reached.
 */
public final class CatalogFollower implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(CatalogFollower.class);
    private static final Duration POLL = Duration.ofMillis(200);
    private static final Duration METADATA_WAIT = Duration.ofSeconds(2);

    private final Topic<EventDefinition> topic;
    private final EventCatalog catalog;
    private final KafkaConsumer<byte[], byte[]> consumer;
    private final FollowerThread follower;

    public CatalogFollower(KafkaConnection kafka, Topic<EventDefinition> topic, EventCatalog catalog) {
        this.topic = topic;
        this.catalog = catalog;
        this.consumer = new KafkaConsumer<>(kafka.settings(Map.of(
                ConsumerConfig.CLIENT_ID_CONFIG, "firstcome-ingress-catalog",
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false,
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
                ConsumerConfig.RECONNECT_BACKOFF_MAX_MS_CONFIG, 1000)),
                new ByteArrayDeserializer(), new ByteArrayDeserializer());
        this.follower = new FollowerThread("ingress-catalog", "event catalog reader", consumer, this::follow);
    }

    public void start() {
        follower.start();
    }

    private void follow(BooleanSupplier running) throws InterruptedException {
        List<TopicPartition> partitions = TopicAssignment.assignAll(consumer, topic.name(), running);
        consumer.seekToBeginning(partitions);
        Map<TopicPartition, Long> ends = endOffsets(partitions, running);
        log.info("reading {} ({} partitions) from the beginning, up to {}", topic.name(), partitions.size(), ends);
        while (running.getAsBoolean()) {
            for (ConsumerRecord<byte[], byte[]> record : consumer.poll(POLL)) {
                apply(record);
            }
            if (!catalog.isLoaded() && reached(ends)) {
                catalog.markLoaded();
                log.info("event catalog loaded: {} events", catalog.size());
            }
        }
    }

    private Map<TopicPartition, Long> endOffsets(List<TopicPartition> partitions, BooleanSupplier running) {
        while (true) {
            try {
                return consumer.endOffsets(partitions, METADATA_WAIT);
            } catch (TimeoutException e) {
                if (!running.getAsBoolean()) {
                    throw new WakeupException();
                }
            }
        }
    }

    private boolean reached(Map<TopicPartition, Long> ends) {
        try {
            for (var end : ends.entrySet()) {
                if (consumer.position(end.getKey(), METADATA_WAIT) < end.getValue()) {
                    return false;
                }
            }
            return true;
        } catch (TimeoutException brokerAway) {
            return false;
        }
    }

    private void apply(ConsumerRecord<byte[], byte[]> record) {
        String key = record.key() == null ? null : topic.keySerde().deserializer().deserialize(topic.name(), record.key());
        if (key == null) {
            log.warn("skipping {} record at {}-{}: no key", topic.name(), record.partition(), record.offset());
            return;
        }
        if (record.value() == null) {
            catalog.apply(key, null, record.offset(), Instant.ofEpochMilli(record.timestamp()));
            return;
        }
        EventDefinition definition;
        try {
            definition = topic.valueSerde().deserializer().deserialize(topic.name(), record.value());
        } catch (SerializationException e) {
            log.warn("skipping {} record at {}-{}: {}", topic.name(), record.partition(), record.offset(), e.getMessage());
            return;
        }
        if (!key.equals(definition.eventId())) {
            log.warn("skipping {} record at {}-{}: key {} but eventId {}",
                    topic.name(), record.partition(), record.offset(), key, definition.eventId());
            return;
        }
        catalog.apply(key, definition, record.offset(), Instant.ofEpochMilli(record.timestamp()));
    }

    @Override
    public void close() {
        follower.close();
    }
}
