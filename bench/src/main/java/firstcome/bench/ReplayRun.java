package firstcome.bench;

import firstcome.contract.CouponRequest;
import firstcome.contract.EventDefinition;
import firstcome.contract.KafkaConnection;
import firstcome.contract.Topics;
import firstcome.processor.IssuingTopology;
import firstcome.processor.ProcessorConfig;
import firstcome.processor.StreamsSettings;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.Topology;

/**
 * The replay measurement of {@code make bench}, in its own JVM with the streams-processor jar on
 * the class path: fills a scratch topic set ({@code bench-replay-…}) with {@code records} valid
 * applications spread over {@code events} events, reads them once with a plain consumer (the read
 * ceiling), then runs the production topology with a replay's settings ({@code StreamsSettings.forReplay}:
 * {@code exactly_once_v2}, as {@code make replay} runs it) under a fresh application id from offset 0
 * until every request is committed, then {@link ReplayCeiling} (the same store work per request, no rules)
 * the same way, after the topology, so in a JVM as warm as the topology's or warmer. Deletes its topics
 * and state after. Prints one {@code REPLAY key=value …} line for the harness.
 *
 * <p>Usage: {@code ReplayRun <bootstrap> <records> <events> <limit>} (and {@code KAFKA_CLIENT_CONFIG} from the environment)
 */
public final class ReplayRun {

    /** A run whose committed offsets do not move for this long has stalled: it fails rather than wait for ever. */
    private static final Duration STALL = Duration.ofSeconds(120);

    private ReplayRun() {
    }

    public static void main(String[] args) throws Exception {
        // The stack's brokers, and its client file when it has one (a secured Kafka).
        KafkaConnection kafka = KafkaConnection.fromEnv(Map.of(KafkaConnection.BOOTSTRAP_SERVERS, args[0],
                KafkaConnection.CLIENT_CONFIG, System.getenv().getOrDefault(KafkaConnection.CLIENT_CONFIG, "")));
        int records = Integer.parseInt(args[1]);
        int events = Integer.parseInt(args[2]);
        int limit = Integer.parseInt(args[3]);
        String run = "bench-replay-" + System.currentTimeMillis();
        Topics topics = Topics.standard().withPrefix(run + "-");
        Path stateDir = Files.createTempDirectory(run);
        try (Admin admin = Admin.create(kafka.settings(Map.of()))) {
            // Its records are stamped in January 2026: without retention, or the broker deletes them mid-run.
            createAndAwaitLogs(admin, Topics.withoutRetention(topics.newTopics(Topics.DEFAULT_PARTITIONS, Optional.of((short) 1))));
            try {
                double produceSeconds = produce(kafka, topics, records, events, limit);
                // What the topology must commit: the end of the requests' partitions (a send that failed
                // under load would otherwise leave a wait for a count that never comes).
                long end = endOffsets(admin, topics.requests().name());
                if (end != records) {
                    throw new IllegalStateException("the requests topic holds " + end + " records, not " + records);
                }
                double readSeconds = readAll(kafka, topics.requests().name(), records);
                say(String.format("plain consumer read %,d records in %.2f s: %,.0f records/s",
                        records, readSeconds, records / readSeconds));
                StreamsTiming streams = run("the topology", IssuingTopology.build(topics), kafka, topics, run,
                        stateDir.resolve("topology"), admin, records);
                long issued = countRecords(kafka, topics.issued().name());
                Topics ceilingTopics = topics.withIssued(run + "-ceiling-issued").withDecisions(run + "-ceiling-decisions");
                createAndAwaitLogs(admin, Topics.withoutRetention(ceilingTopics.newTopics(Topics.DEFAULT_PARTITIONS,
                        Optional.of((short) 1)).stream().filter(t -> t.name().startsWith(run + "-ceiling-")).toList()));
                StreamsTiming ceiling = run("the ceiling (store work, no rules)", ReplayCeiling.build(ceilingTopics), kafka,
                        ceilingTopics, run + "-ceiling", stateDir.resolve("ceiling"), admin, records);
                long ceilingIssued = countRecords(kafka, ceilingTopics.issued().name());
                System.out.printf("REPLAY records=%d events=%d produceSeconds=%.3f readSeconds=%.3f "
                                + "streamsSeconds=%.3f startupSeconds=%.3f issued=%d ceilingSeconds=%.3f "
                                + "ceilingStartupSeconds=%.3f ceilingIssued=%d streamThreads=%d streamsCpuSeconds=%.3f "
                                + "ceilingCpuSeconds=%.3f%n",
                        records, events, produceSeconds, readSeconds, streams.processing, streams.startup, issued,
                        ceiling.processing, ceiling.startup, ceilingIssued, StreamsSettings.REPLAY_STREAM_THREADS,
                        streams.cpu, ceiling.cpu);
            } finally {
                Set<String> mine = admin.listTopics().names().get().stream()
                        .filter(t -> t.startsWith(run)).collect(Collectors.toSet());
                admin.deleteTopics(mine).all().get(60, TimeUnit.SECONDS);
                deleteTree(stateDir);
            }
        }
    }

    /** Creates {@code topics} and returns once the brokers have created the log of each of their partitions ({@link TopicLogs}). */
    static void createAndAwaitLogs(Admin admin, Collection<NewTopic> topics) throws Exception {
        Topics.create(admin, topics);
        TopicLogs.await(admin, topics.stream().map(NewTopic::name).toList());
    }

    private static double produce(KafkaConnection kafka, Topics topics, int records, int events, int limit) {
        Map<String, Object> props = kafka.settings(Map.of(
                ProducerConfig.ACKS_CONFIG, "all",
                ProducerConfig.LINGER_MS_CONFIG, 20,
                ProducerConfig.BATCH_SIZE_CONFIG, 256 * 1024));
        long start = System.nanoTime();
        Instant opens = Instant.parse("2026-01-01T00:00:00Z");
        var failed = new java.util.concurrent.atomic.AtomicReference<Exception>();
        try (var producer = new KafkaProducer<>(props, new StringSerializer(), topics.events().valueSerde().serializer());
             var requests = new KafkaProducer<>(props, new StringSerializer(),
                     topics.requests().valueSerde().serializer())) {
            for (int e = 0; e < events; e++) {
                String id = "replay-" + e;
                // A definition lost would be a silent gap: its event's requests rejected, fewer coupons issued.
                producer.send(new ProducerRecord<>(topics.events().name(), null, opens.toEpochMilli(), id,
                        new EventDefinition(id, limit, opens, null)), (metadata, ex) -> {
                            if (ex != null) {
                                failed.compareAndSet(null, ex);
                            }
                        });
            }
            producer.flush();
            if (failed.get() != null) {
                throw new IllegalStateException("an event definition could not be written", failed.get());
            }
            say(String.format("produced %,d event definitions in %.1f s", events, (System.nanoTime() - start) / 1e9));
            long lastSay = System.nanoTime();
            for (int i = 0; i < records; i++) {
                String event = "replay-" + (i % events);
                Instant at = opens.plusMillis(1 + i / 10);
                requests.send(new ProducerRecord<>(topics.requests().name(), null, at.toEpochMilli(), event,
                        new CouponRequest("req-" + i, event, "user-" + i, at)), (metadata, e) -> {
                            if (e != null) {
                                failed.compareAndSet(null, e);
                            }
                        });
                if (System.nanoTime() - lastSay > TimeUnit.SECONDS.toNanos(3)) {
                    lastSay = System.nanoTime();
                    say(String.format("producing the replay input: %,d/%,d", i, records));
                }
            }
            requests.flush();
        }
        if (failed.get() != null) {
            throw new IllegalStateException("a request could not be written", failed.get());
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        say(String.format("produced %,d requests in %.1f s", records, seconds));
        return seconds;
    }

    /** A plain consumer over every partition from the start, bytes only: what reading costs. */
    private static double readAll(KafkaConnection kafka, String topic, int records) {
        Map<String, Object> props = kafka.settings(Map.of(
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed",
                ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 2000));
        try (var consumer = new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = consumer.partitionsFor(topic).stream()
                    .map(p -> new TopicPartition(topic, p.partition())).toList();
            long start = System.nanoTime();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            long read = 0;
            long bytes = 0;
            while (read < records) {
                for (var record : consumer.poll(Duration.ofMillis(500))) {
                    read++;
                    bytes += record.value().length;
                }
            }
            if (bytes == 0) {
                throw new IllegalStateException("read nothing");
            }
            return (System.nanoTime() - start) / 1e9;
        }
    }

    /** Seconds from start to RUNNING and from RUNNING to the last commit; the process's CPU seconds in between. */
    private record StreamsTiming(double startup, double processing, double cpu) {
    }

    /** CPU time of this whole process (every thread: the stream threads, their producers and consumers). */
    private static long processCpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory.getOperatingSystemMXBean())
                .getProcessCpuTime();
    }

    /** Runs {@code topology} under application id {@code applicationId} until it committed every request. */
    private static StreamsTiming run(String what, Topology topology, KafkaConnection kafka, Topics topics,
                                     String applicationId, Path stateDir, Admin admin, int records) throws Exception {
        ProcessorConfig config = new ProcessorConfig(kafka, applicationId, stateDir, 18081, "localhost", 1,
                topics.issued().name(), topics.decisions().name());
        Properties props = StreamsSettings.forReplay(config, topics);
        long start = System.nanoTime();
        long running = -1;
        long cpuAtRunning = processCpuNanos();
        try (KafkaStreams streams = new KafkaStreams(topology, props)) {
            streams.start();
            long lastSay = System.nanoTime();
            long lastCommitted = -1;
            long lastProgress = System.nanoTime();
            while (true) {
                if (running < 0 && streams.state() == KafkaStreams.State.RUNNING) {
                    running = System.nanoTime();
                    cpuAtRunning = processCpuNanos();
                }
                if (streams.state() == KafkaStreams.State.ERROR || streams.state() == KafkaStreams.State.NOT_RUNNING) {
                    throw new IllegalStateException("the topology stopped: " + streams.state());
                }
                long committed = committed(admin, applicationId, topics.requests().name());
                if (committed >= records) {
                    break;
                }
                if (committed != lastCommitted) {
                    lastCommitted = committed;
                    lastProgress = System.nanoTime();
                } else if (System.nanoTime() - lastProgress > STALL.toNanos()) {
                    throw new IllegalStateException(String.format("%s made no progress for %d s: %,d of %,d committed, "
                            + "Kafka Streams %s", what, STALL.toSeconds(), committed, records, streams.state()));
                }
                if (System.nanoTime() - lastSay > TimeUnit.SECONDS.toNanos(3)) {
                    lastSay = System.nanoTime();
                    double elapsed = (lastSay - start) / 1e9;
                    say(String.format("replaying through %s: %,d/%,d committed, %.0f s", what, committed,
                            records, elapsed));
                }
                TimeUnit.MILLISECONDS.sleep(100);
            }
            long end = System.nanoTime();
            double cpu = (processCpuNanos() - cpuAtRunning) / 1e9;
            if (running < 0) {
                running = start;
            }
            double processing = (end - running) / 1e9;
            say(String.format("%s replayed %,d records in %.2f s after RUNNING (%.1f s to start): %,.0f records/s, "
                            + "%.1f s of CPU (%.2f ms per 1,000 records)",
                    what, records, processing, (running - start) / 1e9, records / processing, cpu, cpu * 1e6 / records));
            streams.close(Duration.ofSeconds(30));
            streams.cleanUp();
            return new StreamsTiming((running - start) / 1e9, processing, cpu);
        }
    }

    private static long endOffsets(Admin admin, String topic) throws Exception {
        var partitions = admin.describeTopics(List.of(topic)).allTopicNames().get(30, TimeUnit.SECONDS).get(topic).partitions();
        Map<TopicPartition, org.apache.kafka.clients.admin.OffsetSpec> latest = partitions.stream().collect(Collectors.toMap(
                p -> new TopicPartition(topic, p.partition()), p -> org.apache.kafka.clients.admin.OffsetSpec.latest()));
        return admin.listOffsets(latest).all().get(30, TimeUnit.SECONDS).values().stream()
                .mapToLong(org.apache.kafka.clients.admin.ListOffsetsResult.ListOffsetsResultInfo::offset).sum();
    }

    private static long committed(Admin admin, String group, String topic) throws Exception {
        Map<TopicPartition, OffsetAndMetadata> offsets =
                admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata().get(10, TimeUnit.SECONDS);
        return offsets.entrySet().stream().filter(e -> e.getKey().topic().equals(topic) && e.getValue() != null)
                .mapToLong(e -> e.getValue().offset()).sum();
    }

    /** Records a read_committed consumer sees in {@code topic} (offsets also count transaction markers). */
    private static long countRecords(KafkaConnection kafka, String topic) {
        Map<String, Object> props = kafka.settings(Map.of(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed"));
        try (var consumer = new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> tps = consumer.partitionsFor(topic).stream()
                    .map(p -> new TopicPartition(topic, p.partition())).toList();
            consumer.assign(tps);
            consumer.seekToBeginning(tps);
            Map<TopicPartition, Long> ends = consumer.endOffsets(tps);
            long count = 0;
            long idle = 0;
            while (idle < 3) {
                var polled = consumer.poll(Duration.ofMillis(300));
                count += polled.count();
                boolean atEnd = tps.stream().allMatch(tp -> consumer.position(tp) >= ends.get(tp));
                idle = polled.isEmpty() && atEnd ? idle + 1 : 0;
            }
            return count;
        }
    }

    private static void deleteTree(Path dir) throws Exception {
        try (var paths = Files.walk(dir)) {
            paths.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }

    private static void say(String line) {
        System.out.println("bench: " + line);
        System.out.flush();
    }
}
