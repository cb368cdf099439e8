package firstcome.bench;

import firstcome.contract.CouponRequest;
import firstcome.contract.EventDefinition;
import firstcome.contract.JsonSerde;
import firstcome.contract.KafkaConnection;
import firstcome.contract.Topics;
import firstcome.processor.Decision;
import firstcome.processor.EventTally;
import firstcome.processor.ProcessorConfig;
import firstcome.processor.StreamsSettings;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;

/**
 * Two irreducible parts of an accepted application, each measured alone against the stack's broker,
 * in their own JVM with the streams-processor jar on the class path: the {@code acks=all} produce of
 * a {@code CouponRequest} by an idempotent producer, records sent back to back in batches of up to
 * 256 KiB (linger 20 ms, as the replay's input is written: the ingress's linger is 2 ms, its batches
 * as large as the concurrent requests make them); and one decision's store work under exactly-once — a Kafka
 * Streams application with the processor's production {@link StreamsSettings} whose only step does
 * what the processor does with each accepted request's stores (three reads: the definition, the
 * tally, the user's decision; two writes: the decision and the tally), no rules and no output. Each
 * part's CPU is this JVM's (all threads) plus the broker's over the measured records only, after
 * warm-up records. Prints one {@link PartCost} line per part; deletes its topic and state after.
 *
 * <p>Usage: {@code KafkaPartsCost <bootstrap> <records>} (and {@code KAFKA_CLIENT_CONFIG} from the
 * environment), from the repository root (the broker's pid is read from {@code .local/pids}).
 */
public final class KafkaPartsCost {

    private static final int EVENTS = 10;

    private KafkaPartsCost() {
    }

    public static void main(String[] args) throws Exception {
        KafkaConnection kafka = KafkaConnection.fromEnv(Map.of(KafkaConnection.BOOTSTRAP_SERVERS, args[0],
                KafkaConnection.CLIENT_CONFIG, System.getenv().getOrDefault(KafkaConnection.CLIENT_CONFIG, "")));
        int records = Integer.parseInt(args[1]);
        int warm = Math.max(20_000, records / 2);
        String run = "bench-cost-" + System.currentTimeMillis();
        Topics topics = Topics.standard().withPrefix(run + "-");
        String input = topics.requests().name();
        Path stateDir = Files.createTempDirectory(run);
        try (Admin admin = Admin.create(kafka.settings(Map.of()))) {
            // Its records are stamped in January 2026: without retention, or the broker deletes them mid-run.
            ReplayRun.createAndAwaitLogs(admin, Topics.withoutRetention(topics.newTopics(Topics.DEFAULT_PARTITIONS,
                    java.util.Optional.of((short) 1)).stream().filter(t -> t.name().equals(input)).toList()));
            try {
                try (var producer = new KafkaProducer<>(kafka.settings(Map.of(
                        ProducerConfig.ACKS_CONFIG, "all",
                        ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true,
                        ProducerConfig.LINGER_MS_CONFIG, 20,
                        ProducerConfig.BATCH_SIZE_CONFIG, 256 * 1024)), new StringSerializer(), topics.requests().valueSerde().serializer())) {
                    produce(producer, input, 0, warm);
                    double jvm = PartCost.processCpuSeconds();
                    StackCpu broker = StackCpu.read();
                    produce(producer, input, warm, records);
                    print(new PartCost("produce", records, sides("producer JVM", PartCost.processCpuSeconds() - jvm,
                            PartCost.serverCpuSecondsSince("kafka", broker))));
                }
                print(new PartCost("store", records, decide(kafka, topics, run, stateDir, admin, warm, records)));
            } finally {
                var mine = admin.listTopics().names().get().stream().filter(t -> t.startsWith(run)).toList();
                admin.deleteTopics(mine).all().get(60, TimeUnit.SECONDS);
                try (var paths = Files.walk(stateDir)) {
                    paths.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
                }
            }
        }
    }

    /** Sends requests {@code from} .. {@code from + count - 1} and waits for every acknowledgement. */
    private static void produce(KafkaProducer<String, CouponRequest> producer, String topic, int from, int count) {
        Instant opens = Instant.parse("2026-01-01T00:00:00Z");
        for (int i = from; i < from + count; i++) {
            String event = "cost-" + (i % EVENTS);
            Instant at = opens.plusMillis(1 + i / 10);
            producer.send(new ProducerRecord<>(topic, null, at.toEpochMilli(), event,
                    new CouponRequest("00000000-0000-0000-0000-" + String.format("%012d", i), event,
                            "user:" + String.format("%012d", i), at)));
        }
        producer.flush();
    }

    /**
     * Runs the store step over the topic; the CPU between the moment {@code warm} records were
     * processed and the one every record's offset is committed, per record after the warm ones.
     */
    private static Map<String, Double> decide(KafkaConnection kafka, Topics topics, String run, Path stateDir, Admin admin,
                                              int warm, int records) throws Exception {
        ProcessorConfig config = new ProcessorConfig(kafka, run, stateDir, 18081, "localhost", 1,
                topics.issued().name(), topics.decisions().name());
        Properties props = StreamsSettings.of(config, topics);
        AtomicLong processed = new AtomicLong();
        try (KafkaStreams streams = new KafkaStreams(topology(topics, processed), props)) {
            streams.start();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(180);
            while (processed.get() < warm) {
                check(streams, deadline, "the warm-up records");
                TimeUnit.MILLISECONDS.sleep(2); // polling a counter the stream thread moves
            }
            double jvm = PartCost.processCpuSeconds();
            StackCpu broker = StackCpu.read();
            long from = processed.get();
            while (committed(admin, run, topics.requests().name()) < warm + records) {
                check(streams, deadline, "every record's commit");
                TimeUnit.MILLISECONDS.sleep(20);
            }
            double jvmSeconds = PartCost.processCpuSeconds() - jvm;
            double brokerSeconds = PartCost.serverCpuSecondsSince("kafka", broker);
            long measured = warm + records - from;
            // The few warm-up records decided after the snapshot are counted at the same rate.
            double scale = (double) records / measured;
            streams.close(Duration.ofSeconds(30));
            streams.cleanUp();
            return sides("streams JVM", jvmSeconds * scale, brokerSeconds * scale);
        }
    }

    private static Topology topology(Topics topics, AtomicLong processed) {
        Topology topology = new Topology();
        topology.addSource("requests", Serdes.String().deserializer(), topics.requests().valueSerde().deserializer(),
                topics.requests().name());
        topology.addProcessor("decide", () -> new StoreStep(processed), "requests");
        topology.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore("definitions"),
                Serdes.String(), topics.events().valueSerde()), "decide");
        topology.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore("tallies"),
                Serdes.String(), new JsonSerde<>(EventTally.class)), "decide");
        topology.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore("decisions"),
                Serdes.String(), new JsonSerde<>(Decision.class)), "decide");
        return topology;
    }

    /** An accepted request's store reads and writes, as the processor does them, without the rules. */
    private static final class StoreStep implements Processor<String, CouponRequest, Void, Void> {

        private final AtomicLong processed;
        private KeyValueStore<String, EventDefinition> definitions;
        private KeyValueStore<String, EventTally> tallies;
        private KeyValueStore<String, Decision> decisions;

        StoreStep(AtomicLong processed) {
            this.processed = processed;
        }

        @Override
        public void init(ProcessorContext<Void, Void> context) {
            definitions = context.getStateStore("definitions");
            tallies = context.getStateStore("tallies");
            decisions = context.getStateStore("decisions");
        }

        @Override
        public void process(Record<String, CouponRequest> record) {
            CouponRequest request = record.value();
            Instant at = Instant.ofEpochMilli(record.timestamp());
            EventDefinition event = definitions.get(record.key());
            if (event == null) {
                // Once per event: the processor has it from coupon-events.
                definitions.put(record.key(), new EventDefinition(record.key(), 10_000_000, at, null));
            }
            EventTally tally = tallies.get(record.key());
            String key = Decision.key(record.key(), request.userId());
            Decision latest = decisions.get(key);
            long issued = (tally == null ? 0 : tally.issued()) + 1;
            decisions.put(key, Decision.issued((int) issued, request.requestId(), at));
            tallies.put(record.key(), new EventTally(issued, latest == null ? 0 : 1, 0, 0, 0, 0));
            processed.incrementAndGet();
        }
    }

    private static void check(KafkaStreams streams, long deadline, String what) {
        if (streams.state() == KafkaStreams.State.ERROR || streams.state() == KafkaStreams.State.NOT_RUNNING) {
            throw new IllegalStateException("the store step stopped: " + streams.state());
        }
        if (System.nanoTime() > deadline) {
            throw new IllegalStateException("the store step did not reach " + what + " within 180 s");
        }
    }

    private static long committed(Admin admin, String group, String topic) throws Exception {
        Map<TopicPartition, OffsetAndMetadata> offsets =
                admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata().get(10, TimeUnit.SECONDS);
        return offsets.entrySet().stream().filter(e -> e.getKey().topic().equals(topic) && e.getValue() != null)
                .mapToLong(e -> e.getValue().offset()).sum();
    }

    private static Map<String, Double> sides(String client, double clientSeconds, double brokerSeconds) {
        Map<String, Double> sides = new LinkedHashMap<>();
        sides.put(client.replace(' ', '-'), clientSeconds);
        sides.put("kafka", brokerSeconds);
        return sides;
    }

    private static void print(PartCost part) {
        System.out.println(part.line());
        System.out.flush();
    }
}
