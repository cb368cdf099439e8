package firstcome.sink;

import firstcome.contract.IssuedCoupon;
import firstcome.contract.Topic;
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
 * The records of one poll, decoded: the coupons to write, the records that cannot be read (for
 * the dead-letter topic), and where each partition's consumption stands before and after the batch.
 * Records are read as raw bytes and decoded here, so an unreadable one can be forwarded byte for byte.
 */
public final class CouponBatch {

    /** A record set aside, with why. */
    public record Rejection(ConsumerRecord<byte[], byte[]> record, DeadLetterReason reason, String detail) {
    }

    private final List<IssuedCoupon> coupons;
    private final List<ConsumerRecord<byte[], byte[]>> couponSources;
    private final List<Rejection> rejections;
    private final Map<TopicPartition, OffsetAndMetadata> nextOffsets;
    private final Map<TopicPartition, Long> firstOffsets;
    private final int size;

    private CouponBatch(List<IssuedCoupon> coupons, List<ConsumerRecord<byte[], byte[]>> couponSources,
            List<Rejection> rejections, Map<TopicPartition, OffsetAndMetadata> nextOffsets,
            Map<TopicPartition, Long> firstOffsets, int size) {
        this.coupons = coupons;
        this.couponSources = couponSources;
        this.rejections = rejections;
        this.nextOffsets = nextOffsets;
        this.firstOffsets = firstOffsets;
        this.size = size;
    }

    public static CouponBatch decode(ConsumerRecords<byte[], byte[]> records, Topic<IssuedCoupon> topic) {
        List<IssuedCoupon> coupons = new ArrayList<>(records.count());
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
                Decoded decoded = decodeOne(record, topic);
                if (decoded.coupon != null) {
                    coupons.add(decoded.coupon);
                    sources.add(record);
                } else {
                    rejections.add(decoded.rejection);
                }
            }
        }
        return new CouponBatch(coupons, sources, rejections, next, first, records.count());
    }

    private record Decoded(IssuedCoupon coupon, Rejection rejection) {
    }

    private static Decoded decodeOne(ConsumerRecord<byte[], byte[]> record, Topic<IssuedCoupon> topic) {
        if (record.value() == null) {
            return rejected(record, DeadLetterReason.UNREADABLE, "the record has no value");
        }
        IssuedCoupon coupon;
        String key;
        try {
            coupon = topic.valueSerde().deserializer().deserialize(record.topic(), record.headers(), record.value());
            key = topic.keySerde().deserializer().deserialize(record.topic(), record.headers(), record.key());
        } catch (RuntimeException e) {
            // JsonSerde says what is wrong in a SerializationException; anything else thrown while
            // decoding is just as much a record that cannot be read.
            String detail = e instanceof SerializationException ? e.getMessage() : e.toString();
            return rejected(record, DeadLetterReason.UNREADABLE, detail);
        }
        if (coupon == null) {
            return rejected(record, DeadLetterReason.UNREADABLE, "the value is JSON null");
        }
        if (!coupon.eventId().equals(key)) {
            return rejected(record, DeadLetterReason.KEY_MISMATCH,
                    "the key " + (key == null ? "is missing" : "'" + key + "' is not") + " the event id '" + coupon.eventId() + "'");
        }
        if (!CouponWriter.fitsTheTable(coupon.issuedAt())) {
            return rejected(record, DeadLetterReason.ISSUED_AT_OUT_OF_RANGE,
                    "issuedAt " + coupon.issuedAt() + " is outside " + CouponWriter.EARLIEST_ISSUED_AT + ".." + CouponWriter.LATEST_ISSUED_AT);
        }
        return new Decoded(coupon, null);
    }

    private static Decoded rejected(ConsumerRecord<byte[], byte[]> record, DeadLetterReason reason, String detail) {
        return new Decoded(null, new Rejection(record, reason, detail));
    }

    /** The readable coupons, in partition-then-offset order. */
    public List<IssuedCoupon> coupons() {
        return Collections.unmodifiableList(coupons);
    }

    /** The records that cannot be read or stored whatever the table holds. */
    public List<Rejection> unreadable() {
        return Collections.unmodifiableList(rejections);
    }

    /** Coupon number {@code index} of {@link #coupons()} as a rejection of the record it came from. */
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
