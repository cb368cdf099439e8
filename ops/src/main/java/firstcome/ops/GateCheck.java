package firstcome.ops;

import firstcome.contract.EventDefinition;
import firstcome.contract.RedisAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.RedisClient;
import redis.clients.jedis.RedisClusterClient;
import redis.clients.jedis.UnifiedJedis;

/**
 * The audit's last pass: the Redis gate against the authority. Once every accepted request and
 * action is decided, the gate of an event must list exactly the users who hold, held or wait for
 * a coupon, and the entrants of its draw not drawn yet ({@code fc:{eventId}:users}), count the live
 * coupons plus the waiting users plus those entrants ({@code fc:{eventId}:count}), remember each such
 * entrant with their request ({@code fc:{eventId}:entrants}) and hold no request that still waits
 * for its decision ({@code fc:{eventId}:pending}). The keys are the ingress's; they are
 * read here, never written. On a Redis Cluster ({@code REDIS_CLUSTER=true}) each event's keys are read
 * from the master of their slot (one hash tag per event), so no read needs every master. A retired event ({@code EVENT_RETENTION} past its end) has no keys
 * by design: it is not compared ({@link #retired}).
 */
final class GateCheck implements AutoCloseable {

    /**
     * What the gate holds for one event; missing keys read as empty. {@code users} are the users
     * applied (holders, waiting users, entrants of the draw not drawn yet, and those who returned
     * their coupon), {@code returned} those who returned it: {@code count} is the places taken, users
     * minus returned. {@code entrants}: the draw's entrants not drawn yet, user → request id.
     */
    record GateState(Set<String> users, long count, Map<String, String> pending, Set<String> returned, Map<String, String> entrants) {

        /** Where no draw has entrants waiting for it. */
        GateState(Set<String> users, long count, Map<String, String> pending, Set<String> returned) {
            this(users, count, pending, returned, Map.of());
        }

        /** Where nobody returned a coupon. */
        GateState(Set<String> users, long count, Map<String, String> pending) {
            this(users, count, pending, Set.of());
        }
    }

    private static final int TIMEOUT_MILLIS = 2_000;

    private final UnifiedJedis redis;

    private GateCheck(UnifiedJedis redis) {
        this.redis = redis;
    }

    /**
     * Connects and asks once (on a cluster, every master), so that an unreachable Redis fails here,
     * with its reason.
     */
    static GateCheck connect(RedisAddress address) {
        UnifiedJedis redis = open(address);
        try {
            String pong = redis.ping();
            if (!"PONG".equals(pong)) {
                throw new IllegalStateException("PING answered " + pong);
            }
            return new GateCheck(redis);
        } catch (RuntimeException e) {
            redis.close();
            throw e;
        }
    }

    private static UnifiedJedis open(RedisAddress address) {
        DefaultJedisClientConfig.Builder client = DefaultJedisClientConfig.builder()
                .connectionTimeoutMillis(TIMEOUT_MILLIS)
                .socketTimeoutMillis(TIMEOUT_MILLIS)
                .database(address.database())
                .ssl(address.tls())
                .clientName("firstcome-audit");
        address.password().ifPresent(password -> client.user(address.user().orElse(null)).password(password));
        if (!address.cluster()) {
            RedisAddress.Node node = address.first();
            return RedisClient.builder().hostAndPort(new HostAndPort(node.host(), node.port())).clientConfig(client.build()).build();
        }
        var seeds = new LinkedHashSet<HostAndPort>();
        address.nodes().forEach(node -> seeds.add(new HostAndPort(node.host(), node.port())));
        return RedisClusterClient.builder().nodes(seeds).clientConfig(client.build()).build();
    }

    GateState read(String eventId) {
        String prefix = "fc:{" + eventId + "}:";
        String count = redis.get(prefix + "count");
        return new GateState(redis.smembers(prefix + "users"), count == null ? 0 : Long.parseLong(count),
                redis.hgetAll(prefix + "pending"), redis.smembers(prefix + "returned"), redis.hgetAll(prefix + "entrants"));
    }

    /**
     * Whether the event's gate keys have expired by design at {@code now}: its retirement
     * ({@code retention} past its end, the later of its closing and its coupons' validity,
     * {@link EventDefinition#retiresAt}) has come. Such an event is not compared with the gate (its
     * coupons still are, with the table).
     */
    static boolean retired(EventDefinition definition, Duration retention, Instant now) {
        return definition != null && definition.retiredAt(retention, now);
    }

    /**
     * Every difference between the gate and the authority for one event, each naming the user, the
     * gate's word and the authority's. The gate lists every user who holds, held or waits for a
     * coupon, marks those who returned theirs, and counts the places: live coupons plus waiting users.
     */
    static List<String> differences(EventAudit authority, GateState gate) {
        String event = authority.eventId();
        Set<String> applied = new TreeSet<>(authority.couponHolders());
        applied.addAll(authority.waitingUsers());
        Map<String, String> entrants = authority.entrantsNotDrawn();
        applied.addAll(entrants.keySet());
        Set<String> returned = authority.returnedUsers();
        List<String> differences = new ArrayList<>();
        for (String user : new TreeSet<>(gate.users())) {
            if (!applied.contains(user)) {
                differences.add("event " + event + ", user " + user + ": the gate holds a place for them, the authority: "
                        + authority.authorityOn(user));
            }
        }
        for (String user : applied) {
            if (!gate.users().contains(user)) {
                differences.add("event " + event + ", user " + user + ": the gate does not list them, the authority: "
                        + authority.authorityOn(user));
            }
        }
        for (String user : new TreeSet<>(gate.returned())) {
            if (!returned.contains(user)) {
                differences.add("event " + event + ", user " + user + ": the gate says they returned their coupon, the authority: "
                        + authority.authorityOn(user));
            }
        }
        for (String user : new TreeSet<>(returned)) {
            if (!gate.returned().contains(user)) {
                differences.add("event " + event + ", user " + user + ": returned their coupon, the gate does not say so");
            }
        }
        for (String user : new TreeSet<>(gate.entrants().keySet())) {
            if (!gate.entrants().get(user).equals(entrants.get(user))) {
                differences.add("event " + event + ", user " + user + ": the gate keeps them as an entrant of the draw (request "
                        + gate.entrants().get(user) + "), the authority: " + authority.authorityOn(user));
            }
        }
        for (String user : new TreeSet<>(entrants.keySet())) {
            if (!gate.entrants().containsKey(user)) {
                differences.add("event " + event + ", user " + user + ": an entrant of the draw not drawn yet (request " + entrants.get(user)
                        + "), the gate does not keep them as one");
            }
        }
        if (gate.count() != authority.gateCount()) {
            differences.add("event " + event + ": the gate counts " + gate.count() + " place(s), the authority "
                    + authority.gateCountInWords());
        }
        for (String user : new TreeSet<>(gate.pending().keySet())) {
            differences.add("event " + event + ", user " + user + ": the gate still waits for the decision of "
                    + gate.pending().get(user) + ", the authority: " + authority.authorityOn(user));
        }
        return differences;
    }

    @Override
    public void close() {
        redis.close();
    }
}
