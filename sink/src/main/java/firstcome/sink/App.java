package firstcome.sink;

import firstcome.contract.Topics;
import io.javalin.Javalin;
import io.micrometer.core.instrument.binder.kafka.KafkaClientMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.DescribeClusterOptions;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.flywaydb.core.api.output.MigrateResult;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The sink process: migrates the schema, then runs {@link IssuedCouponConsumer} on its own thread,
 * and serves {@code /health} and {@code /metrics}. {@code main} only wires.
 */
public final class App implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(App.class);
    private static final Duration SHUTDOWN_GRACE = Duration.ofSeconds(30);
    private static final Duration BROKER_CHECK_TIMEOUT = Duration.ofSeconds(2);
    /** /health answers within this (plus serialising), whatever is down: both checks run side by side. */
    static final Duration HEALTH_BOUND = Duration.ofMillis(1_500);

    private final PrometheusMeterRegistry registry;
    private final CouponDatabase database;
    private final KafkaConsumer<byte[], byte[]> consumer;
    private final KafkaProducer<byte[], byte[]> deadLetterProducer;
    private final Admin admin;
    private final KafkaClientMetrics consumerMetrics;
    private final IssuedCouponConsumer loop;
    private final Backoff backoff;
    private final Javalin http;
    private final BoundedCheck databaseCheck;
    private final BoundedCheck brokerCheck;
    private final Thread loopThread;
    private final CountDownLatch closing = new CountDownLatch(1);

    /** {@code onFailure} runs if the poll loop dies of an error a retry cannot cure; {@code main} exits non-zero. */
    public App(SinkConfig config, Topics topics, Runnable onFailure) {
        registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        database = CouponDatabase.connect(config, registry);
        consumer = new KafkaConsumer<>(consumerSettings(config), new ByteArrayDeserializer(), new ByteArrayDeserializer());
        deadLetterProducer = new KafkaProducer<>(producerSettings(config), new ByteArraySerializer(), new ByteArraySerializer());
        admin = Admin.create(Map.of(
                AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, config.bootstrapServers(),
                AdminClientConfig.CLIENT_ID_CONFIG, "coupon-sink-health"));
        consumerMetrics = new KafkaClientMetrics(consumer);
        consumerMetrics.bindTo(registry);
        SinkMetrics metrics = new SinkMetrics(registry);
        backoff = new Backoff(config.retryFirst(), config.retryMax());
        loop = new IssuedCouponConsumer(consumer, topics.issued(), new CouponWriter(database.dataSource()),
                new DeadLetters(deadLetterProducer, topics.issuedDeadLetters(), metrics), backoff, metrics);
        databaseCheck = new BoundedCheck("database", database::isReachable);
        brokerCheck = new BoundedCheck("broker", this::brokerAnswers);
        loopThread = new Thread(() -> {
            try {
                loop.run();
            } catch (RuntimeException | Error e) {
                log.error("the poll loop failed; stopping so that a restart resumes from the last commit", e);
                onFailure.run();
            }
        }, "coupon-sink");
        http = Javalin.create(cfg -> {
            cfg.startup.showJavalinBanner = false;
            cfg.jetty.port = config.port();
            cfg.routes.get("/health", ctx -> {
                Map<String, Object> health = health();
                ctx.status("UP".equals(health.get("status")) ? 200 : 503).json(health);
            });
            cfg.routes.get("/metrics", ctx -> ctx.contentType("text/plain; version=0.0.4").result(registry.scrape()));
        });
    }

    /**
     * Serves HTTP at once (health says DOWN until ready), migrates the schema, waiting for a
     * database that is not up yet, then starts consuming. Returns once consumption has started.
     */
    public void start() {
        http.start();
        log.info("sink listening on port {}", http.port());
        if (!migrate()) {
            return;
        }
        loopThread.start();
    }

    /** The port /health and /metrics answer on (the configured one, or the one picked for port 0). */
    public int port() {
        return http.port();
    }

    private boolean migrate() {
        for (int attempt = 1; ; attempt++) {
            try {
                MigrateResult result = database.migrate();
                log.info("schema at version {} ({} migration(s) applied)",
                        result.targetSchemaVersion != null ? result.targetSchemaVersion : result.initialSchemaVersion,
                        result.migrationsExecuted);
                return true;
            } catch (RuntimeException e) {
                if (!CouponDatabase.isUnreachable(e)) {
                    throw e;
                }
                Duration delay = backoff.delayAfter(attempt);
                log.warn("database not reachable for the migration (attempt {}), trying again in {} ms: {}",
                        attempt, delay.toMillis(), e.getMessage());
                try {
                    if (closing.await(delay.toMillis(), TimeUnit.MILLISECONDS)) {
                        return false;
                    }
                } catch (InterruptedException interrupted) {
                    Thread.currentThread().interrupt();
                    return false;
                }
            }
        }
    }

    private Map<String, Object> health() {
        long deadline = System.nanoTime() + HEALTH_BOUND.toNanos();
        var databaseRun = databaseCheck.start();
        var brokerRun = brokerCheck.start();
        boolean database = BoundedCheck.passedBy(databaseRun, deadline);
        boolean broker = BoundedCheck.passedBy(brokerRun, deadline);
        IssuedCouponConsumer.State consuming = loop.state();
        boolean up = database && broker
                && (consuming == IssuedCouponConsumer.State.POLLING || consuming == IssuedCouponConsumer.State.RETRYING);
        Map<String, Object> health = new LinkedHashMap<>();
        health.put("status", up ? "UP" : "DOWN");
        health.put("database", database ? "UP" : "DOWN");
        health.put("broker", broker ? "UP" : "DOWN");
        health.put("consumer", consuming.name());
        return health;
    }

    private boolean brokerAnswers() {
        try {
            return !admin.describeCluster(new DescribeClusterOptions().timeoutMs((int) BROKER_CHECK_TIMEOUT.toMillis()))
                    .nodes().get(BROKER_CHECK_TIMEOUT.toMillis() + 500, TimeUnit.MILLISECONDS).isEmpty();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        } catch (Exception e) {
            return false;
        }
    }

    static Map<String, Object> consumerSettings(SinkConfig config) {
        return Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, config.bootstrapServers(),
                ConsumerConfig.GROUP_ID_CONFIG, config.groupId(),
                ConsumerConfig.CLIENT_ID_CONFIG, "coupon-sink",
                // Only what the streams-processor committed: an aborted transaction's coupons were never issued.
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed",
                // Offsets are committed by hand, after the rows are in the table.
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false,
                // A new group must start from the first coupon ever issued, not from the ones issued after it joined.
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
                ConsumerConfig.MAX_POLL_RECORDS_CONFIG, config.batchSize(),
                // A sink killed without leaving the group holds its partitions until this runs out
                // (45 s by default): its restarted successor waits that long before writing a row.
                ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG, 10_000);
    }

    static Map<String, Object> producerSettings(SinkConfig config) {
        return Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, config.bootstrapServers(),
                ProducerConfig.CLIENT_ID_CONFIG, "coupon-sink-dead-letters",
                ProducerConfig.ACKS_CONFIG, "all",
                ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true,
                // Bounded, so a broker outage turns into a retry of the batch rather than a stuck loop.
                ProducerConfig.MAX_BLOCK_MS_CONFIG, 10_000,
                ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 5_000,
                ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 15_000);
    }

    /** Stops consuming first (the batch in hand is finished or abandoned whole), then closes the rest in reverse order. */
    @Override
    public void close() {
        closing.countDown();
        loop.stop();
        if (loopThread.isAlive()) {
            try {
                if (!loop.awaitStopped(SHUTDOWN_GRACE)) {
                    log.warn("the poll loop did not stop within {} s; closing anyway (nothing uncommitted is lost)", SHUTDOWN_GRACE.toSeconds());
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        } else if (loop.state() == IssuedCouponConsumer.State.STARTING) {
            // The loop never ran, so the consumer is still ours to close.
            consumer.close();
        }
        http.stop();
        databaseCheck.close();
        brokerCheck.close();
        consumerMetrics.close();
        deadLetterProducer.close();
        admin.close();
        database.close();
        registry.close();
    }

    public static void main(String[] args) {
        App app = new App(SinkConfig.fromEnv(System.getenv()), Topics.standard(), () -> System.exit(1));
        Runtime.getRuntime().addShutdownHook(new Thread(app::close, "shutdown"));
        try {
            app.start();
        } catch (RuntimeException e) {
            log.error("the sink could not start", e);
            System.exit(1);
        }
    }
}
