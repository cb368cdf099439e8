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
 * (live holders and waiting users) take their places, its returned users stay applied without one,
 * and the processor is asked up to the ends of both the requests and the actions partitions.
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

        private static CouponRequest request(EventId event, String user) {
            return new CouponRequest(UUID.randomUUID().toString(), event.value(), user, AT);
        }
    }
}
