package firstcome.ops;

import static java.nio.charset.StandardCharsets.UTF_8;

import firstcome.contract.CouponRequest;
import firstcome.contract.EventDefinition;
import firstcome.contract.IssuedCoupon;
import firstcome.contract.Topic;
import firstcome.contract.Topics;
import firstcome.sink.CouponDatabase;
import firstcome.sink.CouponWriter;
import firstcome.sink.SinkConfig;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.PrintStream;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;

/**
 * {@code make audit}: answers "were the coupons really given to the first comers?" per event, from
 * the request log, the issued log and the table. It decides every request again itself
 * ({@link EventAudit}), then checks: numbers 1..k without gaps, one per user, k = min(limit,
 * distinct users who applied while open), coupon n to the n-th eligible request in log order,
 * every row a record and every record a row. Exit status 0 consistent, 1 any discrepancy, 2
 * could not audit.
 *
 * <p>Memory grows with the coupons issued, not with the requests: each partition is streamed,
 * and only per-event state is kept. Run it from the ops jar:
 * {@code java -jar ops.jar audit [options]}.
 */
public final class Audit {

    static final int CONSISTENT = 0;
    static final int DISCREPANCIES = 1;
    static final int CANNOT_AUDIT = 2;

    private static final String USAGE = """
            usage: Audit [--event ID]... [--wait SECONDS] [--max-listed N] [--processor-group ID] [--sink-group ID]
              --event ID             audit only this event (repeatable; default: every event)
              --max-listed N         discrepancies described per event (default 20; all are counted)
              --wait SECONDS         how long to wait for the processor and the sink to catch up (default 120)
              --processor-group ID   the processor's application id (default PROCESSOR_APPLICATION_ID or firstcome-processor)
              --sink-group ID        the sink's consumer group (default SINK_GROUP_ID or coupon-sink)
            environment: KAFKA_BOOTSTRAP_SERVERS, MYSQL_URL, MYSQL_USER, MYSQL_PASSWORD (defaults as the sink's)""";

    private final SinkConfig config;
    private final Set<String> events;
    private final int maxListed;
    private final PrintStream out;
    private final Progress progress;
    private final Topics topics = Topics.standard();
    private final Map<String, EventAudit> audits = new TreeMap<>();
    private final List<String> general = new ArrayList<>();
    private long generalDiscrepancies;
    private long skippedRequests;
    private long skippedDefinitions;
    private String lastObservation = "no answer from Kafka";

    private Audit(SinkConfig config, Set<String> events, int maxListed, PrintStream out, PrintStream err) {
        this.config = config;
        this.events = events;
        this.maxListed = maxListed;
        this.out = out;
        this.progress = new Progress(err, "audit");
    }

    static int run(Map<String, String> env, String[] args, PrintStream out, PrintStream err) {
        CommandOptions options;
        SinkConfig config;
        Set<String> events;
        try {
            options = CommandOptions.parse(args, Set.of(), Set.of("--event", "--wait", "--max-listed", "--processor-group", "--sink-group"));
            config = SinkConfig.fromEnv(env);
            config = config.withGroupId(options.value("--sink-group", config.groupId()));
            events = options.eventIds("--event");
        } catch (IllegalArgumentException e) {
            err.println("audit: " + e.getMessage() + "\n" + USAGE);
            return CANNOT_AUDIT;
        }
        String processorGroup = options.value("--processor-group", env.getOrDefault("PROCESSOR_APPLICATION_ID", "firstcome-processor"));
        try {
            return new Audit(config, events, options.integer("--max-listed", 20), out, err)
                    .run(processorGroup, options.seconds("--wait", Duration.ofSeconds(120)));
        } catch (SQLException | RuntimeException e) {
            out.println("audit: could not audit: " + e.getMessage());
            e.printStackTrace(err);
            return CANNOT_AUDIT;
        }
    }

    /** The logs as audited: every request up to here decided, every coupon up to here in the table. */
    private record Snapshot(Map<TopicPartition, Long> requestEnds, Map<TopicPartition, Long> issuedEnds) {
    }

    private int run(String processorGroup, Duration wait) throws SQLException {
        try (var positions = new LogPositions(config.bootstrapServers(), "firstcome-audit");
             var database = CouponDatabase.connect(config, new SimpleMeterRegistry());
             var reader = PartitionLog.consumer(config.bootstrapServers())) {
            List<TopicPartition> partitions = positions.partitions(topics.requests().name());
            for (String topic : List.of(topics.events().name(), topics.issued().name())) {
                if (positions.partitions(topic).size() != partitions.size()) {
                    throw new IllegalStateException(topic + " and " + topics.requests().name() + " are not co-partitioned");
                }
            }
            Optional<Snapshot> settled = positions.awaitSettled(wait, () -> observe(positions, processorGroup));
            if (settled.isEmpty()) {
                out.printf("audit: could not audit within %d s: %s; audit when they have caught up and traffic stops (or with a longer --wait)%n",
                        wait.toSeconds(), lastObservation);
                return CANNOT_AUDIT;
            }
            Snapshot snapshot = settled.get();
            Map<TopicPartition, Long> eventEnds = positions.ends(topics.events().name());
            Map<TopicPartition, Long> requestStarts = positions.starts(topics.requests().name());
            long requests = LogPositions.span(requestStarts, snapshot.requestEnds());
            progress.say(String.format("snapshot: %,d requests; deciding them again", requests));
            warnIfTrimmed(topics.requests().name(), requestStarts);
            warnIfTrimmed(topics.issued().name(), positions.starts(topics.issued().name()));

            long decided = 0;
            for (TopicPartition partition : partitions) {
                var eventPartition = new TopicPartition(topics.events().name(), partition.partition());
                decided = decideRequests(reader, partition, snapshot.requestEnds().get(partition),
                        readDefinitions(reader, eventPartition, eventEnds.get(eventPartition)), decided, requests);
            }
            progress.say(String.format("decided %,d requests in %.1f s; reading %s", decided, progress.secondsSinceStart(),
                    topics.issued().name()));
            snapshot.issuedEnds().forEach((partition, end) -> readIssued(reader, partition, end));
            audits.values().forEach(EventAudit::issuedDone);
            progress.say("reading table " + CouponWriter.TABLE);
            readTable(database);
            progress.say(String.format("done in %.1f s", progress.secondsSinceStart()));

            int result = report();
            if (result != CONSISTENT && !positions.ends(topics.requests().name()).equals(snapshot.requestEnds())) {
                out.println("audit: note: requests arrived while it ran; rows for coupons issued since show as rows nobody issued."
                        + " Audit again when traffic stops.");
            }
            return result;
        }
    }

    /** Retention deleted the head of the log: the first comers of those events can no longer be told. */
    private void warnIfTrimmed(String topic, Map<TopicPartition, Long> starts) {
        starts.forEach((partition, start) -> {
            if (start > 0) {
                out.printf("audit: warning: %s partition %d starts at offset %,d (retention deleted what came before);"
                        + " events with records there cannot be audited%n", topic, partition.partition(), start);
            }
        });
    }

    private Optional<Snapshot> observe(LogPositions positions, String processorGroup) {
        Map<TopicPartition, Long> requestEnds = positions.ends(topics.requests().name());
        long processorBehind = positions.behind(processorGroup, requestEnds);
        Map<TopicPartition, Long> issuedEnds = positions.ends(topics.issued().name());
        long sinkBehind = positions.behind(config.groupId(), issuedEnds);
        if (processorBehind > 0 || sinkBehind > 0) {
            lastObservation = String.format("the processor (group %s) has %,d request(s) to decide, the sink (group %s) %,d record(s) to store",
                    processorGroup, processorBehind, config.groupId(), sinkBehind);
            progress.sayNowAndThen("waiting: " + lastObservation);
            return Optional.empty();
        }
        lastObservation = "new requests kept arriving";
        return Optional.of(new Snapshot(requestEnds, issuedEnds));
    }

    private record TimedDefinition(long timestamp, String eventId, EventDefinition definition) {
    }

    /** One partition's definitions in log order; the few the processor would set aside are skipped as it skips them. */
    private List<TimedDefinition> readDefinitions(KafkaConsumer<byte[], byte[]> reader, TopicPartition partition, long end) {
        List<TimedDefinition> definitions = new ArrayList<>();
        Topic<EventDefinition> topic = topics.events();
        var log = PartitionLog.open(reader, partition, end);
        while (log.hasNext()) {
            ConsumerRecord<byte[], byte[]> record = log.next();
            String key = record.key() == null ? null : new String(record.key(), UTF_8);
            EventDefinition definition;
            try {
                definition = topic.valueSerde().deserializer().deserialize(topic.name(), record.value());
            } catch (RuntimeException unreadable) {
                skippedDefinitions++;
                continue;
            }
            if (key == null || (definition != null && !definition.eventId().equals(key))) {
                skippedDefinitions++;
                continue;
            }
            definitions.add(new TimedDefinition(record.timestamp(), key, definition));
        }
        return definitions;
    }

    /**
     * Decides one partition's requests in log order. The processor's task takes, of the heads of
     * its two partitions, the record with the smaller timestamp, so a definition takes effect for
     * the requests whose timestamps are not before it. (At an equal millisecond the definition is
     * taken first here; Kafka Streams leaves that tie to its queue order.)
     */
    private long decideRequests(KafkaConsumer<byte[], byte[]> reader, TopicPartition partition, long end,
            List<TimedDefinition> definitions, long decided, long total) {
        Topic<CouponRequest> topic = topics.requests();
        int nextDefinition = 0;
        var log = PartitionLog.open(reader, partition, end);
        while (log.hasNext()) {
            ConsumerRecord<byte[], byte[]> record = log.next();
            decided++;
            progress.update(decided, total, "requests decided");
            while (nextDefinition < definitions.size() && definitions.get(nextDefinition).timestamp() <= record.timestamp()) {
                define(definitions.get(nextDefinition++));
            }
            CouponRequest request;
            try {
                request = topic.valueSerde().deserializer().deserialize(topic.name(), record.value());
            } catch (RuntimeException unreadable) {
                skippedRequests++;
                continue;
            }
            String key = record.key() == null ? null : new String(record.key(), UTF_8);
            if (request == null || !request.eventId().equals(key)) {
                skippedRequests++;
                continue;
            }
            if (inScope(key)) {
                audit(key).request(request.userId(), request.requestId(), record.timestamp(), record.topic(), record.partition(), record.offset());
            }
        }
        while (nextDefinition < definitions.size()) {
            define(definitions.get(nextDefinition++));
        }
        return decided;
    }

    private void define(TimedDefinition definition) {
        if (inScope(definition.eventId())) {
            audit(definition.eventId()).define(definition.definition());
        }
    }

    private void readIssued(KafkaConsumer<byte[], byte[]> reader, TopicPartition partition, long end) {
        Topic<IssuedCoupon> topic = topics.issued();
        var log = PartitionLog.open(reader, partition, end);
        while (log.hasNext()) {
            ConsumerRecord<byte[], byte[]> record = log.next();
            String where = record.topic() + " partition " + record.partition() + " offset " + record.offset();
            String key = record.key() == null ? null : new String(record.key(), UTF_8);
            IssuedCoupon coupon;
            try {
                coupon = topic.valueSerde().deserializer().deserialize(topic.name(), record.value());
            } catch (RuntimeException unreadable) {
                if (mayConcernScope(key)) {
                    generalDiscrepancy(where + ": unreadable record (" + unreadable.getMessage() + ")");
                }
                continue;
            }
            if (coupon == null) {
                if (mayConcernScope(key)) {
                    generalDiscrepancy(where + ": record without a value");
                }
                continue;
            }
            if (!coupon.eventId().equals(key)) {
                if (mayConcernScope(key) || inScope(coupon.eventId())) {
                    generalDiscrepancy(where + ": key '" + key + "' is not the event id of coupon " + coupon.couponNo()
                            + " of event " + coupon.eventId() + " for user " + coupon.userId());
                }
                continue;
            }
            if (inScope(key)) {
                audit(key).issued(coupon, record.topic(), record.partition(), record.offset());
            }
        }
    }

    private void readTable(CouponDatabase database) throws SQLException {
        Set<String> done = new HashSet<>();
        EventAudit current = null;
        try (Connection connection = database.dataSource().getConnection();
             var scan = CouponTableScan.open(connection, CouponWriter.TABLE, events)) {
            while (scan.hasNext()) {
                CouponTableScan.Row row = scan.next();
                if (current == null || !current.eventId().equals(row.eventId())) {
                    if (current != null) {
                        current.rowsDone();
                        done.add(current.eventId());
                    }
                    current = audit(row.eventId());
                }
                current.row(row);
            }
            connection.rollback();
        }
        for (EventAudit audit : audits.values()) {
            if (!done.contains(audit.eventId())) {
                audit.rowsDone();
            }
        }
    }

    private int report() {
        long discrepancies = generalDiscrepancies;
        int failing = 0;
        for (EventAudit audit : audits.values()) {
            out.println((audit.consistent() ? "OK    " : "FAIL  ") + audit.summary());
            if (!audit.consistent()) {
                failing++;
                discrepancies += audit.discrepancies();
                audit.listedDiscrepancies().forEach(line -> out.println("        " + line));
                if (audit.discrepancies() > audit.listedDiscrepancies().size()) {
                    out.printf("        ... and %,d more%n", audit.discrepancies() - audit.listedDiscrepancies().size());
                }
            }
        }
        if (generalDiscrepancies > 0) {
            out.printf("FAIL  %s: %,d record(s) that belong to no event%n", topics.issued().name(), generalDiscrepancies);
            general.forEach(line -> out.println("        " + line));
            if (generalDiscrepancies > general.size()) {
                out.printf("        ... and %,d more%n", generalDiscrepancies - general.size());
            }
        }
        if (skippedRequests > 0 || skippedDefinitions > 0) {
            out.printf("audit: skipped %,d unreadable or mis-keyed request(s) and %,d definition(s), as the processor sets them aside on %s%n",
                    skippedRequests, skippedDefinitions, topics.requestsDeadLetters());
        }
        if (discrepancies == 0) {
            out.printf("audit: %,d event(s), all consistent%n", audits.size());
            return CONSISTENT;
        }
        out.printf("audit: %,d discrepancy(ies) in %,d of %,d event(s)%s%n", discrepancies, failing, audits.size(),
                generalDiscrepancies > 0 ? " and " + topics.issued().name() : "");
        return DISCREPANCIES;
    }

    private boolean inScope(String eventId) {
        return eventId != null && (events.isEmpty() || events.contains(eventId));
    }

    /** A record whose event cannot be told (no key, unreadable) concerns a full audit, not one limited to some events. */
    private boolean mayConcernScope(String key) {
        return events.isEmpty() || inScope(key);
    }

    private EventAudit audit(String eventId) {
        return audits.computeIfAbsent(eventId, id -> new EventAudit(id, maxListed));
    }

    private void generalDiscrepancy(String description) {
        generalDiscrepancies++;
        if (general.size() < maxListed) {
            general.add(description);
        }
    }
}
