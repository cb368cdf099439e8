package firstcome.ops;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import firstcome.contract.CouponDecision;
import firstcome.contract.CouponRequest;
import firstcome.contract.EventDefinition;
import firstcome.contract.IssuingOutcome;
import firstcome.contract.Topics;
import firstcome.processor.App;
import firstcome.processor.ProcessorConfig;
import firstcome.testkit.Infrastructure;
import firstcome.testkit.InfrastructureExtension;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.utils.Utils;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code dead-letters} on {@code coupon-requests-dlq} against the live streams-processor and a real
 * broker: what the processor sets aside (a request keyed by another event, an unreadable definition) is
 * listed and refused a re-drive with the reason; a request that an earlier processor set aside and the
 * running one reads (written here as Kafka Streams writes a dead letter: the original key, value and
 * time, its {@code __streams.errors.*} headers) is re-driven once, decided once, and never again, even forced.
 */
@ExtendWith(InfrastructureExtension.class)
class DeadLetterRequestsIT {

    private static final int PARTITIONS = 3;
    private static final Instant T0 = Instant.parse("2026-11-24T10:00:00Z");
    private static final Duration PATIENCE = Duration.ofSeconds(90);

    private final String name = "dlqr-" + UUID.randomUUID().toString().substring(0, 8);
    private final Topics topics = Topics.standard().withPrefix(name + "-");
    private final String redriven = name + "-coupon-dlq-redriven";
    private Infrastructure infrastructure;
    private Map<String, String> env;
    private App processor;

    @BeforeEach
    void startTheLiveProcessor(Infrastructure infrastructure, @TempDir Path stateDir) {
        this.infrastructure = infrastructure;
        infrastructure.createTopics(topics, PARTITIONS);
        env = Map.of("KAFKA_BOOTSTRAP_SERVERS", infrastructure.kafkaBootstrapServers());
        processor = App.start(new ProcessorConfig(infrastructure.kafkaBootstrapServers(), name + "-processor", stateDir, 0,
                "localhost", 1), topics);
    }

    @AfterEach
    void stopTheProcessor() {
        if (processor != null) {
            processor.close();
        }
    }

    @Test
    void reDrivesARequestTheProcessorNeverDecidedOnceAndRefusesWhatItWouldSetAsideAgain() throws Exception {
        String event = name + "-e";
        CouponRequest late = new CouponRequest(UUID.randomUUID().toString(), event, "u-late", T0.plusSeconds(1));
        byte[] lateBytes = topics.requests().valueSerde().serializer().serialize(topics.requests().name(), late);
        int eventPartition = Utils.toPositive(Utils.murmur2(utf8(event))) % PARTITIONS;
        try (var producer = producer()) {
            send(producer, new ProducerRecord<>(topics.events().name(), null, T0.toEpochMilli(), utf8(event),
                    topics.events().valueSerde().serializer().serialize("", new EventDefinition(event, 5, T0, null))));
            // the live processor sets these aside: a request keyed by another event, a definition that is no JSON
            CouponRequest misKeyed = new CouponRequest(UUID.randomUUID().toString(), event, "u-1", T0.plusSeconds(2));
            send(producer, new ProducerRecord<>(topics.requests().name(), null, T0.plusSeconds(2).toEpochMilli(), utf8("other-key"),
                    topics.requests().valueSerde().serializer().serialize("", misKeyed)));
            send(producer, new ProducerRecord<>(topics.events().name(), null, T0.plusSeconds(3).toEpochMilli(), utf8(event + "-2"),
                    utf8("{not json")));
            // and a request an earlier processor set aside, as Kafka Streams writes a dead letter
            var headers = new RecordHeaders();
            headers.add(DeadLetter.STREAMS_EXCEPTION, utf8("org.apache.kafka.common.errors.SerializationException"));
            headers.add(DeadLetter.STREAMS_MESSAGE, utf8("an earlier version could not read the request"));
            headers.add(DeadLetter.STREAMS_STACKTRACE, utf8("org.apache.kafka.common.errors.SerializationException: ...\n\tat ..."));
            headers.add(DeadLetter.STREAMS_TOPIC, utf8(topics.requests().name()));
            headers.add(DeadLetter.STREAMS_PARTITION, utf8(Integer.toString(eventPartition)));
            headers.add(DeadLetter.STREAMS_OFFSET, utf8("0"));
            send(producer, new ProducerRecord<>(topics.requestsDeadLetters(), 0, late.receivedAt().toEpochMilli(), utf8(event),
                    lateBytes, headers));
        }
        await().atMost(PATIENCE).until(() -> run("list", "--topic", topics.requestsDeadLetters()).out().contains("3 dead letter(s)"));

        Run listed = run("list", "--topic", topics.requestsDeadLetters());
        assertThat(listed.status()).as(listed.out()).isEqualTo(DeadLetters.OK);
        assertThat(listed.out())
                .contains("RejectedRecordException (set aside by the streams-processor)", "from:  " + topics.requests().name() + "/")
                .contains("key:   other-key")
                .contains("from:  " + topics.events().name() + "/", "value: {not json")
                .contains("SerializationException");
        String misKeyedId = idOf(listed.out(), "key:   other-key");
        String definitionId = idOf(listed.out(), "value: {not json");
        String lateId = idOf(listed.out(), "value: " + new String(lateBytes, StandardCharsets.UTF_8));

        // when: each is re-driven
        Run refusedRequest = run("redrive", "--dead-letter", misKeyedId);
        Run refusedDefinition = run("redrive", "--dead-letter", definitionId);
        Run redrive = run("redrive", "--dead-letter", lateId);

        // then: the ones the processor would set aside again, and a definition, are refused with why
        assertThat(refusedRequest.status()).as(refusedRequest.out()).isEqualTo(DeadLetters.FOUND);
        assertThat(refusedRequest.out()).contains(misKeyedId + ": REFUSED: the streams-processor would set it aside again: the key"
                + " 'other-key' is not the event id '" + event + "'");
        assertThat(refusedDefinition.status()).isEqualTo(DeadLetters.FOUND);
        assertThat(refusedDefinition.out()).contains(definitionId + ": REFUSED: it is an event definition");
        // and the request is back in its event's partition, marked, and decided once
        assertThat(redrive.status()).as(redrive.out()).isEqualTo(DeadLetters.OK);
        assertThat(redrive.out()).contains(lateId + ": re-driven into " + topics.requests().name() + "/" + eventPartition + "/")
                .contains("request " + late.requestId() + " of user u-late for event " + event);
        List<ConsumerRecord<byte[], byte[]>> requests = records(topics.requests().name(), 2);
        ConsumerRecord<byte[], byte[]> back = requests.stream().filter(r -> r.headers().lastHeader(DeadLetter.REDRIVEN_FROM) != null)
                .findFirst().orElseThrow();
        assertThat(back.value()).isEqualTo(lateBytes);
        assertThat(back.key()).isEqualTo(utf8(event));
        assertThat(back.timestamp()).isEqualTo(late.receivedAt().toEpochMilli());
        assertThat(back.partition()).isEqualTo(eventPartition);
        assertThat(new String(back.headers().lastHeader(DeadLetter.REDRIVEN_FROM).value(), StandardCharsets.UTF_8)).isEqualTo(lateId);
        await().atMost(PATIENCE).until(() -> decisionsOf(late.requestId()).size() == 1);
        assertThat(decisionsOf(late.requestId()).get(0).outcome()).isEqualTo(IssuingOutcome.ISSUED);

        // and a second re-drive sends nothing; a forced one is refused, the request being decided
        Run again = run("redrive", "--dead-letter", lateId);
        assertThat(again.status()).as(again.out()).isEqualTo(DeadLetters.OK);
        assertThat(again.out()).contains(lateId + ": already re-driven at ", "not sent again");
        Run forced = run("redrive", "--dead-letter", lateId, "--force");
        assertThat(forced.status()).as(forced.out()).isEqualTo(DeadLetters.FOUND);
        assertThat(forced.out()).contains(lateId + ": REFUSED: request " + late.requestId() + " was decided already (ISSUED for user u-late");
        assertThat(records(topics.requests().name(), 2)).hasSize(2);
        assertThat(decisionsOf(late.requestId())).hasSize(1);
    }

    /** The id on the head line of the entry that has {@code line}. */
    private static String idOf(String listing, String line) {
        String id = null;
        for (String each : listing.split("\n")) {
            if (!each.startsWith(" ")) {
                Matcher head = Pattern.compile("^(\\S+/\\d+/\\d+)\\s").matcher(each);
                id = head.find() ? head.group(1) : null;
            } else if (each.contains(line)) {
                return id;
            }
        }
        throw new AssertionError("no entry with '" + line + "' in:\n" + listing);
    }

    private List<CouponDecision> decisionsOf(String requestId) {
        var deserializer = topics.decisions().valueSerde().deserializer();
        return records(topics.decisions().name(), 0).stream()
                .map(record -> deserializer.deserialize(topics.decisions().name(), record.value()))
                .filter(decision -> decision.requestId().equals(requestId))
                .toList();
    }

    /** Every committed record of {@code topic}, read until at least {@code atLeast} are there and the ends are reached. */
    private List<ConsumerRecord<byte[], byte[]>> records(String topic, int atLeast) {
        try (var consumer = new KafkaConsumer<>(Map.<String, Object>of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, infrastructure.kafkaBootstrapServers(),
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed",
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false), new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = new ArrayList<>();
            for (int p = 0; p < PARTITIONS; p++) {
                partitions.add(new TopicPartition(topic, p));
            }
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> ends = consumer.endOffsets(partitions);
            List<ConsumerRecord<byte[], byte[]>> read = new ArrayList<>();
            await().atMost(PATIENCE).until(() -> {
                consumer.poll(Duration.ofMillis(200)).forEach(read::add);
                return read.size() >= atLeast && partitions.stream().allMatch(p -> consumer.position(p) >= ends.get(p));
            });
            return read;
        }
    }

    private KafkaProducer<byte[], byte[]> producer() {
        return new KafkaProducer<>(Map.<String, Object>of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, infrastructure.kafkaBootstrapServers(), ProducerConfig.ACKS_CONFIG, "all",
                ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, false, ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, 1),
                new ByteArraySerializer(), new ByteArraySerializer());
    }

    private static void send(KafkaProducer<byte[], byte[]> producer, ProducerRecord<byte[], byte[]> record) throws Exception {
        producer.send(record).get();
    }

    private record Run(int status, String out) {
    }

    private Run run(String... args) {
        var out = new ByteArrayOutputStream();
        var err = new ByteArrayOutputStream();
        int status = DeadLetters.run(env, args, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8), topics, redriven, Clock.systemUTC());
        return new Run(status, out.toString(StandardCharsets.UTF_8) + err.toString(StandardCharsets.UTF_8));
    }

    private static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
