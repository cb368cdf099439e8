package firstcome.ops;

import static java.nio.charset.StandardCharsets.UTF_8;

import firstcome.contract.CouponAction;
import firstcome.contract.CouponChange;
import firstcome.contract.CouponDecision;
import firstcome.contract.CouponRequest;
import firstcome.contract.Environment;
import firstcome.contract.EventDefinition;
import firstcome.contract.IssuedCoupon;
import firstcome.contract.RedisAddress;
import firstcome.contract.StartupFailure;
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
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.function.Function;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;
import java.util.function.Supplier;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;

/**
 * {@code make audit}: answers "were the coupons really given to the first comers, and was each
 * coupon's lifecycle kept?" per event, from the input logs (definitions, requests, the shop's
 * actions), the output logs (decisions, issued coupons, coupon changes), the table and the Redis
 * gate. It decides every request and action again itself with a model of the lifecycle written
 * from docs/lifecycle.md ({@link EventAudit}), then checks: each of its decisions on
 * {@code coupon-decisions}, in order, equal field by field; numbers 1..n without gaps and never
 * reused, one per user ever, coupon n to the user the model gave it; each change of
 * {@code coupon-changes} the model's, with no redemption at or after validity and no second order
 * at once; live coupons never above the limit when one is issued; the waitlist served in arrival
 * order; every row a record and every record a row, its state, order, validity and version the
 * coupon's latest; the gate holding the users who hold, held or wait for a coupon, counting the
 * live ones plus the waiting, nothing pending ({@link GateCheck}). A fair opening's draw is decided
 * again from the seed in {@code coupon-events} and the entrants in {@code coupon-requests}, its
 * decisions checked entrant by entrant; ticks in {@code coupon-requests} move the stream time and
 * expect no decision (docs/fair-opening.md). Exit status 0 consistent, 1 any
 * discrepancy, 2 could not audit (or could not read the gate and found nothing else).
 *
 * <p>Memory grows with the users who applied and the changes, not with the requests: each
 * partition is streamed, and only per-event state is kept. Run it from the ops jar:
 * {@code java -jar ops.jar audit [options]}.
 */
public final class Audit {

    static final int CONSISTENT = 0;
    static final int DISCREPANCIES = 1;
    static final int CANNOT_AUDIT = 2;

    static final String USAGE = """
            usage: audit [--event ID]... [--wait SECONDS] [--max-listed N] [--processor-group ID] [--sink-group ID] [--no-gate]
              --event ID             audit only this event (repeatable; default: every event)
              --max-listed N         discrepancies described per event (default 20; all are counted)
              --wait SECONDS         how long to wait for the processor (requests, actions) and the sink (coupons, changes) to catch up (default 120)
              --processor-group ID   the processor's application id (default PROCESSOR_APPLICATION_ID or firstcome-processor)
              --sink-group ID        the sink's consumer group (default SINK_GROUP_ID or coupon-sink)
              --no-gate              do not compare the Redis gate with the authority
            environment: KAFKA_BOOTSTRAP_SERVERS, KAFKA_CLIENT_CONFIG, MYSQL_URL, MYSQL_USER, MYSQL_PASSWORD (defaults as the sink's),
                         REDIS_URL (default redis://localhost:6379), REDIS_CLUSTER (true: REDIS_URL lists
                         the seed nodes of a Redis Cluster, redis://h1:7000,h2:7001,h3:7002), EVENT_RETENTION
                         (default P7D: the gate of an event closed longer ago is not compared, its keys expired by design)""";
    /** How long the gate may take to follow the last decisions once the logs are quiet. */
    private static final Duration GATE_SETTLE = Duration.ofSeconds(15);

    private final SinkConfig config;
    private final Optional<RedisAddress> redis;
    /** {@code EVENT_RETENTION}: the gate keys of an event that ended (closed, its coupons expired) longer ago than this are gone by design. */
    private final Duration retention;
    private final Set<String> events;
    private final int maxListed;
    private final PrintStream out;
    private final Progress progress;
    private final Topics topics = Topics.standard();
    private final Map<String, EventAudit> audits = new TreeMap<>();
    private final List<String> general = new ArrayList<>();
    private long generalDiscrepancies;
    private long skippedRequests;
    private long skippedActions;
    private long skippedDefinitions;
    private String lastObservation = "no answer from Kafka";
    private String gateNote;
    private String tableNote;
    private boolean gateUnread;

    /**
     * An audit of the Kafka logs alone, fed by {@link #auditLogs} (no table, no gate): what the
     * tests drive with the processor's own outputs.
     */
    Audit(Duration retention, int maxListed, PrintStream out, PrintStream err) {
        this(null, Optional.empty(), retention, Set.of(), maxListed, out, err);
        gateNote = "audit: gate not checked (the logs alone)";
    }

    private Audit(SinkConfig config, Optional<RedisAddress> redis, Duration retention, Set<String> events, int maxListed,
            PrintStream out, PrintStream err) {
        this.config = config;
        this.redis = redis;
        this.retention = retention;
        this.events = events;
        this.maxListed = maxListed;
        this.out = out;
        this.progress = new Progress(err, "audit");
    }

    static int run(Map<String, String> env, String[] args, PrintStream out, PrintStream err) {
        CommandOptions options;
        SinkConfig config;
        Set<String> events;
        Optional<RedisAddress> redis;
        Duration retention;
        try {
            retention = new Environment(env).eventRetention();
            options = CommandOptions.parse(args, Set.of("--no-gate"),
                    Set.of("--event", "--wait", "--max-listed", "--processor-group", "--sink-group"));
            redis = options.flag("--no-gate") ? Optional.empty() : Optional.of(RedisAddress.fromEnv(new Environment(env)));
            config = SinkConfig.fromEnv(env);
            config = config.withGroupId(options.value("--sink-group", config.groupId()));
            events = options.eventIds("--event");
        } catch (IllegalArgumentException e) {
            err.println("audit: " + e.getMessage() + "\n" + USAGE);
            return CANNOT_AUDIT;
        } catch (StartupFailure e) {
            out.println("audit: could not audit: " + e.getMessage());
            return CANNOT_AUDIT;
        }
        String processorGroup = options.value("--processor-group", env.getOrDefault("PROCESSOR_APPLICATION_ID", "firstcome-processor"));
        try {
            return new Audit(config, redis, retention, events, options.integer("--max-listed", 20), out, err)
                    .run(processorGroup, options.seconds("--wait", Duration.ofSeconds(120)));
        } catch (StartupFailure e) {
            // A setting to change or credentials Kafka refused: the line says it all, a stack trace would bury it.
            out.println("audit: could not audit: " + e.getMessage());
            return CANNOT_AUDIT;
        } catch (SQLException | RuntimeException e) {
            out.println("audit: could not audit: " + e.getMessage());
            e.printStackTrace(err);
            return CANNOT_AUDIT;
        }
    }

    /** The logs as audited: every request up to here decided (into these decisions), every coupon up to here in the table. */
    private record Snapshot(Map<TopicPartition, Long> requestEnds, Map<TopicPartition, Long> actionEnds,
            Map<TopicPartition, Long> issuedEnds, Map<TopicPartition, Long> changeEnds, Map<TopicPartition, Long> decisionEnds) {
    }

    private int run(String processorGroup, Duration wait) throws SQLException {
        config.kafka().checkAtStart();
        try (var positions = new LogPositions(config.kafka(), "firstcome-audit");
             var database = CouponDatabase.connect(config, new SimpleMeterRegistry());
             var reader = PartitionLog.consumer(config.kafka());
             var actionReader = PartitionLog.consumer(config.kafka());
             var decisionReader = PartitionLog.consumer(config.kafka())) {
            List<TopicPartition> partitions = positions.partitions(topics.requests().name());
            for (String topic : List.of(topics.events().name(), topics.actions().name(), topics.issued().name(),
                    topics.changes().name(), topics.decisions().name())) {
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
            Map<TopicPartition, Long> actionStarts = positions.starts(topics.actions().name());
            long requests = LogPositions.span(requestStarts, snapshot.requestEnds()) + LogPositions.span(actionStarts, snapshot.actionEnds());
            progress.say(String.format("snapshot: %,d requests and actions; deciding them again", requests));
            warnIfTrimmed(topics.requests().name(), requestStarts);
            warnIfTrimmed(topics.actions().name(), actionStarts);
            warnIfTrimmed(topics.issued().name(), positions.starts(topics.issued().name()));
            warnIfTrimmed(topics.changes().name(), positions.starts(topics.changes().name()));

            List<PartitionLogs> logs = new ArrayList<>();
            for (TopicPartition partition : partitions) {
                int p = partition.partition();
                var eventPartition = new TopicPartition(topics.events().name(), p);
                var actionPartition = new TopicPartition(topics.actions().name(), p);
                var decisionPartition = new TopicPartition(topics.decisions().name(), p);
                var issuedPartition = new TopicPartition(topics.issued().name(), p);
                var changePartition = new TopicPartition(topics.changes().name(), p);
                logs.add(new PartitionLogs(
                        () -> PartitionLog.open(reader, eventPartition, eventEnds.get(eventPartition)),
                        () -> PartitionLog.open(reader, partition, snapshot.requestEnds().get(partition)),
                        () -> PartitionLog.open(actionReader, actionPartition, snapshot.actionEnds().get(actionPartition)),
                        () -> PartitionLog.open(decisionReader, decisionPartition, snapshot.decisionEnds().get(decisionPartition)),
                        () -> PartitionLog.open(reader, issuedPartition, snapshot.issuedEnds().get(issuedPartition)),
                        () -> PartitionLog.open(reader, changePartition, snapshot.changeEnds().get(changePartition))));
            }
            auditLogs(logs, requests);
            progress.say("reading table " + CouponWriter.TABLE);
            readTable(database);
            readTableStates(database);
            gateUnread = !checkGate();
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
        Map<TopicPartition, Long> actionEnds = positions.ends(topics.actions().name());
        long processorBehind = positions.behind(processorGroup, requestEnds) + positions.behind(processorGroup, actionEnds);
        Map<TopicPartition, Long> issuedEnds = positions.ends(topics.issued().name());
        Map<TopicPartition, Long> changeEnds = positions.ends(topics.changes().name());
        Map<TopicPartition, Long> decisionEnds = positions.ends(topics.decisions().name());
        long sinkBehind = positions.behind(config.groupId(), issuedEnds) + positions.behind(config.groupId(), changeEnds);
        if (processorBehind > 0 || sinkBehind > 0) {
            lastObservation = String.format("the processor (group %s) has %,d request(s) and action(s) to decide, the sink (group %s)"
                    + " %,d record(s) to store", processorGroup, processorBehind, config.groupId(), sinkBehind);
            progress.sayNowAndThen("waiting: " + lastObservation);
            return Optional.empty();
        }
        lastObservation = "new requests or actions kept arriving";
        return Optional.of(new Snapshot(requestEnds, actionEnds, issuedEnds, changeEnds, decisionEnds));
    }

    private record TimedDefinition(long timestamp, String eventId, EventDefinition definition) {
    }

    /**
     * The logs of one partition number, each opened when the pass that reads it comes: the inputs
     * ({@code coupon-events}, {@code coupon-requests}, {@code coupon-actions}) and the outputs
     * ({@code coupon-decisions}, {@code coupon-issued}, {@code coupon-changes}), in log order.
     */
    record PartitionLogs(Supplier<Iterator<ConsumerRecord<byte[], byte[]>>> definitions,
            Supplier<Iterator<ConsumerRecord<byte[], byte[]>>> requests, Supplier<Iterator<ConsumerRecord<byte[], byte[]>>> actions,
            Supplier<Iterator<ConsumerRecord<byte[], byte[]>>> decisions, Supplier<Iterator<ConsumerRecord<byte[], byte[]>>> issued,
            Supplier<Iterator<ConsumerRecord<byte[], byte[]>>> changes) {
    }

    /**
     * The audit of the Kafka logs, partition by partition: every definition, request and action decided
     * again and checked against {@code coupon-decisions}, then {@code coupon-issued} and then
     * {@code coupon-changes} against the model. {@code total}: the requests and actions, for the progress.
     */
    void auditLogs(List<PartitionLogs> partitions, long total) {
        long decided = 0;
        for (PartitionLogs logs : partitions) {
            List<TimedDefinition> definitions = readDefinitions(logs.definitions().get());
            var published = new PublishedDecisions(logs.decisions().get());
            decided = decideRequests(logs.requests().get(), logs.actions().get(), definitions, published, decided, total);
        }
        progress.say(String.format("decided %,d requests and actions in %.1f s; reading %s", decided, progress.secondsSinceStart(),
                topics.issued().name()));
        partitions.forEach(logs -> readIssued(logs.issued().get()));
        audits.values().forEach(EventAudit::issuedDone);
        partitions.forEach(logs -> readChanges(logs.changes().get()));
        audits.values().forEach(EventAudit::changesDone);
    }

    /** The audit of each event seen, by event id. */
    Map<String, EventAudit> audits() {
        return java.util.Collections.unmodifiableMap(audits);
    }

    /** One partition's definitions in log order; the few the processor would set aside are skipped as it skips them. */
    private List<TimedDefinition> readDefinitions(Iterator<ConsumerRecord<byte[], byte[]>> log) {
        List<TimedDefinition> definitions = new ArrayList<>();
        Topic<EventDefinition> topic = topics.events();
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
     * Decides one partition's requests and actions in the order the processor's task takes them,
     * and checks each of the model's decisions against the next record of {@code coupon-decisions}.
     * The task takes, of the heads of its partitions, the record with the smallest timestamp, so a
     * definition takes effect for the requests and actions whose timestamps are not before it. At
     * an equal millisecond this audit takes the definition first, then the request, then the
     * action (Kafka Streams leaves such ties to its queue order). The task publishes every decision
     * it makes (a served waitlisted user's second one included) in that order, so the decisions
     * partition follows the model record for record.
     */
    private long decideRequests(Iterator<ConsumerRecord<byte[], byte[]>> requestLog, Iterator<ConsumerRecord<byte[], byte[]>> actionLog,
            List<TimedDefinition> definitions, PublishedDecisions published, long decided, long total) {
        int nextDefinition = 0;
        // The task's stream time: the highest record time of the partition's definitions, requests and actions read so far.
        long streamTime = Long.MIN_VALUE;
        ConsumerRecord<byte[], byte[]> request = requestLog.hasNext() ? requestLog.next() : null;
        ConsumerRecord<byte[], byte[]> action = actionLog.hasNext() ? actionLog.next() : null;
        while (request != null || action != null) {
            boolean takeRequest = action == null || (request != null && request.timestamp() <= action.timestamp());
            ConsumerRecord<byte[], byte[]> record = takeRequest ? request : action;
            decided++;
            progress.update(decided, total, "requests and actions decided");
            while (nextDefinition < definitions.size() && definitions.get(nextDefinition).timestamp() <= record.timestamp()) {
                TimedDefinition next = definitions.get(nextDefinition++);
                streamTime = Math.max(streamTime, next.timestamp());
                define(next, streamTime, published);
            }
            streamTime = Math.max(streamTime, record.timestamp());
            if (takeRequest) {
                decideRequest(record, streamTime, published);
                request = requestLog.hasNext() ? requestLog.next() : null;
            } else {
                decideAction(record, streamTime, published);
                action = actionLog.hasNext() ? actionLog.next() : null;
            }
        }
        while (nextDefinition < definitions.size()) {
            TimedDefinition next = definitions.get(nextDefinition++);
            streamTime = Math.max(streamTime, next.timestamp());
            define(next, streamTime, published);
        }
        published.rest(this::strayDecision);
        return decided;
    }

    private void decideRequest(ConsumerRecord<byte[], byte[]> record, long streamTime, PublishedDecisions published) {
        CouponRequest request = readable(record, topics.requests(), CouponRequest::eventId);
        if (request == null) {
            skippedRequests++;
            return;
        }
        if (request.isTick()) {
            // No decision of its own: it moves the stream time, so the event's draw may be due.
            if (inScope(request.eventId())) {
                EventAudit audit = audit(request.eventId());
                audit.tick(record.timestamp(), streamTime);
                check(audit, published, where(record));
            } else {
                published.skipRunOf(request.eventId());
            }
            return;
        }
        decide(request.eventId(), request.requestId(), record, published, audit -> audit.request(request.userId(),
                request.requestId(), request.eligibleAs(), record.timestamp(), streamTime, record.topic(), record.partition(),
                record.offset()));
    }

    private void decideAction(ConsumerRecord<byte[], byte[]> record, long streamTime, PublishedDecisions published) {
        CouponAction action = readable(record, topics.actions(), CouponAction::eventId);
        if (action == null) {
            skippedActions++;
            return;
        }
        decide(action.eventId(), action.actionId(), record, published, audit -> audit.action(action.userId(),
                action.actionId(), action.action(), action.orderId(), record.timestamp(), streamTime));
    }

    /**
     * The record's value, or null when it cannot be read or its key is not its event id (the processor
     * sets such a record aside, and so does the audit).
     */
    private static <V> V readable(ConsumerRecord<byte[], byte[]> record, Topic<V> topic, Function<V, String> eventIdOf) {
        V value;
        try {
            value = topic.valueSerde().deserializer().deserialize(topic.name(), record.value());
        } catch (RuntimeException unreadable) {
            return null;
        }
        String key = record.key() == null ? null : new String(record.key(), UTF_8);
        return value == null || !eventIdOf.apply(value).equals(key) ? null : value;
    }

    /**
     * Has the event's model decide the record ({@code decision}) and checks what it decided against
     * coupon-decisions; for an event out of scope, only skips the record's decisions as they come.
     */
    private void decide(String eventId, String id, ConsumerRecord<byte[], byte[]> record, PublishedDecisions published,
            java.util.function.Consumer<EventAudit> decision) {
        if (inScope(eventId)) {
            EventAudit audit = audit(eventId);
            decision.accept(audit);
            check(audit, published, where(record));
        } else {
            // Another event's decisions: skip them as they come (the model of that event is not kept).
            published.skipUntilAnswered(eventId, id);
        }
    }

    /** Each decision the model just made against the next records of coupon-decisions (a draw's as a whole). */
    private static void check(EventAudit audit, PublishedDecisions published, String where) {
        String eventId = audit.eventId();
        audit.checkDecisions(new EventAudit.DecisionLog() {
            @Override
            public EventAudit.Published takeIfFor(String requestId) {
                CouponDecision answer = published.takeIfFor(eventId, requestId);
                return answer == null ? null : new EventAudit.Published(answer, published.lastTakenWhere());
            }

            @Override
            public List<EventAudit.Published> takeDraw(Set<String> requestIds) {
                return published.takeDraw(eventId, requestIds);
            }
        }, where);
    }

    /** A record of coupon-decisions that answers no request: the event's discrepancy, or a general one when it names no event. */
    private void strayDecision(ConsumerRecord<byte[], byte[]> record, CouponDecision decision) {
        String key = record.key() == null ? null : new String(record.key(), UTF_8);
        if (decision != null && decision.eventId().equals(key)) {
            if (inScope(key)) {
                audit(key).strayDecision(decision, where(record));
            }
        } else if (mayConcernScope(key)) {
            generalDiscrepancy(where(record) + ": " + (decision == null ? "unreadable decision" : "decision filed under key '" + key
                    + "' for event " + decision.eventId()) + " answers no request");
        }
    }

    private static String where(ConsumerRecord<byte[], byte[]> record) {
        return record.topic() + " partition " + record.partition() + " offset " + record.offset();
    }

    /**
     * One partition of {@code coupon-decisions}, read alongside its requests partition: the next
     * record is taken when it answers the request at hand, and left for the next one otherwise (a
     * missing decision then costs one discrepancy, not one per request after it).
     */
    private final class PublishedDecisions {

        private final Iterator<ConsumerRecord<byte[], byte[]>> log;
        private ConsumerRecord<byte[], byte[]> head;
        private CouponDecision headDecision;
        private String lastTaken;

        PublishedDecisions(Iterator<ConsumerRecord<byte[], byte[]>> log) {
            this.log = log;
        }

        /** The next record if it is the decision of {@code requestId} of {@code eventId}, else {@code null} (and it stays next). */
        CouponDecision takeIfFor(String eventId, String requestId) {
            fillHead();
            if (head == null || !Arrays.equals(head.key(), eventId.getBytes(UTF_8)) || !headDecision.requestId().equals(requestId)) {
                return null;
            }
            lastTaken = where(head);
            head = null;
            return headDecision;
        }

        /**
         * The run of next records of {@code eventId} that are a draw's decisions or answer one of
         * {@code requestIds}, at most one per request, ending once every one of {@code requestIds} is
         * answered: re-delivered entrants' requests read right after the draw are answered with their
         * draw decisions again, each checked against its own record, not taken into the draw.
         */
        List<EventAudit.Published> takeDraw(String eventId, Set<String> requestIds) {
            List<EventAudit.Published> taken = new ArrayList<>();
            Set<String> seen = new HashSet<>();
            Set<String> unanswered = new HashSet<>(requestIds);
            while (!unanswered.isEmpty()) {
                fillHead();
                if (head == null || !Arrays.equals(head.key(), eventId.getBytes(UTF_8))
                        || !(requestIds.contains(headDecision.requestId()) || headDecision.decidesDraw())
                        || !seen.add(headDecision.requestId())) {
                    return taken;
                }
                lastTaken = where(head);
                taken.add(new EventAudit.Published(headDecision, lastTaken));
                unanswered.remove(headDecision.requestId());
                head = null;
            }
            return taken;
        }

        /** For a tick of an event out of scope: skips the decisions of {@code eventId} that come next (those the tick set off). */
        void skipRunOf(String eventId) {
            while (true) {
                fillHead();
                if (head == null || !Arrays.equals(head.key(), eventId.getBytes(UTF_8))) {
                    return;
                }
                head = null;
            }
        }

        private void fillHead() {
            while (head == null && log.hasNext()) {
                head = log.next();
                headDecision = decode(head);
                if (headDecision == null) {
                    strayDecision(head, null);
                    head = null;
                }
            }
        }

        /**
         * For an event out of scope: skips the decisions of {@code eventId} up to and including the
         * one of {@code requestId} (a served waitlisted user's decisions come before it), or
         * none if the next record is not of that event.
         */
        void skipUntilAnswered(String eventId, String requestId) {
            while (true) {
                fillHead();
                if (head == null || !Arrays.equals(head.key(), eventId.getBytes(UTF_8))) {
                    return;
                }
                boolean answered = headDecision.requestId().equals(requestId);
                head = null;
                if (answered) {
                    return;
                }
            }
        }

        /** Where the decision last taken was. */
        String lastTakenWhere() {
            return lastTaken;
        }

        /** The decision in {@code record}, or {@code null} if it cannot be read. */
        private CouponDecision decode(ConsumerRecord<byte[], byte[]> record) {
            Topic<CouponDecision> topic = topics.decisions();
            try {
                return topic.valueSerde().deserializer().deserialize(topic.name(), record.value());
            } catch (RuntimeException unreadable) {
                return null;
            }
        }

        /** Every record after the last request's decision: each answers no request. */
        void rest(BiConsumer<ConsumerRecord<byte[], byte[]>, CouponDecision> stray) {
            if (head != null) {
                stray.accept(head, headDecision);
                head = null;
            }
            while (log.hasNext()) {
                ConsumerRecord<byte[], byte[]> record = log.next();
                stray.accept(record, decode(record));
            }
        }
    }

    private void define(TimedDefinition definition, long streamTime, PublishedDecisions published) {
        if (inScope(definition.eventId())) {
            EventAudit audit = audit(definition.eventId());
            audit.define(definition.definition(), definition.timestamp(), streamTime);
            check(audit, published, "the definition at " + Instant.ofEpochMilli(definition.timestamp()));
        }
    }

    private void readIssued(Iterator<ConsumerRecord<byte[], byte[]>> log) {
        Topic<IssuedCoupon> topic = topics.issued();
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

    private void readChanges(Iterator<ConsumerRecord<byte[], byte[]>> log) {
        Topic<CouponChange> topic = topics.changes();
        while (log.hasNext()) {
            ConsumerRecord<byte[], byte[]> record = log.next();
            String key = record.key() == null ? null : new String(record.key(), UTF_8);
            CouponChange change;
            try {
                change = topic.valueSerde().deserializer().deserialize(topic.name(), record.value());
            } catch (RuntimeException unreadable) {
                if (mayConcernScope(key)) {
                    generalDiscrepancy(where(record) + ": unreadable record (" + unreadable.getMessage() + ")");
                }
                continue;
            }
            if (change == null || !change.eventId().equals(key)) {
                if (mayConcernScope(key) || (change != null && inScope(change.eventId()))) {
                    generalDiscrepancy(where(record) + ": " + (change == null ? "record without a value"
                            : "key '" + key + "' is not the event id of the change of coupon " + change.couponNo() + " of event "
                                    + change.eventId() + " for user " + change.userId()));
                }
                continue;
            }
            if (inScope(key)) {
                audit(key).changed(change, record.topic(), record.partition(), record.offset());
            }
        }
    }

    /**
     * The lifecycle columns of the table (migration V3: state, order_id, valid_until, version)
     * against each coupon's latest state in the logs; a table not migrated yet is said so, not failed.
     */
    private void readTableStates(CouponDatabase database) throws SQLException {
        try (Connection connection = database.dataSource().getConnection()) {
            boolean migrated;
            try (var columns = connection.getMetaData().getColumns(connection.getCatalog(), null, CouponWriter.TABLE, "version")) {
                migrated = columns.next();
            }
            if (!migrated) {
                tableNote = "audit: note: table " + CouponWriter.TABLE + " has no lifecycle columns yet (migration V3): coupon states not compared";
                return;
            }
            List<String> ids = events.stream().sorted().toList();
            String where = ids.isEmpty() ? "" : " WHERE event_id IN (" + String.join(", ", java.util.Collections.nCopies(ids.size(), "?")) + ")";
            try (var statement = connection.prepareStatement("SELECT id, event_id, coupon_no, state, order_id, "
                            + "DATE_FORMAT(valid_until, '%Y-%m-%d %H:%i:%s.%f'), version FROM " + CouponWriter.TABLE + where,
                    java.sql.ResultSet.TYPE_FORWARD_ONLY, java.sql.ResultSet.CONCUR_READ_ONLY)) {
                for (int i = 0; i < ids.size(); i++) {
                    statement.setString(i + 1, ids.get(i));
                }
                statement.setFetchSize(Integer.MIN_VALUE);
                try (var rows = statement.executeQuery()) {
                    while (rows.next()) {
                        EventAudit audit = audits.get(rows.getString(2));
                        if (audit == null) {
                            continue;
                        }
                        String validUntil = rows.getString(6);
                        audit.rowState(rows.getLong(1), rows.getInt(3), rows.getString(4), rows.getString(5),
                                validUntil == null ? null : CouponWriter.issuedAt(validUntil), rows.getInt(7));
                    }
                }
            }
            connection.rollback();
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

    /**
     * Compares the gate of every audited event with the authority, reading Redis again for up to
     * {@link #GATE_SETTLE} until they agree (the ingress follows the decisions a moment behind).
     * Returns false if the gate could not be read.
     */
    private boolean checkGate() {
        if (redis.isEmpty()) {
            gateNote = "audit: gate not checked (--no-gate)";
            return true;
        }
        progress.say("reading the gate at " + redis.get());
        long giveUpAt = System.nanoTime() + GATE_SETTLE.toNanos();
        try (var gate = GateCheck.connect(redis.get())) {
            while (true) {
                Map<EventAudit, List<String>> differences = new LinkedHashMap<>();
                // Asked at each reading: an event may retire, and its keys expire, while the gate settles.
                Instant now = Instant.now();
                int retired = 0;
                for (EventAudit audit : audits.values()) {
                    if (GateCheck.retired(audit.definition(), retention, now)) {
                        retired++;
                        continue;
                    }
                    List<String> found = GateCheck.differences(audit, gate.read(audit.eventId()));
                    if (!found.isEmpty()) {
                        differences.put(audit, found);
                    }
                }
                if (differences.isEmpty() || System.nanoTime() > giveUpAt) {
                    differences.forEach((audit, found) -> found.forEach(audit::gateDiscrepancy));
                    gateNote = (differences.isEmpty()
                            ? String.format("audit: gate at %s agrees with the authority for %,d event(s)", redis.get(),
                                    audits.size() - retired)
                            : String.format("audit: gate at %s differs from the authority for %,d event(s)", redis.get(), differences.size()))
                            + (retired == 0 ? "" : String.format("; %,d retired event(s) not compared (EVENT_RETENTION %s"
                                    + " past their end: their gate keys expired by design)", retired, retention));
                    return true;
                }
                TimeUnit.MILLISECONDS.sleep(250); // a poll with a deadline: the gate follows the decisions within moments
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        } catch (RuntimeException e) {
            gateNote = "audit: gate: could not compare: Redis at " + redis.get() + " did not answer (" + e.getMessage() + ")";
            return false;
        }
    }

    /** Prints the report (to the stream given at the start) and answers the exit status. */
    int report() {
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
        if (skippedActions > 0) {
            out.printf("audit: skipped %,d unreadable or mis-keyed action(s) of %s, as the processor sets them aside%n",
                    skippedActions, topics.actions().name());
        }
        if (tableNote != null) {
            out.println(tableNote);
        }
        if (gateNote != null) {
            out.println(gateNote);
        }
        List<EventAudit> drawn = audits.values().stream().filter(EventAudit::drawn).toList();
        if (!drawn.isEmpty()) {
            out.printf("audit: %,d draw(s) checked, %,d entrant(s) ranked again by their seeds%n", drawn.size(),
                    drawn.stream().mapToLong(EventAudit::drawEntrants).sum());
        }
        if (discrepancies == 0 && gateUnread) {
            out.printf("audit: %,d event(s) consistent in Kafka and the table; could not compare the gate%n", audits.size());
            return CANNOT_AUDIT;
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
        return audits.computeIfAbsent(eventId, id -> new EventAudit(id, maxListed, retention));
    }

    private void generalDiscrepancy(String description) {
        generalDiscrepancies++;
        if (general.size() < maxListed) {
            general.add(description);
        }
    }
}
