package firstcome.bench;

import firstcome.contract.CouponRequest;
import firstcome.contract.EventDefinition;
import firstcome.contract.KafkaConnection;
import firstcome.contract.Topic;
import firstcome.contract.Topics;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * A big request log for measuring {@code make replay} and {@code make audit}: defines a few events
 * and writes valid applications straight into the running stack's {@code coupon-requests}
 * (past the gate, so duplicates and late comers reach the processor, which rejects them), with
 * the record time the ingress would give them.
 *
 * <p>Usage: {@code java -cp bench.jar firstcome.bench.RequestFlood [requests] [events] [limit] [users]}
 * (defaults 1,000,000, 10, 10,000, 500,000); {@code KAFKA_BOOTSTRAP_SERVERS} as everywhere.
 */
public final class RequestFlood {

    private RequestFlood() {
    }

    public static void main(String[] args) {
        int requests = args.length > 0 ? Integer.parseInt(args[0]) : 1_000_000;
        int events = args.length > 1 ? Integer.parseInt(args[1]) : 10;
        int limit = args.length > 2 ? Integer.parseInt(args[2]) : 10_000;
        int users = args.length > 3 ? Integer.parseInt(args[3]) : 500_000;
        KafkaConnection kafka = KafkaConnection.fromEnv(System.getenv());
        Topics topics = Topics.standard();
        String prefix = "flood-" + System.currentTimeMillis() + "-";
        var random = new SplittableRandom(42);
        AtomicReference<Exception> failure = new AtomicReference<>();

        try (var producer = new KafkaProducer<>(kafka.settings(Map.<String, Object>of(
                ProducerConfig.ACKS_CONFIG, "all",
                ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true,
                ProducerConfig.LINGER_MS_CONFIG, 20,
                ProducerConfig.BATCH_SIZE_CONFIG, 256 * 1024)),
                new ByteArraySerializer(), new ByteArraySerializer())) {
            Instant defined = Instant.now().truncatedTo(ChronoUnit.MILLIS);
            for (int e = 0; e < events; e++) {
                String event = prefix + e;
                send(producer, topics.events(), event, new EventDefinition(event, limit, defined, null), defined, failure);
            }
            producer.flush();
            long started = System.nanoTime();
            // Every request after the definitions in record time, as through the ingress.
            Instant floor = defined.plusMillis(1);
            for (int i = 0; i < requests; i++) {
                String event = prefix + random.nextInt(events);
                Instant at = Instant.now().truncatedTo(ChronoUnit.MILLIS);
                at = at.isBefore(floor) ? floor : at;
                var request = new CouponRequest(UUID.randomUUID().toString(), event, "user-" + random.nextInt(users), at);
                send(producer, topics.requests(), event, request, at, failure);
                if ((i + 1) % 100_000 == 0) {
                    System.err.printf(Locale.ROOT, "flood: %,d of %,d requests sent%n", i + 1, requests);
                }
                if (failure.get() != null) {
                    break;
                }
            }
            producer.flush();
            if (failure.get() != null) {
                System.err.println("flood: a send failed: " + failure.get());
                System.exit(1);
            }
            double seconds = (System.nanoTime() - started) / 1e9;
            System.out.printf(Locale.ROOT, "flood: %,d requests to %d events %s0..%d (limit %,d, %,d users) in %.1f s (%,.0f/s)%n",
                    requests, events, prefix, events - 1, limit, users, seconds, requests / seconds);
        }
    }

    private static <V> void send(KafkaProducer<byte[], byte[]> producer, Topic<V> topic, String key, V value, Instant at,
            AtomicReference<Exception> failure) {
        producer.send(new ProducerRecord<>(topic.name(), null, at.toEpochMilli(),
                        topic.keySerde().serializer().serialize(topic.name(), key),
                        topic.valueSerde().serializer().serialize(topic.name(), value)),
                (metadata, exception) -> {
                    if (exception != null) {
                        failure.compareAndSet(null, exception);
                    }
                });
    }
}
