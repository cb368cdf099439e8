package firstcome.ops;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.record.TimestampType;
import org.junit.jupiter.api.Test;

class IssuedLogComparisonTest {

    private final IssuedLogComparison comparison = new IssuedLogComparison(Set.of(), 20);

    @Test
    void reportsIdenticalWhenKeysValuesAndTimestampsMatchInOrder() {
        comparison.comparePartition(0, List.of(record(0, "a", "1", 10), record(1, "a", "2", 11)).iterator(),
                List.of(record(0, "a", "1", 10), record(1, "a", "2", 11)).iterator(), false);

        assertThat(comparison.identical()).isTrue();
        assertThat(report()).contains("replay: identical (2 records)");
    }

    @Test
    void listsARecordWhoseTimestampDiffers() {
        comparison.comparePartition(3, List.of(record(7, "a", "1", 10)).iterator(),
                List.of(record(0, "a", "1", 99)).iterator(), false);

        assertThat(comparison.differences()).isEqualTo(1);
        assertThat(report()).contains("DIFFERENT: 1 difference(s)").contains("partition 3: live offset 7 and replay offset 0 differ");
    }

    @Test
    void listsALiveRecordTheReplayDidNotIssue() {
        comparison.comparePartition(0, List.of(record(0, "a", "1", 10), record(1, "a", "2", 11)).iterator(),
                List.of(record(0, "a", "1", 10)).iterator(), false);

        assertThat(report()).contains("partition 0: live offset 1 was not issued by the replay");
    }

    @Test
    void countsReplayedRecordsBeyondTheSnapshotWithoutCallingThemDifferent() {
        comparison.comparePartition(0, List.of(record(0, "a", "1", 10)).iterator(),
                List.of(record(0, "a", "1", 10), record(1, "a", "2", 11)).iterator(), true);

        assertThat(comparison.identical()).isTrue();
        assertThat(report()).contains("1 replayed record(s) come from requests that arrived after the snapshot");
    }

    @Test
    void comparesOnlyTheEventsAskedFor() {
        var onlyA = new IssuedLogComparison(Set.of("a"), 20);

        onlyA.comparePartition(0, List.of(record(0, "a", "1", 10), record(1, "b", "x", 11)).iterator(),
                List.of(record(0, "a", "1", 10)).iterator(), false);

        assertThat(onlyA.identical()).isTrue();
        assertThat(onlyA.identicalRecords()).isEqualTo(1);
    }

    @Test
    void namesTheDecisionsTopicAndADecisionOnlyOneSideHas() {
        var decisions = IssuedLogComparison.ofDecisions(Set.of(), 20, "coupon-decisions");

        decisions.comparePartition(2, List.of(record(0, "a", "1", 10), record(1, "a", "2", 11)).iterator(),
                List.of(record(0, "a", "1", 10)).iterator(), false);

        assertThat(report(decisions)).contains("replay: coupon-decisions DIFFERENT: 1 difference(s), 1 records identical")
                .contains("partition 2: live offset 1 has no decision in the replay");
    }

    @Test
    void namesTheChangesTopicAndAChangeOnlyTheLiveLogHas() {
        var changes = IssuedLogComparison.ofChanges(Set.of(), 20, "coupon-changes");

        changes.comparePartition(1, List.of(record(0, "a", "{\"state\":\"REDEEMED\"}", 10)).iterator(),
                List.<ConsumerRecord<byte[], byte[]>>of().iterator(), false);

        assertThat(changes.identical()).isFalse();
        assertThat(report(changes)).contains("replay: coupon-changes DIFFERENT: 1 difference(s), 0 records identical")
                .contains("partition 1: live offset 0 was not changed so by the replay");
    }

    private String report() {
        return report(comparison);
    }

    private static String report(IssuedLogComparison comparison) {
        var bytes = new ByteArrayOutputStream();
        comparison.report(new PrintStream(bytes, true, UTF_8));
        return bytes.toString(UTF_8);
    }

    private static ConsumerRecord<byte[], byte[]> record(long offset, String key, String value, long timestamp) {
        return new ConsumerRecord<>("coupon-issued", 0, offset, timestamp, TimestampType.CREATE_TIME,
                0, 0, key.getBytes(UTF_8), value.getBytes(UTF_8), new RecordHeaders(),
                Optional.empty());
    }
}
