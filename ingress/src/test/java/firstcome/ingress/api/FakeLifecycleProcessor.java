package firstcome.ingress.api;

import firstcome.contract.ActionType;
import firstcome.contract.CouponAction;
import firstcome.contract.CouponDecision;
import firstcome.contract.IssuingOutcome;
import firstcome.contract.Topics;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * A stand-in for the streams-processor in the shop routes' tests: reads coupon-actions from its end
 * at start and writes each action's decision to coupon-decisions by docs/lifecycle.md's action rules,
 * over the coupons the test hands out ({@link #issue}). Events it was not told of are
 * {@code UNKNOWN_EVENT}; a {@link #silence}d event's actions get no decision.
 */
final class FakeLifecycleProcessor implements AutoCloseable {

    private record Coupon(int couponNo, Instant validUntil, String state, String orderId, String lastCancelled) {

        Coupon with(String newState, String newOrder, String cancelled) {
            return new Coupon(couponNo, validUntil, newState, newOrder, cancelled);
        }
    }

    private static final Topics TOPICS = Topics.standard();

    private final Set<String> events = ConcurrentHashMap.newKeySet();
    private final Set<String> silent = ConcurrentHashMap.newKeySet();
    private final Map<String, Coupon> coupons = new ConcurrentHashMap<>();
    private final KafkaConsumer<byte[], byte[]> consumer;
    private final KafkaProducer<byte[], byte[]> producer;
    private final Thread thread;
    private volatile boolean running = true;

    FakeLifecycleProcessor(String bootstrapServers) {
        consumer = new KafkaConsumer<>(Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false), new ByteArrayDeserializer(), new ByteArrayDeserializer());
        producer = new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                ProducerConfig.ACKS_CONFIG, "all"), new ByteArraySerializer(), new ByteArraySerializer());
        String topic = TOPICS.actions().name();
        List<TopicPartition> partitions = consumer.partitionsFor(topic).stream()
                .map(info -> new TopicPartition(topic, info.partition())).toList();
        consumer.assign(partitions);
        consumer.seekToEnd(partitions);
        partitions.forEach(consumer::position); // positioned now: no action written after this is missed
        thread = new Thread(this::run, "fake-lifecycle-processor");
        thread.setDaemon(true);
        thread.start();
    }

    void knowEvent(String eventId) {
        events.add(eventId);
    }

    void issue(String eventId, String userId, int couponNo, Instant validUntil) {
        events.add(eventId);
        coupons.put(eventId + "/" + userId, new Coupon(couponNo, validUntil, "ISSUED", null, null));
    }

    void silence(String eventId) {
        silent.add(eventId);
    }

    void speak(String eventId) {
        silent.remove(eventId);
    }

    private void run() {
        try {
            while (running) {
                for (var record : consumer.poll(Duration.ofMillis(100))) {
                    CouponAction action = TOPICS.actions().valueSerde().deserializer().deserialize(TOPICS.actions().name(), record.value());
                    if (silent.contains(action.eventId())) {
                        continue;
                    }
                    CouponDecision decision = decide(action, Instant.ofEpochMilli(record.timestamp()));
                    var decisions = TOPICS.decisions();
                    producer.send(new ProducerRecord<>(decisions.name(),
                            decisions.keySerde().serializer().serialize(decisions.name(), decision.eventId()),
                            decisions.valueSerde().serializer().serialize(decisions.name(), decision)));
                }
                producer.flush();
            }
        } catch (WakeupException stopping) {
            // closed
        } finally {
            consumer.close();
        }
    }

    /** docs/lifecycle.md, "An action". */
    private CouponDecision decide(CouponAction action, Instant at) {
        String key = action.eventId() + "/" + action.userId();
        if (!events.contains(action.eventId())) {
            return decision(action, at, IssuingOutcome.UNKNOWN_EVENT, null, null);
        }
        Coupon coupon = coupons.get(key);
        if (coupon == null) {
            // The contract's only refusal of an unredeem is NOT_REDEEMED.
            return decision(action, at,
                    action.action() == ActionType.UNREDEEM ? IssuingOutcome.NOT_REDEEMED : IssuingOutcome.NOT_ISSUED, null, null);
        }
        boolean expired = coupon.validUntil() != null && !at.isBefore(coupon.validUntil());
        String order = action.orderId();
        switch (action.action()) {
            case REDEEM -> {
                if (coupon.state().equals("ISSUED")) {
                    if (expired) {
                        return decision(action, at, IssuingOutcome.EXPIRED, coupon, null);
                    }
                    coupons.put(key, coupon.with("REDEEMED", order, coupon.lastCancelled()));
                    return decision(action, at, IssuingOutcome.REDEEMED, coupon, order);
                }
                if (coupon.state().equals("REDEEMED")) {
                    return order.equals(coupon.orderId())
                            ? decision(action, at, IssuingOutcome.REDEEMED, coupon, order)
                            : decision(action, at, IssuingOutcome.ALREADY_REDEEMED, coupon, coupon.orderId());
                }
                return decision(action, at, IssuingOutcome.NOT_ISSUED, null, null);
            }
            case UNREDEEM -> {
                if (coupon.state().equals("REDEEMED") && order.equals(coupon.orderId())
                        || coupon.state().equals("ISSUED") && order.equals(coupon.lastCancelled())) {
                    coupons.put(key, coupon.with("ISSUED", null, order));
                    return decision(action, at, expired ? IssuingOutcome.EXPIRED : IssuingOutcome.ISSUED, coupon, null);
                }
                return decision(action, at, IssuingOutcome.NOT_REDEEMED, coupon, null);
            }
            default -> {
                if (coupon.state().equals("REDEEMED")) {
                    return decision(action, at, IssuingOutcome.ALREADY_REDEEMED, coupon, coupon.orderId());
                }
                coupons.put(key, coupon.with("RETURNED", null, coupon.lastCancelled()));
                return decision(action, at, IssuingOutcome.RETURNED, coupon, null);
            }
        }
    }

    private static CouponDecision decision(CouponAction action, Instant at, IssuingOutcome outcome, Coupon coupon, String orderId) {
        return new CouponDecision(action.actionId(), action.eventId(), action.userId(), outcome,
                coupon == null ? null : coupon.couponNo(), at, action.action(), orderId, coupon == null ? null : coupon.validUntil());
    }

    @Override
    public void close() throws InterruptedException {
        running = false;
        consumer.wakeup();
        thread.join(5_000);
        producer.close(Duration.ofSeconds(5));
    }
}
