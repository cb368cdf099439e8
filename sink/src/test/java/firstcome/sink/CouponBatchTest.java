package firstcome.sink;

import static org.assertj.core.api.Assertions.assertThat;

import firstcome.contract.CouponChange;
import firstcome.contract.CouponState;
import firstcome.contract.IssuedCoupon;
import firstcome.contract.Topics;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.record.TimestampType;
import org.junit.jupiter.api.Test;

class CouponBatchTest {

    private static final Topics TOPICS = Topics.standard();
    private static final TopicPartition P0 = new TopicPartition(Topics.ISSUED, 0);
    private static final TopicPartition P1 = new TopicPartition(Topics.ISSUED, 1);
    private static final TopicPartition C0 = new TopicPartition(Topics.CHANGES, 0);
    private static final Instant AT = Instant.parse("2026-11-24T10:00:00.123Z");

    private static ConsumerRecord<byte[], byte[]> record(TopicPartition partition, long offset, String key, byte[] value) {
        return new ConsumerRecord<>(partition.topic(), partition.partition(), offset, AT.toEpochMilli(), TimestampType.CREATE_TIME,
                -1, -1, key == null ? null : key.getBytes(StandardCharsets.UTF_8), value, new RecordHeaders(), Optional.of(3));
    }

    private static byte[] json(IssuedCoupon coupon) {
        return TOPICS.issued().valueSerde().serializer().serialize(Topics.ISSUED, coupon);
    }

    private static CouponBatch decode(Map<TopicPartition, List<ConsumerRecord<byte[], byte[]>>> records) {
        return CouponBatch.decode(new ConsumerRecords<>(records, Map.of()), TOPICS.issued(), TOPICS.changes());
    }

    @Test
    void decodesCouponsAndSaysWhereEachPartitionResumes() {
        IssuedCoupon first = new IssuedCoupon("e1", "u1", 1, "r1", AT);
        IssuedCoupon second = new IssuedCoupon("e1", "u2", 2, "r2", AT);
        IssuedCoupon third = new IssuedCoupon("e2", "u1", 1, "r3", AT);
        Map<TopicPartition, List<ConsumerRecord<byte[], byte[]>>> records = new LinkedHashMap<>();
        records.put(P0, List.of(record(P0, 10, "e1", json(first)), record(P0, 11, "e1", json(second))));
        records.put(P1, List.of(record(P1, 4, "e2", json(third))));

        CouponBatch batch = decode(records);

        assertThat(batch.rows()).containsExactly(CouponRow.of(first), CouponRow.of(second), CouponRow.of(third));
        assertThat(batch.unreadable()).isEmpty();
        assertThat(batch.size()).isEqualTo(3);
        assertThat(batch.nextOffsets()).containsExactlyInAnyOrderEntriesOf(Map.of(
                P0, new OffsetAndMetadata(12, Optional.of(3), ""),
                P1, new OffsetAndMetadata(5, Optional.of(3), "")));
        assertThat(batch.firstOffset(P0)).contains(10L);
        assertThat(batch.firstOffset(P1)).contains(4L);
        assertThat(batch.partitions()).containsExactlyInAnyOrder(P0, P1);
    }

    @Test
    void setsAsideWhatCannotBeReadAndKeepsTheRest() {
        IssuedCoupon good = new IssuedCoupon("e1", "u1", 1, "r1", AT);
        byte[] missingUser = "{\"eventId\":\"e1\",\"couponNo\":2,\"requestId\":\"r2\",\"issuedAt\":\"2026-11-24T10:00:00Z\"}"
                .getBytes(StandardCharsets.UTF_8);
        Map<TopicPartition, List<ConsumerRecord<byte[], byte[]>>> records = Map.of(P0, List.of(
                record(P0, 0, "e1", "not json".getBytes(StandardCharsets.UTF_8)),
                record(P0, 1, "e1", missingUser),
                record(P0, 2, "e1", null),
                record(P0, 3, "e1", "null".getBytes(StandardCharsets.UTF_8)),
                record(P0, 4, "e1", json(good))));

        CouponBatch batch = decode(records);

        assertThat(batch.rows()).containsExactly(CouponRow.of(good));
        assertThat(batch.unreadable()).extracting(rejection -> rejection.record().offset()).containsExactly(0L, 1L, 2L, 3L);
        assertThat(batch.unreadable()).allSatisfy(rejection -> assertThat(rejection.reason()).isEqualTo(DeadLetterReason.UNREADABLE));
        assertThat(batch.unreadable().get(1).detail()).contains("userId");
        assertThat(batch.nextOffsets().get(P0).offset()).isEqualTo(5);
    }

    @Test
    void setsAsideACouponWhoseKeyIsNotItsEvent() {
        IssuedCoupon coupon = new IssuedCoupon("e1", "u1", 1, "r1", AT);

        CouponBatch batch = decode(Map.of(P0, List.of(record(P0, 0, "e2", json(coupon)), record(P0, 1, null, json(coupon)))));

        assertThat(batch.rows()).isEmpty();
        assertThat(batch.unreadable()).extracting(CouponBatch.Rejection::reason)
                .containsExactly(DeadLetterReason.KEY_MISMATCH, DeadLetterReason.KEY_MISMATCH);
    }

    @Test
    void setsAsideAnIssueTimeADatetimeColumnCannotHold() {
        IssuedCoupon tooLate = new IssuedCoupon("e1", "u1", 1, "r1", Instant.parse("+10000-01-01T00:00:00Z"));
        IssuedCoupon tooEarly = new IssuedCoupon("e1", "u2", 2, "r2", Instant.parse("0999-12-31T23:59:59.999Z"));
        IssuedCoupon lastPossible = new IssuedCoupon("e1", "u3", 3, "r3", CouponWriter.LATEST_ISSUED_AT);
        IssuedCoupon after2038 = new IssuedCoupon("e1", "u4", 4, "r4", Instant.parse("2040-01-01T00:00:00Z"));

        CouponBatch batch = decode(Map.of(P0, List.of(
                record(P0, 0, "e1", json(tooLate)), record(P0, 1, "e1", json(tooEarly)), record(P0, 2, "e1", json(lastPossible)),
                record(P0, 3, "e1", json(after2038)))));

        assertThat(batch.rows()).containsExactly(CouponRow.of(lastPossible), CouponRow.of(after2038));
        assertThat(batch.unreadable()).extracting(CouponBatch.Rejection::reason)
                .containsExactly(DeadLetterReason.ISSUED_AT_OUT_OF_RANGE, DeadLetterReason.ISSUED_AT_OUT_OF_RANGE);
    }

    @Test
    void tracesAConflictBackToTheRecordItCameFrom() {
        IssuedCoupon coupon = new IssuedCoupon("e1", "u1", 1, "r1", AT);
        ConsumerRecord<byte[], byte[]> source = record(P0, 7, "e1", json(coupon));

        CouponBatch batch = decode(Map.of(P0, List.of(record(P0, 6, "e1", null), source)));
        CouponBatch.Rejection rejection = batch.reject(0, DeadLetterReason.COUPON_NO_TAKEN, "the table holds …");

        assertThat(rejection.record()).isSameAs(source);
        assertThat(rejection.reason()).isEqualTo(DeadLetterReason.COUPON_NO_TAKEN);
    }

    private static byte[] json(CouponChange change) {
        return TOPICS.changes().valueSerde().serializer().serialize(Topics.CHANGES, change);
    }

    @Test
    void decodesEachRecordByItsTopicIntoTheRowItAsksFor() {
        IssuedCoupon coupon = new IssuedCoupon("e1", "u1", 1, "r1", AT, AT.plusSeconds(3600));
        CouponChange redeemed = new CouponChange("e1", "u1", 1, "r1", AT, AT.plusSeconds(3600), CouponState.REDEEMED, "o-1", 1,
                AT.plusSeconds(60));
        Map<TopicPartition, List<ConsumerRecord<byte[], byte[]>>> records = new LinkedHashMap<>();
        records.put(C0, List.of(record(C0, 3, "e1", json(redeemed))));
        records.put(P0, List.of(record(P0, 8, "e1", json(coupon))));

        CouponBatch batch = decode(records);

        assertThat(batch.rows()).containsExactly(
                new CouponRow("e1", "u1", 1, "r1", AT, AT.plusSeconds(3600), "REDEEMED", "o-1", AT.plusSeconds(60), 1),
                new CouponRow("e1", "u1", 1, "r1", AT, AT.plusSeconds(3600), "ISSUED", null, AT, 0));
        assertThat(batch.nextOffsets()).containsOnlyKeys(C0, P0);
        assertThat(batch.nextOffsets().get(C0).offset()).isEqualTo(4);
    }

    @Test
    void setsAsideAChangeThatCannotBeReadOrStored() {
        CouponChange good = new CouponChange("e1", "u1", 1, "r1", AT, null, CouponState.RETURNED, null, 1, AT);
        CouponChange changedTooLate = new CouponChange("e1", "u2", 2, "r2", AT, null, CouponState.RETURNED, null, 1,
                Instant.parse("+10000-01-01T00:00:00Z"));
        CouponChange validTooLong = new CouponChange("e1", "u3", 3, "r3", AT, Instant.parse("+10000-01-01T00:00:00Z"),
                CouponState.RETURNED, null, 1, AT);
        byte[] versionZero = "{\"eventId\":\"e1\",\"userId\":\"u4\",\"couponNo\":4,\"requestId\":\"r4\",\"issuedAt\":\"2026-11-24T10:00:00Z\",\"state\":\"ISSUED\",\"version\":0,\"changedAt\":\"2026-11-24T10:00:00Z\"}"
                .getBytes(StandardCharsets.UTF_8);

        CouponBatch batch = decode(Map.of(C0, List.of(
                record(C0, 0, "e1", json(changedTooLate)), record(C0, 1, "e1", json(validTooLong)), record(C0, 2, "e1", versionZero),
                record(C0, 3, "e2", json(good)), record(C0, 4, "e1", json(good)))));

        assertThat(batch.rows()).containsExactly(CouponRow.of(good));
        assertThat(batch.unreadable()).extracting(CouponBatch.Rejection::reason).containsExactly(
                DeadLetterReason.TIME_OUT_OF_RANGE, DeadLetterReason.TIME_OUT_OF_RANGE, DeadLetterReason.UNREADABLE,
                DeadLetterReason.KEY_MISMATCH);
        assertThat(batch.unreadable().get(0).detail()).contains("changedAt");
        assertThat(batch.unreadable().get(1).detail()).contains("validUntil");
        assertThat(batch.unreadable().get(2).detail()).contains("version");
    }

    @Test
    void setsAsideARecordOfATopicTheSinkDoesNotRead() {
        TopicPartition elsewhere = new TopicPartition("coupon-decisions", 0);

        CouponBatch batch = decode(Map.of(elsewhere, List.of(record(elsewhere, 0, "e1", json(new IssuedCoupon("e1", "u1", 1, "r1", AT))))));

        assertThat(batch.rows()).isEmpty();
        assertThat(batch.unreadable()).extracting(CouponBatch.Rejection::reason).containsExactly(DeadLetterReason.UNREADABLE);
    }
}
