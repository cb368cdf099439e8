package firstcome.sink;

import static org.awaitility.Awaitility.await;

import firstcome.contract.CouponChange;
import firstcome.contract.IssuedCoupon;
import firstcome.contract.Topics;
import firstcome.testkit.Infrastructure;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * One integration test's world: its own {@code coupon-issued} and {@code coupon-changes} topics and event ids (the broker,
 * the database and the dead-letter topic are shared by the whole run), a producer playing the
 * streams-processor, sinks started on free ports, and look-ups of rows, dead letters and metrics.
 */
final class SinkFixture implements AutoCloseable {

    static final int PARTITIONS = 3;
    static final Instant ISSUED_AT = Instant.parse("2026-11-24T10:00:00.123Z");

    private final Infrastructure infrastructure;
    private final String name = "it-" + UUID.randomUUID().toString().substring(0, 8);
    private final Topics topics;
    private final KafkaProducer<byte[], byte[]> producer;
    private final List<App> sinks = new ArrayList<>();
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    SinkFixture(Infrastructure infrastructure) {
        this.infrastructure = infrastructure;
        this.topics = Topics.standard().withIssued(Topics.ISSUED + "-" + name).withChanges(Topics.CHANGES + "-" + name);
        infrastructure.createTopics(topics, PARTITIONS);
        // Not idempotent: under a loaded test broker an idempotent producer shared by many topics was seen
        // to reset a partition's sequence after a slow batch and then fail every send to it
        // (OutOfOrderSequenceException). One request in flight keeps the order; a record sent twice on
        // a retry is what the sink must take anyway (a re-delivered coupon changes nothing).
        producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, infrastructure.kafkaBootstrapServers(),
                ProducerConfig.ACKS_CONFIG, "all",
                ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, false,
                ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, 1,
                ProducerConfig.LINGER_MS_CONFIG, 5),
                new ByteArraySerializer(), new ByteArraySerializer());
    }

    Topics topics() {
        return topics;
    }

    /** An event id no other test uses. */
    String event(String label) {
        return name + "-" + label;
    }

    /** Coupons 1..count of {@code eventId}, for users u1..u{count}, as the streams-processor issues them. */
    static List<IssuedCoupon> coupons(String eventId, int from, int count) {
        List<IssuedCoupon> coupons = new ArrayList<>(count);
        for (int n = from; n < from + count; n++) {
            coupons.add(new IssuedCoupon(eventId, "u" + n, n, UUID.nameUUIDFromBytes((eventId + n).getBytes(StandardCharsets.UTF_8)).toString(),
                    ISSUED_AT.plusMillis(n)));
        }
        return coupons;
    }

    SinkConfig config(String group) {
        return SinkConfig.fromEnv(Map.of(
                "KAFKA_BOOTSTRAP_SERVERS", infrastructure.kafkaBootstrapServers(),
                "MYSQL_URL", infrastructure.mysqlJdbcUrl(),
                "MYSQL_USER", infrastructure.mysqlUser(),
                "MYSQL_PASSWORD", infrastructure.mysqlPassword(),
                "SINK_PORT", "0",
                "SINK_GROUP_ID", name + "-" + group,
                "SINK_BATCH_SIZE", "100",
                "SINK_RETRY_FIRST_MS", "100",
                "SINK_RETRY_MAX_MS", "1000"));
    }

    App startSink(SinkConfig config) {
        App sink = App.start(config, topics, () -> {
            throw new AssertionError("the sink's poll loop died");
        });
        sinks.add(sink);
        return sink;
    }

    App startSink(String group) {
        return startSink(config(group));
    }

    void stop(App sink) {
        sink.close();
        sinks.remove(sink);
    }

    void send(List<IssuedCoupon> coupons) {
        var sent = new ArrayList<Future<RecordMetadata>>();
        for (IssuedCoupon coupon : coupons) {
            sent.add(producer.send(new ProducerRecord<>(topics.issued().name(), utf8(coupon.eventId()),
                    topics.issued().valueSerde().serializer().serialize(topics.issued().name(), coupon))));
        }
        acknowledged(sent);
    }

    void sendChanges(List<CouponChange> changes) {
        var sent = new ArrayList<Future<RecordMetadata>>();
        for (CouponChange change : changes) {
            sent.add(producer.send(new ProducerRecord<>(topics.changes().name(), utf8(change.eventId()),
                    topics.changes().valueSerde().serializer().serialize(topics.changes().name(), change))));
        }
        acknowledged(sent);
    }

    /** Waits for every send's acknowledgement: a record the broker refused fails the test here, not as a missing row later. */
    private static void acknowledged(List<Future<RecordMetadata>> sent) {
        for (Future<RecordMetadata> send : sent) {
            try {
                send.get(30, TimeUnit.SECONDS);
            } catch (ExecutionException | TimeoutException e) {
                throw new IllegalStateException("the test's record was not acknowledged by the broker", e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while sending", e);
            }
        }
    }

    void sendRaw(String key, byte[] value) {
        sendRaw(topics.issued().name(), key, value);
    }

    void sendRaw(String topic, String key, byte[] value) {
        try {
            producer.send(new ProducerRecord<>(topic, utf8(key), value)).get();
        } catch (InterruptedException | ExecutionException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * The stored rows of an event, by coupon number, every column but the id; times as the server
     * prints them (UTC wall times to the microsecond), read with a plain connection in the server's
     * default session zone.
     */
    List<CouponRow> rows(String eventId) {
        String sql = "SELECT event_id, user_id, coupon_no, request_id, " + instant("issued_at") + ", " + instant("valid_until")
                + ", state, order_id, " + instant("updated_at") + ", version FROM coupon WHERE event_id = ? ORDER BY coupon_no";
        try (Connection db = DriverManager.getConnection(infrastructure.mysqlJdbcUrl(), infrastructure.mysqlUser(), infrastructure.mysqlPassword());
             PreparedStatement query = db.prepareStatement(sql)) {
            query.setString(1, eventId);
            List<CouponRow> rows = new ArrayList<>();
            try (ResultSet result = query.executeQuery()) {
                while (result.next()) {
                    rows.add(new CouponRow(result.getString(1), result.getString(2), result.getInt(3), result.getString(4),
                            Instant.parse(result.getString(5)), result.getString(6) == null ? null : Instant.parse(result.getString(6)),
                            result.getString(7), result.getString(8), Instant.parse(result.getString(9)), result.getInt(10)));
                }
            }
            return rows;
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String instant(String column) {
        return "DATE_FORMAT(" + column + ", '%Y-%m-%dT%H:%i:%s.%fZ')";
    }

    /** The stored coupons of an event as the table held them before V3 (the columns V1 created), by coupon number. */
    List<CouponRow> couponsAsBeforeV3(String eventId) {
        String sql = "SELECT event_id, user_id, coupon_no, request_id, DATE_FORMAT(issued_at, '%Y-%m-%dT%H:%i:%s.%fZ')"
                + " FROM coupon WHERE event_id = ? ORDER BY coupon_no";
        try (Connection db = DriverManager.getConnection(infrastructure.mysqlJdbcUrl(), infrastructure.mysqlUser(), infrastructure.mysqlPassword());
             PreparedStatement query = db.prepareStatement(sql)) {
            query.setString(1, eventId);
            List<CouponRow> rows = new ArrayList<>();
            try (ResultSet result = query.executeQuery()) {
                while (result.next()) {
                    rows.add(new CouponRow(result.getString(1), result.getString(2), result.getInt(3), result.getString(4),
                            Instant.parse(result.getString(5))));
                }
            }
            return rows;
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Row ids of an event by user: unchanged ids prove a re-delivery rewrote nothing. */
    Map<String, Long> rowIds(String eventId) {
        try (Connection db = DriverManager.getConnection(infrastructure.mysqlJdbcUrl(), infrastructure.mysqlUser(), infrastructure.mysqlPassword());
             PreparedStatement query = db.prepareStatement("SELECT user_id, id FROM coupon WHERE event_id = ?")) {
            query.setString(1, eventId);
            Map<String, Long> ids = new HashMap<>();
            try (ResultSet result = query.executeQuery()) {
                while (result.next()) {
                    ids.put(result.getString(1), result.getLong(2));
                }
            }
            return ids;
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    static List<CouponRow> asRows(List<IssuedCoupon> coupons) {
        return coupons.stream().map(CouponRow::of).toList();
    }

    /** Every dead letter this test's topic produced so far. */
    List<ConsumerRecord<byte[], byte[]>> deadLetters() {
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, infrastructure.kafkaBootstrapServers(),
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed"),
                new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = consumer.partitionsFor(topics.issuedDeadLetters()).stream()
                    .map(info -> new TopicPartition(info.topic(), info.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> ends = consumer.endOffsets(partitions);
            List<ConsumerRecord<byte[], byte[]>> ours = new ArrayList<>();
            await("dead-letter topic read to its end").atMost(Duration.ofSeconds(20)).until(() -> {
                for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(200))) {
                    String from = header(record, DeadLetters.TOPIC);
                    if (topics.issued().name().equals(from) || topics.changes().name().equals(from)) {
                        ours.add(record);
                    }
                }
                return partitions.stream().allMatch(p -> consumer.position(p) >= ends.get(p));
            });
            return ours;
        }
    }

    static String header(ConsumerRecord<byte[], byte[]> record, String name) {
        Header header = record.headers().lastHeader(name);
        return header == null ? null : new String(header.value(), StandardCharsets.UTF_8);
    }

    /** A sample of the sink's /metrics, e.g. {@code sink_dead_letters_total{reason="UNREADABLE"}}; 0 when absent. */
    double metric(App sink, String series) {
        String body = get(sink, "/metrics").body();
        Matcher line = Pattern.compile("^" + Pattern.quote(series) + " (\\S+)$", Pattern.MULTILINE).matcher(body);
        return line.find() ? Double.parseDouble(line.group(1)) : 0;
    }

    HttpResponse<String> get(App sink, String path) {
        try {
            return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + sink.port() + path))
                    .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new IllegalStateException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        for (App sink : List.copyOf(sinks)) {
            sink.close();
        }
        producer.close();
    }

    private static byte[] utf8(String text) {
        return text == null ? null : text.getBytes(StandardCharsets.UTF_8);
    }
}
