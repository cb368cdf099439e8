package firstcome.ingress.api;

import static firstcome.ingress.ApiFixture.NOW;
import static firstcome.ingress.ApiFixture.SHOP_TOKEN;
import static firstcome.ingress.ApiFixture.TOKEN;
import static firstcome.ingress.ApiFixture.assertProblem;
import static firstcome.ingress.ApiFixture.json;
import static firstcome.ingress.ApiFixture.send;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import firstcome.contract.ActionType;
import firstcome.contract.CouponAction;
import firstcome.contract.CouponDecision;
import firstcome.contract.EventDefinition;
import firstcome.contract.IssuingOutcome;
import firstcome.contract.Json;
import firstcome.ingress.ApiFixture;
import io.javalin.testtools.HttpClient;
import io.javalin.testtools.JavalinTest;
import io.javalin.testtools.Response;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The shop routes over HTTP, with the fixture's publisher standing in for Kafka and {@link ApiFixture#decide}
 * for the streams-processor: the action written, the answer from its decision, every refusal at the edge.
 */
class ShopControllerTest {

    private final ApiFixture api = new ApiFixture();

    @BeforeEach
    void anOpenEventWhoseCouponsTheProcessorRedeems() {
        api.defineOpen("sale", 100);
        api.decide = action -> Optional.of(switch (action.action()) {
            case REDEEM -> decision(action, IssuingOutcome.REDEEMED, action.orderId());
            case UNREDEEM -> decision(action, IssuingOutcome.ISSUED, null);
            case RETURN -> decision(action, IssuingOutcome.RETURNED, null);
        });
    }

    @Test
    void writesTheRedemptionToKafkaAndAnswersItsDecision() {
        api.test((server, client) -> {
            Response response = shop(client, "/shop/events/sale/coupons/u-1/redeem", "{\"orderId\": \"o-1\", \"extra\": true}");

            assertThat(response.code()).isEqualTo(200);
            assertThat(json(response)).isEqualTo(Json.mapper().readTree("{\"outcome\":\"REDEEMED\",\"couponNo\":17,\"orderId\":\"o-1\"}"));
            assertThat(api.publisher.actions).hasSize(1);
            CouponAction action = api.publisher.actions.get(0).value();
            assertThat(action.eventId()).isEqualTo("sale");
            assertThat(action.userId()).isEqualTo("u-1");
            assertThat(action.action()).isEqualTo(ActionType.REDEEM);
            assertThat(action.orderId()).isEqualTo("o-1");
            assertThat(action.reason()).isNull();
            assertThat(action.receivedAt()).isEqualTo(NOW.truncatedTo(ChronoUnit.MILLIS));
            assertThat(api.publisher.actions.get(0).timestamp()).isEqualTo(action.receivedAt());
            assertThat(api.actions.size()).as("nobody waits any more").isZero();
        });
    }

    @Test
    void answersTheCancellationAndTheReturnFromTheirDecisions() {
        api.test((server, client) -> {
            Response unredeemed = shop(client, "/shop/events/sale/coupons/u-1/unredeem", "{\"orderId\": 12345}");
            Response returned = shop(client, "/shop/events/sale/coupons/u-1/return", "{\"reason\": \"changed my mind\"}");
            Response returnedWithoutReason = shop(client, "/shop/events/sale/coupons/u-2/return", "{}");

            assertThat(json(unredeemed)).isEqualTo(Json.mapper().readTree("{\"outcome\":\"ISSUED\",\"couponNo\":17}"));
            assertThat(json(returned)).isEqualTo(Json.mapper().readTree("{\"outcome\":\"RETURNED\",\"couponNo\":17}"));
            assertThat(returnedWithoutReason.code()).isEqualTo(200);
            assertThat(api.publisher.actions).extracting(sent -> sent.value().action())
                    .containsExactly(ActionType.UNREDEEM, ActionType.RETURN, ActionType.RETURN);
            assertThat(api.publisher.actions.get(0).value().orderId()).as("an integer taken as its decimal string").isEqualTo("12345");
            assertThat(api.publisher.actions.get(1).value().reason()).isEqualTo("changed my mind");
            assertThat(api.publisher.actions.get(1).value().orderId()).isNull();
            assertThat(api.publisher.actions.get(2).value().reason()).isNull();
        });
    }

    @Test
    void answersARefusalWithItsStatusAndTheOrderThatHoldsTheCoupon() {
        api.decide = action -> Optional.of(decision(action, IssuingOutcome.ALREADY_REDEEMED, "o-9"));
        api.test((server, client) -> {
            Response response = shop(client, "/shop/events/sale/coupons/u-1/redeem", "{\"orderId\": \"o-1\"}");

            assertThat(response.code()).isEqualTo(409);
            assertThat(json(response).get("outcome").asText()).isEqualTo("ALREADY_REDEEMED");
            assertThat(json(response).get("orderId").asText()).isEqualTo("o-9");
        });
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "{}",
            "{\"orderId\": null}",
            "{\"orderId\": \"\"}",
            "{\"orderId\": \"..\"}",
            "{\"orderId\": \"o 1\"}",
            "{\"orderId\": \"ü\"}",
            "{\"orderId\": 1.5}",
            "{\"orderId\": true}",
            "{\"orderId\": [\"o-1\"]}",
            "{\"orderId\": {\"id\": \"o-1\"}}",
            "{\"orderId\": 1234567890123456789012345678901234567890123456789012345678901234567890}",
            "[]",
            "null",
            "\"o-1\"",
            "{\"orderId\": \"o-1\"",
            "not json",
    })
    void refusesABadOrderWithA400AndWritesNothing(String body) {
        api.test((server, client) -> {
            for (String route : new String[] {"redeem", "unredeem"}) {
                assertProblem(shop(client, "/shop/events/sale/coupons/u-1/" + route, body), 400, "INVALID_REQUEST");
            }
            assertProblem(shop(client, "/shop/events/sale/coupons/u-1/redeem",
                    "{\"orderId\": \"" + "o".repeat(65) + "\"}"), 400, "INVALID_REQUEST");
            assertThat(api.publisher.actions).isEmpty();
        });
    }

    @Test
    void takesAReasonOfUpTo200CharactersWithAReturn() {
        api.test((server, client) -> {
            Response longest = shop(client, "/shop/events/sale/coupons/u-1/return", "{\"reason\": \"" + "r".repeat(200) + "\"}");
            Response tooLong = shop(client, "/shop/events/sale/coupons/u-2/return", "{\"reason\": \"" + "r".repeat(201) + "\"}");
            Response notText = shop(client, "/shop/events/sale/coupons/u-3/return", "{\"reason\": 42}");

            assertThat(longest.code()).isEqualTo(200);
            assertProblem(tooLong, 400, "INVALID_REQUEST");
            assertThat(json(tooLong).get("message").asText()).isEqualTo("reason must be at most 200 characters, was 201");
            assertProblem(notText, 400, "INVALID_REQUEST");
            assertThat(api.publisher.actions).hasSize(1);
        });
    }

    @Test
    void refusesBadPathIdsOversizedAndNonJsonBodies() {
        api.test((server, client) -> {
            assertProblem(shop(client, "/shop/events/sale/coupons/" + "u".repeat(65) + "/redeem", "{\"orderId\":\"o\"}"), 400,
                    "INVALID_REQUEST");
            assertProblem(shop(client, "/shop/events/%2E%2E/coupons/u-1/redeem", "{\"orderId\":\"o\"}"), 400, "INVALID_REQUEST");
            assertProblem(shop(client, "/shop/events/sale/coupons/u-1/return", "{\"reason\":\"" + "p".repeat(5000) + "\"}"), 413,
                    "INVALID_REQUEST");
            assertProblem(send(client, "/shop/events/sale/coupons/u-1/return", "POST", "text/plain", "{}",
                    Map.of("Authorization", "Bearer " + SHOP_TOKEN)), 415, "INVALID_REQUEST");
            assertThat(api.publisher.actions).isEmpty();
        });
    }

    @Test
    void answersAnUnknownEvent404AndARetiredOne410() {
        Instant closed = NOW.minus(Duration.ofDays(8));
        api.define("old-sale", 10, closed.minus(Duration.ofDays(1)), closed);
        api.test((server, client) -> {
            assertProblem(shop(client, "/shop/events/ghost/coupons/u-1/redeem", "{\"orderId\":\"o\"}"), 404, "UNKNOWN_EVENT");
            assertProblem(shop(client, "/shop/events/old-sale/coupons/u-1/return", "{}"), 410, "RETIRED");
            assertThat(api.publisher.actions).isEmpty();
        });
    }

    @Test
    void takesActionsOnAnEventClosedLongAgoWhileItsCouponsAreValidAndRetiresItTheRetentionPastThem() {
        // given: "long" closed eight days ago (the retention is seven), its coupons valid for ten more;
        // "expired" never closes, its coupons expired eight days ago
        Instant closed = NOW.minus(Duration.ofDays(8)).truncatedTo(ChronoUnit.MILLIS);
        Instant validUntil = NOW.plus(Duration.ofDays(10)).truncatedTo(ChronoUnit.MILLIS);
        api.catalog.apply("long", new EventDefinition("long", 10, closed.minus(Duration.ofDays(1)), closed, 0, validUntil), 5);
        api.catalog.apply("expired", new EventDefinition("expired", 10, closed.minus(Duration.ofDays(1)), null, 0, closed), 6);
        api.test((server, client) -> {
            // when / then
            Response redeemed = shop(client, "/shop/events/long/coupons/u-1/redeem", "{\"orderId\":\"o-1\"}");
            assertThat(redeemed.code()).isEqualTo(200);
            assertThat(api.publisher.actions).extracting(sent -> sent.value().eventId()).containsExactly("long");

            Response retired = shop(client, "/shop/events/expired/coupons/u-1/return", "{}");
            assertProblem(retired, 410, "RETIRED");
            assertThat(json(retired).get("message").asText()).isEqualTo("Event expired closed at " + closed
                    + " and its results were retired at " + closed.plus(Duration.ofDays(7)) + "; the shop's records keep its coupons.");
            assertThat(api.publisher.actions).hasSize(1);
        });
    }

    @Test
    void refusesEveryCallWhileNoShopTokenIsConfigured() {
        JavalinTest.test(api.app(ApiFixture.config(Map.of("ADMIN_TOKEN", TOKEN))), (server, client) -> {
            Response response = shop(client, "/shop/events/sale/coupons/u-1/redeem", "{\"orderId\":\"o\"}");

            assertProblem(response, 401, "UNAUTHORIZED");
            assertThat(json(response).get("message").asText()).isEqualTo("the shop routes are disabled: SHOP_TOKEN is not set on the ingress");
            assertThat(api.publisher.actions).isEmpty();
        });
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "Bearer", "Bearer wrong", "Bearer " + TOKEN, "Basic " + SHOP_TOKEN, SHOP_TOKEN, "Bearer " + SHOP_TOKEN + "x"})
    void refusesAMissingOrWrongTokenAndTheAdminTokenBeforeTheBody(String authorization) {
        api.test((server, client) -> {
            Map<String, String> headers = authorization.isEmpty() ? Map.of() : Map.of("Authorization", authorization);

            assertProblem(send(client, "/shop/events/sale/coupons/u-1/redeem", "POST", "application/json", "{\"orderId\":\"o\"}", headers),
                    401, "UNAUTHORIZED");
            assertProblem(send(client, "/shop/events/sale/coupons/u-1/return", "POST", "text/plain", "nonsense", headers),
                    401, "UNAUTHORIZED");
            assertThat(api.publisher.actions).isEmpty();
        });
    }

    @Test
    void neverOpensTheAdminRoutesWithTheShopToken() {
        api.test((server, client) -> {
            assertProblem(send(client, "/admin/events/new", "PUT", "application/json", "{\"limit\": 5}",
                    Map.of("Authorization", "Bearer " + SHOP_TOKEN)), 401, "UNAUTHORIZED");
            assertProblem(send(client, "/admin/events", "GET", null, "", Map.of("Authorization", "Bearer " + SHOP_TOKEN)),
                    401, "UNAUTHORIZED");
            assertThat(api.publisher.definitions).isEmpty();
        });
    }

    @Test
    void answersUnavailableWhenKafkaCertainlyDidNotTakeTheAction() {
        api.publisher.failing = true;
        api.test((server, client) -> {
            Response response = shop(client, "/shop/events/sale/coupons/u-1/redeem", "{\"orderId\":\"o-1\"}");

            assertProblem(response, 503, "UNAVAILABLE");
            assertThat(json(response).get("message").asText()).contains("nothing was done");
            assertThat(response.headers().get("Retry-After")).containsExactly("1");
            assertThat(api.actions.size()).isZero();
        });
    }

    @Test
    void answersUnconfirmedWhenKafkaMayHaveTheAction() {
        api.publisher.timingOut = true;
        api.test((server, client) -> {
            Response response = shop(client, "/shop/events/sale/coupons/u-1/return", "{}");

            assertProblem(response, 503, "UNCONFIRMED");
            assertThat(response.headers().get("Retry-After")).containsExactly("1");
            assertThat(api.actions.size()).isZero();
        });
    }

    @Test
    void answersUnconfirmedWhenNoDecisionComesInTimeAndForgetsTheCall() {
        api.decide = action -> Optional.empty();
        var config = ApiFixture.config(Map.of("SHOP_TOKEN", SHOP_TOKEN, "INGRESS_ACTION_TIMEOUT_MS", "100"));
        JavalinTest.test(api.app(config), (server, client) -> {
            Response response = shop(client, "/shop/events/sale/coupons/u-1/redeem", "{\"orderId\":\"o-1\"}");

            assertProblem(response, 503, "UNCONFIRMED");
            assertThat(json(response).get("message").asText()).contains("is in Kafka and will be decided", "repeating the call is safe");
            assertThat(response.headers().get("Retry-After")).containsExactly("1");
            assertThat(api.publisher.actions).hasSize(1);
            // The waiter goes when the timed-out wait completes, which may run just after the answer is written.
            await("the call forgotten").atMost(Duration.ofSeconds(5)).until(() -> api.actions.size() == 0);
        });
    }

    @Test
    void refusesANewCallWhileTooManyWaitAndWritesNothing() {
        var full = new ApiFixture();
        full.defineOpen("sale", 100);
        for (int i = 0; i < ActionWaiters.DEFAULT_MAX; i++) {
            full.actions.register("waiting-" + i).orElseThrow();
        }
        full.test((server, client) -> {
            Response response = shop(client, "/shop/events/sale/coupons/u-1/redeem", "{\"orderId\":\"o-1\"}");

            assertProblem(response, 503, "UNAVAILABLE");
            assertThat(full.publisher.actions).isEmpty();
        });
    }

    private static CouponDecision decision(CouponAction action, IssuingOutcome outcome, String orderId) {
        return new CouponDecision(action.actionId(), action.eventId(), action.userId(), outcome, 17, action.receivedAt(),
                action.action(), orderId, null);
    }

    private static Response shop(HttpClient client, String path, String body) {
        return send(client, path, "POST", "application/json", body, Map.of("Authorization", "Bearer " + SHOP_TOKEN));
    }
}
