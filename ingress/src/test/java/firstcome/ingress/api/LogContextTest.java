package firstcome.ingress.api;

import static firstcome.ingress.ApiFixture.TOKEN;
import static firstcome.ingress.ApiFixture.SHOP_TOKEN;
import static firstcome.ingress.ApiFixture.apply;
import static firstcome.ingress.ApiFixture.send;
import static org.assertj.core.api.Assertions.assertThat;

import firstcome.ingress.ApiFixture;
import firstcome.ingress.CapturedLogs;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The log lines about one application, action or event carry its eventId and userId (LOG_FORMAT=json writes them as fields). */
class LogContextTest {

    private final ApiFixture api = new ApiFixture();

    @Test
    void theLineAboutAnApplicationKafkaDidNotTakeNamesItsEventAndUser() {
        api.defineOpen("e1", 1);
        api.publisher.failing = true;
        try (var logs = new CapturedLogs()) {
            api.test((server, client) -> assertThat(apply(client, "e1", "alice").code()).isEqualTo(503));

            assertThat(logs.contextsOf("Kafka did not take the application of alice to e1")).singleElement()
                    .isEqualTo(Map.of("eventId", "e1", "userId", "alice"));
        }
    }

    @Test
    void theLineAboutAShopActionKafkaDidNotTakeNamesItsEventAndUser() {
        api.defineOpen("e1", 1);
        api.publisher.failing = true;
        try (var logs = new CapturedLogs()) {
            api.test((server, client) -> assertThat(send(client, "/shop/events/e1/coupons/bob/redeem", "POST", "application/json",
                    "{\"orderId\":\"o-1\"}", Map.of("Authorization", "Bearer " + SHOP_TOKEN)).code()).isEqualTo(503));

            assertThat(logs.contextsOf("Kafka did not take the REDEEM of bob's coupon of e1")).singleElement()
                    .isEqualTo(Map.of("eventId", "e1", "userId", "bob"));
        }
    }

    @Test
    void theLineAboutADefinedEventNamesItAndNoUser() {
        try (var logs = new CapturedLogs()) {
            api.test((server, client) -> assertThat(send(client, "/admin/events/spring-sale", "PUT", "application/json",
                    "{\"limit\": 5}", Map.of("Authorization", "Bearer " + TOKEN)).code()).isEqualTo(200));

            assertThat(logs.contextsOf("event spring-sale defined")).singleElement().isEqualTo(Map.of("eventId", "spring-sale"));
        }
    }
}
