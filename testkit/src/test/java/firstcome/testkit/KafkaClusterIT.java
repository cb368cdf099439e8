package firstcome.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import firstcome.contract.Topics;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A three-node cluster with the production topic settings keeps every acknowledged record when the
 * leader of the partition written to is killed ({@code kill -9}), goes on taking writes with two of
 * three copies, and takes the node back in sync when it returns.
 */
class KafkaClusterIT {

    private static final Logger log = LoggerFactory.getLogger(KafkaClusterIT.class);
    private static final int RECORDS_PER_TRANSACTION = 50;

    @TempDir
    Path dir;

    @Test
    void keepsEveryAcknowledgedRecordWhenThePartitionsLeaderIsKilled() throws Exception {
        long started = System.nanoTime();
        try (KafkaCluster cluster = KafkaCluster.start(dir)) {
            log.info("three-node cluster at {} serving in {} ms", cluster.bootstrapServers(), millisSince(started));

            // given: the contract's topics as production has them
            Topics topics = Topics.standard();
            cluster.createTopics(topics, Topics.DEFAULT_PARTITIONS);
            assertProductionSettings(cluster, topics);
            String topic = topics.requests().name();

            List<String> acknowledged = new ArrayList<>();
            try (var producer = producer(cluster, "cluster-it")) {
                producer.initTransactions();
                int partition = send(producer, topic, "before", acknowledged);
                int leader = cluster.leaderOf(topic, partition);
                assertThat(cluster.inSyncReplicasOf(topic, partition)).hasSize(3);

                // when: the leader of the partition just written dies as in a crash
                long killed = System.nanoTime();
                cluster.kill(leader);
                log.info("killed node {}, the leader of {}-{}", leader, topic, partition);

                // then: two copies in sync are enough for acks=all, a transaction commits
                send(producer, topic, "while node " + leader + " is down", acknowledged);
                log.info("a transaction committed {} ms after the kill", millisSince(killed));
                assertThat(cluster.leaderOf(topic, partition)).as("the partition's new leader").isNotEqualTo(leader);
                assertThat(cluster.inSyncReplicasOf(topic, partition)).doesNotContain(leader).hasSize(2);
                assertThat(readCommitted(cluster, new TopicPartition(topic, partition), acknowledged.size()))
                        .as("every acknowledged record, once, in order").containsExactlyElementsOf(acknowledged);

                // when: the node comes back on its own directory
                long restarted = System.nanoTime();
                cluster.start(leader);
                cluster.awaitFullyInSync(topics.names(), Duration.ofSeconds(60));
                log.info("node {} back and every partition in sync on three nodes {} ms after its start", leader,
                        millisSince(restarted));

                // then: all three copies again, and what was written meanwhile is still there
                assertThat(cluster.inSyncReplicasOf(topic, partition)).containsExactlyInAnyOrder(1, 2, 3);
                send(producer, topic, "after node " + leader + " is back", acknowledged);
                assertThat(readCommitted(cluster, new TopicPartition(topic, partition), acknowledged.size()))
                        .containsExactlyElementsOf(acknowledged);
            }
        }
        log.info("the whole test took {} ms", millisSince(started));
    }

    private static void assertProductionSettings(KafkaCluster cluster, Topics topics) throws Exception {
        Map<String, TopicDescription> described = cluster.describe(topics.names());
        assertThat(described.values()).allSatisfy(topic -> {
            assertThat(topic.partitions()).hasSize(Topics.DEFAULT_PARTITIONS);
            assertThat(topic.partitions()).allSatisfy(partition ->
                    assertThat(partition.replicas()).as("%s-%d", topic.name(), partition.partition()).hasSize(3));
        });
        List<ConfigResource> resources = topics.names().stream()
                .map(name -> new ConfigResource(ConfigResource.Type.TOPIC, name)).toList();
        Map<ConfigResource, Config> configs = cluster.admin().describeConfigs(resources).all().get(10, TimeUnit.SECONDS);
        assertThat(configs).allSatisfy((resource, config) -> {
            assertThat(config.get("min.insync.replicas").value()).as(resource.name()).isEqualTo("2");
            assertThat(config.get("unclean.leader.election.enable").value()).as(resource.name()).isEqualTo("false");
        });
        assertThat(configs.get(new ConfigResource(ConfigResource.Type.TOPIC, topics.events().name()))
                .get("cleanup.policy").value()).isEqualTo("compact");
    }

    /**
     * One committed transaction of records with one key (one partition, as one event's requests):
     * they count as acknowledged once the commit returns. Returns the partition.
     */
    private static int send(KafkaProducer<String, String> producer, String topic, String phase, List<String> acknowledged)
            throws Exception {
        List<String> values = new ArrayList<>();
        producer.beginTransaction();
        var first = producer.send(new ProducerRecord<>(topic, "spring-sale", phase + " #0"));
        values.add(phase + " #0");
        for (int i = 1; i < RECORDS_PER_TRANSACTION; i++) {
            producer.send(new ProducerRecord<>(topic, "spring-sale", phase + " #" + i));
            values.add(phase + " #" + i);
        }
        producer.commitTransaction();
        acknowledged.addAll(values);
        return first.get(0, TimeUnit.SECONDS).partition();
    }

    private static KafkaProducer<String, String> producer(KafkaCluster cluster, String transactionalId) {
        return new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, cluster.bootstrapServers(),
                ProducerConfig.TRANSACTIONAL_ID_CONFIG, transactionalId,
                ProducerConfig.ACKS_CONFIG, "all",
                ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true,
                ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class,
                ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class));
    }

    /** The partition's committed records from its start, once at least {@code expected} arrived (and a poll more). */
    private static List<String> readCommitted(KafkaCluster cluster, TopicPartition partition, int expected) {
        List<String> values = new ArrayList<>();
        try (var consumer = new KafkaConsumer<String, String>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, cluster.bootstrapServers(),
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed",
                ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class,
                ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class))) {
            consumer.assign(List.of(partition));
            consumer.seekToBeginning(List.of(partition));
            await("%d committed records of %s".formatted(expected, partition)).atMost(Duration.ofSeconds(30)).until(() -> {
                consumer.poll(Duration.ofMillis(200)).forEach(record -> values.add(record.value()));
                return values.size() >= expected;
            });
            // Anything beyond the acknowledged records (a duplicate) would arrive with them or right after.
            consumer.poll(Duration.ofMillis(500)).forEach(record -> values.add(record.value()));
        }
        return values;
    }

    private static long millisSince(long nanos) {
        return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - nanos);
    }
}
