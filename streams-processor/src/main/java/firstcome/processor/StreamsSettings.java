package firstcome.processor;

import firstcome.contract.Topics;
import java.time.Duration;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.errors.LogAndContinueExceptionHandler;

/**
 * The Kafka Streams settings the processor runs with. Tests run the topology with these same
 * settings, so the dead-letter and failure behaviour they prove is the production one. The brokers
 * and the settings of {@code KAFKA_CLIENT_CONFIG} come from {@link ProcessorConfig#kafka()}.
 */
public final class StreamsSettings {

    /**
     * {@code max.task.idle.ms}: how long a task whose partition of one input topic is empty (and
     * caught up) waits for it before it decides a record of another topic. A record appended to one
     * topic's partition later than a record of another topic stamped after it (two ingresses,
     * different producer batches, a republished request) is then still decided first, in record-time
     * order, as a replay decides it. Kafka Streams counts the wait from the moment it finds the
     * partition empty: an inversion within this time of the last record of the other topic's partition
     * is decided in time order; after a longer quiet stretch there, a record is decided at once. The
     * cost: a decision right after activity on another of the event's topics waits up to this long.
     */
    public static final Duration MAX_TASK_IDLE = Duration.ofMillis(500);

    private StreamsSettings() {
    }

    public static Properties of(ProcessorConfig config, Topics topics) {
        var props = new Properties();
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, config.applicationId());
        props.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
        props.put(StreamsConfig.STATE_DIR_CONFIG, config.stateDir().toAbsolutePath().toString());
        props.put(StreamsConfig.NUM_STREAM_THREADS_CONFIG, config.streamThreads());
        // Record time decides the order across coupon-events, coupon-requests and coupon-actions, live
        // as in a replay, for inversions up to this long (the client file cannot change it: KafkaConnection).
        props.put(StreamsConfig.MAX_TASK_IDLE_MS_CONFIG, MAX_TASK_IDLE.toMillis());
        props.put(StreamsConfig.APPLICATION_SERVER_CONFIG, config.advertisedHost() + ":" + config.port());
        // Unreadable records go to the dead-letter topic (KIP-1034) with headers saying why and
        // where they came from; readable records the topology rejects go there too.
        props.put(StreamsConfig.ERRORS_DEAD_LETTER_QUEUE_TOPIC_NAME_CONFIG, topics.requestsDeadLetters());
        props.put(StreamsConfig.DESERIALIZATION_EXCEPTION_HANDLER_CLASS_CONFIG, LogAndContinueExceptionHandler.class);
        props.put(StreamsConfig.PROCESSING_EXCEPTION_HANDLER_CLASS_CONFIG, RejectedRecordHandler.class);
        // Production errors keep the default: fail, so an issued coupon is never dropped.
        // A crashed instance never leaves its group. Static membership (keyed by this instance's
        // address, unique like application.server must be) lets its restart take its tasks back at
        // once instead of after the session timeout; one that does not come back is replaced after 10 s.
        props.put(StreamsConfig.consumerPrefix(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG),
                (config.applicationId() + "-" + config.advertisedHost() + "-" + config.port()).replaceAll("[^A-Za-z0-9._-]", "_"));
        props.put(StreamsConfig.consumerPrefix(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG), 10_000);
        // A member hears of a rebalance (another instance left or was expelled) at its next heartbeat:
        // every second rather than every 3 s, so an instance's tasks move sooner (docs/scaling.md, "Failover").
        props.put(StreamsConfig.consumerPrefix(ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG), 1_000);
        // Warm copies of each task's stores on another instance (none while there is no other one): a
        // task that moves there resumes without replaying its changelogs (docs/scaling.md, "Failover").
        props.put(StreamsConfig.NUM_STANDBY_REPLICAS_CONFIG, config.standbyReplicas());
        // The brokers, and the client file's settings under these (KafkaConnection).
        return config.kafka().properties(props);
    }

    /**
     * A replay's commit interval ({@code make replay}): nobody waits for its decisions, so it commits
     * ten times less often than the live processor (100 ms under exactly-once), well within the
     * transaction timeout (10 s).
     */
    public static final Duration REPLAY_COMMIT_INTERVAL = Duration.ofSeconds(1);
    /**
     * A replay's record cache. Only the tallies store caches records (one entry per event), so this is
     * room to spare rather than a need: a replay of many events keeps each event's tally in memory
     * between commits whatever their number.
     */
    public static final long REPLAY_CACHE_BYTES = 100L * 1024 * 1024;
    /**
     * A replay's stream threads (at least the processor's own setting). One: on 2 cores, with the
     * broker on the same cores, two threads replayed 300,000 records no faster (12,397 and 13,038
     * records/s against 11,909–13,035 with one; BENCHMARKS.md). The replays that stopped making
     * progress in {@code make bench} were the broker's retention deleting the replay's records,
     * stamped in January, in the middle of the run, whatever the thread count.
     */
    public static final int REPLAY_STREAM_THREADS = 1;

    /**
     * The settings of a replay of the topology ({@code make replay}, and {@code make bench}'s row 3): the
     * production ones, with the commit points and cache a replay can afford. The output is the same: a
     * task decides its partitions' records in the same order whichever thread runs it and wherever the
     * commits fall.
     */
    public static Properties forReplay(ProcessorConfig config, Topics topics) {
        Properties props = of(config, topics);
        // Nobody queries the replay's stores.
        props.remove(StreamsConfig.APPLICATION_SERVER_CONFIG);
        props.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, REPLAY_COMMIT_INTERVAL.toMillis());
        props.put(StreamsConfig.STATESTORE_CACHE_MAX_BYTES_CONFIG, REPLAY_CACHE_BYTES);
        props.put(StreamsConfig.NUM_STREAM_THREADS_CONFIG, Math.max(config.streamThreads(), REPLAY_STREAM_THREADS));
        return props;
    }
}
