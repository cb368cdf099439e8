package firstcome.ops;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.io.PrintStream;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/**
 * Compares the live {@code coupon-issued} (or {@code coupon-decisions}: {@link #ofDecisions}, or
 * {@code coupon-changes}: {@link #ofChanges}) with a
 * replay's side topic, partition by partition: the same keys, value bytes and timestamps in the same
 * order. Decisions depend on the order of the requests, which Kafka keeps per partition only, so
 * that is the unit of comparison.
 */
final class IssuedLogComparison {

    private static final int SHOWN_VALUE_CHARS = 240;

    private final Set<String> events;
    private final int maxListed;
    /** Before "identical"/"DIFFERENT" in the report: empty for the coupons, so their line reads as it always did. */
    private final String subject;
    private final String notReplayed;
    private final String onlyReplayed;
    private final List<String> listed = new ArrayList<>();
    private long differences;
    private long identical;
    private long beyondSnapshot;

    /** {@code events} empty compares every event; {@code maxListed} bounds the differences printed, not those counted. */
    IssuedLogComparison(Set<String> events, int maxListed) {
        this(events, maxListed, "", "was not issued by the replay", "the replay issued a coupon the live log lacks");
    }

    private IssuedLogComparison(Set<String> events, int maxListed, String subject, String notReplayed, String onlyReplayed) {
        this.events = events;
        this.maxListed = maxListed;
        this.subject = subject;
        this.notReplayed = notReplayed;
        this.onlyReplayed = onlyReplayed;
    }

    /** The same comparison for {@code coupon-decisions}: one record per request, whatever its outcome. */
    static IssuedLogComparison ofDecisions(Set<String> events, int maxListed, String topic) {
        return new IssuedLogComparison(events, maxListed, topic + " ", "has no decision in the replay",
                "the replay wrote a decision the live log lacks");
    }

    /** The same comparison for {@code coupon-changes}: one record per change of a coupon's state. */
    static IssuedLogComparison ofChanges(Set<String> events, int maxListed, String topic) {
        return new IssuedLogComparison(events, maxListed, topic + " ", "was not changed so by the replay",
                "the replay wrote a change the live log lacks");
    }

    /**
     * Compares one partition. {@code replayReadFurther}: the replay consumed requests that arrived
     * after the snapshot of the live log, so records it has beyond the live ones are not differences.
     */
    void comparePartition(int partition, Iterator<ConsumerRecord<byte[], byte[]>> live,
            Iterator<ConsumerRecord<byte[], byte[]>> replayed, boolean replayReadFurther) {
        while (true) {
            ConsumerRecord<byte[], byte[]> l = nextOfInterest(live);
            ConsumerRecord<byte[], byte[]> r = nextOfInterest(replayed);
            if (l == null && r == null) {
                return;
            }
            if (l != null && r != null) {
                if (sameRecord(l, r)) {
                    identical++;
                } else {
                    differ("partition " + partition + ": live offset " + l.offset() + " and replay offset " + r.offset() + " differ"
                            + "\n      live:   " + show(l) + "\n      replay: " + show(r));
                }
            } else if (l != null) {
                differ("partition " + partition + ": live offset " + l.offset() + " " + notReplayed
                        + "\n      live:   " + show(l));
            } else if (replayReadFurther) {
                beyondSnapshot++;
            } else {
                differ("partition " + partition + ": " + onlyReplayed + " (replay offset " + r.offset() + ")"
                        + "\n      replay: " + show(r));
            }
        }
    }

    boolean identical() {
        return differences == 0;
    }

    long differences() {
        return differences;
    }

    long identicalRecords() {
        return identical;
    }

    void report(PrintStream out) {
        String scope = events.isEmpty() ? "" : " of event(s) " + String.join(", ", events.stream().sorted().toList());
        if (differences == 0) {
            out.printf("replay: %sidentical (%,d records%s)%n", subject, identical, scope);
        } else {
            out.printf("replay: %sDIFFERENT: %,d difference(s), %,d records identical%s%n", subject, differences, identical, scope);
            listed.forEach(line -> out.println("  " + line));
            if (differences > listed.size()) {
                out.printf("  ... and %,d more%n", differences - listed.size());
            }
        }
        if (beyondSnapshot > 0) {
            out.printf("replay: %s%,d replayed record(s) come from requests that arrived after the snapshot; not compared%n", subject, beyondSnapshot);
        }
    }

    private ConsumerRecord<byte[], byte[]> nextOfInterest(Iterator<ConsumerRecord<byte[], byte[]>> records) {
        while (records.hasNext()) {
            ConsumerRecord<byte[], byte[]> record = records.next();
            if (events.isEmpty() || (record.key() != null && events.contains(new String(record.key(), UTF_8)))) {
                return record;
            }
        }
        return null;
    }

    private void differ(String description) {
        differences++;
        if (listed.size() < maxListed) {
            listed.add(description);
        }
    }

    private static boolean sameRecord(ConsumerRecord<byte[], byte[]> a, ConsumerRecord<byte[], byte[]> b) {
        return Arrays.equals(a.key(), b.key()) && Arrays.equals(a.value(), b.value()) && a.timestamp() == b.timestamp();
    }

    private static String show(ConsumerRecord<byte[], byte[]> record) {
        String value = record.value() == null ? "null" : new String(record.value(), UTF_8);
        if (value.length() > SHOWN_VALUE_CHARS) {
            value = value.substring(0, SHOWN_VALUE_CHARS) + "…";
        }
        String key = record.key() == null ? "null" : new String(record.key(), UTF_8);
        return Instant.ofEpochMilli(record.timestamp()) + " " + key + " " + value;
    }
}
