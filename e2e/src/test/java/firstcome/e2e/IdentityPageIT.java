package firstcome.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import firstcome.contract.Json;
import firstcome.testkit.Infrastructure;
import firstcome.testkit.InfrastructureExtension;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;
import org.openqa.selenium.By;
import org.openqa.selenium.Cookie;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The event page with shopper identities on (docs/identities.md), in headless Chromium against the
 * three services: the ingress has {@code SHOPPER_JWT_SECRET}, and the shop's site is played by
 * setting the cookie {@code firstcome_token} on the ingress's origin, as a site on the same domain
 * does once a shopper signed in. A members' drop (an event with an eligibility) shows who may apply,
 * refuses a shopper without the claim in words and gives a member a coupon. Screenshots land in
 * {@code e2e/target/screenshots}.
 */
@ExtendWith(InfrastructureExtension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class IdentityPageIT {

    private static final String SECRET = "e2e-shopper-secret-of-at-least-32-bytes";
    private static final Duration OUTCOME_DEADLINE = Duration.ofSeconds(25);

    private final HttpClient http = HttpClient.newHttpClient();
    private Pipeline pipeline;
    private Shoppers shoppers;
    private HeadlessChromium browser;
    private WebDriverWait wait;

    @BeforeAll
    void start(Infrastructure infrastructure) throws Exception {
        pipeline = new Pipeline(infrastructure, Map.of(), Map.of("SHOPPER_JWT_SECRET", SECRET));
        shoppers = pipeline.shoppers();
        browser = new HeadlessChromium();
        wait = new WebDriverWait(browser.driver, OUTCOME_DEADLINE, Duration.ofMillis(100));
    }

    @AfterAll
    void stop() throws Exception {
        if (browser != null) {
            browser.close();
        }
        if (pipeline != null) {
            pipeline.close();
        }
    }

    @BeforeEach
    void signedOut() {
        // Cookies belong to an origin: be on the ingress's before removing or setting any.
        browser.driver.get(pipeline.ingress.url() + "/health");
        browser.driver.manage().deleteAllCookies();
        browser.viewport(360, 740);
    }

    @Test
    void aSignedInShopperAppliesAsThemselvesWithoutAnIdField() throws Exception {
        String event = "signed-" + UUID.randomUUID().toString().substring(0, 8);
        String alice = "alice-" + UUID.randomUUID().toString().substring(0, 6);
        assertThat(shoppers.defineEvent(event, 2).statusCode()).isEqualTo(200);
        signIn(token(alice, Instant.now().plus(Duration.ofHours(1))));

        open("/e/" + event);
        wait.until(ExpectedConditions.textToBe(By.id("shopper"), "Signed in as " + alice));
        wait.until(ExpectedConditions.textToBe(By.id("remaining"), "2 of 2"));
        assertThat(displayed("user-id-field")).as("the shopper id field").isFalse();
        assertThat(button().isEnabled()).isTrue();
        browser.screenshot("identity-1-signed-in-360px");

        button().click();
        wait.until(ExpectedConditions.textToBe(By.id("outcome"), "You got coupon 1!"));
        wait.until(ExpectedConditions.textToBe(By.id("remaining"), "1 of 2"));
        browser.screenshot("identity-2-got-coupon-360px");

        // The coupon is the signed-in shopper's: their own token reads it, the page did not pick another id.
        HttpResponse<String> status = http.send(HttpRequest.newBuilder(
                        URI.create(pipeline.ingress.url() + "/events/" + event + "/applications/" + alice))
                .header("Authorization", "Bearer " + token(alice, Instant.now().plus(Duration.ofMinutes(5))))
                .GET().build(), HttpResponse.BodyHandlers.ofString());
        assertThat(status.statusCode()).isEqualTo(200);
        JsonNode body = Json.mapper().readTree(status.body());
        assertThat(body.path("outcome").asText()).isEqualTo("ISSUED");
        assertThat(body.path("couponNo").asInt()).isEqualTo(1);

        // Opening the page again shows what became of the application, looked up as the signed-in shopper.
        open("/e/" + event);
        wait.until(ExpectedConditions.textToBe(By.id("shopper"), "Signed in as " + alice));
        wait.until(ExpectedConditions.textToBe(By.id("outcome"), "You got coupon 1!"));
    }

    @Test
    void withoutASignInThePageSaysToSignInAndCannotApply() throws Exception {
        String event = "anonymous-" + UUID.randomUUID().toString().substring(0, 8);
        assertThat(shoppers.defineEvent(event, 2).statusCode()).isEqualTo(200);

        open("/e/" + event);
        wait.until(ExpectedConditions.textToBe(By.id("shopper"), "Sign in at the shop's site to apply."));
        wait.until(ExpectedConditions.textToBe(By.id("remaining"), "2 of 2"));
        assertThat(displayed("user-id-field")).as("the shopper id field").isFalse();
        assertThat(button().isEnabled()).as("the apply button").isFalse();
        browser.screenshot("identity-3-signed-out-360px");

        // An expired sign-in is no sign-in either.
        signIn(token("bob", Instant.now().minus(Duration.ofMinutes(5))));
        open("/e/" + event);
        wait.until(ExpectedConditions.textToBe(By.id("shopper"), "Sign in at the shop's site to apply."));
        assertThat(displayed("user-id-field")).isFalse();
        assertThat(button().isEnabled()).isFalse();
    }

    @Test
    void aMembersDropTellsWhoMayApplyRefusesOthersAndGivesAMemberACoupon() throws Exception {
        String event = "members-" + UUID.randomUUID().toString().substring(0, 8);
        String bert = "bert-" + UUID.randomUUID().toString().substring(0, 6);
        String gina = "gina-" + UUID.randomUUID().toString().substring(0, 6);
        assertThat(shoppers.defineEvent(event, "{\"limit\": 2, \"eligibility\": {\"claim\": \"tier\", \"anyOf\": [\"gold\", \"vip\"]}}")
                .statusCode()).isEqualTo(200);

        signIn(token(bert, Instant.now().plus(Duration.ofHours(1)), Map.of("tier", "bronze")));
        open("/e/" + event);
        wait.until(ExpectedConditions.textToBe(By.id("shopper"), "Signed in as " + bert));
        wait.until(ExpectedConditions.textToBe(By.id("eligibility"), "For gold or vip members"));
        button().click();
        wait.until(ExpectedConditions.textToBe(By.id("outcome"), "This drop is for gold or vip members only."));
        browser.screenshot("identity-4-not-eligible-360px");

        signIn(token(gina, Instant.now().plus(Duration.ofHours(1)), Map.of("tier", "gold")));
        open("/e/" + event);
        wait.until(ExpectedConditions.textToBe(By.id("shopper"), "Signed in as " + gina));
        wait.until(ExpectedConditions.textToBe(By.id("remaining"), "2 of 2"));
        button().click();
        wait.until(ExpectedConditions.textToBe(By.id("outcome"), "You got coupon 1!"));
        wait.until(ExpectedConditions.textToBe(By.id("remaining"), "1 of 2"));
    }

    /** A token of the shop's sign-in: HS256 with the ingress's secret, sub = the shopper. */
    private static String token(String userId, Instant expires) throws Exception {
        return token(userId, expires, Map.of());
    }

    /** As {@link #token(String, Instant)}, with the shop's own claims ({@code tier}, ...). */
    private static String token(String userId, Instant expires, Map<String, Object> custom) throws Exception {
        Instant issued = expires.minus(Duration.ofHours(1));
        var claims = new JWTClaimsSet.Builder().subject(userId).issueTime(Date.from(issued)).expirationTime(Date.from(expires));
        custom.forEach(claims::claim);
        var jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.HS256).type(JOSEObjectType.JWT).build(),
                claims.build());
        jwt.sign(new MACSigner(SECRET.getBytes(StandardCharsets.UTF_8)));
        return jwt.serialize();
    }

    /** What the shop's site does once the shopper signed in: the cookie on the page's origin. */
    private void signIn(String token) {
        browser.driver.manage().deleteAllCookies();
        browser.driver.manage().addCookie(new Cookie("firstcome_token", token, "/"));
    }

    private void open(String path) {
        browser.driver.get(pipeline.ingress.url() + path);
    }

    private boolean displayed(String id) {
        return browser.driver.findElement(By.id(id)).isDisplayed();
    }

    private org.openqa.selenium.WebElement button() {
        return browser.driver.findElement(By.id("apply"));
    }
}
