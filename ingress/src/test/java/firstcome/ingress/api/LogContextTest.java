package firstcome.ingress.api;

import static firstcome.ingress.ApiFixture.SHOP_TOKEN;
import static firstcome.ingress.ApiFixture.TOKEN;
import static firstcome.ingress.ApiFixture.apply;
import static firstcome.ingress.ApiFixture.send;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import firstcome.contract.LogContext;
import firstcome.ingress.ApiFixture;
import firstcome.ingress.CapturedLogs;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.slf4j.MDC;

/**
 * The log lines about one application, action or event carry its eventId and userId (LOG_FORMAT=json
 * writes them as fields). The outage lines are written at most once per 5 s per JVM (RateLimitedLog),
 * so a test repeats its failing call, each time for another user, until one is written.
 */
class LogContextTest {

    /** Longer than RateLimitedLog's interval: another test's line may have used it up just before. */
    private static final Duration UNTIL_WRITTEN = Duration.ofSeconds(15);

    private final ApiFixture api = new ApiFixture();

    @Test
    void aScopeOpenedInsideAnotherGivesTheOuterFieldsBackAndTheLastOneClearsThem() {
        try (var outer = LogContext.of("e1", "alice")) {
            try (var inner = LogContext.of("e2", "bob")) {
                assertThat(MDC.get("eventId")).isEqualTo("e2");
                assertThat(MDC.get("userId")).isEqualTo("bob");
            }
            assertThat(MDC.get("eventId")).isEqualTo("e1");
            assertThat(MDC.get("userId")).isEqualTo("alice");
        }
        assertThat(MDC.get("eventId")).isNull();
        assertThat(MDC.get("userId")).isNull();
    }

    @Test
    void theLineAboutAnApplicationKafkaDidNotTakeNamesItsEventAndUser() {
        api.defineOpen("e1", 1_000);
        api.publisher.failing = true;
        AtomicInteger users = new AtomicInteger();
        try (var logs = new CapturedLogs()) {
            api.test((server, client) -> await("a line about an application Kafka did not take").atMost(UNTIL_WRITTEN)
                    .pollInterval(Duration.ofMillis(100)).until(() -> {
                        assertThat(apply(client, "e1", "user-" + users.incrementAndGet()).code()).isEqualTo(503);
                        return !logs.containing("Kafka did not take the application of user-").isEmpty();
                    }));

            assertThat(logs.containing("Kafka did not take the application of user-")).allSatisfy(entry -> {
                assertThat(entry.context()).containsOnlyKeys("eventId", "userId").containsEntry("eventId", "e1");
                assertThat(entry.line()).contains("of " + entry.context().get("userId") + " to e1");
            });
        }
    }

    @Test
    void theLineAboutAShopActionKafkaDidNotTakeNamesItsEventAndUser() {
        api.defineOpen("e1", 1);
        api.publisher.failing = true;
        AtomicInteger users = new AtomicInteger();
        try (var logs = new CapturedLogs()) {
            api.test((server, client) -> await("a line about an action Kafka did not take").atMost(UNTIL_WRITTEN)
                    .pollInterval(Duration.ofMillis(100)).until(() -> {
                        assertThat(send(client, "/shop/events/e1/coupons/user-" + users.incrementAndGet() + "/redeem", "POST",
                                "application/json", "{\"orderId\":\"o-1\"}", Map.of("Authorization", "Bearer " + SHOP_TOKEN)).code())
                                .isEqualTo(503);
                        return !logs.containing("Kafka did not take the REDEEM of user-").isEmpty();
                    }));

            assertThat(logs.containing("Kafka did not take the REDEEM of user-")).allSatisfy(entry -> {
                assertThat(entry.context()).containsOnlyKeys("eventId", "userId").containsEntry("eventId", "e1");
                assertThat(entry.line()).contains("of " + entry.context().get("userId") + "'s coupon of e1");
            });
        }
    }

    @Test
    void theLineAboutADefinedEventNamesItAndNoUser() {
        try (var logs = new CapturedLogs()) {
            api.test((server, client) -> assertThat(send(client, "/admin/events/spring-sale", "PUT", "application/json",
                    "{\"limit\": 5}", Map.of("Authorization", "Bearer " + TOKEN)).code()).isEqualTo(200));

            assertThat(logs.containing("event spring-sale defined")).singleElement()
                    .extracting(CapturedLogs.Entry::context).isEqualTo(Map.of("eventId", "spring-sale"));
        }
    }
}
