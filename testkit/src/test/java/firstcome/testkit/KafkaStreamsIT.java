package firstcome.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.LongDeserializer;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.Grouped;
import org.apache.kafka.streams.kstream.Materialized;
import org.apache.kafka.streams.kstream.Produced;
import org.apache.kafka.streams.state.Stores;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** The harness broker carries an exactly_once_v2 Streams app with a RocksDB store, as the processor is. */
@ExtendWith(InfrastructureExtension.class)
class KafkaStreamsIT {

    // Unique per run, so a rerun against an external broker (KAFKA_BOOTSTRAP_SERVERS) starts clean.
    private static final String RUN = UUID.randomUUID().toString();
    private static final String INPUT = "streams-it-input-" + RUN;
    private static final String OUTPUT = "streams-it-counts-" + RUN;

    @Test
    void exactlyOnceAppWithAPersistentStoreRunsAndItsResultIsReadCommitted(Infrastructure infrastructure, @TempDir Path stateDir) {
        // given
        infrastructure.createTopic(INPUT, 1);
        infrastructure.createTopic(OUTPUT, 1);
        Map<String, Object> config = new HashMap<>();
        config.put(StreamsConfig.APPLICATION_ID_CONFIG, "testkit-streams-it-" + RUN);
        config.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, infrastructure.kafkaBootstrapServers());
        config.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
        config.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());

        try (KafkaStreams streams = new KafkaStreams(countsPerKey(), new StreamsConfig(config))) {
            streams.start();
            await().atMost(Duration.ofSeconds(30)).until(() -> streams.state() == KafkaStreams.State.RUNNING);

            // when
            try (var producer = new KafkaProducer<String, String>(Map.of(
                    ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, infrastructure.kafkaBootstrapServers(),
                    ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class,
                    ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class))) {
                for (String user : List.of("u-1", "u-2", "u-3")) {
                    producer.send(new ProducerRecord<>(INPUT, "event-1", user));
                }
            }

            // then
            assertThat(latestCommittedCount(infrastructure, "event-1")).isEqualTo(3L);
        }
    }

    private static Topology countsPerKey() {
        StreamsBuilder builder = new StreamsBuilder();
        builder.stream(INPUT, Consumed.with(Serdes.String(), Serdes.String()))
                .groupByKey(Grouped.with(Serdes.String(), Serdes.String()))
                .count(Materialized.<String, Long>as(Stores.persistentKeyValueStore("counts"))
                        .withKeySerde(Serdes.String())
                        .withValueSerde(Serdes.Long()))
                .toStream()
                .to(OUTPUT, Produced.with(Serdes.String(), Serdes.Long()));
        return builder.build();
    }

    private static long latestCommittedCount(Infrastructure infrastructure, String key) {
        Map<String, Long> latest = new HashMap<>();
        try (var consumer = new KafkaConsumer<String, Long>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, infrastructure.kafkaBootstrapServers(),
                ConsumerConfig.GROUP_ID_CONFIG, "testkit-streams-it-reader-" + RUN,
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed",
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
                ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class,
                ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, LongDeserializer.class))) {
            consumer.subscribe(List.of(OUTPUT));
            await().atMost(Duration.ofSeconds(30)).until(() -> {
                consumer.poll(Duration.ofMillis(200)).forEach(record -> latest.put(record.key(), record.value()));
                return latest.getOrDefault(key, 0L) >= 3L;
            });
        }
        return latest.get(key);
    }
}
