package firstcome.ops;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import firstcome.contract.CouponChange;
import firstcome.contract.CouponState;
import firstcome.contract.IssuedCoupon;
import firstcome.contract.Topics;
import firstcome.sink.App;
import firstcome.sink.SinkConfig;
import firstcome.testkit.Infrastructure;
import firstcome.testkit.InfrastructureExtension;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * {@code rebuild-db} against the live sink, a real broker and MariaDB: coupons issued, redeemed,
 * given back and returned rebuild into exactly the live table, and a row moved back by hand shows.
 */
@ExtendWith(InfrastructureExtension.class)
class RebuildDatabaseIT {

    private static final Instant ISSUED_AT = Instant.parse("2026-11-24T10:00:00.123Z");
    private static final Instant VALID_UNTIL = Instant.parse("2026-12-24T10:00:00Z");

    private final String name = "rebuild-" + UUID.randomUUID().toString().substring(0, 8);
    private final Topics topics = Topics.standard().withPrefix(name + "-");
    private Infrastructure infrastructure;
    private Map<String, String> env;
    private App sink;

    @BeforeEach
    void startTheLiveSink(Infrastructure infrastructure) {
        this.infrastructure = infrastructure;
        infrastructure.createTopics(topics, 3);
        env = Map.of(
                "KAFKA_BOOTSTRAP_SERVERS", infrastructure.kafkaBootstrapServers(),
                "MYSQL_URL", infrastructure.mysqlJdbcUrl(),
                "MYSQL_USER", infrastructure.mysqlUser(),
                "MYSQL_PASSWORD", infrastructure.mysqlPassword(),
                "SINK_PORT", "0",
                "SINK_GROUP_ID", name + "-sink");
        sink = App.start(SinkConfig.fromEnv(env), topics, () -> {
            throw new AssertionError("the sink's poll loop died");
        });
    }

    @AfterEach
    void stopTheSink() {
        if (sink != null) {
            sink.close();
        }
    }

    @Test
    void rebuildsATableOfChangedCouponsIdenticallyAndFindsARowMovedBackByHand() throws Exception {
        // given: 30 coupons, redeemed, given back and returned, the changes of some read before their issues
        String event = name + "-e";
        List<IssuedCoupon> coupons = new ArrayList<>();
        List<CouponChange> changes = new ArrayList<>();
        for (int n = 1; n <= 30; n++) {
            IssuedCoupon coupon = new IssuedCoupon(event, "u" + n, n, "r" + n, ISSUED_AT.plusMillis(n), n % 2 == 0 ? VALID_UNTIL : null);
            coupons.add(coupon);
            if (n % 3 >= 1) {
                changes.add(change(coupon, 1, CouponState.REDEEMED, "o-" + n));
            }
            if (n % 3 == 2) {
                changes.add(change(coupon, 2, CouponState.ISSUED, null));
                changes.add(change(coupon, 3, CouponState.RETURNED, null));
            }
        }
        try (var producer = new KafkaProducer<>(Map.<String, Object>of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, infrastructure.kafkaBootstrapServers(), ProducerConfig.ACKS_CONFIG, "all"),
                new StringSerializer(), new StringSerializer())) {
            for (CouponChange change : changes.subList(0, 10)) {
                producer.send(new ProducerRecord<>(topics.changes().name(), event, json(topics.changes().valueSerde().serializer()
                        .serialize(topics.changes().name(), change))));
            }
            for (IssuedCoupon coupon : coupons) {
                producer.send(new ProducerRecord<>(topics.issued().name(), event, json(topics.issued().valueSerde().serializer()
                        .serialize(topics.issued().name(), coupon))));
            }
            for (CouponChange change : changes.subList(10, changes.size())) {
                producer.send(new ProducerRecord<>(topics.changes().name(), event, json(topics.changes().valueSerde().serializer()
                        .serialize(topics.changes().name(), change))));
            }
        }
        await().atMost(Duration.ofSeconds(60)).until(() -> states(event).equals(List.of("REDEEMED", "RETURNED", "ISSUED")));

        // when
        Run identical = rebuild("--event", event, "--wait", "60");

        // then
        assertThat(identical.status()).as(identical.out()).isEqualTo(RebuildDatabase.IDENTICAL);
        assertThat(identical.out()).contains("rebuild-db: identical (30 rows of event(s) " + event + ")");

        // and when a redeemed coupon is moved back to issued by hand
        execute("UPDATE coupon SET state = 'ISSUED', order_id = NULL, version = 0 WHERE event_id = '" + event + "' AND coupon_no = 1");
        Run different = rebuild("--event", event, "--wait", "60");

        assertThat(different.status()).as(different.out()).isEqualTo(RebuildDatabase.DIFFERENT);
        assertThat(different.out()).contains("DIFFERENT: 1 difference(s), 29 rows identical")
                .contains("coupon 1 of event " + event + " for user u1", "ISSUED at", "version 0", "REDEEMED by order o-1");
    }

    private static CouponChange change(IssuedCoupon coupon, int version, CouponState state, String order) {
        return new CouponChange(coupon.eventId(), coupon.userId(), coupon.couponNo(), coupon.requestId(), coupon.issuedAt(),
                coupon.validUntil(), state, order, version, ISSUED_AT.plusSeconds(version));
    }

    private static String json(byte[] bytes) {
        return new String(bytes, StandardCharsets.UTF_8);
    }

    private record Run(int status, String out) {
    }

    private Run rebuild(String... args) {
        var out = new ByteArrayOutputStream();
        var err = new ByteArrayOutputStream();
        int status = RebuildDatabase.run(env, args, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8), topics);
        return new Run(status, out.toString(StandardCharsets.UTF_8) + err.toString(StandardCharsets.UTF_8));
    }

    /** The distinct states of the event's rows, the most frequent first (10 redeemed, 10 returned, 10 issued once all arrived). */
    private List<String> states(String event) throws SQLException {
        try (Connection db = connect();
             PreparedStatement query = db.prepareStatement("SELECT state FROM coupon WHERE event_id = ?"
                     + " GROUP BY state HAVING COUNT(*) = 10 AND SUM(version) = CASE state WHEN 'REDEEMED' THEN 10 WHEN 'RETURNED' THEN 30 ELSE 0 END"
                     + " ORDER BY FIELD(state, 'REDEEMED', 'RETURNED', 'ISSUED')")) {
            query.setString(1, event);
            List<String> states = new ArrayList<>();
            try (ResultSet result = query.executeQuery()) {
                while (result.next()) {
                    states.add(result.getString(1));
                }
            }
            return states;
        }
    }

    private void execute(String sql) throws SQLException {
        try (Connection db = connect()) {
            db.createStatement().execute(sql);
        }
    }

    private Connection connect() throws SQLException {
        return DriverManager.getConnection(infrastructure.mysqlJdbcUrl(), infrastructure.mysqlUser(), infrastructure.mysqlPassword());
    }
}
