package firstcome.ingress.gate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import firstcome.contract.ActionType;
import firstcome.contract.CouponDecision;
import firstcome.contract.CouponRequest;
import firstcome.contract.EventDefinition;
import firstcome.contract.IssuingOutcome;
import firstcome.ingress.IngressConfig;
import firstcome.ingress.RunningIngress;
import firstcome.ingress.api.EventId;
import firstcome.ingress.api.UserId;
import firstcome.ingress.catalog.EventCatalog;
import firstcome.ingress.kafka.FakePublisher;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import firstcome.testkit.Infrastructure;
import firstcome.testkit.InfrastructureExtension;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import redis.clients.jedis.RedisClient;

/**
 * Every key the gate writes on the testkit's Redis expires at the event's retirement instant, and is
 * gone after it; the expiry moves with the event's closing.
 */
@ExtendWith(InfrastructureExtension.class)
class GateExpiryIT {

    private final RedisClient redis;
    private final RedisGate gate;
    /** The retirement instant the gate is told for every event; empty: never. */
    private final AtomicReference<Optional<Instant>> retiresAt = new AtomicReference<>(Optional.empty());

    GateExpiryIT(Infrastructure infrastructure) {
        this.redis = RedisClient.create(URI.create(infrastructure.redisUrl()));
        this.gate = RedisGate.connect(IngressConfig.fromEnv(Map.of("REDIS_URL", infrastructure.redisUrl())))
                .expireBy(event -> retiresAt.get());
    }

    @AfterEach
    void close() {
        gate.close();
        redis.close();
    }

    @Test
    void everyKeyWrittenExpiresAtTheRetirementAndIsGoneAfterIt() {
        // given: an event retiring in three seconds
        EventId event = uniqueEvent();
        Instant retirement = Instant.now().plusSeconds(3).truncatedTo(ChronoUnit.MILLIS);
        retiresAt.set(Optional.of(retirement));
        gate.prime(definition(event), true);

        // when: two users pass, one place is given back (the release counter is created), one is decided
        CouponRequest a = admit(event, "a");
        admit(event, "b");
        gate.release(event, new UserId("b"));
        admit(event, "c");

        // then
        for (String key : keys(event)) {
            assertThat(redis.exists(key)).as("%s exists", key).isTrue();
            assertThat(redis.pexpireTime(key)).as("expiry of %s", key).isEqualTo(retirement.toEpochMilli());
        }
        gate.follow(event, List.of(decision(a)));
        assertThat(redis.pexpireTime(key(event, "users"))).isEqualTo(retirement.toEpochMilli());
        await("the keys expired").atMost(Duration.ofSeconds(10))
                .until(() -> keys(event).stream().noneMatch(redis::exists));
        assertThat(gate.knows(event)).isFalse();
    }

    @Test
    void aRebuiltEventsKeysExpireAtItsRetirementToo() {
        EventId event = uniqueEvent();
        Instant retirement = Instant.now().plus(Duration.ofHours(1)).truncatedTo(ChronoUnit.MILLIS);
        retiresAt.set(Optional.of(retirement));

        gate.restore(event, List.of("h1", "h2"), List.of(request(event, "u")));

        for (String key : keys(event)) {
            assertThat(redis.pexpireTime(key)).as("expiry of %s", key).isEqualTo(retirement.toEpochMilli());
        }
    }

    @Test
    void theReturnedUsersOfAnEventExpireAtItsRetirementAndMoveWithIt() {
        // given
        EventId event = uniqueEvent();
        Instant retirement = Instant.now().plus(Duration.ofHours(1)).truncatedTo(ChronoUnit.MILLIS);
        retiresAt.set(Optional.of(retirement));
        gate.prime(definition(event), true);
        CouponRequest a = admit(event, "a");
        gate.follow(event, List.of(decision(a)));

        // when: a returns the coupon
        gate.follow(event, List.of(new CouponDecision(UUID.randomUUID().toString(), event.value(), "a", IssuingOutcome.RETURNED, 1,
                Instant.now(), ActionType.RETURN, null, null)));

        // then
        for (String key : List.of(key(event, "users"), key(event, "count"), key(event, "releases"), key(event, "returned"))) {
            assertThat(redis.pexpireTime(key)).as("expiry of %s", key).isEqualTo(retirement.toEpochMilli());
        }
        Instant later = retirement.plus(Duration.ofHours(1));
        retiresAt.set(Optional.of(later));
        gate.expire(event);
        assertThat(redis.pexpireTime(key(event, "returned"))).isEqualTo(later.toEpochMilli());

        // and a rebuild writes it with the same expiry
        EventId rebuilt = uniqueEvent();
        gate.restore(rebuilt, List.of("h1"), List.of("r1"), List.of());
        assertThat(redis.pexpireTime(key(rebuilt, "returned"))).isEqualTo(later.toEpochMilli());
    }

    @Test
    void theEntrantsAndTheDrawnOutOfADrawExpireAtTheRetirementAndMoveWithIt() {
        // given
        EventId event = uniqueEvent();
        Instant retirement = Instant.now().plus(Duration.ofHours(1)).truncatedTo(ChronoUnit.MILLIS);
        retiresAt.set(Optional.of(retirement));
        gate.prime(definition(event), true);
        CouponRequest a = admit(event, "a");
        CouponRequest b = admit(event, "b");

        // when: both enter the draw, a is not drawn
        gate.follow(event, List.of(inDraw(a), inDraw(b)));
        gate.follow(event, List.of(new CouponDecision(a.requestId(), event.value(), "a", IssuingOutcome.NOT_DRAWN, null,
                Instant.now(), null, null, null, 2, 2)));

        // then
        for (String key : List.of(key(event, "entrants"), key(event, "notdrawn"))) {
            assertThat(redis.exists(key)).as("%s exists", key).isTrue();
            assertThat(redis.pexpireTime(key)).as("expiry of %s", key).isEqualTo(retirement.toEpochMilli());
        }
        Instant later = retirement.plus(Duration.ofHours(1));
        retiresAt.set(Optional.of(later));
        gate.expire(event);
        assertThat(redis.pexpireTime(key(event, "entrants"))).isEqualTo(later.toEpochMilli());
        assertThat(redis.pexpireTime(key(event, "notdrawn"))).isEqualTo(later.toEpochMilli());

        // and a rebuild writes the entrants with the same expiry
        EventId rebuilt = uniqueEvent();
        gate.restore(rebuilt, List.of("e1"), List.of(), Map.of("e1", "r-e1"), List.of());
        assertThat(redis.pexpireTime(key(rebuilt, "entrants"))).isEqualTo(later.toEpochMilli());
    }

    @Test
    void theExpiryMovesWithTheClosingAndGoesWhenTheEventNoLongerCloses() {
        EventId event = uniqueEvent();
        retiresAt.set(Optional.of(Instant.now().plus(Duration.ofHours(1)).truncatedTo(ChronoUnit.MILLIS)));
        gate.prime(definition(event), true);
        admit(event, "a");

        Instant later = Instant.now().plus(Duration.ofDays(3)).truncatedTo(ChronoUnit.MILLIS);
        retiresAt.set(Optional.of(later));
        gate.expire(event);
        assertThat(redis.pexpireTime(key(event, "count"))).isEqualTo(later.toEpochMilli());
        assertThat(redis.pexpireTime(key(event, "users"))).isEqualTo(later.toEpochMilli());

        retiresAt.set(Optional.empty());
        gate.expire(event);
        assertThat(redis.pttl(key(event, "count"))).as("no expiry").isEqualTo(-1);
        assertThat(redis.pttl(key(event, "users"))).as("no expiry").isEqualTo(-1);
    }

    @Test
    void aSweepOfTheReconcilerPutsAStaleOrMissingExpiryBackAtTheRetirement() {
        // given: an event closing in an hour, its keys' expiry set back (a stale admission) or lost
        // (a count primed without its expiry)
        EventId event = uniqueEvent();
        Instant closesAt = Instant.now().plus(Duration.ofHours(1)).truncatedTo(ChronoUnit.MILLIS);
        var catalog = new EventCatalog();
        catalog.apply(event.value(), new EventDefinition(event.value(), 10, Instant.now().minusSeconds(60), closesAt), 0);
        catalog.markLoaded();
        Instant retirement = catalog.retiresAt(event).orElseThrow();
        retiresAt.set(Optional.of(retirement));
        gate.prime(catalog.find(event).orElseThrow(), true);
        admit(event, "a");
        redis.pexpireAt(key(event, "users"), Instant.now().plusSeconds(600).toEpochMilli());
        redis.persist(key(event, "count"));
        redis.persist(key(event, "pending"));

        // when
        new GateReconciler(catalog, gate, new FakePublisher(), new OwnRequests(), lost -> { }, Duration.ofSeconds(5),
                new SimpleMeterRegistry(), System::nanoTime).sweep();

        // then
        for (String key : List.of(key(event, "users"), key(event, "count"), key(event, "pending"))) {
            assertThat(redis.pexpireTime(key)).as("expiry of %s", key).isEqualTo(retirement.toEpochMilli());
        }
    }

    @Test
    void theKeysOfAnEventWhoseCouponsOutliveItsClosingExpireTheRetentionPastTheirValidity() {
        // given: the catalog's word, as the ingress wires it: closing in an hour, coupons valid for 30 days
        EventId event = uniqueEvent();
        Instant closesAt = Instant.now().plus(Duration.ofHours(1)).truncatedTo(ChronoUnit.MILLIS);
        Instant validUntil = closesAt.plus(Duration.ofDays(30));
        var catalog = new EventCatalog();
        var definition = new EventDefinition(event.value(), 10, Instant.now().minusSeconds(60), closesAt, 0, validUntil);
        catalog.apply(event.value(), definition, 0);
        retiresAt.set(catalog.retiresAt(event));

        // when
        gate.prime(definition, true);
        admit(event, "a");

        // then: a redeem or return after the closing's retirement still finds the gate's keys
        Instant retirement = validUntil.plus(catalog.retirement().retention());
        assertThat(retiresAt.get()).contains(retirement);
        for (String key : List.of(key(event, "users"), key(event, "count"), key(event, "pending"))) {
            assertThat(redis.pexpireTime(key)).as("expiry of %s", key).isEqualTo(retirement.toEpochMilli());
        }
    }

    @Test
    void theKeysOfAnEventThatNeverClosesNeverExpire() {
        EventId event = uniqueEvent();
        gate.prime(definition(event), true);

        admit(event, "a");

        assertThat(redis.pttl(key(event, "count"))).isEqualTo(-1);
        assertThat(redis.pttl(key(event, "users"))).isEqualTo(-1);
        assertThat(redis.pttl(key(event, "pending"))).isEqualTo(-1);
    }

    private CouponRequest admit(EventId event, String user) {
        CouponRequest request = request(event, user);
        assertThat(gate.admit(event, new UserId(user), 10, request).outcome().name()).isEqualTo("ACCEPTED");
        return request;
    }

    private static CouponRequest request(EventId event, String user) {
        return new CouponRequest(UUID.randomUUID().toString(), event.value(), user, Instant.now());
    }

    private static CouponDecision decision(CouponRequest request) {
        return new CouponDecision(request.requestId(), request.eventId(), request.userId(), IssuingOutcome.ISSUED, 1,
                request.receivedAt());
    }

    private static CouponDecision inDraw(CouponRequest request) {
        return new CouponDecision(request.requestId(), request.eventId(), request.userId(), IssuingOutcome.IN_DRAW, null,
                request.receivedAt());
    }

    private static EventDefinition definition(EventId event) {
        return new EventDefinition(event.value(), 10, Instant.now().minusSeconds(60), null);
    }

    private static EventId uniqueEvent() {
        return new EventId(RunningIngress.uniqueEventId("expiry"));
    }

    private static List<String> keys(EventId event) {
        return List.of(key(event, "users"), key(event, "count"), key(event, "releases"), key(event, "pending"));
    }

    private static String key(EventId event, String name) {
        return "fc:{" + event.value() + "}:" + name;
    }
}
