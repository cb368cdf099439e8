package firstcome.ops;

import firstcome.contract.Environment;
import firstcome.contract.KafkaConnection;
import firstcome.contract.StartupFailure;
import firstcome.contract.Topics;
import firstcome.processor.IssuingTopology;
import firstcome.processor.ProcessorConfig;
import firstcome.processor.StreamsSettings;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.streams.CloseOptions;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse;

/**
 * {@code make replay}: decides {@code coupon-events}, {@code coupon-requests} and
 * {@code coupon-actions} again from the start of the log with the production topology, under a
 * fresh application id and into side topics, then compares them with the live
 * {@code coupon-issued}, {@code coupon-changes} and {@code coupon-decisions}
 * ({@link IssuedLogComparison}), byte for byte.
 * Exit status 0 identical, 1 different, 2 could not compare.
 *
 * <p>Run it from the ops jar: {@code java -jar ops.jar replay [options]}.
 */
public final class Replay {

    static final int IDENTICAL = 0;
    static final int DIFFERENT = 1;
    static final int CANNOT_COMPARE = 2;

    static final String USAGE = """
            usage: replay [--event ID]... [--wait SECONDS] [--keep] [--max-listed N] [--live-group ID] [--state-dir DIR]
              --event ID        compare only this event's coupons, changes and decisions (repeatable; default: every event)
              --wait SECONDS    how long to wait for the live processor to catch up (default 120)
              --keep            keep the side topics, the replay's internal topics and its group
              --max-listed N    differences printed in full (default 20; all are counted)
              --live-group ID   the live processor's application id (default PROCESSOR_APPLICATION_ID or firstcome-processor)
              --state-dir DIR   where the replay's state stores live while it runs (default: a temporary directory)
            environment: KAFKA_BOOTSTRAP_SERVERS (default localhost:9092), KAFKA_CLIENT_CONFIG (optional client properties file),
                         EVENT_RETENTION (the live processor's; default P7D)""";
    private static final Duration CHECK_INTERVAL = Duration.ofMillis(500);
    private static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(60);

    private final KafkaConnection kafka;
    /** The live topics: the contract's names ({@link Topics#standard()}), or a test's own. */
    private final Topics live;
    /** The live processor's: events retire at the same stream time in the replay, so it decides the same. */
    private final Duration eventRetention;
    private final PrintStream out;
    private final Progress progress;
    private String lastObservation = "no answer from Kafka";

    private Replay(KafkaConnection kafka, Topics live, Duration eventRetention, PrintStream out, PrintStream err) {
        this.kafka = kafka;
        this.live = live;
        this.eventRetention = eventRetention;
        this.out = out;
        this.progress = new Progress(err, "replay");
    }

    static int run(Map<String, String> env, String[] args, PrintStream out, PrintStream err) {
        return run(env, args, out, err, Topics.standard());
    }

    /** As {@link #run(Map, String[], PrintStream, PrintStream)}, against the topics {@code live} (a test's own). */
    static int run(Map<String, String> env, String[] args, PrintStream out, PrintStream err, Topics live) {
        CommandOptions options;
        Replay replay;
        try {
            options = CommandOptions.parse(args, Set.of("--keep"), Set.of("--event", "--wait", "--max-listed", "--live-group", "--state-dir"));
            replay = new Replay(KafkaConnection.fromEnv(env), live, new Environment(env).eventRetention(), out, err);
        } catch (IllegalArgumentException e) {
            err.println("replay: " + e.getMessage() + "\n" + USAGE);
            return CANNOT_COMPARE;
        } catch (StartupFailure e) {
            out.println("replay: could not compare: " + e.getMessage());
            return CANNOT_COMPARE;
        }
        try {
            return replay.run(
                    options.value("--live-group", env.getOrDefault("PROCESSOR_APPLICATION_ID", "firstcome-processor")),
                    options.eventIds("--event"),
                    options.seconds("--wait", Duration.ofSeconds(120)),
                    options.flag("--keep"),
                    options.integer("--max-listed", 20),
                    options.value("--state-dir", null));
        } catch (StartupFailure e) {
            // A setting to change or credentials Kafka refused: the line says it all, a stack trace would bury it.
            out.println("replay: could not compare: " + e.getMessage());
            return CANNOT_COMPARE;
        } catch (RuntimeException e) {
            out.println("replay: could not compare: " + e.getMessage());
            e.printStackTrace(err);
            return CANNOT_COMPARE;
        }
    }

    /**
     * The live logs as the replay compares them: the requests up to here were all decided, into
     * exactly these coupons and these decisions.
     */
    private record Snapshot(Map<TopicPartition, Long> requestEnds, Map<TopicPartition, Long> actionEnds,
            Map<TopicPartition, Long> issuedEnds, Map<TopicPartition, Long> changeEnds, Map<TopicPartition, Long> decisionEnds) {
    }

    private int run(String liveGroup, Set<String> events, Duration wait, boolean keep, int maxListed, String stateParent) {
        kafka.checkAtStart();
        String stamp = LocalDateTime.now(ZoneOffset.UTC).format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss"));
        String applicationId = "firstcome-replay-" + stamp;
        // Everything the replay writes goes to topics of its own: its coupons, its decisions, and its
        // dead letters (the processor's settings would otherwise send rejected requests to the live DLQ again).
        Topics side = new Topics(live.events(), live.requests(), live.actions(),
                live.issued().renamed(live.issued().name() + "-replay-" + stamp),
                live.changes().renamed(live.changes().name() + "-replay-" + stamp),
                live.decisions().renamed(live.decisions().name() + "-replay-" + stamp),
                live.requestsDeadLetters() + "-replay-" + stamp, live.issuedDeadLetters());

        try (var positions = new LogPositions(kafka, "firstcome-replay")) {
            List<TopicPartition> partitions = positions.partitions(live.requests().name());
            requireSamePartitionCount(positions, partitions.size(), live.events().name(), live.actions().name(),
                    live.issued().name(), live.changes().name(), live.decisions().name());

            Optional<Snapshot> settled = positions.awaitSettled(wait, () -> observe(positions, live, liveGroup));
            if (settled.isEmpty()) {
                out.printf("replay: could not compare within %d s: %s; run it again when the processor has caught up and traffic stops"
                        + " (or with a longer --wait)%n", wait.toSeconds(), lastObservation);
                return CANNOT_COMPARE;
            }
            Snapshot snapshot = settled.get();
            Map<TopicPartition, Long> requestStarts = positions.starts(live.requests().name());
            Map<TopicPartition, Long> actionStarts = positions.starts(live.actions().name());
            warnIfTrimmed(requestStarts);
            warnIfTrimmed(actionStarts);
            long requests = LogPositions.span(requestStarts, snapshot.requestEnds());
            long actions = LogPositions.span(actionStarts, snapshot.actionEnds());
            progress.say(String.format("snapshot: %,d requests and %,d actions (%s up to %,d offsets); deciding them again as %s into %s",
                    requests, actions, live.issued().name(), LogPositions.span(positions.starts(live.issued().name()), snapshot.issuedEnds()),
                    applicationId, side.issued().name() + ", " + side.changes().name() + " and " + side.decisions().name()));

            Path stateDir = createStateDir(stateParent, applicationId);
            try {
                createSideTopics(positions, side, partitions.size());
                Optional<Set<Integer>> readFurther = decideAgain(positions, side, applicationId, stateDir,
                        snapshot.requestEnds(), snapshot.actionEnds(), requests + actions);
                if (readFurther.isEmpty()) {
                    return CANNOT_COMPARE;
                }
                var coupons = new IssuedLogComparison(events, maxListed);
                compare(positions, snapshot.issuedEnds(), side.issued().name(), readFurther.get(), coupons);
                var changes = IssuedLogComparison.ofChanges(events, maxListed, live.changes().name());
                compare(positions, snapshot.changeEnds(), side.changes().name(), readFurther.get(), changes);
                var decisions = IssuedLogComparison.ofDecisions(events, maxListed, live.decisions().name());
                compare(positions, snapshot.decisionEnds(), side.decisions().name(), readFurther.get(), decisions);
                coupons.report(out);
                changes.report(out);
                decisions.report(out);
                return coupons.identical() && changes.identical() && decisions.identical() ? IDENTICAL : DIFFERENT;
            } finally {
                if (keep) {
                    out.printf("replay: kept topics %s, %s, %s and %s, group %s and its internal topics; the side topics have"
                                    + " no retention: delete them when done%n", side.issued().name(), side.changes().name(),
                            side.decisions().name(), side.requestsDeadLetters(), applicationId);
                } else {
                    removeReplay(positions, applicationId, side);
                }
                deleteRecursively(stateDir);
            }
        }
    }

    /** Retention deleted the head of the log: what was decided from it cannot be decided again. */
    private void warnIfTrimmed(Map<TopicPartition, Long> starts) {
        starts.forEach((partition, start) -> {
            if (start > 0) {
                out.printf("replay: warning: %s partition %d starts at offset %,d (retention deleted what came before):"
                        + " the replay cannot decide those requests again, so its events will differ%n",
                        partition.topic(), partition.partition(), start);
            }
        });
    }

    private Optional<Snapshot> observe(LogPositions positions, Topics live, String liveGroup) {
        Map<TopicPartition, Long> requestEnds = positions.ends(live.requests().name());
        Map<TopicPartition, Long> actionEnds = positions.ends(live.actions().name());
        long behind = positions.behind(liveGroup, requestEnds);
        long actionsBehind = positions.behind(liveGroup, actionEnds);
        if (behind > 0 || actionsBehind > 0) {
            lastObservation = String.format("the live processor (group %s) has %,d request(s) and %,d action(s) to decide",
                    liveGroup, behind, actionsBehind);
            progress.sayNowAndThen("waiting: " + lastObservation);
            return Optional.empty();
        }
        lastObservation = "new requests or actions kept arriving";
        return Optional.of(new Snapshot(requestEnds, actionEnds, positions.ends(live.issued().name()),
                positions.ends(live.changes().name()), positions.ends(live.decisions().name())));
    }

    /**
     * Runs the topology until its group has committed up to the snapshot's end of every request
     * and action partition. Returns the partitions where it read further (requests or actions that
     * arrived since the snapshot), or empty if the topology failed.
     */
    private Optional<Set<Integer>> decideAgain(LogPositions positions, Topics side, String applicationId, Path stateDir,
            Map<TopicPartition, Long> ends, Map<TopicPartition, Long> actionEnds, long requests) {
        var config = new ProcessorConfig(kafka, applicationId, stateDir, 0, "localhost", 1, side.issued().name(),
                side.decisions().name()).withEventRetention(eventRetention);
        // Fewer, larger transactions (StreamsSettings.forReplay): the output is the same, only the commit points move.
        Properties settings = StreamsSettings.forReplay(config, side);
        var streams = new KafkaStreams(IssuingTopology.build(side, config.eventRetention()), settings);
        AtomicReference<Throwable> failure = new AtomicReference<>();
        streams.setUncaughtExceptionHandler(e -> {
            failure.set(e);
            return StreamThreadExceptionResponse.SHUTDOWN_CLIENT;
        });
        try {
            streams.start();
            while (true) {
                long behind = positions.behind(applicationId, ends) + positions.behind(applicationId, actionEnds);
                progress.update(requests - behind, requests, "requests and actions decided again");
                if (behind == 0) {
                    progress.say(String.format("decided %,d requests and actions again in %.1f s", requests, progress.secondsSinceStart()));
                    break;
                }
                KafkaStreams.State state = streams.state();
                if (failure.get() != null || state == KafkaStreams.State.ERROR || state == KafkaStreams.State.PENDING_ERROR
                        || state == KafkaStreams.State.NOT_RUNNING) {
                    out.println("replay: could not compare: the replay's topology stopped (" + state + ")"
                            + (failure.get() == null ? "" : ": " + failure.get()));
                    return Optional.empty();
                }
                TimeUnit.MILLISECONDS.sleep(CHECK_INTERVAL.toMillis());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        } finally {
            // Leaving the group lets it be deleted at once, rather than after the session timeout.
            streams.close(CloseOptions.groupMembershipOperation(CloseOptions.GroupMembershipOperation.LEAVE_GROUP)
                    .withTimeout(CLOSE_TIMEOUT));
        }
        // Read once the topology is closed: until then it may go on deciding requests newer than the snapshot.
        Set<Integer> further = new HashSet<>();
        for (Map<TopicPartition, Long> inputEnds : List.of(ends, actionEnds)) {
            if (inputEnds.isEmpty()) {
                continue;
            }
            Map<TopicPartition, Long> committed = positions.committed(applicationId, inputEnds.keySet().iterator().next().topic());
            inputEnds.forEach((partition, end) -> {
                if (committed.getOrDefault(partition, 0L) > end) {
                    further.add(partition.partition());
                }
            });
        }
        return Optional.of(further);
    }

    /** Compares a live topic up to the snapshot's {@code liveEnds} with its side topic {@code sideTopic}, partition by partition. */
    private void compare(LogPositions positions, Map<TopicPartition, Long> liveEnds, String sideTopic, Set<Integer> readFurther,
            IssuedLogComparison comparison) {
        Map<TopicPartition, Long> sideEnds = positions.ends(sideTopic);
        try (var liveReader = PartitionLog.consumer(kafka); var sideReader = PartitionLog.consumer(kafka)) {
            for (Map.Entry<TopicPartition, Long> liveEnd : liveEnds.entrySet()) {
                int partition = liveEnd.getKey().partition();
                var sidePartition = new TopicPartition(sideTopic, partition);
                var liveLog = PartitionLog.open(liveReader, liveEnd.getKey(), liveEnd.getValue());
                var sideLog = PartitionLog.open(sideReader, sidePartition, sideEnds.get(sidePartition));
                comparison.comparePartition(partition, liveLog, sideLog, readFurther.contains(partition));
            }
        }
    }

    private static void requireSamePartitionCount(LogPositions positions, int partitions, String... topics) {
        for (String topic : topics) {
            int count = positions.partitions(topic).size();
            if (count != partitions) {
                throw new IllegalStateException(topic + " has " + count + " partitions, " + Topics.REQUESTS + " " + partitions
                        + ": the topics must be co-partitioned");
            }
        }
    }

    /**
     * The replay's own topics (its coupons, its decisions and its dead letters) with the settings the
     * declaration gives them but no retention (the replay deletes them when done, unless {@code --keep}),
     * as many partitions as the live ones; the live topics it reads exist already. Side
     * topics that exist already belong to another replay started in the same second: refused, not shared.
     */
    private static void createSideTopics(LogPositions positions, Topics side, int partitions) {
        List<String> own = List.of(side.issued().name(), side.changes().name(), side.decisions().name(), side.requestsDeadLetters());
        Set<String> taken;
        try {
            taken = new HashSet<>(positions.admin().listTopics().names().get(30, TimeUnit.SECONDS));
        } catch (Exception e) {
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            throw new IllegalStateException("cannot create the replay's topics " + own + ": " + e.getMessage(), e);
        }
        taken.retainAll(own);
        if (!taken.isEmpty()) {
            throw new IllegalStateException("cannot create the replay's topics " + own + ": " + taken + " exist already");
        }
        // Their records keep the replayed records' times, which may be older than the broker's retention.
        Topics.create(positions.admin(), Topics.withoutRetention(side.newTopics(partitions, Optional.empty()).stream()
                .filter(topic -> own.contains(topic.name()))
                .toList()));
    }

    /** Deletes what the replay created on the broker: its side topics, internal topics and group. */
    private void removeReplay(LogPositions positions, String applicationId, Topics side) {
        try {
            List<String> topics = new ArrayList<>(List.of(side.issued().name(), side.changes().name(), side.decisions().name(),
                    side.requestsDeadLetters()));
            positions.admin().listTopics().names().get(30, TimeUnit.SECONDS).stream()
                    .filter(name -> name.startsWith(applicationId + "-"))
                    .forEach(topics::add);
            positions.admin().deleteTopics(topics).all().get(30, TimeUnit.SECONDS);
            positions.admin().deleteConsumerGroups(List.of(applicationId)).all().get(30, TimeUnit.SECONDS);
        } catch (Exception e) {
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            progress.say("could not remove everything the replay created (" + e.getMessage() + "): delete topics "
                    + side.issued().name() + ", " + side.changes().name() + ", " + side.decisions().name() + ", "
                    + side.requestsDeadLetters() + ", " + applicationId + "-* and group "
                    + applicationId + " by hand");
        }
    }

    private static Path createStateDir(String parent, String applicationId) {
        try {
            if (parent == null) {
                return Files.createTempDirectory(applicationId + "-");
            }
            return Files.createDirectories(Path.of(parent).resolve(applicationId));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void deleteRecursively(Path dir) {
        try (Stream<Path> paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
        } catch (IOException e) {
            // A temporary directory; the system cleans it up eventually.
        }
    }
}
