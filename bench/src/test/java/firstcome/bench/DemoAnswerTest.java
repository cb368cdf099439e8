package firstcome.bench;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class DemoAnswerTest {

    @Test
    void readsAWaitlisted202() {
        DemoAnswer answer = DemoAnswer.parse(202,
                "{\"outcome\":\"ACCEPTED\",\"eventId\":\"e\",\"userId\":\"u\",\"position\":101,\"waitlisted\":true}");

        assertThat(answer.key()).isEqualTo("202 ACCEPTED");
        assertThat(answer.waitlisted()).isTrue();
    }

    @Test
    void readsA202WithoutTheFlagAsNotWaitlisted() {
        assertThat(DemoAnswer.parse(202, "{\"outcome\":\"ACCEPTED\",\"position\":3}").waitlisted()).isFalse();
    }

    @Test
    void readsTheStatusesFieldsCouponPlaceAndOrder() {
        DemoAnswer waiting = DemoAnswer.parse(200, "{\"outcome\":\"WAITLISTED\",\"place\":3}");
        DemoAnswer redeemed = DemoAnswer.parse(200, "{\"outcome\":\"REDEEMED\",\"couponNo\":17,\"orderId\":\"o-1\"}");

        assertThat(waiting.is(200, "WAITLISTED")).isTrue();
        assertThat(waiting.place()).isEqualTo(3L);
        assertThat(waiting.couponNo()).isNull();
        assertThat(redeemed.couponNo()).isEqualTo(17);
        assertThat(redeemed.orderId()).isEqualTo("o-1");
        assertThat(redeemed).hasToString("200 {\"outcome\":\"REDEEMED\",\"couponNo\":17,\"orderId\":\"o-1\"}");
    }

    @Test
    void keepsOnlyTheStatusOfABodyThatIsNotJson() {
        DemoAnswer answer = DemoAnswer.parse(502, "<html>Bad gateway</html>");

        assertThat(answer.key()).isEqualTo("502 ?");
        assertThat(answer.is(502, "?")).isTrue();
        assertThat(DemoAnswer.parse(204, "").key()).isEqualTo("204 ?");
        assertThat(DemoAnswer.parse(200, "[1]").key()).isEqualTo("200 ?");
    }
}
