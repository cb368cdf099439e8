package firstcome.processor;

import firstcome.contract.Environment;
import firstcome.contract.KafkaConnection;
import firstcome.contract.Topics;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;

/**
 * The streams-processor's settings, read once from the environment (names as in the contract).
 * {@code issuedTopic} and {@code decisionsTopic} other than {@code coupon-issued} and
 * {@code coupon-decisions} make a replay: coupons and decisions go to side topics.
 *
 * @param kafka          the brokers and the client settings ({@code KAFKA_BOOTSTRAP_SERVERS}, {@code KAFKA_CLIENT_CONFIG})
 * @param httpHost       the address the HTTP server binds ({@code HTTP_HOST}; {@code advertisedHost} is
 *                       how other instances reach it, a different thing)
 * @param eventRetention how long past its {@code closesAt} an event's state is kept ({@code EVENT_RETENTION});
 *                       a replay must run with the live value to decide the same
 * @param shopToken      {@code SHOP_TOKEN}: set, every query route asks for {@code Authorization: Bearer <SHOP_TOKEN>}
 *                       (and a forwarded look-up sends it); empty: the query routes are open (never logged, never in
 *                       {@link #toString()})
 * @param standbyReplicas {@code PROCESSOR_STANDBY_REPLICAS}: Kafka Streams' {@code num.standby.replicas}, copies of each
 *                       task's stores kept warm on other instances, so a task moves without replaying its changelogs
 * @param shutdownTimeout {@code PROCESSOR_SHUTDOWN_TIMEOUT_MS}: the bound on a graceful stop (SIGTERM)
 */
public record ProcessorConfig(
        KafkaConnection kafka,
        String applicationId,
        Path stateDir,
        int port,
        String advertisedHost,
        int streamThreads,
        String issuedTopic,
        String decisionsTopic,
        String httpHost,
        Duration eventRetention,
        Optional<String> shopToken,
        int standbyReplicas,
        Duration shutdownTimeout) {

    /** A standby of each task on another instance, when there is one (docs/scaling.md, "Failover"). */
    public static final int DEFAULT_STANDBY_REPLICAS = 1;
    public static final Duration DEFAULT_SHUTDOWN_TIMEOUT = Duration.ofSeconds(10);

    /** The contract's output topic; tests and the usual runs need nothing else. */
    public ProcessorConfig(String bootstrapServers, String applicationId, Path stateDir, int port,
                           String advertisedHost, int streamThreads) {
        this(bootstrapServers, applicationId, stateDir, port, advertisedHost, streamThreads, Topics.ISSUED, Topics.DECISIONS);
    }

    /** Listening on all interfaces, the contract's default; the brokers without a client file. */
    public ProcessorConfig(String bootstrapServers, String applicationId, Path stateDir, int port,
                           String advertisedHost, int streamThreads, String issuedTopic, String decisionsTopic) {
        this(KafkaConnection.plain(bootstrapServers), applicationId, stateDir, port, advertisedHost, streamThreads, issuedTopic,
                decisionsTopic);
    }

    /** Listening on all interfaces, the contract's default, with the default {@code EVENT_RETENTION}. */
    public ProcessorConfig(KafkaConnection kafka, String applicationId, Path stateDir, int port,
                           String advertisedHost, int streamThreads, String issuedTopic, String decisionsTopic) {
        this(kafka, applicationId, stateDir, port, advertisedHost, streamThreads, issuedTopic, decisionsTopic,
                Environment.ALL_INTERFACES, Environment.DEFAULT_EVENT_RETENTION, Optional.empty(), DEFAULT_STANDBY_REPLICAS,
                DEFAULT_SHUTDOWN_TIMEOUT);
    }

    /** The same settings with another {@code EVENT_RETENTION}. */
    public ProcessorConfig withEventRetention(Duration retention) {
        return new ProcessorConfig(kafka, applicationId, stateDir, port, advertisedHost, streamThreads, issuedTopic,
                decisionsTopic, httpHost, retention, shopToken, standbyReplicas, shutdownTimeout);
    }

    /** The same settings with the query routes guarded by {@code token} ({@code SHOP_TOKEN}). */
    public ProcessorConfig withShopToken(String token) {
        return new ProcessorConfig(kafka, applicationId, stateDir, port, advertisedHost, streamThreads, issuedTopic,
                decisionsTopic, httpHost, eventRetention, Optional.ofNullable(token), standbyReplicas, shutdownTimeout);
    }

    public static ProcessorConfig fromEnv(Map<String, String> env) {
        var settings = new Environment(env);
        // The text settings as given: a blank one is refused below rather than replaced by its default.
        return new ProcessorConfig(
                KafkaConnection.fromEnv(env),
                env.getOrDefault("PROCESSOR_APPLICATION_ID", "firstcome-processor"),
                Path.of(env.getOrDefault("PROCESSOR_STATE_DIR", ".local/streams")),
                settings.integer("PROCESSOR_PORT", 8081),
                env.getOrDefault("PROCESSOR_HOST", "localhost"),
                settings.integer("PROCESSOR_THREADS", 1),
                env.getOrDefault("PROCESSOR_ISSUED_TOPIC", Topics.ISSUED),
                env.getOrDefault("PROCESSOR_DECISIONS_TOPIC", Topics.DECISIONS),
                settings.httpHost(),
                settings.eventRetention(),
                settings.text("SHOP_TOKEN"),
                settings.integer("PROCESSOR_STANDBY_REPLICAS", DEFAULT_STANDBY_REPLICAS),
                settings.millis("PROCESSOR_SHUTDOWN_TIMEOUT_MS", DEFAULT_SHUTDOWN_TIMEOUT));
    }

    public ProcessorConfig {
        if (kafka == null) {
            throw new IllegalArgumentException("KAFKA_BOOTSTRAP_SERVERS must not be empty");
        }
        Environment.requirePort("PROCESSOR_PORT", port);
        Environment.requireText("PROCESSOR_ISSUED_TOPIC", issuedTopic);
        Environment.requireText("PROCESSOR_DECISIONS_TOPIC", decisionsTopic);
        Environment.requireAtLeastOne("PROCESSOR_THREADS", streamThreads);
        Environment.requireHost("HTTP_HOST", httpHost);
        if (eventRetention == null || eventRetention.isNegative()) {
            throw new IllegalArgumentException("EVENT_RETENTION must be a duration of 0 or more, was " + eventRetention);
        }
        shopToken = shopToken == null ? Optional.empty() : shopToken.map(String::strip).filter(token -> !token.isEmpty());
        if (standbyReplicas < 0) {
            throw new IllegalArgumentException("PROCESSOR_STANDBY_REPLICAS must be 0 or more, was " + standbyReplicas);
        }
        if (shutdownTimeout == null || shutdownTimeout.toMillis() < 1) {
            throw new IllegalArgumentException("PROCESSOR_SHUTDOWN_TIMEOUT_MS must be 1 or more, was "
                    + (shutdownTimeout == null ? null : shutdownTimeout.toMillis()));
        }
    }

    /** The same settings with {@code replicas} standby replicas of each task. */
    public ProcessorConfig withStandbyReplicas(int replicas) {
        return new ProcessorConfig(kafka, applicationId, stateDir, port, advertisedHost, streamThreads, issuedTopic,
                decisionsTopic, httpHost, eventRetention, shopToken, replicas, shutdownTimeout);
    }

    /** The check in front of the query routes. */
    QueryToken queryToken() {
        return QueryToken.of(shopToken);
    }

    /** Every setting but the token's value. */
    @Override
    public String toString() {
        return "ProcessorConfig[kafka=" + kafka + ", applicationId=" + applicationId + ", stateDir=" + stateDir
                + ", port=" + port + ", advertisedHost=" + advertisedHost + ", streamThreads=" + streamThreads
                + ", issuedTopic=" + issuedTopic + ", decisionsTopic=" + decisionsTopic + ", httpHost=" + httpHost
                + ", eventRetention=" + eventRetention
                + ", standbyReplicas=" + standbyReplicas + ", shutdownTimeout=" + shutdownTimeout.toMillis() + "ms"
                + ", shopToken=" + (shopToken.isPresent() ? "(set)" : "(unset: query routes open)") + "]";
    }

    public String bootstrapServers() {
        return kafka.bootstrapServers();
    }
}
