package firstcome.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import firstcome.contract.DrawWindow;
import firstcome.contract.Json;
import firstcome.testkit.Infrastructure;
import firstcome.testkit.InfrastructureExtension;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.Comparator;
import java.util.List;
import java.util.UUID;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;
import org.openqa.selenium.By;
import org.openqa.selenium.Keys;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The shopper's event page and the organiser's live view in headless Chromium, against the three
 * services running over real Kafka, Redis and MariaDB. Screenshots of every state land in
 * {@code e2e/target/screenshots}.
 */
@ExtendWith(InfrastructureExtension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class EventPageIT {

    /** Long enough for a 202 to be decided by the processor on a loaded 2-core machine. */
    private static final Duration OUTCOME_DEADLINE = Duration.ofSeconds(25);

    private Pipeline pipeline;
    private Shoppers shoppers;
    private HeadlessChromium browser;
    private WebDriverWait wait;

    @BeforeAll
    void start(Infrastructure infrastructure) throws Exception {
        pipeline = new Pipeline(infrastructure);
        shoppers = new Shoppers(pipeline.ingress.url());
        browser = new HeadlessChromium();
        wait = new WebDriverWait(browser.driver, OUTCOME_DEADLINE, Duration.ofMillis(100));
        // The live view redraws its chart and tables every second: an element found a moment ago
        // may be gone by the time it is read, which means "look again", not "failed".
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
    void aShopperGetsACouponThenHearsAlreadyAppliedAndALateShopperHearsSoldOut() throws Exception {
        String event = "page-" + UUID.randomUUID().toString().substring(0, 8);
        assertThat(shoppers.defineEvent(event, 3).statusCode()).isEqualTo(200);
        browser.viewport(360, 740);

        open("/e/" + event);
        wait.until(ExpectedConditions.textToBe(By.id("event-name"), event));
        wait.until(ExpectedConditions.textToBe(By.id("remaining"), "3 of 3"));
        assertThat(text("countdown")).isEqualTo("Open now");
        assertThat(button().getTagName()).isEqualTo("button");
        assertThat(outcome().getAttribute("aria-live")).isEqualTo("polite");
        assertThat(outcome().getAttribute("role")).isEqualTo("status");
        assertThat(displayed("draw-note")).as("the draw's sentence of an event without one").isFalse();
        assertThat(displayed("draw-check")).as("the draw's check of an event without one").isFalse();
        assertFitsTheViewport();
        browser.screenshot("1-event-page-360px");

        typeShopper("alice");
        button().click();
        awaitOutcome("You got coupon 1!");
        wait.until(ExpectedConditions.textToBe(By.id("remaining"), "2 of 3"));
        browser.screenshot("2-got-coupon-360px");

        // The second time from the keyboard: focus the button and press Enter, as a keyboard user would.
        button().sendKeys(Keys.ENTER);
        awaitOutcome("You have already applied. Your coupon is number 1.");
        browser.screenshot("3-already-applied-360px");

        assertThat(shoppers.apply(event, "bob").status()).isEqualTo(202);
        assertThat(shoppers.apply(event, "carol").status()).isEqualTo(202);

        browser.driver.manage().deleteAllCookies();
        open("/e/" + event);
        wait.until(ExpectedConditions.textToBe(By.id("remaining"), "0 of 3"));
        assertThat(inputValue()).as("a new shopper gets a new id").startsWith("shopper-").isNotEqualTo("alice");
        typeShopper("dave");
        // Two clicks in one go: the first disables the button, so only one application is sent.
        browser.driver.executeScript("window.posts = 0; const send = window.fetch;"
                + "window.fetch = (url, options) => { if (options && options.method === 'POST') window.posts++; return send(url, options); };"
                + "const button = document.getElementById('apply'); button.click(); button.click();");
        awaitOutcome("Sold out: every coupon has been given out.");
        assertThat(((Number) browser.driver.executeScript("return window.posts;")).intValue()).isEqualTo(1);
        assertThat(text("countdown")).isEqualTo("Sold out");
        browser.screenshot("4-sold-out-360px");

        browser.viewport(1280, 800);
        browser.screenshot("5-sold-out-desktop");
    }

    @Test
    void theOrganiserDefinesAnEventAndWatchesItsIssuedCountLive() throws Exception {
        String event = "live-" + UUID.randomUUID().toString().substring(0, 8);
        browser.viewport(1280, 900);

        open("/admin");
        browser.driver.findElement(By.id("token")).sendKeys(Pipeline.ADMIN_TOKEN);
        browser.driver.findElement(By.id("unlock")).click();
        wait.until(ExpectedConditions.textToBe(By.id("token-status"), "Unlocked."));
        browser.driver.findElement(By.id("define-id")).sendKeys(event);
        browser.driver.findElement(By.id("define-limit")).sendKeys("2");
        browser.driver.findElement(By.id("define-submit")).click();
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("define-result"), "Saved " + event + ": 2 coupons"));
        wait.until(ExpectedConditions.textToBe(By.id("live-event"), event));

        for (String user : new String[] {"ann", "ben", "cat", "ann"}) {
            shoppers.apply(event, user);
        }

        wait.until(ExpectedConditions.textToBe(By.id("live-issued"), "2"));
        wait.until(ExpectedConditions.textToBe(By.id("live-accepted"), "2"));
        assertThat(displayed("live-draw")).as("the draw of an event without one").isFalse();
        wait.until(ExpectedConditions.textToBe(By.id("live-remaining"), "0 of 2"));
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("rates"), "Sold out (410)"));
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("rates"), "Already applied (409)"));
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("events"), event));
        // A line, not a dot: at least two rates (three polls) on the chart.
        wait.until(driver -> driver.findElements(By.cssSelector("#chart polyline")).stream()
                .anyMatch(line -> line.getAttribute("points").split(" ").length >= 2));
        browser.screenshot("6-admin-live-desktop");

        browser.viewport(360, 740);
        assertFitsTheViewport();
        browser.screenshot("7-admin-live-360px");
    }

    @Test
    void theOrganiserSetsWhoMayApplyAndClearsItAgain() throws Exception {
        String event = "members-" + UUID.randomUUID().toString().substring(0, 8);
        browser.viewport(1280, 900);

        open("/admin");
        browser.driver.findElement(By.id("token")).sendKeys(Pipeline.ADMIN_TOKEN);
        browser.driver.findElement(By.id("unlock")).click();
        wait.until(ExpectedConditions.textToBe(By.id("token-status"), "Unlocked."));
        browser.driver.findElement(By.id("define-id")).sendKeys(event);
        browser.driver.findElement(By.id("define-limit")).sendKeys("3");
        browser.driver.findElement(By.id("define-claim")).sendKeys("tier");
        browser.driver.findElement(By.id("define-any-of")).sendKeys("gold, vip");
        browser.driver.findElement(By.id("define-submit")).click();
        wait.until(ExpectedConditions.textMatches(By.id("define-result"),
                Pattern.compile("^Saved " + event + ": 3 coupons, opens .+, for shoppers whose tier is gold or vip\\.$")));
        assertThat(info(event).path("eligibility")).isEqualTo(Json.mapper().readTree("{\"claim\":\"tier\",\"anyOf\":[\"gold\",\"vip\"]}"));
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("events"), "tier is gold or vip"));
        // Identities are off here: nobody can show the claim.
        assertThat(shoppers.apply(event, "ann").status()).isEqualTo(403);
        browser.screenshot("23-admin-eligibility-desktop");

        // Saved again with both fields empty: open to every shopper.
        browser.driver.findElement(By.id("define-claim")).clear();
        browser.driver.findElement(By.id("define-any-of")).clear();
        browser.driver.findElement(By.id("define-submit")).click();
        // The click said "Saving…" at once: the answer matched here is the second one.
        wait.until(ExpectedConditions.textMatches(By.id("define-result"), Pattern.compile("^Saved " + event + ": 3 coupons, opens .+\\.$")));
        assertThat(browser.driver.findElement(By.id("define-result")).getText()).doesNotContain("for shoppers");
        assertThat(info(event).has("eligibility")).isFalse();
        wait.until(driver -> driver.findElements(By.cssSelector("#events tbody tr")).stream()
                .anyMatch(row -> row.getText().startsWith(event) && row.getText().contains("everyone")));
        assertThat(shoppers.apply(event, "ann").status()).isEqualTo(202);
    }

    @Test
    void anEventNotOpenYetCountsDownAndSaysNotOpenYet() throws Exception {
        String event = "later-" + UUID.randomUUID().toString().substring(0, 8);
        Instant opensAt = Instant.now().plus(Duration.ofHours(1)).truncatedTo(ChronoUnit.SECONDS);
        assertThat(define(event, 5, opensAt).statusCode()).isEqualTo(200);
        browser.viewport(360, 740);

        open("/?event=" + event);
        wait.until(ExpectedConditions.textToBe(By.id("event-name"), event));
        wait.until(ExpectedConditions.textMatches(By.id("countdown"), Pattern.compile("Opens in 0?0:5\\d:\\d\\d")));
        typeShopper("early-bird");
        button().click();
        wait.until(ExpectedConditions.textMatches(By.id("outcome"), Pattern.compile("Not open yet: applications open .+\\.")));
        browser.screenshot("8-not-open-yet-360px");
    }

    @Test
    void aWaitlistedShopperWatchesTheirPlaceAndGetsAReturnedCouponThenSeesItRedeemed() throws Exception {
        String event = "wait-" + UUID.randomUUID().toString().substring(0, 8);
        Instant validUntil = Instant.now().plus(Duration.ofDays(1)).truncatedTo(ChronoUnit.SECONDS);
        assertThat(shoppers.defineEvent(event, "{\"limit\":1,\"waitlist\":2,\"couponsValidUntil\":\"" + validUntil + "\"}")
                .statusCode()).isEqualTo(200);
        browser.viewport(360, 740);

        open("/e/" + event);
        wait.until(ExpectedConditions.textToBe(By.id("event-name"), event));
        wait.until(ExpectedConditions.textToBe(By.id("waitlist"), "2 places"));
        assertThat(text("valid-until")).isNotEqualTo("–").isNotBlank();
        typeShopper("winner");
        button().click();
        wait.until(ExpectedConditions.textMatches(By.id("outcome"),
                Pattern.compile("You got coupon 1! It is valid until .+\\.")));
        wait.until(ExpectedConditions.textToBe(By.id("countdown"), "Waitlist only"));
        assertFitsTheViewport();
        browser.screenshot("9-coupon-valid-until-360px");

        typeShopper("waiter");
        button().click();
        awaitOutcome("You are on the waitlist: number 1 in line. You are next: you get a coupon as soon as one is returned.");
        browser.screenshot("10-waitlisted-360px");

        // The shop: the winner's order redeems the coupon, is cancelled, and the coupon goes back to the pool.
        assertThat(shoppers.shop(event, "winner", "redeem", "{\"orderId\":\"o-1\"}").statusCode()).isEqualTo(200);
        assertThat(shoppers.shop(event, "winner", "unredeem", "{\"orderId\":\"o-1\"}").statusCode()).isEqualTo(200);
        assertThat(shoppers.shop(event, "winner", "return", "{}").statusCode()).isEqualTo(200);

        // The waiting page keeps asking: the returned coupon's replacement shows without a click.
        wait.until(ExpectedConditions.textMatches(By.id("outcome"),
                Pattern.compile("You got coupon 2! It is valid until .+\\.")));
        browser.screenshot("11-served-from-the-waitlist-360px");

        assertThat(shoppers.shop(event, "waiter", "redeem", "{\"orderId\":\"o-2\"}").statusCode()).isEqualTo(200);
        openAs("waiter", "/e/" + event);
        awaitOutcome("Your coupon 2 was used for order o-2.");
        browser.screenshot("12-redeemed-360px");

        openAs("winner", "/e/" + event);
        awaitOutcome("Your coupon 1 was returned: it went back to the pool for someone else.");
        button().click();
        awaitOutcome("You have already applied. Your coupon 1 was returned: it went back to the pool for someone else.");
        browser.screenshot("13-returned-360px");
    }

    @Test
    void theOrganiserDefinesAWaitlistAndWatchesAReturnedCouponServeIt() throws Exception {
        String event = "pool-" + UUID.randomUUID().toString().substring(0, 8);
        browser.viewport(1280, 900);

        open("/admin");
        browser.driver.findElement(By.id("token")).sendKeys(Pipeline.ADMIN_TOKEN);
        browser.driver.findElement(By.id("unlock")).click();
        wait.until(ExpectedConditions.textToBe(By.id("token-status"), "Unlocked."));
        browser.driver.findElement(By.id("define-id")).sendKeys(event);
        browser.driver.findElement(By.id("define-limit")).sendKeys("1");
        browser.driver.findElement(By.id("define-waitlist")).sendKeys("1");
        // datetime-local takes typed digits in the browser's locale order: set the value as a picker would.
        browser.driver.executeScript("document.getElementById('define-valid-until').value = arguments[0];",
                java.time.LocalDateTime.now().plusDays(2).truncatedTo(ChronoUnit.SECONDS).toString());
        browser.driver.findElement(By.id("define-submit")).click();
        wait.until(ExpectedConditions.textMatches(By.id("define-result"),
                Pattern.compile("Saved " + event + ": 1 coupons, a waitlist of 1, opens .+, coupons valid until .+\\.")));
        wait.until(ExpectedConditions.textToBe(By.id("live-event"), event));
        assertThat(shoppers.get("/events/" + event).body()).contains("\"waitlist\":1").contains("\"couponsValidUntil\"");

        assertThat(shoppers.apply(event, "ann").status()).isEqualTo(202);
        assertThat(shoppers.apply(event, "ben").status()).isEqualTo(202);
        wait.until(ExpectedConditions.textToBe(By.id("live-issued"), "1"));
        wait.until(ExpectedConditions.textToBe(By.id("live-waitlisted"), "1 of 1"));
        assertThat(shoppers.shop(event, "ann", "redeem", "{\"orderId\":\"o-1\"}").statusCode()).isEqualTo(200);
        wait.until(ExpectedConditions.textToBe(By.id("live-redeemed"), "1"));
        assertThat(shoppers.shop(event, "ann", "unredeem", "{\"orderId\":\"o-1\"}").statusCode()).isEqualTo(200);
        assertThat(shoppers.shop(event, "ann", "return", "{}").statusCode()).isEqualTo(200);

        wait.until(ExpectedConditions.textToBe(By.id("live-returned"), "1"));
        wait.until(ExpectedConditions.textToBe(By.id("live-issued"), "2"));
        wait.until(ExpectedConditions.textToBe(By.id("live-waitlisted"), "0 of 1"));
        wait.until(ExpectedConditions.textToBe(By.id("live-redeemed"), "0"));
        browser.screenshot("14-admin-lifecycle-desktop");
    }

    /**
     * A fair opening (docs/fair-opening.md): four shoppers apply in the draw window, one from the page;
     * once the window ends the draw ranks them by the seed, which the event info then reveals, so the
     * test knows each one's rank and checks the words each page says: a coupon, the waitlist, not drawn.
     * Then two coupons come back and a shopper not drawn applies again, first come, from the page.
     */
    @Test
    void aShopperInTheDrawWindowSeesTheResultWithTheirRankAndCanCheckTheDraw() throws Exception {
        String event = "draw-" + UUID.randomUUID().toString().substring(0, 8);
        int window = 10;
        Instant opensAt = Instant.now().plusSeconds(8).truncatedTo(ChronoUnit.SECONDS);
        Instant endsAt = opensAt.plusSeconds(window);
        assertThat(shoppers.defineEvent(event, "{\"limit\":1,\"waitlist\":1,\"opensAt\":\"" + opensAt
                + "\",\"drawWindowSeconds\":" + window + "}").statusCode()).isEqualTo(200);
        browser.viewport(360, 740);

        open("/e/" + event);
        wait.until(ExpectedConditions.textToBe(By.id("event-name"), event));
        typeShopper("alice");
        // Before the opening: the countdown says a draw follows; the commitment is out, the seed is not.
        wait.until(ExpectedConditions.textMatches(By.id("countdown"), Pattern.compile("^Opens in 00:00:0\\d, then a 10 s draw$")));
        JsonNode announced = info(event).path("draw");
        String commitment = announced.path("commitment").asText();
        assertThat(commitment).matches("[0-9a-f]{64}");
        assertThat(announced.has("seed")).as("the seed before the draw").isFalse();
        assertThat(text("draw-note")).startsWith("A fair opening: everyone who applies in the first 10 s has the same chance.");
        assertThat(text("draw-commitment")).isEqualTo(commitment);
        assertThat(displayed("draw-seed-fact")).isFalse();
        assertThat(displayed("draw-commands")).isFalse();
        browser.screenshot("15-draw-before-the-opening-360px");

        // In the window: a countdown to its end, and the seconds left in the sentence, counting down.
        wait.until(ExpectedConditions.textMatches(By.id("countdown"), Pattern.compile("^Draw closes in 00:00:(0\\d|10)$")));
        int secondsLeft = wait.until(driver -> secondsLeftInTheWindow());
        wait.until(driver -> {
            Integer now = secondsLeftInTheWindow();
            return now != null && now < secondsLeft;
        });
        button().click();
        String decidedAt = LocalTime.ofInstant(endsAt, ZoneId.systemDefault()).format(DateTimeFormatter.ofPattern("HH:mm:ss"));
        awaitOutcome("You are in the draw — it is decided at " + decidedAt + ". This page shows your result then.");
        browser.screenshot("16-in-the-draw-360px");
        for (String user : List.of("bob", "carol", "dave")) {
            Shoppers.Answer entered = shoppers.apply(event, user);
            assertThat(entered.status()).as(user).isEqualTo(202);
            assertThat(Json.mapper().readTree(entered.body()).path("inDraw").asBoolean()).as("%s is in the draw", user).isTrue();
        }

        // The draw: its seed is revealed and must be the committed one; it alone orders the entrants.
        JsonNode drawn = await().atMost(OUTCOME_DEADLINE).pollInterval(Duration.ofMillis(200))
                .until(() -> info(event).path("draw"), draw -> draw.has("seed"));
        String seed = drawn.path("seed").asText();
        assertThat(new DrawWindow(window, null, seed).commitment()).isEqualTo(commitment);
        assertThat(drawn.path("entrants").asInt()).isEqualTo(4);
        List<String> ranked = List.of("alice", "bob", "carol", "dave").stream()
                .sorted(Comparator.comparing(user -> DrawWindow.rankKey(seed, user)))
                .toList();
        Function<String, String> result = user -> switch (ranked.indexOf(user) + 1) {
            case 1 -> "You were drawn 1st of 4 entrants: coupon no. 1.";
            case 2 -> "You were drawn 2nd of 4 entrants: you are on the waitlist, place 1. You get a coupon as soon as one is returned.";
            default -> "Not drawn this time (rank " + (ranked.indexOf(user) + 1) + " of 4).";
        };

        // The page polled while in the draw: the result shows without a click, and so does the check.
        awaitOutcome(result.apply("alice"));
        wait.until(ExpectedConditions.textToBe(By.id("draw-seed"), seed));
        assertThat(text("draw-commitment")).isEqualTo(commitment);
        assertThat(text("draw-issued-up-to")).isEqualTo(DrawWindow.rankKey(seed, ranked.get(0)));
        assertThat(text("draw-waitlist-up-to")).isEqualTo(DrawWindow.rankKey(seed, ranked.get(1)));
        assertThat(text("draw-command")).isEqualTo("printf %s \"" + seed + "\" | xxd -r -p | sha256sum\n"
                + "{ printf %s \"" + seed + "\" | xxd -r -p; printf %s \"alice\"; } | sha256sum");
        wait.until(ExpectedConditions.textMatches(By.id("draw-note"), Pattern.compile("^Drawn at " + decidedAt + " among 4 entrants\\.")));
        assertFitsTheViewport();
        browser.screenshot("17-draw-result-and-check-360px");

        for (String user : ranked) {
            openAs(user, "/e/" + event);
            awaitOutcome(result.apply(user));
            assertThat(text("draw-command")).as("the command names the shopper").contains("printf %s \"" + user + "\"");
            browser.screenshot("18-draw-rank-" + (ranked.indexOf(user) + 1) + "-360px");
        }

        // Both coupons come back (the second went to the waitlisted one): one is left for anyone.
        String winner = ranked.get(0);
        String waiter = ranked.get(1);
        assertThat(shoppers.shop(event, winner, "return", "{}").statusCode()).isEqualTo(200);
        await().atMost(OUTCOME_DEADLINE).pollInterval(Duration.ofMillis(200))
                .until(() -> status(event, waiter).path("outcome").asText(), "ISSUED"::equals);
        assertThat(shoppers.shop(event, waiter, "return", "{}").statusCode()).isEqualTo(200);
        await().atMost(OUTCOME_DEADLINE).pollInterval(Duration.ofMillis(200))
                .until(() -> info(event).path("remaining").asInt(), remaining -> remaining == 1);

        String notDrawn = ranked.get(2);
        openAs(notDrawn, "/e/" + event);
        awaitOutcome("Not drawn this time (rank 3 of 4). A coupon is still left: you can apply again.");
        assertThat(button().getText()).isEqualTo("Apply again");
        browser.screenshot("19-not-drawn-apply-again-360px");
        button().click();
        awaitOutcome("You got coupon 3!");
        assertThat(button().getText()).isEqualTo("Get my coupon");
    }

    /** The organiser gives an event a draw window and a cap in the form, then watches the entrants and the draw. */
    @Test
    void theOrganiserDefinesADrawWindowAndWatchesTheEntrantsAndTheDraw() throws Exception {
        String event = "fair-" + UUID.randomUUID().toString().substring(0, 8);
        Instant opensAt = Instant.now().plusSeconds(10).truncatedTo(ChronoUnit.SECONDS);
        browser.viewport(1280, 900);

        open("/admin");
        browser.driver.findElement(By.id("token")).sendKeys(Pipeline.ADMIN_TOKEN);
        browser.driver.findElement(By.id("unlock")).click();
        wait.until(ExpectedConditions.textToBe(By.id("token-status"), "Unlocked."));
        browser.driver.findElement(By.id("define-id")).sendKeys(event);
        browser.driver.findElement(By.id("define-limit")).sendKeys("1");
        browser.driver.executeScript("document.getElementById('define-opens').value = arguments[0];",
                LocalDateTime.ofInstant(opensAt, ZoneId.systemDefault()).toString());
        browser.driver.findElement(By.id("define-draw-window")).sendKeys("5");
        browser.driver.findElement(By.id("define-draw-cap")).sendKeys("50");
        browser.driver.findElement(By.id("define-submit")).click();
        wait.until(ExpectedConditions.textMatches(By.id("define-result"),
                Pattern.compile("^Saved " + event + ": 1 coupons, opens .+, a 5 s draw window for up to 50 entrants\\.$")));
        wait.until(ExpectedConditions.textToBe(By.id("live-event"), event));
        JsonNode announced = info(event).path("draw");
        assertThat(announced.path("windowSeconds").asInt()).isEqualTo(5);
        assertThat(announced.path("cap").asInt()).isEqualTo(50);
        assertThat(announced.has("seed")).as("the seed before the draw").isFalse();
        String commitment = announced.path("commitment").asText();
        wait.until(ExpectedConditions.textToBe(By.id("live-draw-commitment"), commitment));
        assertThat(text("live-draw-cap")).isEqualTo("50");
        assertThat(text("live-draw-drawn-at")).isEqualTo("not yet");
        assertThat(text("live-draw-seed")).isEqualTo("secret until the draw");

        await().atMost(Duration.ofSeconds(30)).until(() -> !Instant.now().isBefore(opensAt));
        for (String user : List.of("ann", "ben", "cat")) {
            Shoppers.Answer entered = shoppers.apply(event, user);
            assertThat(entered.status()).as(user).isEqualTo(202);
            assertThat(Json.mapper().readTree(entered.body()).path("inDraw").asBoolean()).as("%s is in the draw", user).isTrue();
        }
        wait.until(ExpectedConditions.textToBe(By.id("live-draw-entrants"), "3"));
        browser.screenshot("20-admin-draw-entrants-desktop");

        String seed = await().atMost(OUTCOME_DEADLINE).pollInterval(Duration.ofMillis(200))
                .until(() -> info(event).path("draw").path("seed").asText(""), revealed -> !revealed.isEmpty());
        wait.until(ExpectedConditions.textToBe(By.id("live-draw-seed"), seed));
        wait.until(ExpectedConditions.textToBe(By.id("live-draw-winners"), "1"));
        assertThat(text("live-draw-waitlisted")).isEqualTo("0");
        assertThat(text("live-draw-not-drawn")).isEqualTo("2");
        assertThat(text("live-draw-entrants")).isEqualTo("3");
        assertThat(text("live-draw-drawn-at")).isNotEqualTo("not yet").isNotBlank();
        assertThat(text("live-draw-status")).matches("Drawn at .+ among 3 entrants: 1 winner, 0 waitlisted, 2 not drawn\\.");
        wait.until(ExpectedConditions.textToBe(By.id("live-issued"), "1"));
        browser.screenshot("21-admin-draw-outcome-desktop");

        browser.viewport(360, 740);
        assertFitsTheViewport();
        browser.screenshot("22-admin-draw-outcome-360px");
    }

    private HttpResponse<String> define(String event, int limit, Instant opensAt) throws Exception {
        var request = HttpRequest.newBuilder(URI.create(pipeline.ingress.url() + "/admin/events/" + event))
                .header("Content-Type", "application/json")
                .header("Authorization", "Bearer " + Pipeline.ADMIN_TOKEN)
                .PUT(HttpRequest.BodyPublishers.ofString("{\"limit\":" + limit + ",\"opensAt\":\"" + opensAt + "\"}"))
                .build();
        return HttpClient.newHttpClient().send(request, HttpResponse.BodyHandlers.ofString());
    }

    /** The public event info, as the page reads it. */
    private JsonNode info(String event) throws Exception {
        return Json.mapper().readTree(shoppers.get("/events/" + event).body());
    }

    /** The shopper's status, as the page reads it. */
    private JsonNode status(String event, String user) throws Exception {
        return Json.mapper().readTree(shoppers.get("/events/" + event + "/applications/" + user).body());
    }

    /** N in "Everyone who applies in the next N s has the same chance.", null when the page does not say it. */
    private Integer secondsLeftInTheWindow() {
        Matcher sentence = Pattern.compile("^Everyone who applies in the next (\\d+) s has the same chance\\.")
                .matcher(text("draw-note"));
        return sentence.find() ? Integer.valueOf(sentence.group(1)) : null;
    }

    private boolean displayed(String id) {
        return browser.driver.findElement(By.id(id)).isDisplayed();
    }

    private void open(String path) {
        browser.driver.get(pipeline.ingress.url() + path);
    }

    /** Opens the page as the shopper the demo's cookie names, as when a shopper comes back later. */
    private void openAs(String userId, String path) {
        browser.driver.manage().deleteAllCookies();
        browser.driver.manage().addCookie(new org.openqa.selenium.Cookie("firstcome_shopper", userId, "/"));
        open(path);
    }

    private WebElement button() {
        return browser.driver.findElement(By.id("apply"));
    }

    private WebElement outcome() {
        return browser.driver.findElement(By.id("outcome"));
    }

    private String text(String id) {
        return browser.driver.findElement(By.id(id)).getText();
    }

    private String inputValue() {
        return browser.driver.findElement(By.id("user-id")).getDomProperty("value");
    }

    private void typeShopper(String userId) {
        WebElement field = browser.driver.findElement(By.id("user-id"));
        field.clear();
        field.sendKeys(userId);
    }

    /** The outcome region says exactly this: what a screen reader announces (aria-live). */
    private void awaitOutcome(String expected) {
        wait.until(ExpectedConditions.textToBe(By.id("outcome"), expected));
    }

    /** Nothing sticks out sideways: no horizontal scrolling at this width. */
    private void assertFitsTheViewport() {
        Number overflow = (Number) browser.driver.executeScript(
                "return document.documentElement.scrollWidth - window.innerWidth;");
        Object culprits = browser.driver.executeScript("return Array.from(document.querySelectorAll('body *'))"
                + ".filter(e => e.getBoundingClientRect().right > window.innerWidth + 0.5)"
                + ".filter(e => { for (let a = e.parentElement; a; a = a.parentElement) {"
                + "  if (getComputedStyle(a).overflowX !== 'visible' && a.getBoundingClientRect().right <= window.innerWidth + 0.5) return false; }"
                + "  return true; })"
                + ".map(e => e.tagName + (e.id ? '#' + e.id : '') + '.' + e.className + ' ' + Math.round(e.getBoundingClientRect().right))"
                + ".slice(0, 10).join(', ');");
        assertThat(overflow.intValue()).as("horizontal overflow in px (elements past the edge: %s)", culprits)
                .isLessThanOrEqualTo(0);
    }
}
