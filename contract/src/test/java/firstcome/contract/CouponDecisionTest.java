package firstcome.contract;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import org.junit.jupiter.api.Test;

class CouponDecisionTest {

    private static final Instant AT = Instant.parse("2026-11-24T10:00:00.123Z");
    private final Topic<CouponDecision> topic = Topics.standard().decisions();

    @Test
    void writesAnIssuedDecisionWithItsCouponAndARefusalWithout() {
        var issued = new CouponDecision("r-1", "spring-sale", "u-42", IssuingOutcome.ISSUED, 17, AT);
        var refused = new CouponDecision("r-2", "spring-sale", "u-43", IssuingOutcome.SOLD_OUT, null, AT);

        assertThat(json(issued)).isEqualTo("{\"requestId\":\"r-1\",\"eventId\":\"spring-sale\",\"userId\":\"u-42\","
                + "\"outcome\":\"ISSUED\",\"couponNo\":17,\"decidedAt\":\"2026-11-24T10:00:00.123Z\"}");
        assertThat(json(refused)).isEqualTo("{\"requestId\":\"r-2\",\"eventId\":\"spring-sale\",\"userId\":\"u-43\","
                + "\"outcome\":\"SOLD_OUT\",\"decidedAt\":\"2026-11-24T10:00:00.123Z\"}");
        assertThat(topic.valueSerde().deserializer().deserialize("t", json(issued).getBytes(UTF_8))).isEqualTo(issued);
    }

    @Test
    void freesThePlaceOnlyForRefusalsThatCanChange() {
        for (IssuingOutcome outcome : IssuingOutcome.values()) {
            if (!outcome.isRequestOutcome()) {
                continue;
            }
            boolean holds = outcome == IssuingOutcome.ISSUED || outcome == IssuingOutcome.DUPLICATE;
            var decision = new CouponDecision("r", "e", "u", outcome, holds ? 1 : null, AT);

            assertThat(decision.freesThePlace()).as("%s frees the place", outcome)
                    .isEqualTo(!holds && outcome != IssuingOutcome.WAITLISTED && outcome != IssuingOutcome.IN_DRAW);
            assertThat(decision.holdsCoupon()).as("%s holds a coupon", outcome).isEqualTo(holds);
        }
    }

    @Test
    void writesAnActionsDecisionWithItsActionAndOrderAndNeverFreesAPlace() {
        var redeemed = new CouponDecision("a-1", "spring-sale", "u-42", IssuingOutcome.REDEEMED, 17, AT,
                ActionType.REDEEM, "o-1", null);
        var returned = new CouponDecision("a-2", "spring-sale", "u-42", IssuingOutcome.RETURNED, 17, AT,
                ActionType.RETURN, null, null);

        assertThat(json(redeemed)).isEqualTo("{\"requestId\":\"a-1\",\"eventId\":\"spring-sale\",\"userId\":\"u-42\","
                + "\"outcome\":\"REDEEMED\",\"couponNo\":17,\"decidedAt\":\"2026-11-24T10:00:00.123Z\","
                + "\"action\":\"REDEEM\",\"orderId\":\"o-1\"}");
        assertThat(topic.valueSerde().deserializer().deserialize("t", json(redeemed).getBytes(UTF_8))).isEqualTo(redeemed);
        assertThat(redeemed.freesThePlace()).isFalse();
        assertThat(redeemed.holdsCoupon()).isFalse();
        assertThat(redeemed.returnsCoupon()).isFalse();
        assertThat(returned.returnsCoupon()).isTrue();
        assertThat(returned.freesThePlace()).isFalse();
    }

    @Test
    void refusesAnOutcomeOfTheOtherKind() {
        assertThatThrownBy(() -> new CouponDecision("r", "e", "u", IssuingOutcome.REDEEMED, 1, AT))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("not a request's outcome");
        assertThatThrownBy(() -> new CouponDecision("a", "e", "u", IssuingOutcome.SOLD_OUT, null, AT, ActionType.RETURN, null, null))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("not an action's outcome");
    }

    @Test
    void refusesACouponNumberWithoutACouponAndNoneWithOne() {
        assertThatThrownBy(() -> new CouponDecision("r", "e", "u", IssuingOutcome.ISSUED, null, AT))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("couponNo");
        assertThatThrownBy(() -> new CouponDecision("r", "e", "u", IssuingOutcome.NOT_OPEN, 3, AT))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("couponNo");
    }

    private String json(CouponDecision decision) {
        return new String(topic.valueSerde().serializer().serialize("t", decision), UTF_8);
    }
}
