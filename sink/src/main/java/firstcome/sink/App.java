package firstcome.sink;

import firstcome.contract.BoundedCheck;
import firstcome.contract.Resources;
import firstcome.contract.ServiceMain;
import firstcome.contract.Topics;
import io.javalin.Javalin;
import io.javalin.http.Handler;
import io.micrometer.core.instrument.binder.kafka.KafkaClientMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
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
 * and serves {@code /health} (with {@code /health/live} and {@code /health/ready}) and {@code /metrics}. {@link #start} opens everything in order and
 * {@link #close} stops it gracefully (readiness down, the batch in hand finished, the consumer closed leaving its group,
 * then the rest in reverse); {@code main} only calls {@link ServiceMain}.
 */
public final class App implements ServiceMain.Service {

    private static final Logger log = LoggerFactory.getLogger(App.class);
    private static final Duration BROKER_CHECK_TIMEOUT = Duration.ofSeconds(2);

    private final Resources resources;
    private final Javalin http;
    private final AtomicBoolean stopping;
    private final Duration stopTimeout;

    private App(Resources resources, Javalin http, AtomicBoolean stopping, Duration stopTimeout) {
        this.resources = resources;
        this.http = http;
        this.stopping = stopping;
        this.stopTimeout = stopTimeout;
    }

    /**
     * Serves HTTP at once (health says DOWN until consuming), migrates the schema, waiting for a
     * database that is not up yet, then starts consuming. Returns once consumption has started.
     * {@code onFailure} runs if the poll loop dies of an error a retry cannot cure; {@code main} exits non-zero.
     */
    public static App start(SinkConfig config, Topics topics, Runnable onFailure) {
        // Kafka refusing the credentials ends the start here, in one line, before any client retries.
        config.kafka().checkAtStart();
        Resources resources = new Resources();
        try {
            var registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
            resources.onClose(registry::close);
            resources.onClose(SinkMetrics.bindJvm(registry));
            var database = resources.open(CouponDatabase.connect(config, registry));
            var admin = resources.open(Admin.create(config.kafka().settings(Map.of(
                    AdminClientConfig.CLIENT_ID_CONFIG, "coupon-sink-health"))));
            var deadLetterProducer = resources.open(new KafkaProducer<>(producerSettings(config),
                    new ByteArraySerializer(), new ByteArraySerializer()));
            // The poll loop closes the consumer when it ends; until the loop has started, closing it is ours.
            var consumer = new KafkaConsumer<>(consumerSettings(config), new ByteArrayDeserializer(), new ByteArrayDeserializer());
            AtomicBoolean handedOver = new AtomicBoolean();
            resources.onClose(() -> {
                if (!handedOver.get()) {
                    consumer.close();
                }
            });
            resources.open(new KafkaClientMetrics(consumer)).bindTo(registry);
            var databaseCheck = resources.open(new BoundedCheck("database", database::isReachable));
            var brokerCheck = resources.open(new BoundedCheck("broker", () -> BoundedCheck.brokerAnswers(admin, BROKER_CHECK_TIMEOUT)));

            SinkMetrics metrics = new SinkMetrics(registry);
            Backoff backoff = new Backoff(config.retryFirst(), config.retryMax());
            var stopping = new AtomicBoolean();
            var loop = new IssuedCouponConsumer(consumer, topics.issued(), topics.changes(), new CouponWriter(database.dataSource()),
                    new DeadLetters(deadLetterProducer, topics.issuedDeadLetters(), metrics), backoff, metrics);

            Javalin http = Javalin.create(cfg -> {
                cfg.startup.showJavalinBanner = false;
                cfg.jetty.host = config.httpHost();
                cfg.jetty.port = config.port();
                // Live: the process answers (no dependency asked), so a restart is never the answer to an outage.
                // Ready and the summary ask the same things: the sink's job needs the database, the broker and the loop.
                cfg.routes.get("/health/live", ctx -> ctx.json(Map.of("status", "UP")));
                Handler health = ctx -> {
                    Map<String, Object> answer = health(databaseCheck, brokerCheck, loop, stopping.get());
                    ctx.status("UP".equals(answer.get("status")) ? 200 : 503).json(answer);
                };
                cfg.routes.get("/health/ready", health);
                cfg.routes.get("/health", health);
                cfg.routes.get("/metrics", ctx -> ctx.contentType("text/plain; version=0.0.4").result(registry.scrape()));
            });
            resources.onClose(http::stop);
            http.start();
            log.info("sink listening on {}:{}", config.httpHost(), http.port());

            migrate(database, backoff);

            Thread loopThread = new Thread(() -> {
                try {
                    loop.run();
                } catch (RuntimeException | Error e) {
                    log.error("the poll loop failed; stopping so that a restart resumes from the last commit", e);
                    onFailure.run();
                }
            }, "coupon-sink");
            // Stops consuming first: the batch in hand is finished or abandoned whole, then the rest closes.
            // The loop gets the bound but a little for the HTTP server, the producer and the pool.
            Duration loopBound = config.shutdownTimeout().minus(Duration.ofMillis(Math.min(1_000, config.shutdownTimeout().toMillis() / 4)));
            resources.onClose(() -> stopLoop(loop, loopBound));
            // Readiness down first: the loop still finishes its batch while a rollout sees this instance go.
            resources.onClose(() -> stopping.set(true));
            handedOver.set(true);
            loopThread.start();
            return new App(resources, http, stopping, config.shutdownTimeout());
        } catch (RuntimeException e) {
            resources.close();
            throw e;
        }
    }

    /** The port /health and /metrics answer on (the configured one, or the one picked for port 0). */
    public int port() {
        return http.port();
    }

    @Override
    public void close() {
        resources.close();
    }

    @Override
    public Duration stopTimeout() {
        return stopTimeout;
    }

    private static void stopLoop(IssuedCouponConsumer loop, Duration bound) throws InterruptedException {
        long started = System.nanoTime();
        log.info("stopping the poll loop: the batch in hand is written and committed, then the consumer leaves the group"
                + " (at most {} ms)", bound.toMillis());
        loop.stop();
        if (loop.awaitStopped(bound)) {
            log.info("poll loop stopped in {} ms", TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started));
        } else {
            log.warn("the poll loop did not stop within {} ms; closing anyway (nothing uncommitted is lost)", bound.toMillis());
        }
    }

    /**
     * Migrates the schema, waiting with back-off for a database that is not up yet. A process
     * stopped meanwhile simply exits: nothing has been consumed, so nothing can be lost.
     */
    private static void migrate(CouponDatabase database, Backoff backoff) {
        for (int attempt = 1; ; attempt++) {
            try {
                MigrateResult result = database.migrate();
                log.info("schema at version {} ({} migration(s) applied)",
                        result.targetSchemaVersion != null ? result.targetSchemaVersion : result.initialSchemaVersion,
                        result.migrationsExecuted);
                return;
            } catch (RuntimeException e) {
                if (!CouponDatabase.isUnreachable(e)) {
                    throw e;
                }
                Duration delay = backoff.delayAfter(attempt);
                log.warn("database not reachable for the migration (attempt {}), trying again in {} ms: {}",
                        attempt, delay.toMillis(), e.getMessage());
                try {
                    TimeUnit.MILLISECONDS.sleep(delay.toMillis());
                } catch (InterruptedException interrupted) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException("interrupted while waiting for the database", interrupted);
                }
            }
        }
    }

    private static Map<String, Object> health(BoundedCheck databaseCheck, BoundedCheck brokerCheck,
            IssuedCouponConsumer loop, boolean stopping) {
        // Both checks side by side, one deadline: the answer comes within BoundedCheck.HEALTH_BOUND.
        long deadline = BoundedCheck.healthDeadline();
        var databaseRun = databaseCheck.start();
        var brokerRun = brokerCheck.start();
        boolean database = BoundedCheck.passedBy(databaseRun, deadline);
        boolean broker = BoundedCheck.passedBy(brokerRun, deadline);
        IssuedCouponConsumer.State consuming = loop.state();
        boolean up = database && broker && !stopping
                && (consuming == IssuedCouponConsumer.State.POLLING || consuming == IssuedCouponConsumer.State.RETRYING);
        Map<String, Object> health = new LinkedHashMap<>();
        health.put("status", up ? "UP" : "DOWN");
        health.put("database", database ? "UP" : "DOWN");
        health.put("broker", broker ? "UP" : "DOWN");
        health.put("consumer", consuming.name());
        if (stopping) {
            health.put("stopping", true);
        }
        return health;
    }

    static Map<String, Object> consumerSettings(SinkConfig config) {
        return config.kafka().settings(Map.of(
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
                ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG, 10_000));
    }

    static Map<String, Object> producerSettings(SinkConfig config) {
        return config.kafka().settings(Map.of(
                ProducerConfig.CLIENT_ID_CONFIG, "coupon-sink-dead-letters",
                ProducerConfig.ACKS_CONFIG, "all",
                ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true,
                // Bounded, so a broker outage turns into a retry of the batch rather than a stuck loop.
                ProducerConfig.MAX_BLOCK_MS_CONFIG, 10_000,
                ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 5_000,
                ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 15_000));
    }

    public static void main(String[] args) {
        ServiceMain.run(args, SinkSettings.DESCRIPTION, SinkConfig::fromEnv,
                config -> start(config, Topics.standard(), ServiceMain::exitOnFailure));
    }
}
