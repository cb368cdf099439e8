package firstcome.ops;

import firstcome.contract.KafkaConnection;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ListOffsetsOptions;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * Where firstcome's topics end and how far a consumer group has read them, from the Admin API
 * (and a consumer that counts the records of small gaps).
 * The replay, rebuild and audit commands use it to take one snapshot of the logs and to wait
 * until a live service has caught up with that snapshot before they compare anything with it.
 */
public final class LogPositions implements AutoCloseable {

    private static final Duration CALL_TIMEOUT = Duration.ofSeconds(30);
    private static final Duration POLL_INTERVAL = Duration.ofMillis(500);

    /** Gaps up to this many offsets are read to count their records; larger ones are behind anyway. */
    private static final long COUNTED_GAP = 10_000;
    private static final Duration GAP_READ_TIMEOUT = Duration.ofSeconds(10);

    private final KafkaConnection kafka;
    private final String clientId;
    private final Admin admin;
    private KafkaConsumer<byte[], byte[]> gapReader;

    public LogPositions(KafkaConnection kafka, String clientId) {
        this.kafka = kafka;
        this.clientId = clientId;
        admin = Admin.create(kafka.settings(Map.of(AdminClientConfig.CLIENT_ID_CONFIG, clientId)));
    }

    /** The client this object owns, for topic and group administration; closed with this object. */
    public Admin admin() {
        return admin;
    }

    /** The topic's partitions in partition order. */
    public List<TopicPartition> partitions(String topic) {
        return get(admin.describeTopics(Set.of(topic)).allTopicNames()).get(topic).partitions().stream()
                .map(info -> new TopicPartition(topic, info.partition()))
                .sorted(Comparator.comparingInt(TopicPartition::partition))
                .toList();
    }

    /**
     * The last stable offset of every partition: what a {@code read_committed} consumer reads up
     * to. Records of a transaction still open lie beyond it.
     */
    public Map<TopicPartition, Long> ends(String topic) {
        return offsets(topic, OffsetSpec.latest(), IsolationLevel.READ_COMMITTED);
    }

    /** The first offset still in the log of every partition (0 until retention deletes something). */
    public Map<TopicPartition, Long> starts(String topic) {
        return offsets(topic, OffsetSpec.earliest(), IsolationLevel.READ_COMMITTED);
    }

    /**
     * The topic's partitions where a transaction is still open: written records lie beyond the
     * last stable offset ({@link #ends}). A committed transaction's offsets can be visible before its
     * marker reaches every partition it wrote to; until then the partition counts as open here.
     */
    public Set<TopicPartition> openTransactions(String topic) {
        Map<TopicPartition, Long> stable = ends(topic);
        Map<TopicPartition, Long> written = offsets(topic, OffsetSpec.latest(), IsolationLevel.READ_UNCOMMITTED);
        return written.entrySet().stream()
                .filter(end -> end.getValue() > stable.getOrDefault(end.getKey(), 0L))
                .map(Map.Entry::getKey)
                .collect(Collectors.toCollection(() -> new TreeSet<>(Comparator.comparingInt(TopicPartition::partition))));
    }

    /** The group's committed positions in the topic; a partition it never committed is absent. */
    public Map<TopicPartition, Long> committed(String group, String topic) {
        Map<TopicPartition, OffsetAndMetadata> all = get(admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata());
        Map<TopicPartition, Long> committed = new TreeMap<>(Comparator.comparingInt(TopicPartition::partition));
        all.forEach((partition, offset) -> {
            if (partition.topic().equals(topic) && offset != null) {
                committed.put(partition, offset.offset());
            }
        });
        return committed;
    }

    /**
     * How many records up to {@code ends} the group has not consumed yet, summed over the
     * partitions. A partition it never committed counts from the start of its log. A small gap is
     * read to count its records: after the last record of a transaction comes the transaction's
     * commit marker, which takes an offset but is no record, and a consumer that commits the
     * offset after its last record (as the sink does) stays one offset short of the end for good.
     */
    public long behind(String group, Map<TopicPartition, Long> ends) {
        if (ends.isEmpty()) {
            return 0;
        }
        String topic = ends.keySet().iterator().next().topic();
        Map<TopicPartition, Long> committed = committed(group, topic);
        Map<TopicPartition, Long> starts = starts(topic);
        long behind = 0;
        for (Map.Entry<TopicPartition, Long> end : ends.entrySet()) {
            long position = committed.getOrDefault(end.getKey(), starts.getOrDefault(end.getKey(), 0L));
            long gap = end.getValue() - position;
            if (gap > 0) {
                behind += gap > COUNTED_GAP ? gap : recordsBetween(end.getKey(), position, end.getValue());
            }
        }
        return behind;
    }

    /**
     * Waits until {@code observe} gives the same snapshot twice in a row, half a second apart, and
     * returns it; empty when {@code deadline} passes first. {@code observe} returns empty while a
     * live service is still behind the logs (and may say so). Two equal observations mean nothing
     * arrived in between, and leave time for a transaction's markers, which the broker writes to
     * the output partitions and to the consumer offsets one after the other, to land everywhere.
     */
    public <T> Optional<T> awaitSettled(Duration deadline, Supplier<Optional<T>> observe) {
        long giveUpAt = System.nanoTime() + deadline.toNanos();
        Optional<T> previous = Optional.empty();
        while (true) {
            Optional<T> current = observe.get();
            if (current.isPresent() && current.equals(previous)) {
                return current;
            }
            previous = current;
            if (System.nanoTime() > giveUpAt) {
                return Optional.empty();
            }
            pause();
        }
    }

    /** Sums {@code ends - starts} over the partitions: how many offsets a full read covers. */
    public static long span(Map<TopicPartition, Long> starts, Map<TopicPartition, Long> ends) {
        long span = 0;
        for (Map.Entry<TopicPartition, Long> end : ends.entrySet()) {
            span += Math.max(0, end.getValue() - starts.getOrDefault(end.getKey(), 0L));
        }
        return span;
    }

    @Override
    public void close() {
        if (gapReader != null) {
            gapReader.close(Duration.ofSeconds(5));
        }
        admin.close(Duration.ofSeconds(5));
    }

    /** Committed records in {@code [from, to)}; the whole span if they cannot be read in time. */
    private long recordsBetween(TopicPartition partition, long from, long to) {
        if (gapReader == null) {
            gapReader = new KafkaConsumer<>(kafka.settings(Map.<String, Object>of(
                    ConsumerConfig.CLIENT_ID_CONFIG, clientId + "-gap-reader",
                    ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed",
                    ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false,
                    // A gap ends where the log ends: a fetch sent ahead would wait there for the default 500 ms.
                    ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, 10)),
                    new ByteArrayDeserializer(), new ByteArrayDeserializer());
        }
        gapReader.assign(List.of(partition));
        gapReader.seek(partition, from);
        long records = 0;
        long giveUpAt = System.nanoTime() + GAP_READ_TIMEOUT.toNanos();
        while (gapReader.position(partition) < to) {
            if (System.nanoTime() > giveUpAt) {
                return to - from;
            }
            for (ConsumerRecord<byte[], byte[]> record : gapReader.poll(Duration.ofMillis(200)).records(partition)) {
                if (record.offset() < to) {
                    records++;
                }
            }
        }
        return records;
    }

    private Map<TopicPartition, Long> offsets(String topic, OffsetSpec spec, IsolationLevel isolation) {
        Map<TopicPartition, OffsetSpec> request = partitions(topic).stream()
                .collect(Collectors.toMap(Function.identity(), partition -> spec));
        var result = admin.listOffsets(request, new ListOffsetsOptions(isolation));
        Map<TopicPartition, Long> offsets = new TreeMap<>(Comparator.comparingInt(TopicPartition::partition));
        for (TopicPartition partition : request.keySet()) {
            offsets.put(partition, get(result.partitionResult(partition)).offset());
        }
        return offsets;
    }

    private static void pause() {
        try {
            // A plain wait between two Admin calls: nothing to wake up for.
            TimeUnit.MILLISECONDS.sleep(POLL_INTERVAL.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for a consumer group", e);
        }
    }

    private <T> T get(KafkaFuture<T> future) {
        try {
            return future.get(CALL_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while asking the broker", e);
        } catch (ExecutionException e) {
            throw new IllegalStateException("the broker refused: " + e.getCause().getMessage(), e.getCause());
        } catch (TimeoutException e) {
            throw new IllegalStateException("Kafka at " + kafka.bootstrapServers() + " did not answer within " + CALL_TIMEOUT.toSeconds()
                    + " s (KAFKA_BOOTSTRAP_SERVERS)", e);
        }
    }
}
