package firstcome.ops;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.node.ObjectNode;
import firstcome.contract.CouponDecision;
import firstcome.contract.CouponRequest;
import firstcome.contract.Json;
import firstcome.contract.KafkaConnection;
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
import java.nio.charset.StandardCharsets;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.record.TimestampType;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * {@code make dead-letters}: what the dead-letter topics hold ({@code list}, the default) and putting a
 * record back once the cause of its setting aside is fixed ({@code redrive}), at most once per dead letter.
 *
 * <p>{@code coupon-issued-dlq} (the sink's): a record of {@code coupon-issued} or {@code coupon-changes}
 * the sink could not store. It is re-driven into the table, through the sink's own decoding
 * ({@link CouponBatch}) and {@link CouponWriter}, exactly as the live sink stores a record (idempotent:
 * a coupon's row at its highest version). It is not produced again into {@code coupon-issued} or
 * {@code coupon-changes}: those are the processor's output, which a replay of the inputs must reproduce
 * byte for byte, and in which a second copy of a coupon reads as a number issued twice.
 *
 * <p>{@code coupon-requests-dlq} (the streams-processor's, Kafka Streams' dead-letter queue): a record of
 * {@code coupon-events}, {@code coupon-requests} or {@code coupon-actions} the processor could not read or
 * rejected. Only requests are re-driven, produced again into their partition of {@code coupon-requests}
 * with their key, value and record time and a {@value DeadLetter#REDRIVEN_FROM} header, and only when
 * the processor would read them now and has never decided their request id (a decided request id
 * re-driven after the user's next request would be decided a second time). Definitions and shop actions
 * are refused with the reason.
 *
 * <p>Every re-drive is recorded in {@value #REDRIVEN_TOPIC}; a second re-drive of the same dead letter
 * says when the first was and sends nothing, unless {@code --force}.
 *
 * <p>Exit status: {@code list} 0 (listed, none included), 1 with {@code --fail-if-any} when it listed any;
 * {@code redrive} 0 when every chosen dead letter is re-driven (now or before), 1 when one was refused or
 * not found; 2 when it could not read or write (Kafka, MySQL, bad options).
 */
final class DeadLetters {

    static final int OK = 0;
    static final int FOUND = 1;
    static final int CANNOT = 2;

    static final String REDRIVEN_TOPIC = "coupon-dlq-redriven";

    static final String USAGE = """
            usage: dead-letters [list] [--topic T]... [--event ID]... [--since INSTANT] [--json] [--fail-if-any]
                   dead-letters redrive (--topic T --partition P --offset O | --dead-letter T/P/O... | --all [--topic T]... [--event ID]... [--since INSTANT]) [--force]
              list                    every record of the dead-letter topics (coupon-requests-dlq, coupon-issued-dlq), why and the original
              --topic T               only this dead-letter topic (repeatable)
              --event ID              only dead letters keyed by this event (repeatable)
              --since INSTANT         only records stamped at or after it (ISO-8601, e.g. 2026-11-30T10:00:00Z)
              --json                  one JSON object per dead letter, then one for the counts
              --fail-if-any           exit 1 when any dead letter is listed (default: 0 whenever it could list)
              redrive                 puts the chosen dead letters back (coupon-issued-dlq: into the table as the sink
                                      would; coupon-requests-dlq: requests into coupon-requests), each at most once
              --dead-letter T/P/O     a dead letter as the listing names it (repeatable)
              --all                   every dead letter that --topic / --event / --since choose
              --force                 re-drive again what was re-driven before
            environment: KAFKA_BOOTSTRAP_SERVERS, KAFKA_CLIENT_CONFIG, MYSQL_URL, MYSQL_USER, MYSQL_PASSWORD (defaults as the services')""";

    private static final Pattern DEAD_LETTER_ID = Pattern.compile("(.+)/(\\d+)/(\\d+)");
    private static final long SEND_TIMEOUT_SECONDS = 30;

    enum Mode { LIST, REDRIVE }

    /** A dead letter named on the command line. */
    record Coordinates(String topic, int partition, long offset) {
        String id() {
            return DeadLetter.id(topic, partition, offset);
        }
    }

    /** What the command line asks for. */
    record Options(Mode mode, Set<String> topics, Set<String> events, Optional<Instant> since, boolean json, boolean failIfAny,
            List<Coordinates> chosen, boolean all, boolean force) {

        /** Whether {@code letter} passes the listing's filters. */
        boolean selects(DeadLetter letter) {
            return (events.isEmpty() || letter.keyText() != null && events.contains(letter.keyText()))
                    && (since.isEmpty() || letter.timestamp() != null && !letter.timestamp().isBefore(since.get()));
        }
    }

    private final Topics topics;
    private final KafkaConnection kafka;
    private final Map<String, String> env;
    private final PrintStream out;
    private final Progress progress;
    private final Clock clock;
    private final String redrivenTopic;

    private DeadLetters(Topics topics, String redrivenTopic, Map<String, String> env, PrintStream out, PrintStream err, Clock clock) {
        this.topics = topics;
        this.redrivenTopic = redrivenTopic;
        this.kafka = KafkaConnection.fromEnv(env);
        this.env = env;
        this.out = out;
        this.progress = new Progress(err, "dead-letters");
        this.clock = clock;
    }

    static int run(Map<String, String> env, String[] args, PrintStream out, PrintStream err) {
        return run(env, args, out, err, Topics.standard(), REDRIVEN_TOPIC, Clock.systemUTC());
    }

    /** The command on {@code topics} (the contract's, or a test's own) with re-drives recorded in {@code redrivenTopic}. */
    static int run(Map<String, String> env, String[] args, PrintStream out, PrintStream err, Topics topics, String redrivenTopic,
            Clock clock) {
        Options options;
        DeadLetters command;
        try {
            if (List.of(args).contains("--help") || List.of(args).contains("-h")) {
                out.println(USAGE);
                return OK;
            }
            options = parse(args, topics);
            command = new DeadLetters(topics, redrivenTopic, env, out, err, clock);
        } catch (IllegalArgumentException e) {
            err.println("dead-letters: " + e.getMessage() + "\n" + USAGE);
            return CANNOT;
        } catch (StartupFailure e) {
            out.println("dead-letters: " + e.getMessage());
            return CANNOT;
        }
        try {
            command.kafka.checkAtStart();
            return options.mode() == Mode.LIST ? command.list(options) : command.redrive(options);
        } catch (StartupFailure e) {
            out.println("dead-letters: could not " + verb(options) + ": " + e.getMessage());
            return CANNOT;
        } catch (SQLException | RuntimeException e) {
            out.println("dead-letters: could not " + verb(options) + ": " + e.getMessage());
            e.printStackTrace(err);
            return CANNOT;
        }
    }

    private static String verb(Options options) {
        return options.mode() == Mode.LIST ? "list" : "re-drive";
    }

    /** The command line: an optional {@code list} / {@code redrive} first, then that mode's options. */
    static Options parse(String[] args, Topics topics) {
        Mode mode = Mode.LIST;
        String[] rest = args;
        if (args.length > 0 && !args[0].startsWith("-")) {
            mode = switch (args[0]) {
                case "list" -> Mode.LIST;
                case "redrive", "re-drive" -> Mode.REDRIVE;
                default -> throw new IllegalArgumentException("unknown action '" + args[0] + "' (list or redrive)");
            };
            rest = Arrays.copyOfRange(args, 1, args.length);
        }
        CommandOptions options = mode == Mode.LIST
                ? CommandOptions.parse(rest, Set.of("--json", "--fail-if-any"), Set.of("--topic", "--event", "--since"))
                : CommandOptions.parse(rest, Set.of("--all", "--force"),
                        Set.of("--topic", "--event", "--since", "--partition", "--offset", "--dead-letter"));
        Set<String> deadLetterTopics = Set.of(topics.requestsDeadLetters(), topics.issuedDeadLetters());
        Set<String> chosenTopics = new LinkedHashSet<>();
        for (String topic : options.values("--topic")) {
            chosenTopics.add(deadLetterTopic(topic, deadLetterTopics, "--topic"));
        }
        Set<String> events = options.eventIds("--event");
        Optional<Instant> since = Optional.ofNullable(options.value("--since", null)).map(DeadLetters::instant);
        List<Coordinates> chosen = new ArrayList<>();
        boolean all = false;
        if (mode == Mode.REDRIVE) {
            all = options.flag("--all");
            boolean single = !options.values("--partition").isEmpty() || !options.values("--offset").isEmpty();
            if (single) {
                if (options.values("--partition").isEmpty() || options.values("--offset").isEmpty() || chosenTopics.size() != 1) {
                    throw new IllegalArgumentException("--partition and --offset go together, with one --topic");
                }
                chosen.add(new Coordinates(chosenTopics.iterator().next(), options.integer("--partition", -1),
                        number("--offset", options.value("--offset", ""))));
            }
            for (String id : options.values("--dead-letter")) {
                Matcher matcher = DEAD_LETTER_ID.matcher(id.strip());
                if (!matcher.matches()) {
                    throw new IllegalArgumentException("--dead-letter must be TOPIC/PARTITION/OFFSET as the listing names it"
                            + " (e.g. " + topics.issuedDeadLetters() + "/0/12), was '" + id + "'");
                }
                chosen.add(new Coordinates(deadLetterTopic(matcher.group(1), deadLetterTopics, "--dead-letter"),
                        Math.toIntExact(number("--dead-letter", matcher.group(2))), number("--dead-letter", matcher.group(3))));
            }
            if (all == !chosen.isEmpty()) {
                throw new IllegalArgumentException(all
                        ? "--all re-drives every dead letter --topic / --event / --since choose; do not name single ones with it"
                        : "redrive needs the dead letters: --topic T --partition P --offset O, --dead-letter T/P/O, or --all");
            }
            if (!all && (!events.isEmpty() || since.isPresent())) {
                throw new IllegalArgumentException("--event and --since choose dead letters for --all only");
            }
            if (chosen.stream().anyMatch(c -> c.partition() < 0)) {
                throw new IllegalArgumentException("--partition must be 0 or more");
            }
        }
        return new Options(mode, chosenTopics.isEmpty() ? new LinkedHashSet<>(List.of(topics.requestsDeadLetters(), topics.issuedDeadLetters()))
                : chosenTopics, events, since, options.flag("--json"), options.flag("--fail-if-any"), chosen, all, options.flag("--force"));
    }

    private static String deadLetterTopic(String topic, Set<String> deadLetterTopics, String option) {
        String name = topic.strip();
        if (!deadLetterTopics.contains(name)) {
            throw new IllegalArgumentException(option + " must name a dead-letter topic (" + String.join(" or ",
                    deadLetterTopics.stream().sorted().toList()) + "), was '" + topic + "'");
        }
        return name;
    }

    private static long number(String option, String text) {
        try {
            long value = Long.parseLong(text.strip());
            if (value < 0) {
                throw new NumberFormatException();
            }
            return value;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(option + " needs a number 0 or more, was '" + text + "'", e);
        }
    }

    private static Instant instant(String text) {
        try {
            return Instant.parse(text.strip());
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException("--since must be an ISO-8601 instant such as 2026-11-30T10:00:00Z, was '" + text + "'", e);
        }
    }

    // --- list -------------------------------------------------------------------------------------

    private int list(Options options) {
        try (var positions = new LogPositions(kafka, "firstcome-dead-letters");
             var consumer = PartitionLog.consumer(kafka)) {
            Map<String, ObjectNode> redriven = new RedriveLog(positions, consumer, redrivenTopic).read();
            Map<String, Map<String, Long>> counts = new TreeMap<>();
            List<String> missing = new ArrayList<>();
            long listed = 0;
            for (String topic : options.topics()) {
                if (!exists(positions, topic)) {
                    missing.add(topic);
                    continue;
                }
                counts.put(topic, new TreeMap<>());
                long[] inTopic = {0};
                read(positions, consumer, topic, letter -> {
                    if (!options.selects(letter)) {
                        return;
                    }
                    inTopic[0]++;
                    counts.get(letter.topic()).merge(letter.reason(), 1L, Long::sum);
                    Optional<ObjectNode> entry = Optional.ofNullable(redriven.get(letter.id()));
                    if (options.json()) {
                        out.println(json(letter.json(entry)));
                    } else {
                        letter.lines(entry.map(RedriveLog::describe)).forEach(out::println);
                    }
                });
                listed += inTopic[0];
            }
            summary(options, counts, missing, listed);
            return listed > 0 && options.failIfAny() ? FOUND : OK;
        }
    }

    private void summary(Options options, Map<String, Map<String, Long>> counts, List<String> missing, long listed) {
        if (options.json()) {
            ObjectNode summary = Json.mapper().createObjectNode();
            ObjectNode perTopic = summary.putObject("counts");
            counts.forEach((topic, reasons) -> {
                ObjectNode node = perTopic.putObject(topic);
                reasons.forEach(node::put);
            });
            summary.put("total", listed);
            missing.forEach(summary.putArray("missingTopics")::add);
            out.println(json(summary));
            return;
        }
        missing.forEach(topic -> out.println("dead-letters: topic " + topic + " does not exist (nothing was ever set aside there)"));
        if (listed == 0) {
            out.println("dead-letters: no dead letters" + filters(options));
            return;
        }
        out.printf("dead-letters: %,d dead letter(s)%s%n", listed, filters(options));
        counts.forEach((topic, reasons) -> reasons.forEach((reason, count) ->
                out.printf("  %-22s %-26s %,d%n", topic, reason, count)));
    }

    private static String filters(Options options) {
        List<String> said = new ArrayList<>();
        if (!options.events().isEmpty()) {
            said.add("event(s) " + String.join(", ", options.events().stream().sorted().toList()));
        }
        options.since().ifPresent(since -> said.add("stamped since " + since));
        return said.isEmpty() ? "" : " (" + String.join("; ", said) + ")";
    }

    /** Reads every partition of {@code topic} from its start up to its current end (read_committed), in order. */
    private static void read(LogPositions positions, KafkaConsumer<byte[], byte[]> consumer, String topic, Consumer<DeadLetter> each) {
        for (Map.Entry<TopicPartition, Long> end : positions.ends(topic).entrySet()) {
            var log = PartitionLog.open(consumer, end.getKey(), end.getValue());
            while (log.hasNext()) {
                each.accept(DeadLetter.of(log.next()));
            }
        }
    }

    static boolean exists(LogPositions positions, String topic) {
        try {
            return positions.admin().listTopics().names().get(30, TimeUnit.SECONDS).contains(topic);
        } catch (TimeoutException e) {
            throw new IllegalStateException("Kafka did not list its topics within 30 s (is it up, are KAFKA_BOOTSTRAP_SERVERS and"
                    + " KAFKA_CLIENT_CONFIG right?)", e);
        } catch (ExecutionException e) {
            throw new IllegalStateException("Kafka refused to list its topics: " + e.getCause(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while listing topics", e);
        }
    }

    private static String json(ObjectNode node) {
        try {
            return Json.mapper().writeValueAsString(node);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write JSON", e);
        }
    }

    // --- redrive ----------------------------------------------------------------------------------

    /** What became of one dead letter: re-driven (now or before) or refused. */
    private record Outcome(boolean done, String line) {
    }

    private int redrive(Options options) throws SQLException {
        try (var positions = new LogPositions(kafka, "firstcome-dead-letters");
             var consumer = PartitionLog.consumer(kafka);
             var redrive = new Redrive(positions, consumer)) {
            List<DeadLetter> letters = new ArrayList<>();
            List<String> notFound = new ArrayList<>();
            if (options.all()) {
                for (String topic : options.topics()) {
                    if (exists(positions, topic)) {
                        read(positions, consumer, topic, letter -> {
                            if (options.selects(letter)) {
                                letters.add(letter);
                            }
                        });
                    }
                }
            } else {
                for (Coordinates coordinates : options.chosen()) {
                    Optional<DeadLetter> letter = exists(positions, coordinates.topic())
                            ? readOne(positions, consumer, coordinates) : Optional.empty();
                    letter.ifPresentOrElse(letters::add, () -> notFound.add(coordinates.id()));
                }
            }
            int refused = 0;
            for (String id : notFound) {
                out.println(id + ": REFUSED: no dead letter there (see make dead-letters for what there is)");
                refused++;
            }
            if (letters.isEmpty() && notFound.isEmpty()) {
                out.println("dead-letters: no dead letters to re-drive" + filters(options));
                return OK;
            }
            for (DeadLetter letter : letters) {
                Outcome outcome = redrive.one(letter, options.force());
                out.println(letter.id() + ": " + outcome.line());
                if (!outcome.done()) {
                    refused++;
                }
            }
            int total = letters.size() + notFound.size();
            out.printf("dead-letters: %d of %d dead letter(s) re-driven (now or before), %d refused%n", total - refused, total, refused);
            return refused == 0 ? OK : FOUND;
        }
    }

    /** The record at {@code coordinates}, when it is a committed record of that partition. */
    private static Optional<DeadLetter> readOne(LogPositions positions, KafkaConsumer<byte[], byte[]> consumer, Coordinates coordinates) {
        TopicPartition partition = new TopicPartition(coordinates.topic(), coordinates.partition());
        Long end = positions.ends(coordinates.topic()).get(partition);
        Long start = positions.starts(coordinates.topic()).get(partition);
        if (end == null || start == null || coordinates.offset() >= end || coordinates.offset() < start) {
            return Optional.empty();
        }
        var log = PartitionLog.open(consumer, partition, end);
        consumer.seek(partition, coordinates.offset());
        while (log.hasNext()) {
            ConsumerRecord<byte[], byte[]> record = log.next();
            if (record.offset() == coordinates.offset()) {
                return Optional.of(DeadLetter.of(record));
            }
            if (record.offset() > coordinates.offset()) {
                break;
            }
        }
        return Optional.empty();
    }

    /** The clients a re-drive needs, made when first needed. */
    private final class Redrive implements AutoCloseable {

        private final LogPositions positions;
        private final KafkaConsumer<byte[], byte[]> consumer;
        private final RedriveLog log;
        private Map<String, ObjectNode> redriven;
        private Producer<byte[], byte[]> producer;
        private CouponDatabase database;
        private CouponWriter writer;
        /** Per partition of coupon-decisions: the request ids decided there, with their first decision. */
        private final Map<Integer, Map<String, String>> decided = new HashMap<>();

        Redrive(LogPositions positions, KafkaConsumer<byte[], byte[]> consumer) {
            this.positions = positions;
            this.consumer = consumer;
            this.log = new RedriveLog(positions, consumer, redrivenTopic);
        }

        Outcome one(DeadLetter letter, boolean force) throws SQLException {
            if (redriven == null) {
                redriven = log.read();
            }
            ObjectNode before = redriven.get(letter.id());
            if (before != null && !force) {
                return new Outcome(true, "already re-driven " + RedriveLog.describe(before) + ", not sent again (--force sends it again)");
            }
            if (letter.sourceTopic().isEmpty()) {
                return refused("its headers do not say which topic it was read from (" + letter.message() + ")");
            }
            String source = letter.sourceTopic().get();
            if (letter.topic().equals(topics.issuedDeadLetters())) {
                if (source.equals(topics.issued().name()) || source.equals(topics.changes().name())) {
                    return intoTheTable(letter, force);
                }
                return refused("it was read from " + source + "; the sink reads only " + topics.issued().name() + " and "
                        + topics.changes().name());
            }
            if (source.equals(topics.requests().name())) {
                return intoRequests(letter, force);
            }
            if (source.equals(topics.events().name())) {
                return refused("it is an event definition: put back now, it would be read after the definitions that followed"
                        + " it and could undo them; define the event again with PUT /admin/events/{eventId}");
            }
            if (source.equals(topics.actions().name())) {
                return refused("it is a shop action, never decided: put back now, it would be decided after the actions that"
                        + " followed it and could undo them; the shop repeats its call (each shop route is idempotent)");
            }
            return refused("it was read from " + source + ", which the streams-processor does not read");
        }

        /** A sink dead letter, written as the sink writes a record: decoded by CouponBatch, upserted by CouponWriter. */
        private Outcome intoTheTable(DeadLetter letter, boolean force) throws SQLException {
            String source = letter.sourceTopic().orElseThrow();
            TopicPartition partition = new TopicPartition(source, letter.sourcePartition().orElse(0));
            var original = new ConsumerRecord<>(source, partition.partition(), letter.sourceOffset().orElse(-1L),
                    letter.timestamp() == null ? ConsumerRecord.NO_TIMESTAMP : letter.timestamp().toEpochMilli(), TimestampType.CREATE_TIME,
                    ConsumerRecord.NULL_SIZE, ConsumerRecord.NULL_SIZE, letter.key(), letter.value(),
                    new RecordHeaders(letter.originalHeaders().toArray()), Optional.empty());
            CouponBatch batch = CouponBatch.decode(new ConsumerRecords<>(Map.of(partition, List.of(original)), Map.of()),
                    topics.issued(), topics.changes());
            if (!batch.unreadable().isEmpty()) {
                CouponBatch.Rejection rejection = batch.unreadable().get(0);
                return refused("the sink would set it aside again: " + rejection.reason() + ": " + rejection.detail());
            }
            CouponRow row = batch.rows().get(0);
            CouponWriter.Result result = writer().writeRows(batch.rows());
            if (!result.conflicts().isEmpty()) {
                CouponConflicts.Conflict conflict = result.conflicts().get(0);
                return refused("it still conflicts with the table: " + conflict.reason() + ": " + conflict.detail()
                        + "; fix the table, then re-drive it again");
            }
            String what = "coupon " + row.couponNo() + " of event " + row.eventId() + " for user " + row.userId()
                    + (row.version() > 0 ? ", " + row.state() + " at version " + row.version() : "");
            String into = "table " + CouponWriter.TABLE;
            String resultName = result.written() > 0 ? "WRITTEN" : "ALREADY_STORED";
            record(letter, into, resultName, force);
            return new Outcome(true, result.written() > 0
                    ? "re-driven into " + into + ": " + what + " written"
                    : "re-driven into " + into + ": " + what + " was there already (or a later version of it): nothing changed");
        }

        /** A request the processor set aside: back into its partition of coupon-requests, if that can decide it once. */
        private Outcome intoRequests(DeadLetter letter, boolean force) {
            String source = topics.requests().name();
            CouponRequest request;
            String key;
            try {
                request = topics.requests().valueSerde().deserializer().deserialize(source, letter.originalHeaders(), letter.value());
                key = topics.requests().keySerde().deserializer().deserialize(source, letter.originalHeaders(), letter.key());
            } catch (RuntimeException e) {
                return refused("the streams-processor would set it aside again: " + e.getMessage());
            }
            if (request == null) {
                return refused("the streams-processor would set it aside again: it has no value");
            }
            if (!request.eventId().equals(key)) {
                return refused("the streams-processor would set it aside again: the key " + (key == null ? "is missing"
                        : "'" + key + "' is not") + " the event id '" + request.eventId() + "'");
            }
            int partition = letter.sourcePartition().orElse(-1);
            if (partition < 0) {
                return refused("its headers do not say which partition of " + source + " it was read from");
            }
            Optional<String> decision = decision(partition, request.requestId());
            if (decision.isPresent()) {
                return refused("request " + request.requestId() + " was decided already (" + decision.get() + "): deciding it"
                        + " again could decide it twice; even --force does not send it");
            }
            var headers = new RecordHeaders(letter.originalHeaders().toArray());
            headers.remove(DeadLetter.REDRIVEN_FROM);
            headers.add(DeadLetter.REDRIVEN_FROM, letter.id().getBytes(StandardCharsets.UTF_8));
            RecordMetadata sent = send(new ProducerRecord<>(source, partition,
                    letter.timestamp() == null ? null : letter.timestamp().toEpochMilli(), letter.key(), letter.value(), headers));
            String into = DeadLetter.id(sent.topic(), sent.partition(), sent.offset());
            record(letter, into, "SENT", force);
            return new Outcome(true, "re-driven into " + into + ": request " + request.requestId()
                    + (request.userId() == null ? " (a tick)" : " of user " + request.userId()) + " for event " + request.eventId()
                    + ", stamped " + request.receivedAt() + "; the streams-processor decides it where it now stands in the log");
        }

        /** The first decision of {@code requestId} (a request's, not an action's) on that partition of coupon-decisions. */
        private Optional<String> decision(int partition, String requestId) {
            Map<String, String> ids = decided.computeIfAbsent(partition, p -> {
                Map<String, String> found = new HashMap<>();
                String topic = topics.decisions().name();
                TopicPartition tp = new TopicPartition(topic, p);
                Long end = positions.ends(topic).get(tp);
                if (end == null) {
                    return found;
                }
                var decisions = PartitionLog.open(consumer, tp, end);
                while (decisions.hasNext()) {
                    ConsumerRecord<byte[], byte[]> record = decisions.next();
                    try {
                        CouponDecision read = topics.decisions().valueSerde().deserializer().deserialize(topic, record.value());
                        if (read != null && read.action() == null) {
                            found.putIfAbsent(read.requestId(), read.outcome() + " for user " + read.userId() + " at "
                                    + read.decidedAt() + ", " + DeadLetter.id(topic, p, record.offset()));
                        }
                    } catch (RuntimeException unreadable) {
                        // Not a decision: it decides nothing.
                    }
                }
                return found;
            });
            return Optional.ofNullable(ids.get(requestId));
        }

        private void record(DeadLetter letter, String into, String result, boolean force) {
            ObjectNode entry = Json.mapper().createObjectNode();
            entry.put("deadLetter", letter.id());
            entry.put("source", letter.source().orElse(null));
            entry.put("redrivenAt", clock.instant().toString());
            entry.put("into", into);
            entry.put("result", result);
            entry.put("forced", force);
            log.create();
            log.append(producer(), letter.id(), entry);
            redriven.put(letter.id(), entry);
        }

        private Outcome refused(String why) {
            return new Outcome(false, "REFUSED: " + why);
        }

        private RecordMetadata send(ProducerRecord<byte[], byte[]> record) {
            try {
                return producer().send(record).get(SEND_TIMEOUT_SECONDS, TimeUnit.SECONDS);
            } catch (ExecutionException | TimeoutException e) {
                throw new IllegalStateException("could not send to " + record.topic() + ": " + (e.getCause() == null ? e : e.getCause()), e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while sending to " + record.topic(), e);
            }
        }

        private Producer<byte[], byte[]> producer() {
            if (producer == null) {
                producer = new KafkaProducer<>(kafka.settings(Map.<String, Object>of(
                        ProducerConfig.CLIENT_ID_CONFIG, "firstcome-dead-letters",
                        ProducerConfig.ACKS_CONFIG, "all",
                        // One request in flight: records reach the log in the order sent, without relying on
                        // idempotence, which a loaded broker can fail (OutOfOrderSequenceException).
                        ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, false,
                        ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, 1)),
                        new ByteArraySerializer(), new ByteArraySerializer());
            }
            return producer;
        }

        private CouponWriter writer() {
            if (writer == null) {
                progress.say("writing into the table at " + SinkConfig.fromEnv(env).mysqlUrl());
                database = CouponDatabase.connect(SinkConfig.fromEnv(env), new SimpleMeterRegistry());
                writer = new CouponWriter(database.dataSource());
            }
            return writer;
        }

        @Override
        public void close() {
            if (producer != null) {
                producer.close(Duration.ofSeconds(10));
            }
            if (database != null) {
                database.close();
            }
        }
    }
}
