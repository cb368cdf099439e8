package firstcome.ingress.api;

import static firstcome.ingress.ApiFixture.NOW;
import static firstcome.ingress.ApiFixture.apply;
import static firstcome.ingress.ApiFixture.assertProblem;
import static firstcome.ingress.ApiFixture.bearer;
import static firstcome.ingress.ApiFixture.json;
import static firstcome.ingress.ApiFixture.send;
import static firstcome.ingress.ApiFixture.shopperClaims;
import static firstcome.ingress.ApiFixture.shopperToken;
import static org.assertj.core.api.Assertions.assertThat;

import firstcome.contract.CouponRequest;
import firstcome.contract.Eligibility;
import firstcome.contract.EligibleAs;
import firstcome.contract.EventDefinition;
import firstcome.contract.Json;
import firstcome.ingress.ApiFixture;
import io.javalin.testtools.HttpClient;
import io.javalin.testtools.Response;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/**
 * The apply route for an event with an eligibility (docs/identities.md, "Eligibility"): a verified
 * shopper whose token carries the claim with an accepted value is accepted, and the request in
 * coupon-requests carries what was checked ({@code eligibleAs}); any other hears 403 NOT_ELIGIBLE
 * naming what the event requires, with identities off every applicant does; a refusal is counted
 * as an answer and nothing at the gate.
 */
class ApplyControllerEligibilityTest {

    private static final Eligibility GOLD_OR_VIP = new Eligibility("tier", List.of("gold", "vip"));

    private final ApiFixture api = new ApiFixture();

    @Test
    void acceptsAShopperWhoseClaimIsAnAcceptedValueAndRecordsWhatWasChecked() {
        defineMembersOnly("members", 10);
        api.testWithShopperIdentities((server, client) -> {
            Response response = applyWith(client, "members", shopperToken(shopperClaims("alice").claim("tier", "vip").build()));

            assertThat(response.code()).as(response.body().string()).isEqualTo(202);
            assertThat(json(response).get("userId").asText()).isEqualTo("alice");
            CouponRequest sent = api.publisher.requests.get(0).value();
            assertThat(sent.eligibleAs()).isEqualTo(new EligibleAs("tier", "vip"));
            assertThat(Json.mapper().readTree(Json.mapper().writeValueAsBytes(sent)).get("eligibleAs"))
                    .isEqualTo(Json.mapper().readTree("{\"claim\":\"tier\",\"value\":\"vip\"}"));
            assertThat(api.gate.pending(new EventId("members"))).containsExactly(sent);
        });
    }

    @Test
    void acceptsAnArrayClaimHoldingAnAcceptedValue() {
        defineMembersOnly("members", 10);
        api.testWithShopperIdentities((server, client) -> {
            Response response = applyWith(client, "members",
                    shopperToken(shopperClaims("alice").claim("tier", List.of("bronze", "gold", "vip")).build()));

            assertThat(response.code()).as(response.body().string()).isEqualTo(202);
            // The first of the rule's values the array holds.
            assertThat(api.publisher.requests.get(0).value().eligibleAs()).isEqualTo(new EligibleAs("tier", "gold"));
        });
    }

    @Test
    void refusesAShopperWithoutAnAcceptedValueBeforeTheGateNamingWhatIsRequired() {
        defineMembersOnly("members", 10);
        List<String> tokens = List.of(
                shopperToken(shopperClaims("bob").build()),
                shopperToken(shopperClaims("bob").claim("tier", "bronze").build()),
                shopperToken(shopperClaims("bob").claim("tier", List.of("bronze", "silver")).build()),
                shopperToken(shopperClaims("bob").claim("tier", 1).build()),
                shopperToken(shopperClaims("bob").claim("level", "gold").build()),
                shopperToken(shopperClaims("bob").claim("tier", "GOLD").build()));
        api.testWithShopperIdentities((server, client) -> {
            for (String token : tokens) {
                Response response = applyWith(client, "members", token);

                assertProblem(response, 403, "NOT_ELIGIBLE");
                assertThat(json(response).get("message").asText()).isEqualTo("this event is for shoppers whose tier is gold or vip");
            }
            assertNothingCounted("members");
            assertThat(api.gate.admitCalls.get()).isZero();
            assertThat(api.registry.scrape()).containsPattern("ingress_applications_total\\{outcome=\"NOT_ELIGIBLE\"} 6\\.0");
            Response stats = send(client, "/admin/events/members/stats", "GET", null, "", Map.of("Authorization", "Bearer " + ApiFixture.TOKEN));
            assertThat(json(stats).get("answers").get("NOT_ELIGIBLE").asLong()).as("the organiser's live view").isEqualTo(6);
        });
    }

    @Test
    void withIdentitiesOffEveryApplicationToAnEventWithEligibilityIsRefused() {
        defineMembersOnly("members", 10);
        api.defineOpen("plain", 10);
        api.test((server, client) -> {
            Response response = apply(client, "members", "alice");

            assertProblem(response, 403, "NOT_ELIGIBLE");
            assertThat(json(response).get("message").asText()).isEqualTo("this event is for signed-in shoppers");
            assertNothingCounted("members");
            assertThat(api.registry.scrape()).containsPattern("ingress_applications_total\\{outcome=\"NOT_ELIGIBLE\"} 1\\.0");

            // An event without eligibility is as before, and its requests carry nothing checked.
            assertThat(apply(client, "plain", "alice").code()).isEqualTo(202);
            assertThat(api.publisher.requests).singleElement().satisfies(sent -> assertThat(sent.value().eligibleAs()).isNull());
        });
    }

    @Test
    void theEligibilityIsCheckedAfterWhoAppliesAndBeforeTheOpeningAndTheSoldOutShortCut() {
        api.define(new EventDefinition("later", 10, NOW.plusSeconds(3600), null).withEligibility(GOLD_OR_VIP));
        defineMembersOnly("tiny", 1);
        String bronze = shopperToken(shopperClaims("bob").claim("tier", "bronze").build());
        api.testWithShopperIdentities((server, client) -> {
            // Who applies first: no token is 401, another's id 403 FORBIDDEN, whatever the event requires.
            assertProblem(send(client, "/events/tiny/applications", "POST", "application/json", "{}", Map.of()), 401, "UNAUTHENTICATED");
            assertProblem(send(client, "/events/tiny/applications", "POST", "application/json", "{\"userId\":\"carol\"}",
                    bearer(bronze)), 403, "FORBIDDEN");
            assertProblem(applyWith(client, "nowhere", bronze), 404, "UNKNOWN_EVENT");
            // Not open yet, and not for this shopper anyway: the refusal the opening would not change.
            assertProblem(applyWith(client, "later", bronze), 403, "NOT_ELIGIBLE");
            assertProblem(applyWith(client, "later", shopperToken(shopperClaims("alice").claim("tier", "gold").build())), 409, "NOT_OPEN");

            assertThat(applyWith(client, "tiny", shopperToken(shopperClaims("alice").claim("tier", "gold").build())).code()).isEqualTo(202);
            assertProblem(applyWith(client, "tiny", shopperToken(shopperClaims("dave").claim("tier", "vip").build())), 410, "SOLD_OUT");
            int admits = api.gate.admitCalls.get();
            // Sold out, and known to be: an ineligible shopper still hears why they cannot apply.
            assertProblem(applyWith(client, "tiny", bronze), 403, "NOT_ELIGIBLE");
            assertThat(api.gate.admitCalls.get()).isEqualTo(admits);
            assertThat(api.gate.count(new EventId("tiny"))).isEqualTo(1);
            assertThat(api.publisher.requests).hasSize(1);
        });
    }

    @Test
    void aRefusalNamesTenAcceptedValuesAndCountsTheRest() {
        List<String> values = IntStream.rangeClosed(1, 12).mapToObj(i -> "v" + i).toList();
        api.define(new EventDefinition("many", 10, NOW.minusSeconds(60), null).withEligibility(new Eligibility("tier", values)));
        api.testWithShopperIdentities((server, client) -> {
            Response response = applyWith(client, "many", shopperToken("bob"));

            assertProblem(response, 403, "NOT_ELIGIBLE");
            assertThat(json(response).get("message").asText())
                    .isEqualTo("this event is for shoppers whose tier is v1, v2, v3, v4, v5, v6, v7, v8, v9, v10 or one of 2 other values");
        });
        assertThat(Shoppers.oneOf(List.of("gold"))).isEqualTo("gold");
        assertThat(Shoppers.oneOf(List.of("gold", "silver", "vip"))).isEqualTo("gold, silver or vip");
    }

    @Test
    void aChangedRuleTakesEffectForTheNextApplication() {
        EventDefinition members = defineMembersOnly("members", 10);
        String silver = shopperToken(shopperClaims("erin").claim("tier", "silver").build());
        api.testWithShopperIdentities((server, client) -> {
            assertProblem(applyWith(client, "members", silver), 403, "NOT_ELIGIBLE");

            api.define(members.withEligibility(new Eligibility("tier", List.of("silver"))));
            assertThat(applyWith(client, "members", silver).code()).isEqualTo(202);
            assertThat(api.publisher.requests.get(0).value().eligibleAs()).isEqualTo(new EligibleAs("tier", "silver"));
        });
    }

    // ---- helpers ----

    private EventDefinition defineMembersOnly(String eventId, int limit) {
        return api.define(new EventDefinition(eventId, limit, NOW.minusSeconds(60), null).withEligibility(GOLD_OR_VIP));
    }

    private void assertNothingCounted(String eventId) {
        assertThat(api.gate.count(new EventId(eventId))).isZero();
        assertThat(api.gate.pending(new EventId(eventId))).isEmpty();
        assertThat(api.publisher.requests).isEmpty();
    }

    private static Response applyWith(HttpClient client, String eventId, String token) {
        return send(client, "/events/" + eventId + "/applications", "POST", "application/json", "{}", bearer(token));
    }
}
