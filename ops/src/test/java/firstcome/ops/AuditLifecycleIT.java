package firstcome.ops;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import firstcome.contract.ActionType;
import firstcome.contract.CouponAction;
import firstcome.contract.CouponChange;
import firstcome.contract.CouponDecision;
import firstcome.contract.CouponRequest;
import firstcome.contract.CouponState;
import firstcome.contract.DrawWindow;
import firstcome.contract.EventDefinition;
import firstcome.contract.IssuedCoupon;
import firstcome.contract.IssuingOutcome;
import firstcome.contract.Topic;
import firstcome.contract.Topics;
import firstcome.sink.CouponDatabase;
import firstcome.sink.CouponWriter;
import firstcome.sink.SinkConfig;
import firstcome.testkit.Infrastructure;
import firstcome.testkit.InfrastructureExtension;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.sql.Connection;
import java.sql.DriverManager;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.utils.Utils;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.RedisClient;

/**
 * {@code audit} over a lifecycle in real Kafka, MariaDB and Redis: the input logs (a definition,
 * requests, the shop's actions) and what the processor, the sink and the gate write for them
 * (decisions, coupons, changes, rows with their states, the gate's keys) are written here by hand,
 * as docs/lifecycle.md says they are. The audit finds a lifecycle that follows the rules
 * consistent and names the record of one that redeemed a coupon after its validity.
 */
@ExtendWith(InfrastructureExtension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class AuditLifecycleIT {

    private static final int PARTITIONS = 6;
    private static final Instant OPENS = Instant.parse("2026-01-05T10:00:00Z");
    private static final Instant VALID_UNTIL = OPENS.plusSeconds(3600);
    /** The draw window of {@link #drawSale}: its opening, its end, its coupons' validity. */
    private static final Instant DRAW_OPENS = OPENS.plus(java.time.Duration.ofHours(2));
    private static final Instant WINDOW_END = DRAW_OPENS.plusSeconds(10);
    private static final Instant DRAW_VALID_UNTIL = DRAW_OPENS.plusSeconds(3600);
    /** A seed that ranks u-1, u-2, u-4, u-3 (SHA-256 of its bytes and the user id, ascending). */
    private static final String SEED = "00".repeat(31) + "2a";
    private static final String PROCESSOR_GROUP = "audit-it-processor";
    private static final String SINK_GROUP = "audit-it-sink";

    private final Topics topics = Topics.standard();
    private Infrastructure infrastructure;
    private KafkaProducer<byte[], byte[]> producer;
    private Connection db;
    private RedisClient redis;

    @BeforeAll
    void start(Infrastructure infrastructure) throws Exception {
        this.infrastructure = infrastructure;
        infrastructure.createTopics(topics, PARTITIONS);
        producer = new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, infrastructure.kafkaBootstrapServers()),
                new ByteArraySerializer(), new ByteArraySerializer());
        try (var database = CouponDatabase.connect(SinkConfig.fromEnv(env()), new SimpleMeterRegistry())) {
            database.migrate();
        }
        db = DriverManager.getConnection(infrastructure.mysqlJdbcUrl(), infrastructure.mysqlUser(), infrastructure.mysqlPassword());
        // The lifecycle's columns as migration V3 adds them (a no-op once the sink's migration has).
        try (var statement = db.createStatement()) {
            statement.execute("ALTER TABLE coupon ADD COLUMN IF NOT EXISTS state VARCHAR(16) NOT NULL DEFAULT 'ISSUED',"
                    + " ADD COLUMN IF NOT EXISTS order_id VARCHAR(64) NULL, ADD COLUMN IF NOT EXISTS valid_until DATETIME(3) NULL,"
                    + " ADD COLUMN IF NOT EXISTS updated_at DATETIME(3) NULL, ADD COLUMN IF NOT EXISTS version INT NOT NULL DEFAULT 0");
        }
        var url = java.net.URI.create(infrastructure.redisUrl());
        redis = RedisClient.create(new HostAndPort(url.getHost(), url.getPort()));
    }

    @AfterAll
    void stop() throws Exception {
        if (producer != null) {
            producer.close();
        }
        if (db != null) {
            db.close();
        }
        if (redis != null) {
            redis.close();
        }
    }

    @Test
    void findsALifecycleThatFollowsTheRulesConsistent() throws Exception {
        // given: limit 1, waitlist 1; u-1 gets the coupon, u-2 waits, u-3 is sold out; u-1 redeems,
        // cancels, returns; u-2 is served coupon 2 at the return
        String event = eventIn("life-", 0);
        define(event, 1, 1);
        request(event, "r-1", "u-1", 1);
        request(event, "r-2", "u-2", 2);
        request(event, "r-3", "u-3", 3);
        action(event, "a-1", "u-1", ActionType.REDEEM, "o-1", 10);
        action(event, "a-2", "u-1", ActionType.UNREDEEM, "o-1", 11);
        action(event, "a-3", "u-1", ActionType.RETURN, null, 12);

        decision(event, "r-1", "u-1", IssuingOutcome.ISSUED, 1, 1, null, null);
        decision(event, "r-2", "u-2", IssuingOutcome.WAITLISTED, null, 2, null, null);
        decision(event, "r-3", "u-3", IssuingOutcome.SOLD_OUT, null, 3, null, null);
        decision(event, "a-1", "u-1", IssuingOutcome.REDEEMED, 1, 10, ActionType.REDEEM, "o-1");
        decision(event, "a-2", "u-1", IssuingOutcome.ISSUED, 1, 11, ActionType.UNREDEEM, null);
        decision(event, "a-3", "u-1", IssuingOutcome.RETURNED, 1, 12, ActionType.RETURN, null);
        decision(event, "r-2", "u-2", IssuingOutcome.ISSUED, 2, 12, null, null);
        issued(event, 1, "u-1", "r-1", 1);
        issued(event, 2, "u-2", "r-2", 12);
        changed(event, 1, "u-1", "r-1", 1, CouponState.REDEEMED, "o-1", 1, 10);
        changed(event, 1, "u-1", "r-1", 1, CouponState.ISSUED, null, 2, 11);
        changed(event, 1, "u-1", "r-1", 1, CouponState.RETURNED, null, 3, 12);
        row(event, 1, "u-1", "r-1", 1, "RETURNED", null, 3, 12);
        row(event, 2, "u-2", "r-2", 12, "ISSUED", null, 0, 12);
        gate(event, 1, "u-1", "u-2");
        gateReturned(event, "u-1");
        caughtUp();

        // when
        var audit = audit(event);

        // then
        assertThat(audit.report()).contains("OK    " + event + ": k = 2 coupon(s) issued, at most 1 live at a time (1 returned,"
                + " 1 served from the waitlist)").contains("audit: 1 event(s), all consistent");
        assertThat(audit.exitStatus()).isZero();
    }

    @Test
    void namesTheChangeThatRedeemedACouponAfterItsValidity() throws Exception {
        // given: the coupon's redemption an hour and a millisecond after the opening, past its validity, published as REDEEMED
        String event = eventIn("late-", 1);
        long late = VALID_UNTIL.toEpochMilli() - OPENS.toEpochMilli() + 1;
        define(event, 1, 0);
        request(event, "r-1", "u-1", 1);
        action(event, "a-1", "u-1", ActionType.REDEEM, "o-1", late);
        decision(event, "r-1", "u-1", IssuingOutcome.ISSUED, 1, 1, null, null);
        decision(event, "a-1", "u-1", IssuingOutcome.REDEEMED, 1, late, ActionType.REDEEM, "o-1");
        issued(event, 1, "u-1", "r-1", 1);
        RecordMetadata change = changed(event, 1, "u-1", "r-1", 1, CouponState.REDEEMED, "o-1", 1, late);
        row(event, 1, "u-1", "r-1", 1, "REDEEMED", "o-1", 1, late);
        gate(event, 1, "u-1");
        caughtUp();

        // when
        var audit = audit(event);

        // then
        assertThat(audit.report()).contains("FAIL  " + event)
                .contains("coupon-changes partition " + change.partition() + " offset " + change.offset()
                        + ": coupon 1 of user u-1 redeemed by order o-1 at 2026-01-05T11:00:00.001Z, at or after its validity"
                        + " 2026-01-05T11:00:00Z (a redemption after expiry)")
                .contains("decision REDEEM REDEEMED (coupon 1) order o-1");
        assertThat(audit.exitStatus()).isEqualTo(Audit.DISCREPANCIES);
    }

    /**
     * A fair opening, limit 1, waitlist 1, a 10 s window two hours after the other tests' openings (so
     * that the records of every test's events sharing a partition are stamped in the order they are
     * written), drawn by a seed that ranks u-1, u-2, u-4, u-3: they apply in the order u-4, u-3, u-2,
     * u-1; u-6 just after the window (held for the draw); the ingress's tick at the window's end plus
     * the grace; u-8 after it; then u-5, stamped inside the window, appended after the draw (a slower
     * ingress's). {@code u4} is what coupon-decisions says of u-4, whom the draw ranks 3rd: NOT_DRAWN.
     */
    private void drawSale(String event, CouponDecision u4) throws Exception {
        send(topics.events(), event, new EventDefinition(event, 1, DRAW_OPENS, null, 1, DRAW_VALID_UNTIL)
                .withDraw(new DrawWindow(10, null, SEED)), DRAW_OPENS.minusSeconds(60));
        String[][] requests = {{"r-4", "u-4", "1000"}, {"r-3", "u-3", "2000"}, {"r-2", "u-2", "3000"}, {"r-1", "u-1", "4000"},
                {"r-6", "u-6", "10100"}, {"tick", null, "10250"}, {"r-8", "u-8", "10300"}, {"r-5", "u-5", "9990"}};
        for (String[] request : requests) {
            Instant at = DRAW_OPENS.plusMillis(Long.parseLong(request[2]));
            if (request[1] == null) {
                send(topics.requests(), event, CouponRequest.tick(event, at), at);
            } else {
                send(topics.requests(), event, new CouponRequest(request[0], event, request[1], at), at);
            }
        }
        drawDecision(event, "r-4", "u-4", IssuingOutcome.IN_DRAW, null, DRAW_OPENS.plusMillis(1_000), null);
        drawDecision(event, "r-3", "u-3", IssuingOutcome.IN_DRAW, null, DRAW_OPENS.plusMillis(2_000), null);
        drawDecision(event, "r-2", "u-2", IssuingOutcome.IN_DRAW, null, DRAW_OPENS.plusMillis(3_000), null);
        drawDecision(event, "r-1", "u-1", IssuingOutcome.IN_DRAW, null, DRAW_OPENS.plusMillis(4_000), null);
        drawDecision(event, "r-1", "u-1", IssuingOutcome.ISSUED, 1, WINDOW_END, 1);
        drawDecision(event, "r-2", "u-2", IssuingOutcome.WAITLISTED, null, WINDOW_END, 2);
        send(topics.decisions(), event, u4, WINDOW_END);
        drawDecision(event, "r-3", "u-3", IssuingOutcome.NOT_DRAWN, null, WINDOW_END, 4);
        drawDecision(event, "r-6", "u-6", IssuingOutcome.SOLD_OUT, null, DRAW_OPENS.plusMillis(10_100), null);
        drawDecision(event, "r-8", "u-8", IssuingOutcome.SOLD_OUT, null, DRAW_OPENS.plusMillis(10_300), null);
        drawDecision(event, "r-5", "u-5", IssuingOutcome.SOLD_OUT, null, DRAW_OPENS.plusMillis(9_990), null);
        send(topics.issued(), event, new IssuedCoupon(event, "u-1", 1, "r-1", WINDOW_END, DRAW_VALID_UNTIL), WINDOW_END);
        try (var insert = db.prepareStatement("INSERT INTO coupon (event_id, user_id, coupon_no, request_id, issued_at, state, order_id,"
                + " valid_until, updated_at, version) VALUES (?, 'u-1', 1, 'r-1', ?, 'ISSUED', NULL, ?, ?, 0)")) {
            insert.setString(1, event);
            insert.setString(2, CouponWriter.issuedAtText(WINDOW_END));
            insert.setString(3, CouponWriter.issuedAtText(DRAW_VALID_UNTIL));
            insert.setString(4, CouponWriter.issuedAtText(WINDOW_END));
            insert.executeUpdate();
        }
        gate(event, 2, "u-1", "u-2");
        caughtUp();
    }

    @Test
    void findsADrawThatFollowsTheRulesConsistent() throws Exception {
        // given
        String event = eventIn("draw-", 2);
        drawSale(event, new CouponDecision("r-4", event, "u-4", IssuingOutcome.NOT_DRAWN, null, WINDOW_END, null, null, null, 3, 4));

        // when
        var audit = audit(event);

        // then
        assertThat(audit.report()).contains("OK    " + event)
                .contains("drawn at 2026-01-05T12:00:10Z by the seed of commitment " + new DrawWindow(10, null, SEED).commitment()
                        + ": 4 entrant(s) ranked, 1 issued, 1 waitlisted, 2 not drawn; 1 request(s) held for the draw, 1 tick(s)")
                .contains("audit: 1 draw(s) checked, 4 entrant(s) ranked again by their seeds")
                .contains("audit: 1 event(s), all consistent");
        assertThat(audit.exitStatus()).isZero();
    }

    @Test
    void namesADrawDecisionAlteredByHand() throws Exception {
        // given: u-4, ranked 3rd of 4, published as waitlisted 2nd
        String event = eventIn("draw-", 3);
        drawSale(event, new CouponDecision("r-4", event, "u-4", IssuingOutcome.WAITLISTED, null, WINDOW_END, null, null, null, 2, 4));

        // when
        var audit = audit(event);

        // then
        assertThat(audit.report()).contains("FAIL  " + event)
                .contains(": event " + event + ": the draw ranks u-4 3rd of 4 by the seed: NOT_DRAWN; coupon-decisions says WAITLISTED"
                        + " (rank 2 of 4) (request r-4, coupon-requests partition ");
        assertThat(audit.exitStatus()).isEqualTo(Audit.DISCREPANCIES);
    }

    // ---- the records, as the ingress, the processor, the sink and the gate write them ----

    private record Result(int exitStatus, String report) {
    }

    private Result audit(String event) {
        var out = new ByteArrayOutputStream();
        var err = new ByteArrayOutputStream();
        int status = Audit.run(env(), new String[] {"--event", event, "--processor-group", PROCESSOR_GROUP, "--sink-group", SINK_GROUP,
                "--wait", "60"}, new PrintStream(out, true, UTF_8), new PrintStream(err, true, UTF_8));
        String report = out.toString(UTF_8);
        System.out.println("---- audit --event " + event + " -> exit " + status + "\n" + report);
        return new Result(status, report);
    }

    /**
     * An event id starting with {@code prefix} whose records go to partition {@code partition}: each test
     * keeps a partition of its own, so that no test's records move the stream time another test's event
     * is decided at (a draw, a closing by stream time).
     */
    private static String eventIn(String prefix, int partition) {
        while (true) {
            String id = prefix + UUID.randomUUID();
            if (Utils.toPositive(Utils.murmur2(id.getBytes(UTF_8))) % PARTITIONS == partition) {
                return id;
            }
        }
    }

    private Map<String, String> env() {
        Map<String, String> env = new HashMap<>();
        env.put("KAFKA_BOOTSTRAP_SERVERS", infrastructure.kafkaBootstrapServers());
        env.put("MYSQL_URL", infrastructure.mysqlJdbcUrl());
        env.put("MYSQL_USER", infrastructure.mysqlUser());
        env.put("MYSQL_PASSWORD", infrastructure.mysqlPassword());
        env.put("REDIS_URL", infrastructure.redisUrl());
        return env;
    }

    private static Instant at(long millisAfterOpening) {
        return OPENS.plusMillis(millisAfterOpening);
    }

    private void define(String event, int limit, int waitlist) throws Exception {
        send(topics.events(), event, new EventDefinition(event, limit, OPENS, null, waitlist, VALID_UNTIL), OPENS.minusSeconds(60));
    }

    private void request(String event, String requestId, String user, long at) throws Exception {
        send(topics.requests(), event, new CouponRequest(requestId, event, user, at(at)), at(at));
    }

    private void action(String event, String actionId, String user, ActionType type, String orderId, long at) throws Exception {
        send(topics.actions(), event, new CouponAction(actionId, event, user, type, orderId, null, at(at)), at(at));
    }

    private void decision(String event, String id, String user, IssuingOutcome outcome, Integer couponNo, long at, ActionType action,
            String orderId) throws Exception {
        send(topics.decisions(), event, new CouponDecision(id, event, user, outcome, couponNo, at(at), action, orderId,
                couponNo == null ? null : VALID_UNTIL), at(at));
    }

    /** A decision of the draw's event: with {@code rank}, one of the draw's (of 4 entrants). */
    private void drawDecision(String event, String requestId, String user, IssuingOutcome outcome, Integer couponNo, Instant at,
            Integer rank) throws Exception {
        send(topics.decisions(), event, new CouponDecision(requestId, event, user, outcome, couponNo, at, null, null,
                couponNo == null ? null : DRAW_VALID_UNTIL, rank, rank == null ? null : 4), at);
    }

    private void issued(String event, int couponNo, String user, String requestId, long at) throws Exception {
        send(topics.issued(), event, new IssuedCoupon(event, user, couponNo, requestId, at(at), VALID_UNTIL), at(at));
    }

    private RecordMetadata changed(String event, int couponNo, String user, String requestId, long issuedAt, CouponState state,
            String orderId, int version, long at) throws Exception {
        return send(topics.changes(), event, new CouponChange(event, user, couponNo, requestId, at(issuedAt), VALID_UNTIL, state, orderId,
                version, at(at)), at(at));
    }

    /** Every topic of an event in the partition its key hashes to, as the services' producers put it. */
    private <T> RecordMetadata send(Topic<T> topic, String event, T value, Instant timestamp) throws Exception {
        byte[] key = event.getBytes(UTF_8);
        int partition = Utils.toPositive(Utils.murmur2(key)) % PARTITIONS;
        return producer.send(new ProducerRecord<>(topic.name(), partition, timestamp.toEpochMilli(), key,
                topic.valueSerde().serializer().serialize(topic.name(), value))).get();
    }

    private void row(String event, int couponNo, String user, String requestId, long issuedAt, String state, String orderId, int version,
            long updatedAt) throws Exception {
        try (var insert = db.prepareStatement("INSERT INTO coupon (event_id, user_id, coupon_no, request_id, issued_at, state, order_id,"
                + " valid_until, updated_at, version) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
            insert.setString(1, event);
            insert.setString(2, user);
            insert.setInt(3, couponNo);
            insert.setString(4, requestId);
            insert.setString(5, CouponWriter.issuedAtText(at(issuedAt)));
            insert.setString(6, state);
            insert.setString(7, orderId);
            insert.setString(8, CouponWriter.issuedAtText(VALID_UNTIL));
            insert.setString(9, CouponWriter.issuedAtText(at(updatedAt)));
            insert.setInt(10, version);
            insert.executeUpdate();
        }
    }

    /** The gate's keys as the ingress leaves them once it has followed every decision: the users applied, live + waiting. */
    private void gate(String event, long count, String... users) {
        String prefix = "fc:{" + event + "}:";
        redis.sadd(prefix + "users", users);
        redis.set(prefix + "count", Long.toString(count));
    }

    /** The users the gate marks as having returned their coupon (they stay applied, without a place). */
    private void gateReturned(String event, String... users) {
        redis.sadd("fc:{" + event + "}:returned", users);
    }

    /** The processor's and the sink's groups have read everything written so far. */
    private void caughtUp() throws Exception {
        producer.flush();
        Admin admin = infrastructure.adminClient();
        commitEnds(admin, PROCESSOR_GROUP, List.of(topics.requests().name(), topics.actions().name()));
        commitEnds(admin, SINK_GROUP, List.of(topics.issued().name(), topics.changes().name()));
    }

    private static void commitEnds(Admin admin, String group, List<String> names) throws Exception {
        Map<TopicPartition, OffsetSpec> latest = names.stream()
                .flatMap(name -> java.util.stream.IntStream.range(0, PARTITIONS).mapToObj(p -> new TopicPartition(name, p)))
                .collect(Collectors.toMap(partition -> partition, partition -> OffsetSpec.latest()));
        var ends = admin.listOffsets(latest).all().get();
        Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
        ends.forEach((partition, info) -> offsets.put(partition, new OffsetAndMetadata(info.offset())));
        admin.alterConsumerGroupOffsets(group, offsets).all().get();
    }
}
