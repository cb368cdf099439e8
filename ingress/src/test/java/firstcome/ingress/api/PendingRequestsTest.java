package firstcome.ingress.api;

import static firstcome.ingress.ApiFixture.apply;
import static org.assertj.core.api.Assertions.assertThat;

import firstcome.contract.CouponDecision;
import firstcome.contract.CouponRequest;
import firstcome.contract.IssuingOutcome;
import firstcome.ingress.ApiFixture;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The apply route keeps a request pending at the gate until its decision comes back, never for a refusal. */
class PendingRequestsTest {

    private final ApiFixture api = new ApiFixture();
    private final EventId event = new EventId("e1");

    @Test
    void keepsTheRequestPendingAfterKafkaAcknowledgedItUntilItsDecisionComesBack() {
        api.defineOpen("e1", 10);
        api.test((server, client) -> {
            assertThat(apply(client, "e1", "u1").code()).isEqualTo(202);

            CouponRequest sent = api.publisher.requests.get(0).value();
            assertThat(api.gate.pending(event)).containsExactly(sent);
            assertThat(api.own.undecided(event)).containsExactly(sent);
            assertThat(api.own.inFlight(sent.requestId())).as("acknowledged").isFalse();

            api.gate.follow(event, List.of(new CouponDecision(sent.requestId(), "e1", "u1", IssuingOutcome.ISSUED, 1,
                    sent.receivedAt())));
            assertThat(api.gate.pending(event)).isEmpty();
            assertThat(api.gate.count(event)).isEqualTo(1);
        });
    }

    @Test
    void keepsNothingPendingWhenKafkaRefusesTheRequest() {
        api.defineOpen("e1", 10);
        api.publisher.failing = true;
        api.test((server, client) -> {
            assertThat(apply(client, "e1", "u1").code()).isEqualTo(503);

            assertThat(api.gate.pending(event)).isEmpty();
            assertThat(api.gate.count(event)).isZero();
        });
    }

    @Test
    void keepsTheRequestPendingWithItsPlaceWhenKafkaMayHaveIt() {
        api.defineOpen("e1", 10);
        api.publisher.timingOut = true;
        api.test((server, client) -> {
            assertThat(apply(client, "e1", "u1").code()).isEqualTo(503);

            assertThat(api.gate.pending(event)).extracting(CouponRequest::userId).containsExactly("u1");
            assertThat(api.gate.count(event)).isEqualTo(1);
        });
    }

    @Test
    void keepsNothingPendingForARefusal() {
        api.defineOpen("e1", 1);
        api.test((server, client) -> {
            apply(client, "e1", "winner");
            assertThat(apply(client, "e1", "winner").code()).isEqualTo(409);
            assertThat(apply(client, "e1", "late").code()).isEqualTo(410);

            assertThat(api.gate.pending(event)).extracting(CouponRequest::userId).containsExactly("winner");
        });
    }
}
