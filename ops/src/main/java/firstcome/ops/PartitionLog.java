package firstcome.ops;

import firstcome.contract.KafkaConnection;
import java.time.Duration;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * The committed records of one topic partition, from the start of the log up to an end offset
 * taken earlier ({@link LogPositions#ends}), in log order and as raw bytes. Reads with
 * {@code read_committed}, so records of aborted transactions (a crashed processor's) never show,
 * and without a consumer group, so reading leaves no trace on the broker.
 */
public final class PartitionLog implements Iterator<ConsumerRecord<byte[], byte[]>> {

    private static final Duration POLL_TIMEOUT = Duration.ofMillis(500);
    /** The end was committed when it was taken, so a read that stops short of it is stuck, not slow. */
    private static final Duration STALL_LIMIT = Duration.ofSeconds(60);

    private static final AtomicInteger READERS = new AtomicInteger();

    private final KafkaConsumer<byte[], byte[]> consumer;
    private final TopicPartition partition;
    private final long end;
    private Iterator<ConsumerRecord<byte[], byte[]>> buffered = Collections.emptyIterator();
    private ConsumerRecord<byte[], byte[]> next;
    private boolean finished;

    private PartitionLog(KafkaConsumer<byte[], byte[]> consumer, TopicPartition partition, long end) {
        this.consumer = consumer;
        this.partition = partition;
        this.end = end;
        consumer.assign(List.of(partition));
        consumer.seekToBeginning(List.of(partition));
    }

    /**
     * Reads with {@code consumer} (from {@link #consumer(KafkaConnection)}), which it reassigns and leaves
     * open: one consumer reads partition after partition without paying for its start each time.
     */
    public static PartitionLog open(KafkaConsumer<byte[], byte[]> consumer, TopicPartition partition, long end) {
        return new PartitionLog(consumer, partition, end);
    }

    /** A consumer for {@link #open(KafkaConsumer, TopicPartition, long)}: {@code read_committed}, no group, no commits. */
    public static KafkaConsumer<byte[], byte[]> consumer(KafkaConnection kafka) {
        return new KafkaConsumer<>(kafka.settings(Map.<String, Object>of(
                ConsumerConfig.CLIENT_ID_CONFIG, "firstcome-log-reader-" + READERS.incrementAndGet(),
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed",
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false,
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
                ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 5_000,
                ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, 4 * 1024 * 1024,
                // The read stops at an end that exists, so the broker never has to wait for data; but
                // a fetch sent ahead past that end would hold the next partition's first fetch for
                // the default 500 ms.
                ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, 10)),
                new ByteArrayDeserializer(), new ByteArrayDeserializer());
    }

    public TopicPartition partition() {
        return partition;
    }

    @Override
    public boolean hasNext() {
        if (next != null) {
            return true;
        }
        if (finished) {
            return false;
        }
        long stalledSince = System.nanoTime();
        while (!buffered.hasNext()) {
            if (consumer.position(partition) >= end) {
                finished = true;
                return false;
            }
            List<ConsumerRecord<byte[], byte[]>> records = consumer.poll(POLL_TIMEOUT).records(partition);
            if (!records.isEmpty()) {
                stalledSince = System.nanoTime();
            } else if (System.nanoTime() - stalledSince > STALL_LIMIT.toNanos()) {
                throw new IllegalStateException("no record of " + partition + " could be read for "
                        + STALL_LIMIT.toSeconds() + " s at offset " + consumer.position(partition) + " (reading up to " + end + ")");
            }
            buffered = records.iterator();
        }
        ConsumerRecord<byte[], byte[]> candidate = buffered.next();
        if (candidate.offset() >= end) {
            finished = true;
            return false;
        }
        next = candidate;
        return true;
    }

    @Override
    public ConsumerRecord<byte[], byte[]> next() {
        if (!hasNext()) {
            throw new NoSuchElementException(partition + " read up to " + end);
        }
        ConsumerRecord<byte[], byte[]> record = next;
        next = null;
        return record;
    }
}
