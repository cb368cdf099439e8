package firstcome.ingress.kafka;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.errors.WakeupException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Assigns a follower's consumer every partition of its topic (no consumer group: each ingress reads
 * the whole topic), waiting for the topic to exist and its broker to answer: an ingress may start
 * before the topics are created.
 */
public final class TopicAssignment {

    private static final Logger log = LoggerFactory.getLogger(TopicAssignment.class);
    private static final Duration METADATA_WAIT = Duration.ofSeconds(2);
    private static final long RETRY_MS = 500;

    private TopicAssignment() {
    }

    /** The topic's partitions, assigned to {@code consumer}; a {@link WakeupException} once {@code running} turns false. */
    public static List<TopicPartition> assignAll(Consumer<?, ?> consumer, String topic, BooleanSupplier running)
            throws InterruptedException {
        boolean warned = false;
        while (running.getAsBoolean()) {
            try {
                List<PartitionInfo> infos = consumer.partitionsFor(topic, METADATA_WAIT);
                if (infos != null && !infos.isEmpty()) {
                    List<TopicPartition> partitions = infos.stream()
                            .map(info -> new TopicPartition(info.topic(), info.partition()))
                            .toList();
                    consumer.assign(partitions);
                    return partitions;
                }
            } catch (TimeoutException e) {
                // broker not reachable yet
            }
            if (!warned) {
                log.warn("waiting for topic {} to exist and its broker to answer", topic);
                warned = true;
            }
            TimeUnit.MILLISECONDS.sleep(RETRY_MS);
        }
        throw new WakeupException();
    }
}
