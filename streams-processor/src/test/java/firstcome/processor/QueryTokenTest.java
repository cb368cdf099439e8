package firstcome.processor;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import java.util.Optional;
import org.apache.kafka.streams.state.HostInfo;
import org.junit.jupiter.api.Test;

class QueryTokenTest {

    @Test
    void opensEveryLookUpWhenShopTokenIsUnsetOrBlank() {
        for (QueryToken open : new QueryToken[] {QueryToken.of(Optional.empty()), QueryToken.of(Optional.of("  ")),
                ProcessorConfig.fromEnv(Map.of()).queryToken(), ProcessorConfig.fromEnv(Map.of("SHOP_TOKEN", " ")).queryToken()}) {
            assertThat(open.required()).isFalse();
            assertThat(open.refusal(null)).isEmpty();
            assertThat(open.refusal("Bearer anything")).isEmpty();
            assertThat(open.authorization()).isEmpty();
        }
    }

    @Test
    void asksForTheBearerTokenWhenShopTokenIsSet() {
        QueryToken token = ProcessorConfig.fromEnv(Map.of("SHOP_TOKEN", "shop-secret")).queryToken();

        assertThat(token.required()).isTrue();
        assertThat(token.refusal("Bearer shop-secret")).isEmpty();
        assertThat(token.refusal("bearer  shop-secret ")).as("the scheme's case and spaces, as the ingress takes them").isEmpty();
        assertThat(token.refusal(null)).contains("send the header Authorization: Bearer <SHOP_TOKEN>");
        assertThat(token.refusal("shop-secret")).contains("send the header Authorization: Bearer <SHOP_TOKEN>");
        assertThat(token.refusal("Bearer shop-secre")).contains("the shop token is not valid");
        assertThat(token.refusal("Bearer ")).contains("the shop token is not valid");
        assertThat(token.toString()).doesNotContain("shop-secret");
        assertThat(ProcessorConfig.fromEnv(Map.of("SHOP_TOKEN", "shop-secret")).toString())
                .doesNotContain("shop-secret").contains("shopToken=(set)");
    }

    @Test
    void aForwardedLookUpCarriesTheTokenAndTheForwardedMark() {
        var owner = new HostInfo("processor-1", 8081);
        var guarded = InteractiveQueries.forwardRequest(owner, "/events/e/tally", QueryToken.of(Optional.of("shop-secret")));

        assertThat(guarded.uri()).hasToString("http://processor-1:8081/events/e/tally");
        assertThat(guarded.headers().firstValue("Authorization")).contains("Bearer shop-secret");
        assertThat(guarded.headers().firstValue(InteractiveQueries.FORWARDED_HEADER)).contains("1");

        var open = InteractiveQueries.forwardRequest(owner, "/events/e/tally", QueryToken.OPEN);
        assertThat(open.headers().firstValue("Authorization")).isEmpty();
        assertThat(open.headers().firstValue(InteractiveQueries.FORWARDED_HEADER)).contains("1");
    }
}
