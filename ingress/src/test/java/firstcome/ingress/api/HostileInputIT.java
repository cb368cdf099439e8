package firstcome.ingress.api;

import static firstcome.ingress.RunningIngress.uniqueEventId;
import static org.assertj.core.api.Assertions.assertThat;

import firstcome.contract.Topics;
import firstcome.ingress.CapturedLogs;
import firstcome.ingress.RunningIngress;
import firstcome.testkit.Infrastructure;
import firstcome.testkit.InfrastructureExtension;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import redis.clients.jedis.RedisClient;

/** Against real Redis and Kafka: refused requests leave the data exactly as it was, and the admin token stays secret. */
@ExtendWith(InfrastructureExtension.class)
class HostileInputIT {

    private static final String GUESS = "it-admin-tokeX";
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    @Test
    void refusedApplicationsChangeNoKeyInRedisAndWriteNoRecord(Infrastructure infrastructure) throws Exception {
        RunningIngress.createTopics(infrastructure);
        try (RunningIngress ingress = RunningIngress.start(RunningIngress.config(infrastructure))) {
            String event = uniqueEventId("hostile");
            ingress.define(event, "{\"limit\": 2}");
            assertThat(ingress.apply(event, "first").statusCode()).isEqualTo(202);
            Map<String, String> before = gateKeys(infrastructure, event);
            String path = "/events/" + event + "/applications";

            List<HttpResponse<String>> answers = new ArrayList<>();
            for (String body : List.of("", "{}", "[]", "null", "{\"userId\":\"first\"", "{\"userId\":1.5}",
                    "{\"userId\":\"" + "x".repeat(65) + "\"}", "{\"userId\":\"ünïcode\"}", "{\"userId\":" + "[".repeat(3000) + "}",
                    "{\"userId\":\"a\",\"pad\":\"" + "p".repeat(5000) + "\"}", "{\"userId\":\"first\"}")) {
                answers.add(ingress.post(path, body));
            }
            answers.add(ingress.post(path, "text/plain", "{\"userId\":\"typed\"}"));
            answers.add(ingress.post("/events/%2e%2e/applications", "{\"userId\":\"dots\"}"));

            assertThat(answers).extracting(HttpResponse::statusCode).allMatch(status -> status >= 400 && status < 500);
            assertThat(gateKeys(infrastructure, event)).isEqualTo(before);
            assertThat(RunningIngress.requestRecords(infrastructure.kafkaBootstrapServers(), event)).hasSize(1);
        }
    }

    @Test
    void aWrongAdminTokenGets401AndLeavesNoTraceInKafkaRedisOrTheLog(Infrastructure infrastructure) throws Exception {
        RunningIngress.createTopics(infrastructure);
        String event = uniqueEventId("guarded");
        try (CapturedLogs logs = new CapturedLogs()) {
            try (RunningIngress ingress = RunningIngress.start(RunningIngress.config(infrastructure))) {
                HttpResponse<String> refused = http.send(HttpRequest.newBuilder(URI.create(
                                ingress.get("/health").uri().resolve("/admin/events/" + event).toString()))
                        .header("Authorization", "Bearer " + GUESS)
                        .header("Content-Type", "application/json")
                        .PUT(HttpRequest.BodyPublishers.ofString("{\"limit\": 5}"))
                        .build(), HttpResponse.BodyHandlers.ofString());

                assertThat(refused.statusCode()).isEqualTo(401);
                assertThat(ingress.get("/events/" + event).statusCode()).isEqualTo(404);
                assertThat(ingress.define(uniqueEventId("allowed"), "{\"limit\": 5}").statusCode()).isEqualTo(200);
            }
            String log = String.join("\n", logs.lines());
            assertThat(log).as("the ingress logged its start").contains("starting the ingress");
            assertThat(log).doesNotContain(GUESS).doesNotContain(RunningIngress.TOKEN);
        }
        assertThat(gateKeys(infrastructure, event)).isEmpty();
        assertThat(definitionKeys(infrastructure)).doesNotContain(event);
    }

    private static Map<String, String> gateKeys(Infrastructure infrastructure, String event) {
        try (RedisClient redis = RedisClient.create(URI.create(infrastructure.redisUrl()))) {
            Map<String, String> keys = new TreeMap<>();
            for (String key : redis.keys("fc:{" + event + "}:*")) {
                String type = redis.type(key);
                keys.put(key, switch (type) {
                    case "string" -> redis.get(key);
                    case "set" -> new TreeMap<>(Map.of("members", String.join(",", new java.util.TreeSet<>(redis.smembers(key))))).toString();
                    case "hash" -> new TreeMap<>(redis.hgetAll(key)).toString();
                    default -> type;
                });
            }
            return keys;
        }
    }

    /** The keys of every record in coupon-events. */
    private static List<String> definitionKeys(Infrastructure infrastructure) {
        String topic = Topics.standard().events().name();
        try (var consumer = new KafkaConsumer<>(Map.<String, Object>of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, infrastructure.kafkaBootstrapServers(),
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false), new StringDeserializer(), new StringDeserializer())) {
            List<TopicPartition> partitions = consumer.partitionsFor(topic).stream()
                    .map(info -> new TopicPartition(topic, info.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> ends = consumer.endOffsets(partitions);
            List<String> keys = new ArrayList<>();
            while (partitions.stream().anyMatch(p -> consumer.position(p) < ends.get(p))) {
                consumer.poll(Duration.ofMillis(200)).forEach(record -> keys.add(record.key()));
            }
            return keys;
        }
    }
}
