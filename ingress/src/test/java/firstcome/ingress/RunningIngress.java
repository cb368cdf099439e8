package firstcome.ingress;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import firstcome.contract.CouponAction;
import firstcome.contract.CouponDecision;
import firstcome.contract.CouponRequest;
import firstcome.contract.Json;
import firstcome.contract.Topic;
import firstcome.contract.Topics;
import firstcome.testkit.Infrastructure;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse.BodyHandlers;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * A real ingress ({@link App#start}) on a free port, against the servers the test names, with an
 * HTTP client and a reader of coupon-requests. One per test class or test.
 */
public final class RunningIngress implements AutoCloseable {

    public static final String TOKEN = "it-admin-token";
    public static final String SHOP_TOKEN = "it-shop-token";
    private static final AtomicLong IDS = new AtomicLong(System.currentTimeMillis() % 1_000_000);
    private static final Topics TOPICS = Topics.standard();

    public final IngressConfig config;
    private final App app;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    private RunningIngress(IngressConfig config) {
        this.config = config;
        this.app = App.start(config);
        await("the catalog loaded").atMost(Duration.ofSeconds(30))
                .until(() -> get("/health").body().contains("\"catalog\":\"LOADED\""));
    }

    public static RunningIngress start(IngressConfig config) {
        return new RunningIngress(config);
    }

    /** The contract's settings for these servers, plus {@code settings}, on any free port. */
    public static IngressConfig config(String bootstrapServers, String redisUrl, Map<String, String> settings) {
        Map<String, String> env = new HashMap<>(settings);
        env.put("KAFKA_BOOTSTRAP_SERVERS", bootstrapServers);
        env.put("REDIS_URL", redisUrl);
        env.put("ADMIN_TOKEN", TOKEN);
        env.putIfAbsent("SHOP_TOKEN", SHOP_TOKEN);
        env.putIfAbsent("PROCESSOR_URL", UndecidedProcessor.url());
        env.put("INGRESS_PORT", "0");
        // No load balancer in front to notice the stop: close without the drain.
        env.putIfAbsent("INGRESS_SHUTDOWN_DRAIN_MS", "0");
        return IngressConfig.fromEnv(env);
    }

    public static IngressConfig config(String bootstrapServers, String redisUrl) {
        return config(bootstrapServers, redisUrl, Map.of());
    }

    public static IngressConfig config(Infrastructure infrastructure) {
        return config(infrastructure.kafkaBootstrapServers(), infrastructure.redisUrl());
    }

    /** Creates the contract's topics, among them the two the ingress uses (idempotent). */
    public static void createTopics(Infrastructure infrastructure) {
        infrastructure.createTopics(TOPICS, 3);
    }

    /** An event id no other test or earlier run has used. */
    public static String uniqueEventId(String name) {
        return "it-" + name + "-" + IDS.incrementAndGet() + "-" + Long.toHexString(System.nanoTime() & 0xffffff);
    }

    public HttpResponse<String> define(String eventId, String body) {
        return send(HttpRequest.newBuilder(uri("/admin/events/" + eventId))
                .header("Authorization", "Bearer " + TOKEN)
                .header("Content-Type", "application/json")
                .PUT(BodyPublishers.ofString(body)));
    }

    public HttpResponse<String> apply(String eventId, String userId) {
        return post("/events/" + eventId + "/applications", "{\"userId\":\"" + userId + "\"}");
    }

    /** {@code POST /shop/events/{eventId}/coupons/{userId}/{route}} with the shop token. */
    public HttpResponse<String> shop(String eventId, String userId, String route, String body) {
        return send(HttpRequest.newBuilder(uri("/shop/events/" + eventId + "/coupons/" + userId + "/" + route))
                .header("Authorization", "Bearer " + SHOP_TOKEN)
                .header("Content-Type", "application/json")
                .POST(BodyPublishers.ofString(body)));
    }

    public HttpResponse<String> post(String path, String body) {
        return post(path, "application/json", body);
    }

    public HttpResponse<String> post(String path, String contentType, String body) {
        return send(HttpRequest.newBuilder(uri(path))
                .header("Content-Type", contentType)
                .POST(BodyPublishers.ofString(body)));
    }

    public HttpResponse<String> get(String path) {
        return send(HttpRequest.newBuilder(uri(path)).GET());
    }

    /** {@code POST} of a JSON body with extra headers ({@code Authorization}, {@code Cookie}, ...). */
    public HttpResponse<String> post(String path, String body, Map<String, String> headers) {
        HttpRequest.Builder request = HttpRequest.newBuilder(uri(path)).header("Content-Type", "application/json")
                .POST(BodyPublishers.ofString(body));
        headers.forEach(request::header);
        return send(request);
    }

    /** {@code GET} with extra headers. */
    public HttpResponse<String> get(String path, Map<String, String> headers) {
        HttpRequest.Builder request = HttpRequest.newBuilder(uri(path)).GET();
        headers.forEach(request::header);
        return send(request);
    }

    private HttpResponse<String> send(HttpRequest.Builder request) {
        try {
            return http.send(request.timeout(Duration.ofSeconds(30)).build(), BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    public URI uri(String path) {
        return URI.create("http://127.0.0.1:" + app.port() + path);
    }

    /** Every coupon-requests record of the event, read from the beginning up to the current end. */
    public static List<ConsumerRecord<String, CouponRequest>> requestRecords(String bootstrapServers, String eventId) {
        return records(TOPICS.requests(), bootstrapServers, eventId);
    }

    /** Every coupon-actions record of the event, read from the beginning up to the current end. */
    public static List<ConsumerRecord<String, CouponAction>> actionRecords(String bootstrapServers, String eventId) {
        return records(TOPICS.actions(), bootstrapServers, eventId);
    }

    private static <V> List<ConsumerRecord<String, V>> records(Topic<V> topic, String bootstrapServers, String eventId) {
        try (var consumer = new KafkaConsumer<>(Map.<String, Object>of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false),
                new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = consumer.partitionsFor(topic.name()).stream()
                    .map(info -> new TopicPartition(info.topic(), info.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> ends = consumer.endOffsets(partitions);
            List<ConsumerRecord<String, V>> records = new ArrayList<>();
            while (partitions.stream().anyMatch(p -> consumer.position(p) < ends.get(p))) {
                for (var record : consumer.poll(Duration.ofMillis(200))) {
                    String key = topic.keySerde().deserializer().deserialize(topic.name(), record.key());
                    if (eventId.equals(key)) {
                        V value = topic.valueSerde().deserializer().deserialize(topic.name(), record.value());
                        records.add(new ConsumerRecord<>(record.topic(), record.partition(), record.offset(),
                                record.timestamp(), record.timestampType(), record.serializedKeySize(),
                                record.serializedValueSize(), key, value, record.headers(), record.leaderEpoch()));
                    }
                }
            }
            return records;
        }
    }

    /** Writes decisions to coupon-decisions, keyed by event, as the streams-processor would. */
    public static void decide(String bootstrapServers, CouponDecision... decisions) {
        var topic = TOPICS.decisions();
        try (var producer = new KafkaProducer<>(Map.<String, Object>of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers, ProducerConfig.ACKS_CONFIG, "all"),
                new ByteArraySerializer(), new ByteArraySerializer())) {
            for (CouponDecision decision : decisions) {
                producer.send(new ProducerRecord<>(topic.name(),
                        topic.keySerde().serializer().serialize(topic.name(), decision.eventId()),
                        topic.valueSerde().serializer().serialize(topic.name(), decision)));
            }
            producer.flush();
        }
    }

    @Override
    public void close() {
        app.close();
    }

    /** The answer's status and its body's outcome. */
    public static void assertOutcome(HttpResponse<String> response, int status, String outcome) throws Exception {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
        assertThat(Json.mapper().readTree(response.body()).get("outcome").asText()).isEqualTo(outcome);
    }
}
