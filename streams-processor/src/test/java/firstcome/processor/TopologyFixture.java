package firstcome.processor;

import firstcome.contract.ActionType;
import firstcome.contract.CouponAction;
import firstcome.contract.CouponChange;
import firstcome.contract.CouponDecision;
import firstcome.contract.CouponRequest;
import firstcome.contract.EligibleAs;
import firstcome.contract.Environment;
import firstcome.contract.EventDefinition;
import firstcome.contract.IssuedCoupon;
import firstcome.contract.Topics;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.function.Consumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.test.TestRecord;

/**
 * The production topology and settings in a {@link TopologyTestDriver}, with the contract's
 * topics as named inputs and outputs. Each request's and action's record time is its {@code receivedAt}.
 */
final class TopologyFixture implements AutoCloseable {

    static final Instant T0 = Instant.parse("2026-11-24T10:00:00Z");

    final Topics topics = Topics.standard();
    final TopologyTestDriver driver;
    final TestInputTopic<String, EventDefinition> events;
    final TestInputTopic<String, CouponRequest> requests;
    final TestInputTopic<String, byte[]> rawRequests;
    final TestInputTopic<String, CouponAction> actions;
    final TestInputTopic<String, byte[]> rawActions;
    final TestOutputTopic<String, CouponChange> changes;
    final TestOutputTopic<byte[], byte[]> rawChanges;
    final TestOutputTopic<String, IssuedCoupon> issued;
    final TestOutputTopic<byte[], byte[]> rawIssued;
    final TestOutputTopic<String, CouponDecision> decided;
    final TestOutputTopic<byte[], byte[]> rawDecided;
    final TestOutputTopic<byte[], byte[]> deadLetters;

    private final Map<String, CouponRequest> sent = new HashMap<>();
    private int requestSequence;
    private int actionSequence;
    private int tickSequence;

    TopologyFixture(Path stateDir) {
        this(stateDir, Environment.DEFAULT_EVENT_RETENTION, IssuingProcessor.SWEEP_INTERVAL);
    }

    /** Events retire {@code retention} past their closing; the stores are swept every {@code sweepInterval} of stream time. */
    TopologyFixture(Path stateDir, Duration retention, Duration sweepInterval) {
        this(stateDir, retention, sweepInterval, IssuingProcessor.KEYS_PER_SWEEP);
    }

    /** ... and each sweep deletes at most {@code keysPerSweep} decisions. */
    TopologyFixture(Path stateDir, Duration retention, Duration sweepInterval, long keysPerSweep) {
        this(stateDir, retention, sweepInterval, keysPerSweep, decision -> { });
    }

    /** With the defaults; {@code observer} sees each decision on its way to {@code coupon-decisions}. */
    TopologyFixture(Path stateDir, Consumer<CouponDecision> observer) {
        this(stateDir, Environment.DEFAULT_EVENT_RETENTION, IssuingProcessor.SWEEP_INTERVAL, IssuingProcessor.KEYS_PER_SWEEP,
                observer);
    }

    private TopologyFixture(Path stateDir, Duration retention, Duration sweepInterval, long keysPerSweep,
            Consumer<CouponDecision> observer) {
        var config = new ProcessorConfig("unused:9092", "firstcome-processor-test", stateDir, 0, "localhost", 1);
        Properties props = StreamsSettings.of(config, topics);
        // The driver's mock producer never commits the transaction that a dead letter written
        // during deserialization opens, so under exactly_once_v2 those records would not show up
        // here. The driver processes one record at a time either way; exactly-once itself is
        // proven against a real broker in the integration tests.
        props.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.AT_LEAST_ONCE);
        // The driver's wall clock stands still, so a task idling for an empty partition
        // (max.task.idle.ms) would wait forever; each record piped in is decided at once, in the
        // order the test pipes it. The order across topics is proven against a real broker
        // (CrossTopicOrderIT).
        props.put(StreamsConfig.MAX_TASK_IDLE_MS_CONFIG, 0L);
        driver = new TopologyTestDriver(IssuingTopology.build(topics, retention, sweepInterval, keysPerSweep, observer), props);
        events = driver.createInputTopic(topics.events().name(),
                new StringSerializer(), topics.events().valueSerde().serializer());
        requests = driver.createInputTopic(topics.requests().name(),
                new StringSerializer(), topics.requests().valueSerde().serializer());
        rawRequests = driver.createInputTopic(topics.requests().name(), new StringSerializer(), new ByteArraySerializer());
        actions = driver.createInputTopic(topics.actions().name(),
                new StringSerializer(), topics.actions().valueSerde().serializer());
        rawActions = driver.createInputTopic(topics.actions().name(), new StringSerializer(), new ByteArraySerializer());
        changes = driver.createOutputTopic(topics.changes().name(),
                new StringDeserializer(), topics.changes().valueSerde().deserializer());
        rawChanges = driver.createOutputTopic(topics.changes().name(), new ByteArrayDeserializer(), new ByteArrayDeserializer());
        issued = driver.createOutputTopic(topics.issued().name(),
                new StringDeserializer(), topics.issued().valueSerde().deserializer());
        rawIssued = driver.createOutputTopic(topics.issued().name(), new ByteArrayDeserializer(), new ByteArrayDeserializer());
        decided = driver.createOutputTopic(topics.decisions().name(),
                new StringDeserializer(), topics.decisions().valueSerde().deserializer());
        rawDecided = driver.createOutputTopic(topics.decisions().name(), new ByteArrayDeserializer(), new ByteArrayDeserializer());
        deadLetters = driver.createOutputTopic(topics.requestsDeadLetters(),
                new ByteArrayDeserializer(), new ByteArrayDeserializer());
    }

    void define(String eventId, int limit) {
        define(new EventDefinition(eventId, limit, T0, null), T0);
    }

    void define(EventDefinition definition, Instant at) {
        events.pipeInput(new TestRecord<>(definition.eventId(), definition, at));
    }

    /** One application by {@code userId} at {@code at}; returns its request id. */
    String apply(String eventId, String userId, Instant at) {
        return apply(eventId, userId, at, null);
    }

    /** One application by {@code userId} at {@code at} that the ingress checked as {@code eligibleAs} (null: nothing); returns its request id. */
    String apply(String eventId, String userId, Instant at, EligibleAs eligibleAs) {
        // Deterministic ids: two fixtures fed the same calls see byte-identical input.
        String requestId = new UUID(0, ++requestSequence).toString();
        var request = CouponRequest.application(requestId, eventId, userId, at, eligibleAs);
        sent.put(requestId, request);
        requests.pipeInput(new TestRecord<>(eventId, request, at));
        return requestId;
    }

    /** The request {@code requestId} again, byte for byte, as the ingress publishes it until it sees its decision. */
    void redeliver(String requestId) {
        CouponRequest request = sent.get(requestId);
        requests.pipeInput(new TestRecord<>(request.eventId(), request, request.receivedAt()));
    }

    /** The shop's {@code action} on {@code userId}'s coupon at {@code at} ({@code orderId} with REDEEM and UNREDEEM); returns its id. */
    String act(String eventId, String userId, ActionType action, String orderId, Instant at) {
        String actionId = new UUID(1, ++actionSequence).toString();
        act(new CouponAction(actionId, eventId, userId, action, orderId, null, at));
        return actionId;
    }

    void act(CouponAction action) {
        actions.pipeInput(new TestRecord<>(action.eventId(), action, action.receivedAt()));
    }

    /** A tick into the event's partition of {@code coupon-requests} at {@code at}, as an ingress publishes it. */
    void tick(String eventId, Instant at) {
        // A deterministic id, as for requests: two fixtures fed the same calls see byte-identical input.
        var tick = new CouponRequest(new UUID(2, ++tickSequence).toString(), eventId, null, at, true);
        requests.pipeInput(new TestRecord<>(eventId, tick, at));
    }

    List<CouponChange> changesPublished() {
        return changes.readValuesToList();
    }

    WaitingUser waitingAt(String eventId, long seq) {
        KeyValueStore<String, WaitingUser> waitlist = driver.getKeyValueStore(IssuingTopology.WAITLIST_STORE);
        return waitlist.get(WaitingUser.key(eventId, seq));
    }

    List<CouponDecision> decisionsPublished() {
        return decided.readValuesToList();
    }

    List<IssuedCoupon> issuedCoupons() {
        return issued.readValuesToList();
    }

    List<KeyValue<String, IssuedCoupon>> issuedKeyValues() {
        return issued.readKeyValuesToList();
    }

    KeyValueStore<String, Decision> decisions() {
        return driver.getKeyValueStore(IssuingTopology.DECISIONS_STORE);
    }

    Decision decisionOf(String eventId, String userId) {
        return decisions().get(Decision.key(eventId, userId));
    }

    EventTally tallyOf(String eventId) {
        KeyValueStore<String, EventTally> tallies = driver.getKeyValueStore(IssuingTopology.TALLIES_STORE);
        EventTally tally = tallies.get(eventId);
        return tally == null ? EventTally.NONE : tally;
    }

    /** The state store {@code storeName} of the topology. */
    <V> KeyValueStore<String, V> store(String storeName) {
        return driver.getKeyValueStore(storeName);
    }

    RetiredEvent retiredMarkerOf(String eventId) {
        KeyValueStore<String, RetiredEvent> retired = driver.getKeyValueStore(IssuingTopology.RETIRED_STORE);
        return retired.get(eventId);
    }

    /** Every key {@code storeName} holds, in key order. */
    List<String> keysIn(String storeName) {
        List<String> keys = new ArrayList<>();
        KeyValueStore<String, ?> store = driver.getKeyValueStore(storeName);
        try (var all = store.all()) {
            all.forEachRemaining(entry -> keys.add(entry.key));
        }
        return keys;
    }

    @Override
    public void close() {
        driver.close();
    }
}
