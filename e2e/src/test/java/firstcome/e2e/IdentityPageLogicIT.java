package firstcome.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import firstcome.contract.Json;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.openqa.selenium.By;
import org.openqa.selenium.Cookie;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The event page's identity modes (docs/identities.md) in headless Chromium against a small fake
 * of the ingress's public routes: the page's own files, {@code GET /shopper}, the event, apply and
 * status, answering as the identity routes do (404 off; 401 UNAUTHENTICATED; 403 FORBIDDEN /
 * NOT_ELIGIBLE). The fake trusts the cookie's value as the shopper's id: what is tested is the
 * page, not the verification ({@link IdentityPageIT} runs the page against the real services).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class IdentityPageLogicIT {

    private static final Pattern APPLICATIONS = Pattern.compile("^/events/([^/]+)/applications(?:/([^/]+))?$");
    private static final Pattern EVENT = Pattern.compile("^/events/([^/]+)$");
    private static final Path PAGES = pages();

    private HttpServer server;
    private String origin;
    private HeadlessChromium browser;
    private WebDriverWait wait;

    // The fake's state, reset before each test.
    private volatile boolean identities;
    private final Set<String> revoked = ConcurrentHashMap.newKeySet();
    private final Set<String> applied = ConcurrentHashMap.newKeySet();
    private final List<JsonNode> applications = new CopyOnWriteArrayList<>();
    private final List<String> lookedUp = new CopyOnWriteArrayList<>();

    @BeforeAll
    void start() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", this::handle);
        server.start();
        origin = "http://localhost:" + server.getAddress().getPort();
        browser = new HeadlessChromium();
        wait = new WebDriverWait(browser.driver, Duration.ofSeconds(10), Duration.ofMillis(50));
    }

    @AfterAll
    void stop() throws IOException {
        if (browser != null) {
            browser.close();
        }
        if (server != null) {
            server.stop(0);
        }
    }

    @BeforeEach
    void reset() {
        identities = true;
        revoked.clear();
        applied.clear();
        applications.clear();
        lookedUp.clear();
        browser.driver.get(origin + "/health");
        browser.driver.manage().deleteAllCookies();
        browser.viewport(360, 740);
    }

    @Test
    void identitiesOffIsTodaysPage() {
        identities = false;
        open("/e/plain");
        wait.until(ExpectedConditions.textToBe(By.id("remaining"), "5 of 5"));
        assertThat(displayed("user-id-field")).isTrue();
        assertThat(displayed("shopper")).isFalse();
        var field = browser.driver.findElement(By.id("user-id"));
        field.clear();
        field.sendKeys("carol");
        button().click();
        awaitOutcome("You got coupon 1!");
        assertThat(applications).singleElement().satisfies(body -> assertThat(body.path("userId").asText()).isEqualTo("carol"));
        assertThat(browser.driver.manage().getCookieNamed("firstcome_shopper").getValue()).isEqualTo("carol");
    }

    @Test
    void signedInTheShopperAppliesAndIsLookedUpAsThemselves() {
        signIn("alice");
        // A demo id remembered from before identities were on must not be used.
        browser.driver.manage().addCookie(new Cookie("firstcome_shopper", "someone-else", "/"));
        open("/e/plain");
        wait.until(ExpectedConditions.textToBe(By.id("shopper"), "Signed in as alice"));
        assertThat(displayed("user-id-field")).isFalse();
        assertThat(button().isEnabled()).isTrue();

        button().click();
        awaitOutcome("You got coupon 1!");
        assertThat(applications).singleElement().satisfies(body -> assertThat(body.path("userId").asText("alice"))
                .as("the body's userId: none or the signed-in one").isEqualTo("alice"));
        assertThat(lookedUp).isNotEmpty().containsOnly("alice");
    }

    @Test
    void notSignedInThePageSaysToSignInAndTheButtonStaysOff() {
        open("/e/plain");
        wait.until(ExpectedConditions.textToBe(By.id("shopper"), "Sign in at the shop's site to apply."));
        wait.until(ExpectedConditions.textToBe(By.id("remaining"), "5 of 5"));
        assertThat(displayed("user-id-field")).isFalse();
        assertThat(button().isEnabled()).isFalse();
        assertThat(applications).isEmpty();
        assertThat(lookedUp).as("no status look-up without a sign-in").isEmpty();
    }

    @Test
    void aSignInThatExpiredOnTheWayIsSaidInWordsAndTheButtonGoesOff() {
        signIn("dave");
        open("/e/plain");
        wait.until(ExpectedConditions.textToBe(By.id("shopper"), "Signed in as dave"));
        revoked.add("dave");

        button().click();
        awaitOutcome("Your sign-in has expired: sign in again at the shop's site.");
        wait.until(ExpectedConditions.textToBe(By.id("shopper"), "Sign in at the shop's site to apply."));
        assertThat(button().isEnabled()).isFalse();
    }

    @Test
    void anIneligibleShopperHearsWhoTheDropIsFor() {
        signIn("erin");
        open("/e/members");
        wait.until(ExpectedConditions.textToBe(By.id("shopper"), "Signed in as erin"));
        wait.until(ExpectedConditions.textToBe(By.id("eligibility"), "For gold or vip members"));
        assertThat(browser.driver.findElement(By.id("eligibility-fact")).isDisplayed()).as("who may apply").isTrue();
        button().click();
        awaitOutcome("This drop is for gold or vip members only.");

        // An event whose public info does not show its rule: the refusal's own message.
        open("/e/members-only");
        wait.until(ExpectedConditions.textToBe(By.id("shopper"), "Signed in as erin"));
        assertThat(browser.driver.findElement(By.id("eligibility-fact")).isDisplayed()).as("no rule to show").isFalse();
        button().click();
        awaitOutcome("This event is for shoppers whose tier is gold or vip.");
    }

    @Test
    void aForbiddenAnswerIsSaidInWords() {
        signIn("frank");
        open("/e/forbidden");
        wait.until(ExpectedConditions.textToBe(By.id("shopper"), "Signed in as frank"));
        button().click();
        awaitOutcome("Not allowed: you can only apply and look up as yourself (frank). Reload the page.");
    }

    // --- the fake ingress -----------------------------------------------------------------------

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            String path = exchange.getRequestURI().getPath();
            String method = exchange.getRequestMethod();
            Optional<String> shopper = shopper(exchange);
            Matcher applications = APPLICATIONS.matcher(path);
            Matcher event = EVENT.matcher(path);
            if (path.startsWith("/e/")) {
                asset(exchange, "event.html");
            } else if (path.startsWith("/assets/")) {
                asset(exchange, path.substring("/assets/".length()));
            } else if (path.equals("/health")) {
                send(exchange, 200, "{\"status\":\"UP\"}");
            } else if (path.equals("/shopper")) {
                if (!identities) {
                    send(exchange, 404, "{\"outcome\":\"NOT_FOUND\",\"message\":\"shopper identities are off\"}");
                } else if (shopper.isEmpty()) {
                    unauthenticated(exchange);
                } else {
                    send(exchange, 200, "{\"userId\":\"" + shopper.get() + "\",\"claims\":{}}");
                }
            } else if (event.matches() && method.equals("GET")) {
                String id = event.group(1);
                String eligibility = id.equals("members") ? ",\"eligibility\":{\"claim\":\"tier\",\"anyOf\":[\"gold\",\"vip\"]}" : "";
                long issued = this.applied.stream().filter(key -> key.startsWith(id + "/")).count();
                send(exchange, 200, "{\"eventId\":\"" + id + "\",\"limit\":5,\"opensAt\":\"2020-01-01T00:00:00Z\",\"remaining\":"
                        + (5 - issued) + eligibility + "}");
            } else if (applications.matches() && applications.group(2) == null && method.equals("POST")) {
                apply(exchange, applications.group(1), shopper);
            } else if (applications.matches() && applications.group(2) != null && method.equals("GET")) {
                status(exchange, applications.group(1), applications.group(2), shopper);
            } else {
                send(exchange, 404, "{\"outcome\":\"NOT_FOUND\",\"message\":\"no such route\"}");
            }
        }
    }

    private void apply(HttpExchange exchange, String event, Optional<String> shopper) throws IOException {
        JsonNode body = Json.mapper().readTree(exchange.getRequestBody());
        applications.add(body);
        String userId = identities ? shopper.orElse(null) : body.path("userId").asText();
        if (identities && userId == null) {
            unauthenticated(exchange);
        } else if ((identities && body.has("userId") && !body.path("userId").asText().equals(userId)) || event.equals("forbidden")) {
            send(exchange, 403, "{\"outcome\":\"FORBIDDEN\",\"message\":\"the userId is not the signed-in shopper\"}");
        } else if (event.startsWith("members")) {
            send(exchange, 403, "{\"outcome\":\"NOT_ELIGIBLE\",\"message\":\"this event is for shoppers whose tier is gold or vip\"}");
        } else if (!applied.add(event + "/" + userId)) {
            send(exchange, 409, "{\"outcome\":\"ALREADY_APPLIED\"}");
        } else {
            send(exchange, 202, "{\"position\":1}");
        }
    }

    private void status(HttpExchange exchange, String event, String userId, Optional<String> shopper) throws IOException {
        lookedUp.add(userId);
        if (identities && shopper.isEmpty()) {
            unauthenticated(exchange);
        } else if (identities && !shopper.get().equals(userId)) {
            send(exchange, 403, "{\"outcome\":\"FORBIDDEN\",\"message\":\"only your own application\"}");
        } else if (applied.contains(event + "/" + userId)) {
            send(exchange, 200, "{\"outcome\":\"ISSUED\",\"couponNo\":1}");
        } else {
            send(exchange, 404, "{\"outcome\":\"NOT_APPLIED\"}");
        }
    }

    /** The cookie firstcome_token's value is the shopper here (the real ingress verifies a JWT), unless revoked. */
    private Optional<String> shopper(HttpExchange exchange) {
        List<String> headers = exchange.getRequestHeaders().getOrDefault("Cookie", List.of());
        List<String> cookies = new ArrayList<>();
        headers.forEach(header -> cookies.addAll(Arrays.asList(header.split(";\\s*"))));
        return cookies.stream().filter(cookie -> cookie.startsWith("firstcome_token="))
                .map(cookie -> cookie.substring("firstcome_token=".length()))
                .filter(value -> !value.isEmpty() && !revoked.contains(value))
                .findFirst();
    }

    private static void unauthenticated(HttpExchange exchange) throws IOException {
        exchange.getResponseHeaders().add("WWW-Authenticate", "Bearer");
        send(exchange, 401, "{\"outcome\":\"UNAUTHENTICATED\",\"message\":\"the token has expired: sign in again\"}");
    }

    /** The page's files as the ingress serves them, from its sources (the e2e class path has no service classes). */
    private static void asset(HttpExchange exchange, String file) throws IOException {
        Path source = PAGES.resolve(file).normalize();
        if (!source.startsWith(PAGES) || !Files.isRegularFile(source)) {
            send(exchange, 404, "{\"outcome\":\"NOT_FOUND\"}");
            return;
        }
        String type = file.endsWith(".js") ? "text/javascript" : file.endsWith(".css") ? "text/css" : "text/html";
        byte[] bytes = Files.readAllBytes(source);
        exchange.getResponseHeaders().add("Content-Type", type + "; charset=utf-8");
        exchange.sendResponseHeaders(200, bytes.length);
        exchange.getResponseBody().write(bytes);
    }

    private static void send(HttpExchange exchange, int status, String json) throws IOException {
        byte[] bytes = json.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().add("Content-Type", "application/json");
        exchange.sendResponseHeaders(status, bytes.length);
        exchange.getResponseBody().write(bytes);
    }

    /** Maven runs the tests in the module's directory: the ingress's page files are in a sibling module. */
    private static Path pages() {
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            Path candidate = dir.resolve("ingress/src/main/resources/public");
            if (Files.isRegularFile(candidate.resolve("event.js"))) {
                return candidate;
            }
        }
        throw new IllegalStateException("ingress/src/main/resources/public not found above " + Path.of("").toAbsolutePath());
    }

    // --- the page ------------------------------------------------------------------------------

    private void signIn(String userId) {
        browser.driver.manage().addCookie(new Cookie("firstcome_token", userId, "/"));
    }

    private void open(String path) {
        browser.driver.get(origin + path);
    }

    private boolean displayed(String id) {
        return browser.driver.findElement(By.id(id)).isDisplayed();
    }

    private org.openqa.selenium.WebElement button() {
        return browser.driver.findElement(By.id("apply"));
    }

    private void awaitOutcome(String expected) {
        wait.until(ExpectedConditions.textToBe(By.id("outcome"), expected));
    }
}
