package firstcome.ingress;

import firstcome.contract.Environment;
import firstcome.contract.KafkaConnection;
import firstcome.contract.RedisAddress;
import firstcome.ingress.edge.EdgeLimits;
import firstcome.ingress.gate.GateReconciler;
import firstcome.ingress.identity.ShopperIdentityConfig;
import java.net.URI;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;

/**
 * The ingress's settings, read once from the environment: the contract's shared names plus the
 * {@code INGRESS_*} knobs documented in {@code ingress/README.md}. Tests build it directly or with
 * {@link #fromEnv(Map)} over a map.
 *
 * @param kafka            the brokers and the client settings ({@code KAFKA_BOOTSTRAP_SERVERS}, {@code KAFKA_CLIENT_CONFIG})
 * @param adminToken       empty: every admin call is refused (never logged, never in {@link #toString()})
 * @param httpHost         the address the HTTP server binds ({@code HTTP_HOST})
 * @param redis            the gate's Redis: one server or a Redis Cluster ({@code REDIS_URL}, {@code REDIS_CLUSTER})
 * @param redisTimeout     connect, read and pool-wait timeout of every Redis call: an outage costs at most this
 * @param deliveryTimeout  how long the producer may try to get a record acknowledged before the
 *                         client gets a 503 and the slot goes back to the gate
 * @param maxBlock         how long {@code send()} may block on metadata or a full buffer
 * @param bufferBytes      the producer's buffer: bounds how much an outage can queue up
 * @param soldOutShortcut  answer SOLD_OUT / ALREADY_APPLIED of sold-out events from memory
 * @param soldOutRecheck   how stale such a memory answer may get before one request re-asks Redis
 * @param soldOutSnapshotMax events with a larger limit never use the short-cut (memory bound)
 * @param soldOutShortcutMaxUsers the users the short-cut holds across all events at most; past it,
 *                         further sold-out events are answered by Redis
 * @param processorUrl     where the streams-processor answers status look-ups from its state
 * @param edge             per-client rate limit, header size, idle and slow-client timeouts
 * @param reconcileAfter   how long a request may stay pending at the gate (passed, not acknowledged
 *                         by Kafka) before it counts as stranded by a dead ingress and is published again
 * @param eventRetention   {@code EVENT_RETENTION}: an event retires this long after its {@code closesAt}
 * @param shopToken        {@code SHOP_TOKEN}; empty: every shop route call is refused (never logged, never in {@link #toString()})
 * @param actionTimeout    {@code INGRESS_ACTION_TIMEOUT_MS}: how long a shop route waits, from the call's arrival,
 *                         for the streams-processor's decision of its action before answering 503 UNCONFIRMED
 * @param shopperIdentity  {@code SHOPPER_JWT_*}: whether and how shoppers prove who they are (docs/identities.md);
 *                         the secret is never logged, never in {@link #toString()}
 * @param shutdownDrain    {@code INGRESS_SHUTDOWN_DRAIN_MS}: after SIGTERM, how long readiness answers 503 while every
 *                         route still serves, for a load balancer to stop sending (docs/scaling.md, "Graceful shutdown")
 * @param shutdownTimeout  {@code INGRESS_SHUTDOWN_TIMEOUT_MS}: the bound on the whole graceful stop, drain included;
 *                         zero: drain + delivery timeout + max block + 2 s
 */
public record IngressConfig(
        KafkaConnection kafka,
        RedisAddress redis,
        Optional<String> adminToken,
        int port,
        String httpHost,
        Duration redisTimeout,
        int redisPoolSize,
        Duration deliveryTimeout,
        Duration maxBlock,
        long bufferBytes,
        int lingerMs,
        boolean soldOutShortcut,
        Duration soldOutRecheck,
        int soldOutSnapshotMax,
        int soldOutShortcutMaxUsers,
        URI processorUrl,
        EdgeLimits edge,
        Duration reconcileAfter,
        Duration eventRetention,
        Optional<String> shopToken,
        Duration actionTimeout,
        ShopperIdentityConfig shopperIdentity,
        Duration shutdownDrain,
        Duration shutdownTimeout) {

    /** The longest {@code INGRESS_ACTION_TIMEOUT_MS} taken: a shop's backend waits no longer for one call. */
    public static final Duration MAX_ACTION_TIMEOUT = Duration.ofMinutes(1);

    public static IngressConfig fromEnv(Map<String, String> env) {
        var settings = new Environment(env);
        return new IngressConfig(
                KafkaConnection.fromEnv(env),
                RedisAddress.fromEnv(settings),
                settings.text("ADMIN_TOKEN"),
                settings.integer("INGRESS_PORT", 8080),
                settings.httpHost(),
                settings.millis("INGRESS_REDIS_TIMEOUT_MS", Duration.ofMillis(500)),
                settings.integer("INGRESS_REDIS_POOL_SIZE", 64),
                settings.millis("INGRESS_KAFKA_DELIVERY_TIMEOUT_MS", Duration.ofMillis(3000)),
                settings.millis("INGRESS_KAFKA_MAX_BLOCK_MS", Duration.ofMillis(250)),
                settings.integer("INGRESS_KAFKA_BUFFER_BYTES", 8 * 1024 * 1024),
                settings.integer("INGRESS_KAFKA_LINGER_MS", 2),
                settings.flag("INGRESS_SOLD_OUT_SHORTCUT", true),
                settings.millis("INGRESS_SOLD_OUT_RECHECK_MS", Duration.ofMillis(250)),
                settings.integer("INGRESS_SOLD_OUT_SNAPSHOT_MAX", 100_000),
                settings.integer("INGRESS_SOLD_OUT_SHORTCUT_MAX_USERS", 500_000),
                httpUrl("PROCESSOR_URL", settings.text("PROCESSOR_URL", "http://localhost:8081")),
                new EdgeLimits(
                        settings.integer("INGRESS_RATE_LIMIT_PER_SECOND", 0),
                        settings.integer("INGRESS_RATE_LIMIT_BURST", 0),
                        settings.flag("INGRESS_TRUST_FORWARDED_FOR", false),
                        settings.integer("INGRESS_MAX_HEADER_BYTES", EdgeLimits.DEFAULT.maxHeaderBytes()),
                        settings.millis("INGRESS_IDLE_TIMEOUT_MS", EdgeLimits.DEFAULT.idleTimeout()),
                        settings.millis("INGRESS_REQUEST_READ_TIMEOUT_MS", EdgeLimits.DEFAULT.requestReadTimeout()),
                        settings.integer("INGRESS_MIN_REQUEST_BYTES_PER_SECOND", EdgeLimits.DEFAULT.minRequestBytesPerSecond()),
                        settings.integer("INGRESS_MAX_CONNECTIONS_PER_CLIENT", EdgeLimits.DEFAULT.maxConnectionsPerClient()),
                        settings.integer("INGRESS_MAX_CONNECTIONS", EdgeLimits.DEFAULT.maxConnections())),
                // 0: derived from the Kafka timeouts (below)
                settings.millis("INGRESS_RECONCILE_AFTER_MS", Duration.ZERO),
                settings.eventRetention(),
                settings.text("SHOP_TOKEN"),
                settings.millis("INGRESS_ACTION_TIMEOUT_MS", Duration.ofMillis(3000)),
                ShopperIdentityConfig.fromEnv(settings),
                settings.millis("INGRESS_SHUTDOWN_DRAIN_MS", Duration.ofMillis(5000)),
                // 0: derived from the drain and the Kafka timeouts (below)
                settings.millis("INGRESS_SHUTDOWN_TIMEOUT_MS", Duration.ZERO));
    }

    public IngressConfig {
        if (kafka == null) {
            throw new IllegalArgumentException("KAFKA_BOOTSTRAP_SERVERS must not be empty");
        }
        if (redis == null) {
            throw new IllegalArgumentException("REDIS_URL must not be empty");
        }
        adminToken = adminToken == null ? Optional.empty() : adminToken.filter(token -> !token.isBlank());
        shopToken = shopToken == null ? Optional.empty() : shopToken.filter(token -> !token.isBlank());
        if (actionTimeout == null || actionTimeout.toMillis() < 1 || actionTimeout.compareTo(MAX_ACTION_TIMEOUT) > 0) {
            throw new IllegalArgumentException("INGRESS_ACTION_TIMEOUT_MS must be from 1 to " + MAX_ACTION_TIMEOUT.toMillis()
                    + ", was " + (actionTimeout == null ? null : actionTimeout.toMillis()));
        }
        Environment.requirePort("INGRESS_PORT", port);
        Environment.requireHost("HTTP_HOST", httpHost);
        Environment.requireAtLeastOne("INGRESS_REDIS_TIMEOUT_MS", redisTimeout.toMillis());
        Environment.requireAtLeastOne("INGRESS_REDIS_POOL_SIZE", redisPoolSize);
        Environment.requireAtLeastOne("INGRESS_KAFKA_MAX_BLOCK_MS", maxBlock.toMillis());
        Environment.requireAtLeastOne("INGRESS_KAFKA_BUFFER_BYTES", bufferBytes);
        if (lingerMs < 0) {
            throw new IllegalArgumentException("INGRESS_KAFKA_LINGER_MS must be 0 or more, was " + lingerMs);
        }
        // The producer refuses delivery.timeout.ms < linger.ms + request.timeout.ms; keep room
        // for a request timeout of at least half a second.
        if (deliveryTimeout.toMillis() < lingerMs + 500L) {
            throw new IllegalArgumentException("INGRESS_KAFKA_DELIVERY_TIMEOUT_MS must be at least "
                    + (lingerMs + 500) + " (linger + 500 ms), was " + deliveryTimeout.toMillis());
        }
        Environment.requireAtLeastOne("INGRESS_SOLD_OUT_RECHECK_MS", soldOutRecheck.toMillis());
        if (soldOutSnapshotMax < 0) {
            throw new IllegalArgumentException("INGRESS_SOLD_OUT_SNAPSHOT_MAX must be 0 or more, was " + soldOutSnapshotMax);
        }
        if (soldOutShortcutMaxUsers < 0) {
            throw new IllegalArgumentException("INGRESS_SOLD_OUT_SHORTCUT_MAX_USERS must be 0 or more, was " + soldOutShortcutMaxUsers);
        }
        if (eventRetention == null || eventRetention.isNegative()) {
            throw new IllegalArgumentException("EVENT_RETENTION must not be negative, was " + eventRetention);
        }
        edge = edge == null ? EdgeLimits.DEFAULT : edge;
        if (shutdownDrain == null || shutdownDrain.isNegative()) {
            throw new IllegalArgumentException("INGRESS_SHUTDOWN_DRAIN_MS must be 0 or more, was "
                    + (shutdownDrain == null ? null : shutdownDrain.toMillis()));
        }
        // After the drain, applications in flight need up to delivery timeout + max block to be answered.
        Duration leastTimeout = shutdownDrain.plus(deliveryTimeout).plus(maxBlock).plusSeconds(1);
        if (shutdownTimeout == null || shutdownTimeout.isZero()) {
            shutdownTimeout = leastTimeout.plusSeconds(1);
        } else if (shutdownTimeout.compareTo(leastTimeout) < 0) {
            throw new IllegalArgumentException("INGRESS_SHUTDOWN_TIMEOUT_MS must be at least " + leastTimeout.toMillis()
                    + " (INGRESS_SHUTDOWN_DRAIN_MS + INGRESS_KAFKA_DELIVERY_TIMEOUT_MS + INGRESS_KAFKA_MAX_BLOCK_MS + 1 s,"
                    + " so that applications in flight are answered), was " + (shutdownTimeout == null ? null : shutdownTimeout.toMillis()));
        }
        shopperIdentity = shopperIdentity == null ? ShopperIdentityConfig.OFF : shopperIdentity;
        // A live ingress hears from Kafka within delivery timeout + max block: a request pending
        // longer than that (plus a margin for settling it) was stranded by a dead one.
        Duration longestLiveWait = deliveryTimeout.plus(maxBlock).plusSeconds(1);
        if (reconcileAfter == null || reconcileAfter.isZero()) {
            reconcileAfter = deliveryTimeout.plus(maxBlock).plusSeconds(2);
        } else if (reconcileAfter.compareTo(longestLiveWait) < 0) {
            throw new IllegalArgumentException("INGRESS_RECONCILE_AFTER_MS must be at least "
                    + longestLiveWait.toMillis() + " (delivery timeout + max block + 1 s), was " + reconcileAfter.toMillis());
        }
        // A pending request of a retired event is no longer published again (its keys expire, the
        // processor refuses it CLOSED): the retention must outlast the longest wait between two
        // publications of one request plus that publication's own send.
        Duration horizon = republicationHorizon(reconcileAfter, deliveryTimeout, maxBlock);
        if (eventRetention.compareTo(horizon) < 0) {
            throw new IllegalArgumentException("EVENT_RETENTION (" + eventRetention + ") must be at least the ingress's"
                    + " republication horizon, " + horizon.toMillis() + " ms (INGRESS_RECONCILE_AFTER_MS "
                    + reconcileAfter.toMillis() + " x " + GateReconciler.MAX_BACKOFF
                    + " + half of it + INGRESS_KAFKA_DELIVERY_TIMEOUT_MS + INGRESS_KAFKA_MAX_BLOCK_MS): raise EVENT_RETENTION,"
                    + " or lower INGRESS_RECONCILE_AFTER_MS (and the delivery timeout it must exceed)");
        }
    }

    /**
     * How long a request received before its event's closing may still be published again: the longest
     * wait between two publications ({@code reconcileAfter} times {@link GateReconciler#MAX_BACKOFF})
     * plus that publication's send (delivery timeout and max block).
     */
    static Duration republicationHorizon(Duration reconcileAfter, Duration deliveryTimeout, Duration maxBlock) {
        // The reconciler sweeps every half of reconcileAfter: a publication due at the longest backoff goes out up to that much later.
        return reconcileAfter.multipliedBy(GateReconciler.MAX_BACKOFF).plus(reconcileAfter.dividedBy(2)).plus(deliveryTimeout)
                .plus(maxBlock);
    }

    public String bootstrapServers() {
        return kafka.bootstrapServers();
    }

    @Override
    public String toString() {
        return "IngressConfig[kafka=" + kafka
                + ", redis=" + redis
                + ", adminToken=" + (adminToken.isPresent() ? "(set)" : "(unset: admin API disabled)")
                + ", httpHost=" + httpHost
                + ", port=" + port
                + ", redisTimeout=" + redisTimeout.toMillis() + "ms"
                + ", redisPoolSize=" + redisPoolSize
                + ", deliveryTimeout=" + deliveryTimeout.toMillis() + "ms"
                + ", maxBlock=" + maxBlock.toMillis() + "ms"
                + ", bufferBytes=" + bufferBytes
                + ", lingerMs=" + lingerMs
                + ", soldOutShortcut=" + soldOutShortcut
                + ", soldOutRecheck=" + soldOutRecheck.toMillis() + "ms"
                + ", soldOutSnapshotMax=" + soldOutSnapshotMax
                + ", soldOutShortcutMaxUsers=" + soldOutShortcutMaxUsers
                + ", processorUrl=" + processorUrl
                + ", " + edge
                + ", reconcileAfter=" + reconcileAfter.toMillis() + "ms"
                + ", eventRetention=" + eventRetention
                + ", shopToken=" + (shopToken.isPresent() ? "(set)" : "(unset: shop routes disabled)")
                + ", actionTimeout=" + actionTimeout.toMillis() + "ms"
                + ", " + shopperIdentity
                + ", shutdownDrain=" + shutdownDrain.toMillis() + "ms"
                + ", shutdownTimeout=" + shutdownTimeout.toMillis() + "ms]";
    }

    private static URI httpUrl(String name, String value) {
        try {
            URI url = URI.create(value.endsWith("/") ? value.substring(0, value.length() - 1) : value);
            if (!"http".equals(url.getScheme()) || url.getHost() == null) {
                throw new IllegalArgumentException(name + " must be an http:// URL, was '" + value + "'");
            }
            return url;
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(name + " must be an http:// URL, was '" + value + "'", e);
        }
    }
}
