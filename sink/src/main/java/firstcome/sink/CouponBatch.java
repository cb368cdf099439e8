package firstcome.sink;

import firstcome.contract.CouponChange;
import firstcome.contract.IssuedCoupon;
import firstcome.contract.Topic;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.SerializationException;

/**
 * The records of one poll, decoded: the rows to write (a {@code coupon-issued} record asks for its
 * coupon's row at version 0, a {@code coupon-changes} record for the row at its version), the records
 * that cannot be read (for the dead-letter topic), and where each partition's consumption stands
 * before and after the batch. Records are read as raw bytes and decoded here, so an unreadable one
 * can be forwarded byte for byte.
 */
public final class CouponBatch {

    /** A record set aside, with why. */
    public record Rejection(ConsumerRecord<byte[], byte[]> record, DeadLetterReason reason, String detail) {
    }

    private final List<CouponRow> rows;
    private final List<ConsumerRecord<byte[], byte[]>> couponSources;
    private final List<Rejection> rejections;
    private final Map<TopicPartition, OffsetAndMetadata> nextOffsets;
    private final Map<TopicPartition, Long> firstOffsets;
    private final int size;

    private CouponBatch(List<CouponRow> rows, List<ConsumerRecord<byte[], byte[]>> couponSources,
            List<Rejection> rejections, Map<TopicPartition, OffsetAndMetadata> nextOffsets,
            Map<TopicPartition, Long> firstOffsets, int size) {
        this.rows = rows;
        this.couponSources = couponSources;
        this.rejections = rejections;
        this.nextOffsets = nextOffsets;
        this.firstOffsets = firstOffsets;
        this.size = size;
    }

    /** Decodes each record by the topic it came from: {@code issued} or {@code changes}; any other is unreadable. */
    public static CouponBatch decode(ConsumerRecords<byte[], byte[]> records, Topic<IssuedCoupon> issued, Topic<CouponChange> changes) {
        List<CouponRow> rows = new ArrayList<>(records.count());
        List<ConsumerRecord<byte[], byte[]>> sources = new ArrayList<>(records.count());
        List<Rejection> rejections = new ArrayList<>();
        Map<TopicPartition, OffsetAndMetadata> next = new HashMap<>();
        Map<TopicPartition, Long> first = new HashMap<>();
        for (TopicPartition partition : records.partitions()) {
            List<ConsumerRecord<byte[], byte[]>> inPartition = records.records(partition);
            first.put(partition, inPartition.get(0).offset());
            ConsumerRecord<byte[], byte[]> last = inPartition.get(inPartition.size() - 1);
            // The leader epoch lets the broker detect a commit made against a truncated log.
            next.put(partition, new OffsetAndMetadata(last.offset() + 1, last.leaderEpoch(), ""));
            for (ConsumerRecord<byte[], byte[]> record : inPartition) {
                Decoded decoded = record.topic().equals(changes.name()) ? decodeChange(record, changes)
                        : record.topic().equals(issued.name()) ? decodeIssued(record, issued)
                        : rejected(record, DeadLetterReason.UNREADABLE, "the sink reads " + issued.name() + " and " + changes.name() + " only");
                if (decoded.row != null) {
                    rows.add(decoded.row);
                    sources.add(record);
                } else {
                    rejections.add(decoded.rejection);
                }
            }
        }
        return new CouponBatch(rows, sources, rejections, next, first, records.count());
    }

    private record Decoded(CouponRow row, Rejection rejection) {
    }

    private static Decoded decodeIssued(ConsumerRecord<byte[], byte[]> record, Topic<IssuedCoupon> topic) {
        Read<IssuedCoupon> read = read(record, topic);
        return read.failure != null ? read.failure : checked(record, CouponRow.of(read.value), read.key);
    }

    private static Decoded decodeChange(ConsumerRecord<byte[], byte[]> record, Topic<CouponChange> topic) {
        Read<CouponChange> read = read(record, topic);
        if (read.failure != null) {
            return read.failure;
        }
        Decoded decoded = checked(record, CouponRow.of(read.value), read.key);
        if (decoded.row != null && !CouponWriter.fitsTheTable(read.value.changedAt())) {
            return rejected(record, DeadLetterReason.TIME_OUT_OF_RANGE, "changedAt " + read.value.changedAt() + " is outside " + RANGE);
        }
        return decoded;
    }

    private static final String RANGE = CouponWriter.EARLIEST_ISSUED_AT + ".." + CouponWriter.LATEST_ISSUED_AT;

    /** A record's key and value, or why they cannot be read. */
    private record Read<V>(V value, String key, Decoded failure) {
    }

    private static <V> Read<V> read(ConsumerRecord<byte[], byte[]> record, Topic<V> topic) {
        if (record.value() == null) {
            return new Read<>(null, null, rejected(record, DeadLetterReason.UNREADABLE, "the record has no value"));
        }
        V value;
        String key;
        try {
            value = topic.valueSerde().deserializer().deserialize(record.topic(), record.headers(), record.value());
            key = topic.keySerde().deserializer().deserialize(record.topic(), record.headers(), record.key());
        } catch (RuntimeException e) {
            // JsonSerde says what is wrong in a SerializationException; anything else thrown while
            // decoding is just as much a record that cannot be read.
            String detail = e instanceof SerializationException ? e.getMessage() : e.toString();
            return new Read<>(null, null, rejected(record, DeadLetterReason.UNREADABLE, detail));
        }
        if (value == null) {
            return new Read<>(null, null, rejected(record, DeadLetterReason.UNREADABLE, "the value is JSON null"));
        }
        return new Read<>(value, key, null);
    }

    /** The checks every row passes before it reaches the table: keyed by its event, times a {@code DATETIME(3)} holds. */
    private static Decoded checked(ConsumerRecord<byte[], byte[]> record, CouponRow row, String key) {
        if (!row.eventId().equals(key)) {
            return rejected(record, DeadLetterReason.KEY_MISMATCH,
                    "the key " + (key == null ? "is missing" : "'" + key + "' is not") + " the event id '" + row.eventId() + "'");
        }
        if (!CouponWriter.fitsTheTable(row.issuedAt())) {
            return rejected(record, DeadLetterReason.ISSUED_AT_OUT_OF_RANGE, "issuedAt " + row.issuedAt() + " is outside " + RANGE);
        }
        Instant validUntil = row.validUntil();
        if (validUntil != null && !CouponWriter.fitsTheTable(validUntil)) {
            return rejected(record, DeadLetterReason.TIME_OUT_OF_RANGE, "validUntil " + validUntil + " is outside " + RANGE);
        }
        return new Decoded(row, null);
    }

    private static Decoded rejected(ConsumerRecord<byte[], byte[]> record, DeadLetterReason reason, String detail) {
        return new Decoded(null, new Rejection(record, reason, detail));
    }

    /** The rows the readable records ask for, in partition-then-offset order. */
    public List<CouponRow> rows() {
        return Collections.unmodifiableList(rows);
    }

    /** The records that cannot be read or stored whatever the table holds. */
    public List<Rejection> unreadable() {
        return Collections.unmodifiableList(rejections);
    }

    /** Row number {@code index} of {@link #rows()} as a rejection of the record it came from. */
    Rejection reject(int index, DeadLetterReason reason, String detail) {
        return new Rejection(couponSources.get(index), reason, detail);
    }

    /** Where each partition's committed position goes once the whole batch is stored. */
    Map<TopicPartition, OffsetAndMetadata> nextOffsets() {
        return Collections.unmodifiableMap(nextOffsets);
    }

    /** Where each partition must be read again from if the batch is abandoned. */
    Optional<Long> firstOffset(TopicPartition partition) {
        return Optional.ofNullable(firstOffsets.get(partition));
    }

    Set<TopicPartition> partitions() {
        return Collections.unmodifiableSet(firstOffsets.keySet());
    }

    /** Records in the batch, readable or not. */
    int size() {
        return size;
    }
}
