package firstcome.ingress.gate;

import static org.assertj.core.api.Assertions.assertThat;

import firstcome.contract.ActionType;
import firstcome.contract.CouponDecision;
import firstcome.contract.CouponRequest;
import firstcome.contract.EventDefinition;
import firstcome.contract.IssuingOutcome;
import firstcome.contract.query.CouponHolders;
import firstcome.ingress.api.EventId;
import firstcome.ingress.api.Outcome;
import firstcome.ingress.api.UserId;
import firstcome.testkit.Infrastructure;
import firstcome.testkit.InfrastructureExtension;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import redis.clients.jedis.UnifiedJedis;

/**
 * A rebuild after Redis lost an event, on a real Redis and on a Redis Cluster: the processor's users
 * (live holders, waiting users and entrants of a draw not done yet) take their places, its returned
 * users stay applied without one, its entrants are remembered with their requests, and the processor
 * is asked up to the ends of both the requests and the actions partitions.
 */
@ExtendWith(InfrastructureExtension.class)
class GateRebuildIT {

    private static final Instant AT = Instant.parse("2026-11-24T10:00:00Z");

    private final Infrastructure infrastructure;

    GateRebuildIT(Infrastructure infrastructure) {
        this.infrastructure = infrastructure;
    }

    @Nested
    class OnOneServer extends OnRedis {
        OnOneServer() {
            super(GateRedis.STANDALONE);
        }
    }

    @Nested
    class OnACluster extends OnRedis {
        OnACluster() {
            super(GateRedis.CLUSTER);
        }
    }

    abstract class OnRedis {

        private final GateRedis redis;

        OnRedis(GateRedis redis) {
            this.redis = redis;
        }

        @Test
        void restoresTheWaitingAndTheReturnedUsersAskingUpToTheEndsOfRequestsAndActions() throws Exception {
            EventId event = new EventId("rebuild-" + UUID.randomUUID());
            try (RedisGate gate = RedisGate.connect(redis.config(infrastructure))) {
                // given: limit 2 + waitlist 1; an undecided request of this ingress when Redis lost the event
                gate.prime(new EventDefinition(event.value(), 2, AT, null, 1, null), true);
                OwnRequests own = new OwnRequests();
                CouponRequest undecided = new CouponRequest(UUID.randomUUID().toString(), event.value(), "u", AT);
                assertThat(gate.admit(event, new UserId("u"), 3, undecided).outcome()).isEqualTo(Outcome.ACCEPTED);
                own.send(undecided, () -> CompletableFuture.completedFuture(0L)).get(5, TimeUnit.SECONDS);
                try (UnifiedJedis client = redis.client(infrastructure)) {
                    client.del(GateRedis.keysOf(event));
                }
                List<long[]> asked = new java.util.concurrent.CopyOnWriteArrayList<>();
                GateRebuild rebuild = new GateRebuild(gate, own, e -> 7L, e -> 5L, (e, requestsEnd, actionsEnd) -> {
                    asked.add(new long[] {requestsEnd, actionsEnd});
                    return Optional.of(new CouponHolders(e.value(), List.of("holder", "waiting"), List.of("returned")));
                }, Duration.ofSeconds(1), Duration.ofSeconds(5), Runnable::run);

                // when
                long count = rebuild.rebuild(event).get(10, TimeUnit.SECONDS);

                // then: holder + waiting + u take the three places; the returned user is applied
                assertThat(asked).singleElement().satisfies(ends -> assertThat(ends).containsExactly(7L, 5L));
                assertThat(count).isEqualTo(3);
                assertThat(gate.count(event)).isEqualTo(3);
                assertThat(gate.admit(event, new UserId("returned"), 3, request(event, "returned")))
                        .isEqualTo(Gate.Admission.alreadyApplied());
                assertThat(gate.admit(event, new UserId("late"), 3, request(event, "late")).outcome()).isEqualTo(Outcome.SOLD_OUT);

                // and when: the holder returns the coupon after the answer, decided twice
                CouponDecision returned = new CouponDecision("act-1", event.value(), "holder", IssuingOutcome.RETURNED, 1, AT,
                        ActionType.RETURN, null, null);
                gate.follow(event, List.of(returned));
                gate.follow(event, List.of(returned));

                // then: one place back, for the next applicant
                assertThat(gate.count(event)).isEqualTo(2);
                assertThat(gate.admit(event, new UserId("late"), 3, request(event, "late"))).isEqualTo(Gate.Admission.accepted(3));
                assertThat(gate.admit(event, new UserId("holder"), 3, request(event, "holder")))
                        .isEqualTo(Gate.Admission.alreadyApplied());
            }
        }

        @Test
        void restoresTheEntrantsOfADrawNotDoneYetWhomTheDrawThenDecides() throws Exception {
            EventId event = new EventId("rebuild-draw-" + UUID.randomUUID());
            try (RedisGate gate = RedisGate.connect(redis.config(infrastructure))) {
                // given: limit 1, a window with a cap of 5; this ingress's entrant u passed, then Redis lost the event
                gate.prime(new EventDefinition(event.value(), 1, AT, null), true);
                OwnRequests own = new OwnRequests();
                CouponRequest undecided = new CouponRequest(UUID.randomUUID().toString(), event.value(), "u", AT);
                assertThat(gate.admit(event, new UserId("u"), 5, undecided).outcome()).isEqualTo(Outcome.ACCEPTED);
                own.send(undecided, () -> CompletableFuture.completedFuture(0L)).get(5, TimeUnit.SECONDS);
                try (UnifiedJedis client = redis.client(infrastructure)) {
                    client.del(GateRedis.keysOf(event));
                }
                // the processor: e1 and e2 are entrants (IN_DRAW), in its users too
                GateRebuild rebuild = new GateRebuild(gate, own, e -> 3L, e -> 0L, (e, requestsEnd, actionsEnd) ->
                        Optional.of(new CouponHolders(e.value(), List.of("e1", "e2"), List.of(), Map.of("e1", "r-e1", "e2", "r-e2"))),
                        Duration.ofSeconds(1), Duration.ofSeconds(5), Runnable::run);

                // when
                long count = rebuild.rebuild(event).get(10, TimeUnit.SECONDS);

                // then: the two entrants and u hold places, and the entrants are remembered with their requests
                assertThat(count).isEqualTo(3);
                assertThat(gate.entrants(event)).isEqualTo(Map.of("e1", "r-e1", "e2", "r-e2"));
                assertThat(gate.admit(event, new UserId("e1"), 5, request(event, "e1"))).isEqualTo(Gate.Admission.alreadyApplied());
                try (UnifiedJedis client = redis.client(infrastructure)) {
                    assertThat(client.hgetAll("fc:{" + event.value() + "}:entrants")).containsEntry("e2", "r-e2");
                }

                // and when: u's IN_DRAW, then the draw: e2 wins, e1 and u are not drawn
                gate.follow(event, List.of(new CouponDecision(undecided.requestId(), event.value(), "u", IssuingOutcome.IN_DRAW, null, AT)));
                gate.follow(event, List.of(drawn("r-e2", event, "e2", IssuingOutcome.ISSUED, 1), drawn("r-e1", event, "e1",
                        IssuingOutcome.NOT_DRAWN, 2), drawn(undecided.requestId(), event, "u", IssuingOutcome.NOT_DRAWN, 3)));

                // then: the winner keeps the one place; the others may apply again
                assertThat(gate.count(event)).isEqualTo(1);
                assertThat(gate.entrants(event)).isEmpty();
                assertThat(gate.pending(event)).isEmpty();
                assertThat(gate.admit(event, new UserId("e1"), 2, request(event, "e1"))).isEqualTo(Gate.Admission.accepted(2));
            }
        }

        private static CouponDecision drawn(String requestId, EventId event, String user, IssuingOutcome outcome, int rank) {
            return new CouponDecision(requestId, event.value(), user, outcome, outcome == IssuingOutcome.ISSUED ? 1 : null,
                    AT.plusSeconds(10), null, null, null, rank, 3);
        }

        private static CouponRequest request(EventId event, String user) {
            return new CouponRequest(UUID.randomUUID().toString(), event.value(), user, AT);
        }
    }
}
