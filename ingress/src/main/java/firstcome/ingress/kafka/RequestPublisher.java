package firstcome.ingress.kafka;

import firstcome.contract.CouponAction;
import firstcome.contract.CouponRequest;
import firstcome.contract.EventDefinition;
import firstcome.contract.Topic;
import firstcome.contract.Topics;
import firstcome.ingress.IngressConfig;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.kafka.KafkaClientMetrics;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.ApiException;
import org.apache.kafka.common.errors.RetriableException;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes accepted requests, event definitions and the shop's actions to Kafka with one idempotent producer
 * ({@code acks=all}): a future completes only from the broker's acknowledgement, so a 202 means the
 * record is in the in-sync replicas. The buffer and every timeout are bounded, so while the broker
 * is away requests fail within {@code deliveryTimeout} instead of queueing without end.
 */
public final class RequestPublisher implements Publisher, AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(RequestPublisher.class);

    private final Topics topics;
    private final KafkaProducer<byte[], byte[]> producer;
    /**
     * Completions run here, not on the producer's I/O thread: what follows an acknowledgement
     * (writing the HTTP answer, or giving a slot back to Redis) must never stall the sender.
     */
    private final ExecutorService completions;
    private KafkaClientMetrics metrics;

    public RequestPublisher(IngressConfig config, Topics topics) {
        this.topics = topics;
        this.producer = new KafkaProducer<>(settings(config), new ByteArraySerializer(), new ByteArraySerializer());
        AtomicInteger threads = new AtomicInteger();
        this.completions = Executors.newFixedThreadPool(2, task -> {
            Thread thread = new Thread(task, "ingress-ack-" + threads.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        });
    }

    static Map<String, Object> settings(IngressConfig config) {
        long delivery = config.deliveryTimeout().toMillis();
        return config.kafka().settings(Map.ofEntries(
                Map.entry(ProducerConfig.CLIENT_ID_CONFIG, "firstcome-ingress"),
                Map.entry(ProducerConfig.ACKS_CONFIG, "all"),
                Map.entry(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true),
                // Idempotence (with the default 5 requests in flight) keeps order and drops retried duplicates.
                Map.entry(ProducerConfig.LINGER_MS_CONFIG, config.lingerMs()),
                Map.entry(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, (int) delivery),
                Map.entry(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, (int) (delivery - config.lingerMs())),
                Map.entry(ProducerConfig.MAX_BLOCK_MS_CONFIG, config.maxBlock().toMillis()),
                Map.entry(ProducerConfig.BUFFER_MEMORY_CONFIG, config.bufferBytes()),
                // Reconnect quickly once the broker is back, without hammering it while it is away.
                Map.entry(ProducerConfig.RECONNECT_BACKOFF_MS_CONFIG, 50),
                Map.entry(ProducerConfig.RECONNECT_BACKOFF_MAX_MS_CONFIG, 1000)));
    }

    /** Publishes the producer's own metrics (request latency, batch sizes, buffer use) as {@code kafka_producer_*}. */
    public void bindTo(MeterRegistry registry) {
        metrics = new KafkaClientMetrics(producer);
        metrics.bindTo(registry);
    }

    /**
     * Fetches the topics' metadata once, so that the first application does not spend
     * {@code max.block.ms} on it; a broker that is not there yet is not an error here.
     */
    public void warmUp() {
        try {
            producer.partitionsFor(topics.requests().name());
            producer.partitionsFor(topics.events().name());
            producer.partitionsFor(topics.actions().name());
        } catch (RuntimeException e) {
            log.warn("Kafka metadata not available at start ({}); the first sends will fetch it", e.getMessage());
        }
    }

    @Override
    public CompletableFuture<Long> publish(CouponRequest request) {
        // The bytes the gate keeps as the pending request (serialised once per application).
        return sendBytes(topics.requests(), request.eventId(), () -> RequestJson.of(request), request.receivedAt());
    }

    @Override
    public CompletableFuture<Long> publish(EventDefinition definition, Instant at) {
        return send(topics.events(), definition.eventId(), definition, at);
    }

    @Override
    public CompletableFuture<Long> publish(CouponAction action) {
        return send(topics.actions(), action.eventId(), action, action.receivedAt());
    }

    private <V> CompletableFuture<Long> send(Topic<V> topic, String key, V value, Instant timestamp) {
        return sendBytes(topic, key, () -> topic.valueSerde().serializer().serialize(topic.name(), value), timestamp);
    }

    /** {@code value} is serialised inside the send's guard: a failure there is a record never sent. */
    private CompletableFuture<Long> sendBytes(Topic<?> topic, String key, Supplier<byte[]> value, Instant timestamp) {
        CompletableFuture<Long> acknowledged = new CompletableFuture<>();
        Thread caller = Thread.currentThread();
        AtomicBoolean returned = new AtomicBoolean();
        try {
            var record = new ProducerRecord<>(topic.name(), null, timestamp.toEpochMilli(),
                    topic.keySerde().serializer().serialize(topic.name(), key),
                    value.get());
            producer.send(record, (metadata, failure) -> {
                // The producer reports some failures of send() itself (no metadata or buffer space
                // within max.block.ms) through the callback, on the calling thread, before send()
                // returns: those records never left.
                boolean inSend = Thread.currentThread() == caller && !returned.get();
                completions.execute(() -> {
                    if (failure == null) {
                        acknowledged.complete(metadata.offset());
                    } else {
                        acknowledged.completeExceptionally(certain(failure, inSend) ? new NeverSentException(failure) : failure);
                    }
                });
            });
            returned.set(true);
        } catch (RuntimeException e) {
            // send() itself failed: serialization, no metadata or no buffer space within max.block.ms, or closed.
            returned.set(true);
            acknowledged.completeExceptionally(new NeverSentException(e));
        }
        return acknowledged;
    }

    /**
     * Whether a failed record certainly never reached the log: failed inside send(), or refused by
     * the broker with a non-retriable error (an {@link ApiException} that is not retriable). Anything
     * else may hide a write: a timeout, a retriable error, and a failure of the producer itself,
     * such as a forced close failing a batch that may already be on the wire.
     */
    static boolean certain(Throwable failure, boolean inSend) {
        return inSend || (failure instanceof ApiException && !(failure instanceof RetriableException));
    }

    @Override
    public void close() {
        // Flushes what is buffered; its callbacks still find the completion threads running.
        producer.close(Duration.ofSeconds(5));
        if (metrics != null) {
            metrics.close();
        }
        completions.shutdown();
        try {
            completions.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
