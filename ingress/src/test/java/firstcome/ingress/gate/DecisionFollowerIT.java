package firstcome.ingress.gate;

import static firstcome.ingress.RunningIngress.assertOutcome;
import static firstcome.ingress.RunningIngress.uniqueEventId;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import firstcome.contract.ActionType;
import firstcome.contract.CouponDecision;
import firstcome.contract.CouponRequest;
import firstcome.contract.IssuingOutcome;
import firstcome.contract.KafkaConnection;
import firstcome.contract.Topics;
import firstcome.ingress.RunningIngress;
import firstcome.ingress.api.EventId;
import firstcome.ingress.api.UserId;
import firstcome.testkit.Infrastructure;
import firstcome.testkit.InfrastructureExtension;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Map;
import java.util.UUID;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import redis.clients.jedis.RedisClient;

/** A running ingress corrects its gate from decisions written to coupon-decisions, as the processor writes them. */
@ExtendWith(InfrastructureExtension.class)
class DecisionFollowerIT {

    @Test
    void settlesFreesAndLearnsFromTheDecisions(Infrastructure infrastructure) throws Exception {
        RunningIngress.createTopics(infrastructure);
        String bootstrap = infrastructure.kafkaBootstrapServers();
        String event = uniqueEventId("follow");
        try (RunningIngress ingress = RunningIngress.start(RunningIngress.config(infrastructure));
                RedisClient redis = RedisClient.create(URI.create(infrastructure.redisUrl()))) {
            // given: two places of two taken, a third user turned away
            ingress.define(event, "{\"limit\": 2}");
            assertOutcome(ingress.apply(event, "a"), 202, "ACCEPTED");
            assertOutcome(ingress.apply(event, "b"), 202, "ACCEPTED");
            assertOutcome(ingress.apply(event, "c"), 410, "SOLD_OUT");
            Map<String, CouponRequest> sent = RunningIngress.requestRecords(bootstrap, event).stream()
                    .map(ConsumerRecord::value)
                    .collect(Collectors.toMap(CouponRequest::userId, Function.identity()));
            assertThat(redis.hlen(key(event, "pending"))).isEqualTo(2);

            // when: a was refused for a reason that can change, b got coupon 1
            RunningIngress.decide(bootstrap,
                    decision(sent.get("a"), IssuingOutcome.NOT_OPEN, null),
                    decision(sent.get("b"), IssuingOutcome.ISSUED, 1));

            // then: both settled, a's place given back
            await("the gate follows the decisions").atMost(Duration.ofSeconds(10))
                    .until(() -> redis.hlen(key(event, "pending")) == 0 && "1".equals(redis.get(key(event, "count"))));
            assertThat(redis.sismember(key(event, "users"), "a")).isFalse();
            assertThat(redis.get(key(event, "releases"))).isEqualTo("1");
            assertOutcome(ingress.apply(event, "c"), 202, "ACCEPTED");

            // and when: the processor issued a coupon the gate never heard of, and a's decision comes again
            CouponRequest elsewhere = new CouponRequest("r-elsewhere", event, "stranger", sent.get("a").receivedAt());
            RunningIngress.decide(bootstrap,
                    decision(elsewhere, IssuingOutcome.ISSUED, 2),
                    decision(sent.get("a"), IssuingOutcome.NOT_OPEN, null));

            // then: the holder is learned, the repeat changes nothing
            await("the holder learned").atMost(Duration.ofSeconds(10))
                    .until(() -> redis.sismember(key(event, "users"), "stranger"));
            assertThat(redis.get(key(event, "count"))).isEqualTo("3");
            assertThat(redis.get(key(event, "releases"))).isEqualTo("1");
            assertOutcome(ingress.apply(event, "stranger"), 409, "ALREADY_APPLIED");
        }
    }

    @Test
    void givesAReturnedCouponsPlaceBackOnceAndKeepsItsUserApplied(Infrastructure infrastructure) throws Exception {
        RunningIngress.createTopics(infrastructure);
        String bootstrap = infrastructure.kafkaBootstrapServers();
        String event = uniqueEventId("returned");
        try (RedisClient redis = RedisClient.create(URI.create(infrastructure.redisUrl()))) {
            Map<String, CouponRequest> sent;
            try (RunningIngress ingress = RunningIngress.start(RunningIngress.config(infrastructure))) {
                // given: both coupons issued, the event sold out (the short-cut has a copy)
                ingress.define(event, "{\"limit\": 2}");
                assertOutcome(ingress.apply(event, "a"), 202, "ACCEPTED");
                assertOutcome(ingress.apply(event, "b"), 202, "ACCEPTED");
                sent = RunningIngress.requestRecords(bootstrap, event).stream()
                        .map(ConsumerRecord::value)
                        .collect(Collectors.toMap(CouponRequest::userId, Function.identity()));
                RunningIngress.decide(bootstrap,
                        decision(sent.get("a"), IssuingOutcome.ISSUED, 1),
                        decision(sent.get("b"), IssuingOutcome.ISSUED, 2));
                await("settled").atMost(Duration.ofSeconds(10)).until(() -> redis.hlen(key(event, "pending")) == 0);
                assertOutcome(ingress.apply(event, "c"), 410, "SOLD_OUT");
                assertOutcome(ingress.apply(event, "c"), 410, "SOLD_OUT");

                // when: a's return is decided three times (the shop repeated it: a second action, and a re-delivery)
                CouponDecision returned = returned(event, "a", "act-1");
                RunningIngress.decide(bootstrap, returned, returned, returned(event, "a", "act-2"));

                // then: one place went back, a stays applied, and the next applicant gets the place
                await("the return followed").atMost(Duration.ofSeconds(10))
                        .until(() -> redis.sismember(key(event, "returned"), "a"));
                assertThat(redis.get(key(event, "count"))).isEqualTo("1");
                assertThat(redis.get(key(event, "releases"))).isEqualTo("1");
                assertOutcome(ingress.apply(event, "a"), 409, "ALREADY_APPLIED");
                await("the sold-out short-cut lets the next applicant through").atMost(Duration.ofSeconds(10))
                        .until(() -> ingress.apply(event, "c").statusCode() == 202);
                assertOutcome(ingress.apply(event, "d"), 410, "SOLD_OUT");
                RunningIngress.decide(bootstrap, decision(RunningIngress.requestRecords(bootstrap, event).stream()
                        .map(ConsumerRecord::value).filter(request -> request.userId().equals("c")).findFirst().orElseThrow(),
                        IssuingOutcome.ISSUED, 3));
                await("c settled").atMost(Duration.ofSeconds(10)).until(() -> redis.hlen(key(event, "pending")) == 0);
            }

            // and when: another ingress starts alone and reads every decision of its look-back again, then a waiting user's
            try (RunningIngress second = RunningIngress.start(RunningIngress.config(infrastructure))) {
                RunningIngress.decide(bootstrap, decision(new CouponRequest("r-waiting", event, "waiting",
                        sent.get("a").receivedAt()), IssuingOutcome.WAITLISTED, null));

                // then: the return read again changes nothing; the waiting user takes a place
                await("the other ingress followed").atMost(Duration.ofSeconds(20))
                        .until(() -> redis.sismember(key(event, "users"), "waiting"));
                assertThat(redis.get(key(event, "count"))).as("b, c and the waiting user").isEqualTo("3");
                assertThat(redis.get(key(event, "releases"))).isEqualTo("1");
                assertOutcome(second.apply(event, "a"), 409, "ALREADY_APPLIED");
            }
        }
    }

    @Test
    void keepsTheEntrantsOfADrawAndFreesOnlyThoseNotDrawnEvenWhenAnotherIngressReadsItAllAgain(Infrastructure infrastructure)
            throws Exception {
        RunningIngress.createTopics(infrastructure);
        String bootstrap = infrastructure.kafkaBootstrapServers();
        String event = uniqueEventId("draw");
        try (RedisClient redis = RedisClient.create(URI.create(infrastructure.redisUrl()))) {
            Map<String, CouponRequest> sent;
            try (RunningIngress ingress = RunningIngress.start(RunningIngress.config(infrastructure))) {
                // given: a and b passed the gate (as entrants of a draw would)
                ingress.define(event, "{\"limit\": 2}");
                assertOutcome(ingress.apply(event, "a"), 202, "ACCEPTED");
                assertOutcome(ingress.apply(event, "b"), 202, "ACCEPTED");
                sent = RunningIngress.requestRecords(bootstrap, event).stream()
                        .map(ConsumerRecord::value)
                        .collect(Collectors.toMap(CouponRequest::userId, Function.identity()));

                // when: the processor reads both inside the window
                RunningIngress.decide(bootstrap, decision(sent.get("a"), IssuingOutcome.IN_DRAW, null),
                        decision(sent.get("b"), IssuingOutcome.IN_DRAW, null));

                // then: settled, places kept, remembered as entrants
                await("the entrants remembered").atMost(Duration.ofSeconds(10))
                        .until(() -> redis.hlen(key(event, "entrants")) == 2);
                assertThat(redis.hlen(key(event, "pending"))).isZero();
                assertThat(redis.get(key(event, "count"))).isEqualTo("2");
                assertThat(redis.hget(key(event, "entrants"), "a")).isEqualTo(sent.get("a").requestId());

                // and when: the draw issues b's coupon and does not draw a
                RunningIngress.decide(bootstrap, drawn(sent.get("b"), IssuingOutcome.ISSUED, 1),
                        drawn(sent.get("a"), IssuingOutcome.NOT_DRAWN, 2));

                // then: a's place is free, a may apply again (first-come, after the draw)
                await("a's place given back").atMost(Duration.ofSeconds(10))
                        .until(() -> !redis.sismember(key(event, "users"), "a"));
                assertThat(redis.hlen(key(event, "entrants"))).isZero();
                assertThat(redis.get(key(event, "count"))).isEqualTo("1");
                assertThat(redis.get(key(event, "releases"))).isEqualTo("1");
                assertOutcome(ingress.apply(event, "a"), 202, "ACCEPTED");
            }

            // and when: another ingress starts alone and reads every decision of its look-back again, then a stranger's IN_DRAW
            try (RunningIngress second = RunningIngress.start(RunningIngress.config(infrastructure))) {
                RunningIngress.decide(bootstrap, decision(new CouponRequest("r-stranger", event, "stranger",
                        sent.get("a").receivedAt()), IssuingOutcome.IN_DRAW, null));

                // then: a keeps the new place, nothing is freed twice; the stranger is learned as an entrant
                await("the other ingress followed").atMost(Duration.ofSeconds(20))
                        .until(() -> redis.sismember(key(event, "users"), "stranger"));
                assertThat(redis.sismember(key(event, "users"), "a")).isTrue();
                assertThat(redis.get(key(event, "count"))).as("b, a again and the stranger").isEqualTo("3");
                assertThat(redis.get(key(event, "releases"))).isEqualTo("1");
                assertThat(redis.hgetAll(key(event, "entrants"))).isEqualTo(Map.of("stranger", "r-stranger"));
                assertOutcome(second.apply(event, "a"), 409, "ALREADY_APPLIED");
            }
        }
    }

    private static CouponDecision drawn(CouponRequest request, IssuingOutcome outcome, int rank) {
        return new CouponDecision(request.requestId(), request.eventId(), request.userId(), outcome,
                outcome == IssuingOutcome.ISSUED ? 1 : null, request.receivedAt(), null, null, null, rank, 2);
    }

    private static CouponDecision returned(String event, String user, String actionId) {
        return new CouponDecision(actionId, event, user, IssuingOutcome.RETURNED, 1, Instant.now().truncatedTo(ChronoUnit.MILLIS),
                ActionType.RETURN, null, null);
    }

    @Test
    void followsOnAfterAFailureNobodyForesaw(Infrastructure infrastructure) {
        RunningIngress.createTopics(infrastructure);
        String bootstrap = infrastructure.kafkaBootstrapServers();
        EventId event = new EventId(uniqueEventId("survive"));
        FakeGate gate = new FakeGate();
        gate.created(event);
        CouponRequest first = admitted(gate, event, "a");
        CouponRequest second = admitted(gate, event, "b");
        gate.nextFollowFails.set(new IllegalStateException("a failure nobody foresaw"));
        try (var follower = new DecisionFollower(KafkaConnection.plain(bootstrap), Topics.standard().decisions(), gate, new OwnRequests(),
                Duration.ofMinutes(1), Clock.systemUTC(), new SimpleMeterRegistry())) {
            follower.start();

            // when: applying a batch fails unexpectedly, and a decision comes after it
            RunningIngress.decide(bootstrap, decision(first, IssuingOutcome.ISSUED, 1));
            await("the failure happened").atMost(Duration.ofSeconds(10))
                    .until(() -> gate.nextFollowFails.get() == null);
            RunningIngress.decide(bootstrap, decision(second, IssuingOutcome.ISSUED, 2));

            // then: the follower is still following and settles the later decision
            await("the later decision settled").atMost(Duration.ofSeconds(10))
                    .until(() -> gate.pending(event).stream().noneMatch(request -> request.equals(second)));
        }
    }

    private static CouponRequest admitted(FakeGate gate, EventId event, String user) {
        CouponRequest request = new CouponRequest(UUID.randomUUID().toString(), event.value(), user,
                Instant.now().truncatedTo(ChronoUnit.MILLIS));
        gate.admit(event, new UserId(user), 10, request);
        return request;
    }

    private static CouponDecision decision(CouponRequest request, IssuingOutcome outcome, Integer couponNo) {
        return new CouponDecision(request.requestId(), request.eventId(), request.userId(), outcome, couponNo,
                request.receivedAt());
    }

    private static String key(String event, String name) {
        return "fc:{" + event + "}:" + name;
    }
}
