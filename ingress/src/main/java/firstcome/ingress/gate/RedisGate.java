package firstcome.ingress.gate;

import com.fasterxml.jackson.core.JsonProcessingException;
import firstcome.contract.CouponDecision;
import firstcome.contract.CouponRequest;
import firstcome.contract.EventDefinition;
import firstcome.contract.Json;
import firstcome.contract.RedisAddress;
import firstcome.ingress.IngressConfig;
import firstcome.ingress.api.EventId;
import firstcome.ingress.api.UserId;
import firstcome.ingress.kafka.RequestJson;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import org.apache.commons.pool2.impl.GenericObjectPoolConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import redis.clients.jedis.Connection;
import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.Protocol;
import redis.clients.jedis.RedisClient;
import redis.clients.jedis.RedisClusterClient;
import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.exceptions.JedisException;
import redis.clients.jedis.exceptions.JedisNoScriptException;
import redis.clients.jedis.params.ScanParams;
import redis.clients.jedis.resps.ScanResult;

/**
 * The gate in Redis: per event a set of the users that passed, their count, and a count of
 * releases. One Lua script per application (run by SHA, loaded again only after a NOSCRIPT) keeps
 * "check, remember, count" atomic, so no crash or race between steps can let limit + 1 through.
 * Rejected requests store nothing (but the entrants a draw did not draw: one mark each): an event's
 * memory is bounded by its capacity (for an event with a draw window, the draw's cap).
 *
 * <p>Keys are {@code fc:{eventId}:users|count|releases|pending|returned|entrants|notdrawn}; the braces
 * are a Redis Cluster hash tag, so the keys a script touches always live in one slot, and on a
 * cluster every call of an event goes to the master of that slot (a script is loaded there, again
 * after a NOSCRIPT). Nothing here reads more than one event's keys, so no call needs every master but
 * {@link #ping()}. {@code pending} maps a user to the request (JSON) taken for their place until its
 * decision comes back: the trace a crash leaves behind. {@code users} holds every user applied (and
 * not freed); {@code returned} those of them who gave their coupon back: they take no place but stay
 * applied, so {@code count} is {@code users} minus {@code returned}: live coupons plus waiting users
 * plus the entrants of a draw not done yet, once everything is decided. {@code entrants} maps each
 * user whose request is in an event's draw ({@code IN_DRAW}) to that request's id until the draw
 * decides it; {@code notdrawn} maps each user whose request the draw did not draw to that request's
 * id, so that an {@code IN_DRAW} of it read late or again changes nothing (docs/fair-opening.md).
 *
 * <p>Every key expires at the event's retirement instant ({@link KeyExpiry}): each script that writes
 * a key sets it (PEXPIREAT), since a set or hash emptied and filled again is a new key, and
 * {@link #prime} and {@link #expire} move it when the event's closing moves.
 */
public final class RedisGate implements Gate, AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(RedisGate.class);

    /**
     * KEYS users, count, releases, pending (further keys unused); ARGV userId, capacity, request ('' = none), expireAt ('' = never). Replies
     * {0, position} | {1, 0} | {2, generation} | {3, 0} (the count is missing: state lost).
     */
    static final String ADMIT = script("admit.lua");

    /** KEYS users, count, releases, pending (further keys unused); ARGV userId, expireAt. The count only drops if this user held a slot. */
    static final String RELEASE = script("release.lua");

    /**
     * KEYS users, count, releases, pending, returned, entrants, notdrawn; ARGV expireAt, then triples userId,
     * requestId, effect ({@link DecisionEffect}). The decisions of one event.
     */
    static final String DECIDE = script("decide.lua");

    /**
     * KEYS users, count, releases, pending, returned, entrants, notdrawn; ARGV expireAt, user count, users,
     * returned count, returned, entrant count, pairs userId, requestId, then pairs userId, request.
     */
    static final String RESTORE = script("restore.lua");

    /** KEYS every key of the event; ARGV expireAt ('' = never, PERSIST). Moves the keys' expiry. */
    static final String EXPIRE = script("expire.lua");

    private static final int SCAN_BATCH = 1000;
    /** Tries of one call on a cluster (redirections after a slot moved, refused connections), all within the timeout. */
    private static final int CLUSTER_ATTEMPTS = 5;

    /** A script of {@code firstcome/ingress/gate/} on the class path (one file, also what the benchmark runs). */
    private static String script(String name) {
        try (InputStream in = RedisGate.class.getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalStateException("firstcome/ingress/gate/" + name + " is missing from the class path");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private final UnifiedJedis redis;
    private final Script admit = new Script(ADMIT);
    private final Script release = new Script(RELEASE);
    private final Script decide = new Script(DECIDE);
    private final Script restore = new Script(RESTORE);
    private final Script expire = new Script(EXPIRE);
    private volatile KeyExpiry expiry = KeyExpiry.NEVER;

    public RedisGate(UnifiedJedis redis) {
        this.redis = redis;
    }

    /** From now on the keys of each event expire at the instant {@code expiry} gives (never, until called). */
    public RedisGate expireBy(KeyExpiry expiry) {
        this.expiry = expiry;
        return this;
    }

    /**
     * A pooled client whose every step (connect, read, waiting for a free connection) is bounded by
     * the configured timeout, so an outage turns into fast 503s instead of piled-up requests. On a
     * Redis Cluster ({@code REDIS_CLUSTER=true}) one pool per master, with the same bounds; the
     * client sends each call to the master of its event's slot.
     */
    public static RedisGate connect(IngressConfig config) {
        var gate = new RedisGate(open(config.redis(), config.redisTimeout(), config.redisPoolSize(), "firstcome-ingress"));
        gate.loadScripts();
        return gate;
    }

    /**
     * A client for the gate's Redis, one server or a cluster. On a cluster a call is retried only
     * within {@code timeout} (a MOVED or ASK redirection, a refused connection): a reply that did not
     * come in time used that time up, so a script whose reply timed out is never sent twice.
     */
    public static UnifiedJedis open(RedisAddress address, Duration timeout, int poolSize, String clientName) {
        int millis = Math.toIntExact(timeout.toMillis());
        DefaultJedisClientConfig.Builder client = DefaultJedisClientConfig.builder()
                .connectionTimeoutMillis(millis)
                .socketTimeoutMillis(millis)
                .database(address.database())
                .ssl(address.tls())
                .clientName(clientName);
        address.password().ifPresent(password -> client.user(address.user().orElse(null)).password(password));
        GenericObjectPoolConfig<Connection> pool = new GenericObjectPoolConfig<>();
        pool.setMaxTotal(poolSize);
        pool.setMaxIdle(poolSize);
        pool.setMinIdle(0);
        pool.setMaxWait(timeout);
        pool.setBlockWhenExhausted(true);
        // JMX registration fails when two pools share a name (tests run several gates in one JVM).
        pool.setJmxEnabled(false);
        if (!address.cluster()) {
            return RedisClient.builder()
                    .hostAndPort(hostAndPort(address.first()))
                    .clientConfig(client.build())
                    .poolConfig(pool)
                    .build();
        }
        // Start even when no seed node answers yet, as with one server: the client learns the
        // slots at the first call that reaches a node (Jedis' switch, read when the client is built).
        System.setProperty(RedisClusterClient.INIT_NO_ERROR_PROPERTY, "true");
        Set<HostAndPort> seeds = new LinkedHashSet<>();
        address.nodes().forEach(node -> seeds.add(hostAndPort(node)));
        return RedisClusterClient.builder()
                .nodes(seeds)
                .clientConfig(client.build())
                .poolConfig(pool)
                .maxAttempts(CLUSTER_ATTEMPTS)
                .maxTotalRetriesDuration(timeout)
                .build();
    }

    private static HostAndPort hostAndPort(RedisAddress.Node node) {
        return new HostAndPort(node.host(), node.port());
    }

    @Override
    public Admission admit(EventId event, UserId user, int capacity, CouponRequest request) {
        Keys keys = Keys.of(event);
        List<?> reply = (List<?>) run(admit, keys.all(), List.of(user.value(), Integer.toString(capacity), json(request), expireAt(event)));
        long code = (Long) reply.get(0);
        long value = (Long) reply.get(1);
        return switch ((int) code) {
            case 0 -> Admission.accepted(value);
            case 1 -> Admission.alreadyApplied();
            case 2 -> Admission.soldOut(value);
            default -> Admission.lost();
        };
    }

    @Override
    public boolean release(EventId event, UserId user) {
        return (Long) run(release, Keys.of(event).all(), List.of(user.value(), expireAt(event))) == 1L;
    }

    @Override
    public Corrections follow(EventId event, List<CouponDecision> decisions) {
        if (decisions.isEmpty()) {
            return Corrections.NONE;
        }
        List<String> args = new ArrayList<>(1 + decisions.size() * 3);
        args.add(expireAt(event));
        for (CouponDecision decision : decisions) {
            args.add(decision.userId());
            args.add(decision.requestId());
            args.add(DecisionEffect.of(decision).script);
        }
        List<?> reply = (List<?>) run(decide, Keys.of(event).all(), args);
        return new Corrections((Long) reply.get(0) < 0, ((Long) reply.get(1)).intValue(),
                ((Long) reply.get(2)).intValue(), ((Long) reply.get(3)).intValue(), ((Long) reply.get(4)).intValue());
    }

    @Override
    public long restore(EventId event, Collection<String> users, Collection<String> returned, Map<String, String> entrants,
            Collection<CouponRequest> undecided) {
        List<String> args = new ArrayList<>(4 + users.size() + returned.size() + 2 * entrants.size() + 2 * undecided.size());
        args.add(expireAt(event));
        args.add(Integer.toString(users.size()));
        args.addAll(users);
        args.add(Integer.toString(returned.size()));
        args.addAll(returned);
        args.add(Integer.toString(entrants.size()));
        entrants.forEach((user, requestId) -> {
            args.add(user);
            args.add(requestId);
        });
        for (CouponRequest request : undecided) {
            args.add(request.userId());
            args.add(json(request));
        }
        return (Long) run(restore, Keys.of(event).all(), args);
    }

    /** One HGETALL: the hash only holds what passed the gate and is not decided yet. */
    @Override
    public List<CouponRequest> pending(EventId event) {
        Map<String, String> pending = call(() -> redis.hgetAll(Keys.of(event).pending()));
        List<CouponRequest> requests = new ArrayList<>(pending.size());
        for (String value : pending.values()) {
            try {
                requests.add(Json.mapper().readValue(value, CouponRequest.class));
            } catch (JsonProcessingException | IllegalArgumentException e) {
                log.warn("ignoring an unreadable pending request of event {}: {}", event, e.getMessage());
            }
        }
        return requests;
    }

    /** One HGETALL of the event's entrants not drawn yet. */
    @Override
    public Map<String, String> entrants(EventId event) {
        return Map.copyOf(call(() -> redis.hgetAll(Keys.of(event).entrants())));
    }

    /**
     * Makes sure this Redis has the scripts (so the first application pays no NOSCRIPT round trip)
     * and, for a new event only, that the count exists. The limit is not stored here: every
     * application brings it from the catalog, which survives Redis losing its data. The keys get
     * (or, for a changed closing, move to) the event's retirement instant.
     */
    @Override
    public void prime(EventDefinition definition, boolean newEvent) {
        EventId event = new EventId(definition.eventId());
        Keys keys = Keys.of(event);
        call(() -> {
            for (Script script : List.of(admit, release, decide, restore, expire)) {
                redis.scriptLoad(script.source, keys.count());
            }
            if (newEvent) {
                redis.setnx(keys.count(), "0");
            }
            return null;
        });
        expire(event);
    }

    @Override
    public void expire(EventId event) {
        run(expire, Keys.of(event).all(), List.of(expireAt(event)));
    }

    /** The event's retirement instant in epoch ms, as the scripts take it; '' when its keys never expire. */
    private String expireAt(EventId event) {
        Optional<Instant> at = expiry.of(event);
        if (at.isEmpty()) {
            return "";
        }
        try {
            return Long.toString(at.get().toEpochMilli());
        } catch (ArithmeticException beyondMilliseconds) {
            return ""; // an instant too far off for milliseconds: never
        }
    }

    /** One HLEN: constant time, whatever a spike left pending. */
    @Override
    public long pendingCount(EventId event) {
        return call(() -> redis.hlen(Keys.of(event).pending()));
    }

    @Override
    public long count(EventId event) {
        String count = call(() -> redis.get(Keys.of(event).count()));
        return count == null ? 0 : Long.parseLong(count);
    }

    @Override
    public boolean isPending(CouponRequest request) {
        String pending = call(() -> redis.hget(Keys.of(new EventId(request.eventId())).pending(), request.userId()));
        if (pending == null) {
            return false;
        }
        try {
            return request.requestId().equals(Json.mapper().readValue(pending, CouponRequest.class).requestId());
        } catch (JsonProcessingException | IllegalArgumentException e) {
            return false;
        }
    }

    @Override
    public boolean knows(EventId event) {
        return call(() -> redis.exists(Keys.of(event).count()));
    }

    @Override
    public boolean holds(EventId event, UserId user) {
        return call(() -> redis.sismember(Keys.of(event).users(), user.value()));
    }

    @Override
    public boolean hasPending(EventId event, UserId user) {
        return call(() -> redis.hexists(Keys.of(event).pending(), user.value()));
    }

    /**
     * SSCAN in batches rather than one SMEMBERS, so a big set never blocks Redis for everyone. The
     * scan is not atomic; it is consistent when the event was sold out before and the releases
     * counter did not move during it: no slot was given back, so none could be taken either.
     */
    @Override
    public Optional<SoldOutSnapshot> soldOutSnapshot(EventId event, int capacity, int maxUsers) {
        Keys keys = Keys.of(event);
        return call(() -> {
            List<String> before = redis.mget(keys.count(), keys.releases());
            long count = before.get(0) == null ? 0 : Long.parseLong(before.get(0));
            if (count < capacity || count > maxUsers) {
                return Optional.empty();
            }
            Set<String> users = new HashSet<>((int) (count * 4 / 3) + 1);
            String cursor = ScanParams.SCAN_POINTER_START;
            ScanParams batch = new ScanParams().count(SCAN_BATCH);
            do {
                ScanResult<String> page = redis.sscan(keys.users(), cursor, batch);
                users.addAll(page.getResult());
                cursor = page.getCursor();
            } while (!ScanParams.SCAN_POINTER_START.equals(cursor) && users.size() <= maxUsers);
            String releasesAfter = redis.get(keys.releases());
            if (!Objects.equals(before.get(1), releasesAfter) || users.size() > maxUsers) {
                return Optional.empty();
            }
            long generation = releasesAfter == null ? 0 : Long.parseLong(releasesAfter);
            return Optional.of(new SoldOutSnapshot(generation, Set.copyOf(users)));
        });
    }

    /**
     * One server: it answers PING. A cluster: every master the client knows answers PING, and the
     * cluster says {@code cluster_state:ok} (every slot served), so a master that is down, or a
     * cluster with slots nobody serves, reads as down.
     */
    @Override
    public boolean ping() {
        try {
            if (!"PONG".equals(redis.ping())) {
                return false;
            }
            if (redis instanceof RedisClusterClient cluster) {
                Object info = cluster.sendCommand(Protocol.Command.CLUSTER, "INFO");
                return info instanceof byte[] text
                        && new String(text, StandardCharsets.UTF_8).contains("cluster_state:ok");
            }
            return true;
        } catch (JedisException e) {
            return false;
        }
    }

    @Override
    public void close() {
        redis.close();
    }

    /**
     * Loads the scripts now if Redis answers (on a cluster, on every master); if not, the first
     * call loads them, on the master of its slot.
     */
    private void loadScripts() {
        try {
            for (Script script : List.of(admit, release, decide, restore, expire)) {
                redis.scriptLoad(script.source);
            }
        } catch (JedisException e) {
            log.warn("Redis did not answer at start ({}); the gate will load its scripts on first use", e.getMessage());
        }
    }

    private Object run(Script script, List<String> keys, List<String> args) {
        return call(() -> {
            try {
                return redis.evalsha(script.sha, keys, args);
            } catch (JedisNoScriptException e) {
                // Redis restarted or was flushed: load once more and run again. Loading twice
                // from two threads is harmless (same SHA).
                redis.scriptLoad(script.source, keys.get(0));
                return redis.evalsha(script.sha, keys, args);
            }
        });
    }

    private static <T> T call(RedisCall<T> call) {
        try {
            return call.run();
        } catch (JedisException e) {
            throw new GateUnavailableException("Redis did not answer: " + e.getMessage(), e, replyTimedOut(e));
        }
    }

    /**
     * A read timeout: the command went out and its reply did not come in time, so it may have run.
     * Every other failure (no free connection, no connection at all) happened before anything was sent.
     */
    private static boolean replyTimedOut(Throwable e) {
        for (Throwable cause = e.getCause(); cause != null; cause = cause.getCause()) {
            if (cause instanceof SocketTimeoutException && String.valueOf(cause.getMessage()).contains("Read timed out")) {
                return true;
            }
        }
        // A cluster client that gave up after several tries keeps the last failure as a suppressed one.
        for (Throwable suppressed : e.getSuppressed()) {
            if (suppressed instanceof SocketTimeoutException && String.valueOf(suppressed.getMessage()).contains("Read timed out")
                    || replyTimedOut(suppressed)) {
                return true;
            }
        }
        return false;
    }

    @FunctionalInterface
    private interface RedisCall<T> {
        T run();
    }

    /** The pending request's JSON: the very bytes of its record to coupon-requests ({@link RequestJson}). */
    private static String json(CouponRequest request) {
        return new String(RequestJson.of(request), StandardCharsets.UTF_8);
    }

    private record Keys(String users, String count, String releases, String pending, String returned, String entrants,
            String notDrawn) {

        static Keys of(EventId event) {
            String prefix = "fc:{" + event.value() + "}:";
            return new Keys(prefix + "users", prefix + "count", prefix + "releases", prefix + "pending", prefix + "returned",
                    prefix + "entrants", prefix + "notdrawn");
        }

        /** Every key, in the order the scripts take them (admit and release use the first ones only). */
        List<String> all() {
            return List.of(users, count, releases, pending, returned, entrants, notDrawn);
        }
    }

    private static final class Script {
        final String source;
        final String sha;

        Script(String source) {
            this.source = source;
            this.sha = sha1(source);
        }

        private static String sha1(String text) {
            try {
                byte[] digest = MessageDigest.getInstance("SHA-1").digest(text.getBytes(StandardCharsets.UTF_8));
                return HexFormat.of().formatHex(digest);
            } catch (NoSuchAlgorithmException e) {
                throw new IllegalStateException("SHA-1 is part of every Java runtime", e);
            }
        }
    }
}
