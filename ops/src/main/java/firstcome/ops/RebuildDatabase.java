package firstcome.ops;

import firstcome.contract.StartupFailure;
import firstcome.contract.Topics;
import firstcome.sink.CouponBatch;
import firstcome.sink.CouponConflicts;
import firstcome.sink.CouponDatabase;
import firstcome.sink.CouponRow;
import firstcome.sink.CouponWriter;
import firstcome.sink.SinkConfig;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.PrintStream;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.common.TopicPartition;

/**
 * {@code make rebuild-db}: writes {@code coupon-issued} and {@code coupon-changes}, from the start of
 * the logs, through the sink's own decoding ({@link CouponBatch}) and {@link CouponWriter} into an
 * empty copy of the {@code coupon} table, then compares the copy with the live table, every column
 * but the id (the coupons' state, order, validity, update time and version included).
 * Exit status 0 identical, 1 different, 2 could not compare.
 *
 * <p>The copy is a table {@code coupon_rebuild_<time>} in the same database, created with
 * {@code CREATE TABLE … LIKE coupon} (the live table's own columns and unique keys), because the
 * contract's user may create tables in its database but not databases. It is dropped at the end
 * unless {@code --keep}. Run it from the ops jar: {@code java -jar ops.jar rebuild-db [options]}.
 */
public final class RebuildDatabase {

    static final int IDENTICAL = 0;
    static final int DIFFERENT = 1;
    static final int CANNOT_COMPARE = 2;

    static final String USAGE = """
            usage: rebuild-db [--event ID]... [--wait SECONDS] [--keep] [--max-listed N]
              --event ID        rebuild and compare only this event's coupons (repeatable; default: every event)
              --wait SECONDS    how long to wait for the live sink to catch up (default 120)
              --keep            keep the rebuilt table (its name is printed)
              --max-listed N    differences printed in full (default 20; all are counted)
            environment: KAFKA_BOOTSTRAP_SERVERS, KAFKA_CLIENT_CONFIG, MYSQL_URL, MYSQL_USER, MYSQL_PASSWORD, SINK_GROUP_ID (defaults as the sink's)""";
    /** More than a sink poll: the writer splits it into statements of 500 rows, all in one transaction. */
    private static final int RECORDS_PER_BATCH = 5_000;
    private static final int LISTED_NOTES = 20;

    private final SinkConfig config;
    private final PrintStream out;
    private final Progress progress;

    private RebuildDatabase(SinkConfig config, PrintStream out, PrintStream err) {
        this.config = config;
        this.out = out;
        this.progress = new Progress(err, "rebuild-db");
    }

    static int run(Map<String, String> env, String[] args, PrintStream out, PrintStream err) {
        return run(env, args, out, err, Topics.standard());
    }

    /** The command on {@code topics} (the contract's, or a test's own). */
    static int run(Map<String, String> env, String[] args, PrintStream out, PrintStream err, Topics topics) {
        CommandOptions options;
        SinkConfig config;
        try {
            options = CommandOptions.parse(args, Set.of("--keep"), Set.of("--event", "--wait", "--max-listed"));
            config = SinkConfig.fromEnv(env);
        } catch (IllegalArgumentException e) {
            err.println("rebuild-db: " + e.getMessage() + "\n" + USAGE);
            return CANNOT_COMPARE;
        } catch (StartupFailure e) {
            out.println("rebuild-db: could not compare: " + e.getMessage());
            return CANNOT_COMPARE;
        }
        try {
            return new RebuildDatabase(config, out, err).run(topics, options.eventIds("--event"),
                    options.seconds("--wait", Duration.ofSeconds(120)), options.flag("--keep"), options.integer("--max-listed", 20));
        } catch (StartupFailure e) {
            // A setting to change or credentials Kafka refused: the line says it all, a stack trace would bury it.
            out.println("rebuild-db: could not compare: " + e.getMessage());
            return CANNOT_COMPARE;
        } catch (SQLException | RuntimeException e) {
            out.println("rebuild-db: could not compare: " + e.getMessage());
            e.printStackTrace(err);
            return CANNOT_COMPARE;
        }
    }

    private int run(Topics topics, Set<String> events, Duration wait, boolean keep, int maxListed) throws SQLException {
        String table = "coupon_rebuild_" + LocalDateTime.now(ZoneOffset.UTC).format(DateTimeFormatter.ofPattern("yyyyMMdd_HHmmss"));
        config.kafka().checkAtStart();
        try (var positions = new LogPositions(config.kafka(), "firstcome-rebuild-db");
             var database = CouponDatabase.connect(config, new SimpleMeterRegistry())) {
            List<String> logs = List.of(topics.issued().name(), topics.changes().name());
            String logNames = String.join(" and ", logs);
            String[] lastObservation = {"no answer from Kafka"};
            Optional<Map<TopicPartition, Long>> settled = positions.awaitSettled(wait, () -> {
                Map<TopicPartition, Long> ends = ends(positions, logs);
                long behind = 0;
                for (String log : logs) {
                    behind += positions.behind(config.groupId(), ends(positions, List.of(log)));
                }
                if (behind > 0) {
                    lastObservation[0] = String.format("the live sink (group %s) has %,d record(s) to store", config.groupId(), behind);
                    progress.sayNowAndThen("waiting: " + lastObservation[0]);
                    return Optional.empty();
                }
                lastObservation[0] = "new records kept arriving in " + logNames;
                return Optional.of(ends);
            });
            if (settled.isEmpty()) {
                out.printf("rebuild-db: could not compare within %d s: %s; run it again when the sink has caught up and traffic stops"
                        + " (or with a longer --wait)%n", wait.toSeconds(), lastObservation[0]);
                return CANNOT_COMPARE;
            }
            Map<TopicPartition, Long> ends = settled.get();
            Map<TopicPartition, Long> starts = new LinkedHashMap<>();
            for (String log : logs) {
                starts.putAll(positions.starts(log));
            }
            progress.say(String.format("snapshot: %s up to %,d offsets; writing them into table %s",
                    logNames, LogPositions.span(starts, ends), table));

            execute(database, "CREATE TABLE " + table + " LIKE " + CouponWriter.TABLE);
            try {
                write(topics, starts, ends, events, new CouponWriter(database.dataSource(), table));
                long differences = compare(database, table, events, maxListed);
                if (differences > 0 && !ends(positions, logs).equals(ends)) {
                    out.println("rebuild-db: note: coupons were issued or changed while it ran; their rows show as only in coupon"
                            + " or as different. Run it again when traffic stops.");
                }
                return differences == 0 ? IDENTICAL : DIFFERENT;
            } finally {
                if (keep) {
                    out.println("rebuild-db: kept table " + table + " (drop it when done)");
                } else {
                    execute(database, "DROP TABLE " + table);
                }
            }
        }
    }

    /** The last stable offsets of every partition of {@code logs}, topic after topic. */
    private static Map<TopicPartition, Long> ends(LogPositions positions, List<String> logs) {
        Map<TopicPartition, Long> ends = new LinkedHashMap<>();
        for (String log : logs) {
            ends.putAll(positions.ends(log));
        }
        return ends;
    }

    /** What the rebuild wrote, and what it set aside as the live sink would. */
    private static final class Tally {
        long read;
        long written;
        long setAside;
        final List<String> notes = new ArrayList<>();

        void note(String note) {
            setAside++;
            if (notes.size() < LISTED_NOTES) {
                notes.add(note);
            }
        }
    }

    /**
     * Writes every record up to the snapshot, partition by partition, the issues' then the changes',
     * as the sink would. The writer keeps each coupon's highest version whatever the order, so the
     * order between the two topics does not matter.
     */
    private void write(Topics topics, Map<TopicPartition, Long> starts, Map<TopicPartition, Long> ends, Set<String> events,
            CouponWriter writer) throws SQLException {
        // Progress counts offsets: a transactional log has a commit marker between the records.
        long total = LogPositions.span(starts, ends);
        long coveredBefore = 0;
        var tally = new Tally();
        try (var consumer = PartitionLog.consumer(config.kafka())) {
            for (Map.Entry<TopicPartition, Long> end : ends.entrySet()) {
                long start = starts.getOrDefault(end.getKey(), 0L);
                var log = PartitionLog.open(consumer, end.getKey(), end.getValue());
                List<ConsumerRecord<byte[], byte[]>> chunk = new ArrayList<>(RECORDS_PER_BATCH);
                while (log.hasNext()) {
                    chunk.add(log.next());
                    if (chunk.size() == RECORDS_PER_BATCH || !log.hasNext()) {
                        writeChunk(topics, end.getKey(), chunk, events, writer, tally);
                        long covered = chunk.get(chunk.size() - 1).offset() + 1 - start;
                        progress.update(coveredBefore + covered, total, "offsets of " + Topics.ISSUED + " and " + Topics.CHANGES + " written");
                        chunk = new ArrayList<>(RECORDS_PER_BATCH);
                    }
                }
                coveredBefore += Math.max(0, end.getValue() - start);
            }
        }
        progress.say(String.format("wrote %,d rows from %,d records in %.1f s", tally.written, tally.read, progress.secondsSinceStart()));
        if (tally.setAside > 0) {
            out.printf("rebuild-db: %,d record(s) cannot be stored, as the live sink sends them to %s:%n", tally.setAside, Topics.ISSUED_DLQ);
            tally.notes.forEach(line -> out.println("  " + line));
        }
    }

    /** One transaction of the writer, decoded as the sink decodes a poll. */
    private static void writeChunk(Topics topics, TopicPartition partition, List<ConsumerRecord<byte[], byte[]>> chunk,
            Set<String> events, CouponWriter writer, Tally tally) throws SQLException {
        CouponBatch batch = CouponBatch.decode(new ConsumerRecords<>(Map.of(partition, chunk), Map.of()), topics.issued(), topics.changes());
        for (CouponBatch.Rejection rejection : batch.unreadable()) {
            ConsumerRecord<byte[], byte[]> record = rejection.record();
            tally.note(record.topic() + " partition " + record.partition() + " offset " + record.offset() + ": "
                    + rejection.reason() + ": " + rejection.detail());
        }
        List<CouponRow> rows = batch.rows().stream()
                .filter(row -> events.isEmpty() || events.contains(row.eventId()))
                .toList();
        CouponWriter.Result result = writer.writeRows(rows);
        tally.read += chunk.size();
        tally.written += result.written();
        for (CouponConflicts.Conflict conflict : result.conflicts()) {
            CouponRow row = rows.get(conflict.index());
            tally.note(partition.topic() + ": coupon " + row.couponNo() + " of event " + row.eventId() + " version " + row.version()
                    + " (" + conflict.reason() + "): " + conflict.detail());
        }
    }

    /** Walks both tables in (event_id, coupon_no) order side by side; returns how many coupons differ. */
    private long compare(CouponDatabase database, String rebuilt, Set<String> events, int maxListed) throws SQLException {
        long identical = 0;
        long differences = 0;
        List<String> listed = new ArrayList<>();
        try (Connection liveConnection = database.dataSource().getConnection();
             Connection rebuiltConnection = database.dataSource().getConnection();
             var live = CouponTableScan.open(liveConnection, CouponWriter.TABLE, events);
             var copy = CouponTableScan.open(rebuiltConnection, rebuilt, events)) {
            CouponTableScan.Row l = live.hasNext() ? live.next() : null;
            CouponTableScan.Row r = copy.hasNext() ? copy.next() : null;
            while (l != null || r != null) {
                int order = l == null ? 1 : r == null ? -1 : ORDER.compare(l, r);
                String difference = null;
                if (order == 0) {
                    if (l.sameCouponAs(r)) {
                        identical++;
                    } else {
                        difference = "differs: live " + l + "\n      rebuilt: " + r.coupon();
                    }
                } else if (order < 0) {
                    difference = "only in " + CouponWriter.TABLE + ": " + l;
                } else {
                    difference = "only in the rebuild: " + r.coupon();
                }
                if (difference != null) {
                    differences++;
                    if (listed.size() < maxListed) {
                        listed.add(difference);
                    }
                }
                if (order <= 0) {
                    l = live.hasNext() ? live.next() : null;
                }
                if (order >= 0) {
                    r = copy.hasNext() ? copy.next() : null;
                }
            }
        }
        String scope = events.isEmpty() ? "" : " of event(s) " + String.join(", ", events.stream().sorted().toList());
        if (differences == 0) {
            out.printf("rebuild-db: identical (%,d rows%s)%n", identical, scope);
        } else {
            out.printf("rebuild-db: DIFFERENT: %,d difference(s), %,d rows identical%s%n", differences, identical, scope);
            listed.forEach(line -> out.println("  " + line));
            if (differences > listed.size()) {
                out.printf("  ... and %,d more%n", differences - listed.size());
            }
        }
        return differences;
    }

    /** The scan's order; ids are ASCII (the contract's alphabet), where Java's and utf8mb4_bin's orders agree. */
    private static final Comparator<CouponTableScan.Row> ORDER =
            Comparator.comparing(CouponTableScan.Row::eventId).thenComparingInt(CouponTableScan.Row::couponNo);

    private static void execute(CouponDatabase database, String sql) throws SQLException {
        try (Connection connection = database.dataSource().getConnection(); Statement statement = connection.createStatement()) {
            statement.execute(sql);
            connection.commit();
        }
    }
}
