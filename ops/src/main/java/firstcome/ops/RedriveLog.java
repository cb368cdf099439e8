package firstcome.ops;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import firstcome.contract.Json;
import firstcome.contract.Topics;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.TopicConfig;

/**
 * The re-drives done so far: a compacted topic ({@value DeadLetters#REDRIVEN_TOPIC}) keyed by the dead
 * letter, {@code topic/partition/offset}, whose value says when it was re-driven, where to and with what
 * result. A second re-drive of the same dead letter reads it here and sends nothing (unless forced).
 * The topic is created by the first re-drive; listing never creates it.
 */
final class RedriveLog {

    private static final long SEND_TIMEOUT_SECONDS = 30;

    private final LogPositions positions;
    private final KafkaConsumer<byte[], byte[]> consumer;
    private final String topic;

    RedriveLog(LogPositions positions, KafkaConsumer<byte[], byte[]> consumer, String topic) {
        this.positions = positions;
        this.consumer = consumer;
        this.topic = topic;
    }

    String topic() {
        return topic;
    }

    /** Every dead letter re-driven so far, by its id, with the latest entry; empty when the topic does not exist yet. */
    Map<String, ObjectNode> read() {
        Map<String, ObjectNode> redriven = new HashMap<>();
        if (!DeadLetters.exists(positions, topic)) {
            return redriven;
        }
        for (Map.Entry<TopicPartition, Long> end : positions.ends(topic).entrySet()) {
            var log = PartitionLog.open(consumer, end.getKey(), end.getValue());
            while (log.hasNext()) {
                ConsumerRecord<byte[], byte[]> record = log.next();
                if (record.key() == null) {
                    continue;
                }
                String id = new String(record.key(), StandardCharsets.UTF_8);
                if (record.value() == null) {
                    redriven.remove(id);
                    continue;
                }
                try {
                    JsonNode entry = Json.mapper().readTree(record.value());
                    if (entry instanceof ObjectNode object) {
                        redriven.put(id, object);
                    }
                } catch (IOException unreadable) {
                    // Not written by this command: it cannot say anything about a re-drive.
                }
            }
        }
        return redriven;
    }

    /** Creates the topic unless it exists: one partition, compacted (the latest entry per dead letter is what counts). */
    void create() {
        Topics.create(positions.admin(), List.of(new NewTopic(topic, Optional.of(1), Optional.empty())
                .configs(Map.of(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT))));
    }

    /** Appends {@code entry} for dead letter {@code id} and waits for the broker's acknowledgement. */
    void append(Producer<byte[], byte[]> producer, String id, ObjectNode entry) {
        try {
            producer.send(new ProducerRecord<>(topic, id.getBytes(StandardCharsets.UTF_8), Json.mapper().writeValueAsBytes(entry)))
                    .get(SEND_TIMEOUT_SECONDS, TimeUnit.SECONDS);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write the re-drive of " + id + " as JSON", e);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("the re-drive of " + id + " happened but could not be recorded in " + topic + ": "
                    + (e.getCause() == null ? e : e.getCause()).toString(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while recording the re-drive of " + id, e);
        }
    }

    /** How the listing and a refused second re-drive describe an entry. */
    static String describe(ObjectNode entry) {
        return "at " + entry.path("redrivenAt").asText("?") + " into " + entry.path("into").asText("?")
                + " (" + entry.path("result").asText("?") + (entry.path("forced").asBoolean(false) ? ", forced" : "") + ")";
    }
}
