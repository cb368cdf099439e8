package firstcome.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import firstcome.contract.Json;
import firstcome.testkit.Infrastructure;
import firstcome.testkit.InfrastructureExtension;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.UUID;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;
import org.openqa.selenium.By;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;
import redis.clients.jedis.RedisClient;

/**
 * The organiser's page during a drop, in headless Chromium against the three services over real
 * Kafka, Redis and MariaDB: changing an event's limit, closing it now, and the live view's warning
 * while the gate disagrees with the authority. Screenshots land in {@code e2e/target/screenshots}.
 */
@ExtendWith(InfrastructureExtension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class AdminPageIT {

    /** Long enough for a 202 to be decided, and for the gate's grace and a rebuild, on a loaded 2-core machine. */
    private static final Duration DEADLINE = Duration.ofSeconds(40);

    private Infrastructure infrastructure;
    private Pipeline pipeline;
    private Shoppers shoppers;
    private HeadlessChromium browser;
    private WebDriverWait wait;

    @BeforeAll
    void start(Infrastructure infrastructure) throws Exception {
        this.infrastructure = infrastructure;
        pipeline = new Pipeline(infrastructure);
        shoppers = pipeline.shoppers();
        browser = new HeadlessChromium();
        wait = new WebDriverWait(browser.driver, DEADLINE, Duration.ofMillis(100));
        // The list and the live view are redrawn every few seconds: an element found a moment ago may be gone.
        wait.ignoring(StaleElementReferenceException.class);
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

    @Test
    void theOrganiserLowersAndRaisesTheLimitDuringADropThenClosesTheEventNow() throws Exception {
        String event = "drop-" + UUID.randomUUID().toString().substring(0, 8);
        Instant validUntil = Instant.now().plus(Duration.ofDays(2)).truncatedTo(ChronoUnit.SECONDS);
        assertThat(shoppers.defineEvent(event, "{\"limit\":3,\"waitlist\":1,\"couponsValidUntil\":\"" + validUntil + "\"}")
                .statusCode()).isEqualTo(200);
        assertThat(shoppers.apply(event, "ann").status()).isEqualTo(202);
        assertThat(shoppers.apply(event, "ben").status()).isEqualTo(202);
        browser.viewport(1280, 900);
        unlockAndWatch(event);
        wait.until(ExpectedConditions.textToBe(By.id("live-issued"), "2"));

        // Below the coupons held: accepted, nothing taken back, and the page says what it means.
        changeLimit("1");
        wait.until(ExpectedConditions.textToBe(By.id("manage-result"), "The limit of " + event + " is now 1. That is below the 2"
                + " coupons held now: none is taken back, and nobody gets a new one until returns bring the coupons held under 1."));
        JsonNode lowered = info(event);
        assertThat(lowered.get("limit").asInt()).isEqualTo(1);
        assertThat(lowered.get("waitlist").asInt()).as("the waitlist kept").isEqualTo(1);
        assertThat(Instant.parse(lowered.get("couponsValidUntil").asText())).as("the validity kept").isEqualTo(validUntil);
        assertThat(lowered.get("closesAt").isNull()).isTrue();
        browser.screenshot("30-admin-limit-lowered-desktop");

        changeLimit("4");
        wait.until(ExpectedConditions.textToBe(By.id("manage-result"), "The limit of " + event + " is now 4."));
        wait.until(ExpectedConditions.textToBe(By.id("live-remaining"), "2 of 4"));
        assertThat(shoppers.apply(event, "cat").status()).isEqualTo(202);
        wait.until(ExpectedConditions.textToBe(By.id("live-issued"), "3"));

        // Close now: confirmed in the browser's dialog, then applications hear CLOSED.
        wait.until(driver -> {
            driver.findElement(By.cssSelector("button[aria-label='Close " + event + " now']")).click();
            return true;
        });
        wait.until(ExpectedConditions.alertIsPresent()).accept();
        wait.until(ExpectedConditions.textMatches(By.id("manage-result"), Pattern.compile(
                "Closed " + event + " at .+: applications now hear \"closed\"; the coupons already issued stay\\.")));
        JsonNode closed = info(event);
        Instant closesAt = Instant.parse(closed.get("closesAt").asText());
        assertThat(closesAt).isBetween(Instant.now().minusSeconds(60), Instant.now());
        assertThat(closed.get("limit").asInt()).isEqualTo(4);
        assertThat(closed.get("waitlist").asInt()).isEqualTo(1);
        assertThat(Instant.parse(closed.get("couponsValidUntil").asText())).isEqualTo(validUntil);
        Shoppers.Answer late = shoppers.apply(event, "dan");
        assertThat(late.status()).isEqualTo(410);
        assertThat(late.body()).contains("\"CLOSED\"");
        wait.until(ExpectedConditions.numberOfElementsToBe(By.cssSelector("button[aria-label='Close " + event + " now']"), 0));
        browser.screenshot("31-admin-closed-now-desktop");

        // A closed event cannot change: the route's reason, in words.
        changeLimit("5");
        wait.until(ExpectedConditions.textToBe(By.id("manage-result"), "The limit of " + event + " was not changed: event " + event
                + " closed at " + closesAt + "; a closed event cannot be reopened or changed, define a new event id."));
        browser.viewport(360, 740);
        browser.screenshot("32-admin-change-refused-360px");
    }

    @Test
    void theOrganiserCancelsClosingAndNothingChangesAndAnEventNotOpenYetHasNothingToClose() throws Exception {
        String event = "keep-" + UUID.randomUUID().toString().substring(0, 8);
        String later = "later-" + UUID.randomUUID().toString().substring(0, 8);
        assertThat(shoppers.defineEvent(event, 2).statusCode()).isEqualTo(200);
        assertThat(shoppers.defineEvent(later, "{\"limit\":2,\"opensAt\":\""
                + Instant.now().plus(Duration.ofHours(1)).truncatedTo(ChronoUnit.SECONDS) + "\"}").statusCode()).isEqualTo(200);
        browser.viewport(1280, 900);
        unlockAndWatch(event);
        wait.until(ExpectedConditions.presenceOfElementLocated(By.cssSelector("button[aria-label='Watch " + later + "']")));
        assertThat(browser.driver.findElements(By.cssSelector("button[aria-label='Close " + later + " now']"))).isEmpty();
        wait.until(driver -> driver.findElement(By.cssSelector("button[aria-label='Watch " + event + "']"))
                .getAttribute("aria-pressed").equals("true"));
        assertThat(browser.driver.findElement(By.cssSelector("button[aria-label='Close " + event + " now']"))
                .getAttribute("aria-pressed")).as("an action, not a toggle").isNull();

        wait.until(driver -> {
            driver.findElement(By.cssSelector("button[aria-label='Close " + event + " now']")).click();
            return true;
        });
        wait.until(ExpectedConditions.alertIsPresent()).dismiss();

        assertThat(info(event).get("closesAt").isNull()).isTrue();
        assertThat(shoppers.apply(event, "ann").status()).isEqualTo(202);
    }

    @Test
    void theLiveViewWarnsWhileTheGateDisagreesWithTheAuthorityUntilTheGateIsRebuilt() throws Exception {
        String event = "gate-" + UUID.randomUUID().toString().substring(0, 8);
        assertThat(shoppers.defineEvent(event, 5).statusCode()).isEqualTo(200);
        assertThat(shoppers.apply(event, "ann").status()).isEqualTo(202);
        assertThat(shoppers.apply(event, "ben").status()).isEqualTo(202);
        browser.viewport(1280, 900);
        unlockAndWatch(event);
        wait.until(ExpectedConditions.textToBe(By.id("live-issued"), "2"));
        wait.until(driver -> stats(event).path("gate").path("agrees").asBoolean(false));
        assertThat(warning().isDisplayed()).isFalse();

        // Someone writes the gate's count by hand: three places nobody holds.
        try (var redis = RedisClient.create(URI.create(infrastructure.redisUrl()))) {
            redis.incrBy("fc:{" + event + "}:count", 3);

            wait.until(ExpectedConditions.textMatches(By.id("live-gate-warning"), Pattern.compile(
                    "The gate and the authority disagree since .+: the gate \\(Redis\\) counts 5 places, the streams-processor 2"
                            + " \\(coupons held, users waiting, entrants\\), and nothing is pending\\. Shoppers may hear \"sold out\""
                            + " while coupons are left\\. Run make audit, which names every difference \\(docs/operations\\.md\\)\\.")));
            assertThat(warning().isDisplayed()).isTrue();
            assertThat(warning().getAttribute("role")).isEqualTo("alert");
            browser.screenshot("33-admin-gate-disagrees-desktop");

            // The gate losing the event's state is what the ingress repairs by itself: it rebuilds it from the authority.
            redis.del("fc:{" + event + "}:count");
        }
        wait.until(ExpectedConditions.textToBe(By.id("live-gate-warning"), ""));
        assertThat(warning().isDisplayed()).isFalse();
        JsonNode gate = stats(event).get("gate");
        assertThat(gate.get("count").asLong()).isEqualTo(2);
        assertThat(gate.get("authority").asLong()).isEqualTo(2);
        assertThat(gate.get("agrees").asBoolean()).isTrue();
    }

    private void unlockAndWatch(String event) {
        browser.driver.get(pipeline.ingress.url() + "/admin");
        browser.driver.findElement(By.id("token")).sendKeys(Pipeline.ADMIN_TOKEN);
        browser.driver.findElement(By.id("unlock")).click();
        wait.until(ExpectedConditions.textToBe(By.id("token-status"), "Unlocked."));
        wait.until(driver -> {
            driver.findElement(By.cssSelector("button[aria-label='Watch " + event + "']")).click();
            return true;
        });
        wait.until(ExpectedConditions.textToBe(By.id("live-event"), event));
    }

    private void changeLimit(String limit) {
        WebElement input = browser.driver.findElement(By.id("limit-input"));
        input.clear();
        input.sendKeys(limit);
        browser.driver.findElement(By.id("limit-submit")).click();
    }

    private WebElement warning() {
        return browser.driver.findElement(By.id("live-gate-warning"));
    }

    /** The public event info, as the shopper's page reads it. */
    private JsonNode info(String event) throws Exception {
        return Json.mapper().readTree(shoppers.get("/events/" + event).body());
    }

    /** The organiser's stats of the event, as the live view reads them. */
    private JsonNode stats(String event) {
        try {
            var request = HttpRequest.newBuilder(URI.create(pipeline.ingress.url() + "/admin/events/" + event + "/stats"))
                    .header("Authorization", "Bearer " + Pipeline.ADMIN_TOKEN)
                    .build();
            return Json.mapper().readTree(HttpClient.newHttpClient().send(request, HttpResponse.BodyHandlers.ofString()).body());
        } catch (Exception e) {
            throw new IllegalStateException("could not read the stats of " + event, e);
        }
    }
}
