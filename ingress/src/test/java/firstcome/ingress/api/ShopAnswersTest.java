package firstcome.ingress.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import firstcome.contract.ActionType;
import firstcome.contract.CouponAction;
import firstcome.contract.CouponDecision;
import firstcome.contract.IssuingOutcome;
import firstcome.contract.Json;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Every row of docs/lifecycle.md's table: the decision of an action as the shop route's answer. */
class ShopAnswersTest {

    private static final Instant AT = Instant.parse("2026-11-24T10:00:00Z");
    private static final Instant VALID_UNTIL = Instant.parse("2026-12-24T10:00:00Z");

    @ParameterizedTest(name = "{0} decided {1} -> {2} {3}")
    @CsvSource(delimiter = '|', textBlock = """
            REDEEM   | REDEEMED         | 200 | {"outcome":"REDEEMED","couponNo":17,"orderId":"o-1"}
            REDEEM   | EXPIRED          | 410 | EXPIRED
            REDEEM   | NOT_ISSUED       | 409 | NOT_ISSUED
            REDEEM   | UNKNOWN_EVENT    | 404 | UNKNOWN_EVENT
            UNREDEEM | ISSUED           | 200 | {"outcome":"ISSUED","couponNo":17}
            UNREDEEM | EXPIRED          | 200 | {"outcome":"EXPIRED","couponNo":17}
            UNREDEEM | NOT_REDEEMED     | 409 | NOT_REDEEMED
            UNREDEEM | NOT_ISSUED       | 409 | NOT_ISSUED
            UNREDEEM | UNKNOWN_EVENT    | 404 | UNKNOWN_EVENT
            RETURN   | RETURNED         | 200 | {"outcome":"RETURNED","couponNo":17}
            RETURN   | NOT_ISSUED       | 409 | NOT_ISSUED
            RETURN   | UNKNOWN_EVENT    | 404 | UNKNOWN_EVENT
            """)
    void answersEachDecisionAsTheTableSays(ActionType type, IssuingOutcome outcome, int status, String expected) throws Exception {
        CouponAction action = action(type);
        Integer couponNo = outcome == IssuingOutcome.NOT_ISSUED || outcome == IssuingOutcome.UNKNOWN_EVENT ? null : 17;
        String orderId = outcome == IssuingOutcome.REDEEMED ? "o-1" : null;
        var decision = new CouponDecision(action.actionId(), "e1", "u1", outcome, couponNo, AT, type, orderId, null);

        Answer answer = ShopAnswers.of(action, decision);

        assertThat(answer.status()).isEqualTo(status);
        JsonNode body = Json.mapper().valueToTree(answer.body());
        if (status == 200) {
            assertThat(body).isEqualTo(Json.mapper().readTree(expected));
        } else {
            assertThat(body.get("outcome").asText()).isEqualTo(expected);
            assertThat(body.get("message").asText()).isNotBlank();
            assertThat(body.size()).isEqualTo(2);
        }
    }

    @Test
    void namesTheOrderThatHoldsTheCouponWhenItIsRedeemedElsewhere() {
        for (ActionType type : new ActionType[] {ActionType.REDEEM, ActionType.RETURN}) {
            CouponAction action = action(type);
            var decision = new CouponDecision(action.actionId(), "e1", "u1", IssuingOutcome.ALREADY_REDEEMED, 17, AT, type, "o-other", null);

            Answer answer = ShopAnswers.of(action, decision);

            assertThat(answer.status()).isEqualTo(409);
            JsonNode body = Json.mapper().valueToTree(answer.body());
            assertThat(body.get("outcome").asText()).isEqualTo("ALREADY_REDEEMED");
            assertThat(body.get("orderId").asText()).isEqualTo("o-other");
            assertThat(body.get("message").asText()).contains("o-other");
        }
    }

    @Test
    void givesTheValidityWithACancelledRedemptionOnly() throws Exception {
        CouponAction unredeem = action(ActionType.UNREDEEM);
        CouponAction redeem = action(ActionType.REDEEM);

        Answer issued = ShopAnswers.of(unredeem, new CouponDecision(unredeem.actionId(), "e1", "u1", IssuingOutcome.ISSUED, 17, AT,
                ActionType.UNREDEEM, null, VALID_UNTIL));
        Answer redeemed = ShopAnswers.of(redeem, new CouponDecision(redeem.actionId(), "e1", "u1", IssuingOutcome.REDEEMED, 17, AT,
                ActionType.REDEEM, "o-1", VALID_UNTIL));
        Answer expired = ShopAnswers.of(redeem, new CouponDecision(redeem.actionId(), "e1", "u1", IssuingOutcome.EXPIRED, 17, AT,
                ActionType.REDEEM, null, VALID_UNTIL));

        assertThat(Json.mapper().valueToTree(issued.body()).toString())
                .isEqualTo("{\"outcome\":\"ISSUED\",\"couponNo\":17,\"validUntil\":\"2026-12-24T10:00:00Z\"}");
        assertThat(Json.mapper().valueToTree(redeemed.body()).toString())
                .isEqualTo("{\"outcome\":\"REDEEMED\",\"couponNo\":17,\"orderId\":\"o-1\"}");
        assertThat(Json.mapper().<JsonNode>valueToTree(expired.body()).get("message").asText()).contains(VALID_UNTIL.toString());
    }

    private static CouponAction action(ActionType type) {
        return new CouponAction("a-" + type, "e1", "u1", type, type == ActionType.RETURN ? null : "o-1", null, AT);
    }
}
