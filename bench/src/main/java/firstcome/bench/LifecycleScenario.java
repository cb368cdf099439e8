package firstcome.bench;

import static java.nio.charset.StandardCharsets.UTF_8;

import firstcome.contract.Json;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

/**
 * The demo's second act, after the spike, over the running stack's HTTP API: the winners and the
 * waitlisted are read from the status route; ten winners return their coupons through the shop
 * routes and the waitlisted users are served the next coupon numbers; five coupons are redeemed,
 * one redemption is repeated, one order is cancelled; then the coupons' states are counted in MySQL
 * once the sink has caught up.
 */
final class LifecycleScenario {

    static final int RETURNS = 10;
    static final int REDEMPTIONS = 5;
    private static final long POLL_MILLIS = 100;
    private static final Duration DECIDED_WITHIN = Duration.ofSeconds(60);
    private static final Duration SERVED_WITHIN = Duration.ofSeconds(30);
    private static final Duration PERSISTED_WITHIN = Duration.ofSeconds(60);

    private final HttpClient http;
    private final String ingressUrl;
    private final String shopToken;
    private final String event;
    private final List<String> problems = new ArrayList<>();

    LifecycleScenario(HttpClient http, String ingressUrl, String shopToken, String event) {
        this.http = http;
        this.ingressUrl = ingressUrl;
        this.shopToken = shopToken;
        this.event = event;
    }

    /**
     * Runs the scenario for the users whose applications were accepted ({@code flaggedWaitlisted} of
     * their 202s said {@code "waitlisted": true}); {@code db} is the stack's MySQL.
     */
    LifecycleSummary run(List<String> accepted, long flaggedWaitlisted, int waitlist, Connection db)
            throws InterruptedException {
        Map<String, DemoAnswer> decided = awaitDecided(accepted);
        List<Map.Entry<String, DemoAnswer>> winners = decided.entrySet().stream()
                .filter(entry -> entry.getValue().is(200, "ISSUED"))
                .sorted(Comparator.comparing(entry -> entry.getValue().couponNo()))
                .toList();
        List<String> waiting = decided.entrySet().stream()
                .filter(entry -> entry.getValue().is(200, "WAITLISTED"))
                .sorted(Comparator.comparing(entry -> entry.getValue().place()))
                .map(Map.Entry::getKey)
                .toList();
        int highestIssued = winners.stream().mapToInt(entry -> entry.getValue().couponNo()).max().orElse(0);
        if (flaggedWaitlisted != waiting.size()) {
            problems.add(flaggedWaitlisted + " answers said \"waitlisted\": true but " + waiting.size()
                    + " users read WAITLISTED");
        }

        List<Integer> returned = new ArrayList<>();
        for (var winner : winners.subList(0, Math.min(RETURNS, winners.size()))) {
            DemoAnswer answer = shop(winner.getKey(), "return", Map.of());
            if (answer.is(200, "RETURNED")) {
                returned.add(answer.couponNo());
            } else {
                problems.add("returning " + winner.getKey() + "'s coupon answered " + answer);
            }
        }

        int toServe = Math.min(returned.size(), waiting.size());
        List<Integer> served = awaitServed(waiting.subList(0, toServe));
        List<Integer> expectedServed = new ArrayList<>();
        for (int n = highestIssued + 1; n <= highestIssued + toServe; n++) {
            expectedServed.add(n);
        }
        if (!served.stream().sorted().toList().equals(expectedServed)) {
            problems.add("the waitlist was served coupons " + LifecycleSummary.ranges(served) + ", expected "
                    + LifecycleSummary.ranges(expectedServed));
        }

        List<String> orders = new ArrayList<>();
        List<String> redeemers = new ArrayList<>();
        DemoAnswer first = null;
        int from = Math.min(RETURNS, winners.size());
        for (var winner : winners.subList(from, Math.min(from + REDEMPTIONS, winners.size()))) {
            String order = "o-" + (orders.size() + 1);
            DemoAnswer answer = shop(winner.getKey(), "redeem", Map.of("orderId", order));
            if (answer.is(200, "REDEEMED") && order.equals(answer.orderId())) {
                orders.add(order);
                redeemers.add(winner.getKey());
                first = first == null ? answer : first;
            } else {
                problems.add("redeeming " + winner.getKey() + "'s coupon for " + order + " answered " + answer);
            }
        }
        DemoAnswer repeated = null;
        String cancelledOrder = null;
        DemoAnswer cancellation = null;
        if (!orders.isEmpty()) {
            repeated = shop(redeemers.get(0), "redeem", Map.of("orderId", orders.get(0)));
            if (!repeated.toString().equals(first.toString())) {
                problems.add("redeeming " + orders.get(0) + " again answered " + repeated + ", not " + first);
            }
            cancelledOrder = orders.get(orders.size() - 1);
            cancellation = shop(redeemers.get(redeemers.size() - 1), "unredeem", Map.of("orderId", cancelledOrder));
            if (!cancellation.is(200, "ISSUED")) {
                problems.add("cancelling " + cancelledOrder + " answered " + cancellation);
            }
        }

        long redeemedNow = orders.size() - (cancellation != null && cancellation.is(200, "ISSUED") ? 1 : 0);
        Map<String, Long> expected = expectedStates(winners.size() + served.size(), returned.size(), redeemedNow);
        Map<String, Long> states = awaitStates(db, expected);
        if (!states.equals(expected)) {
            problems.add("MySQL holds " + LifecycleSummary.states(states) + " after " + PERSISTED_WITHIN.toSeconds()
                    + " s, expected " + LifecycleSummary.states(expected));
        }
        return new LifecycleSummary(waitlist, flaggedWaitlisted, waiting.size(), returned, served,
                highestIssued + 1, orders, first, repeated, cancelledOrder, cancellation, states, expected,
                List.copyOf(problems));
    }

    /** The rows MySQL should hold by state once every change has arrived; states without rows left out. */
    static Map<String, Long> expectedStates(long coupons, long returned, long redeemed) {
        Map<String, Long> expected = new TreeMap<>();
        expected.put("ISSUED", coupons - returned - redeemed);
        expected.put("REDEEMED", redeemed);
        expected.put("RETURNED", returned);
        expected.values().removeIf(count -> count == 0);
        return expected;
    }

    /** Every accepted user's status once none is PENDING, or as it is at the deadline. */
    private Map<String, DemoAnswer> awaitDecided(List<String> users) throws InterruptedException {
        Map<String, DemoAnswer> statuses = new LinkedHashMap<>();
        List<String> pending = new ArrayList<>(users);
        long deadline = System.nanoTime() + DECIDED_WITHIN.toNanos();
        while (true) {
            List<String> still = new ArrayList<>();
            for (String user : pending) {
                DemoAnswer status = status(user);
                statuses.put(user, status);
                if (!status.is(200, "ISSUED") && !status.is(200, "WAITLISTED") && !status.is(200, "REJECTED")) {
                    still.add(user);
                }
            }
            pending = still;
            if (pending.isEmpty() || System.nanoTime() > deadline) {
                break;
            }
            TimeUnit.MILLISECONDS.sleep(POLL_MILLIS); // polling the status route up to the deadline
        }
        if (!pending.isEmpty()) {
            problems.add(pending.size() + " accepted applications were not decided within " + DECIDED_WITHIN.toSeconds()
                    + " s (e.g. " + pending.get(0) + ": " + statuses.get(pending.get(0)) + ")");
        }
        return statuses;
    }

    /** The coupon numbers the waiting users got, polling each until ISSUED or the deadline. */
    private List<Integer> awaitServed(List<String> users) throws InterruptedException {
        Map<String, Integer> served = new HashMap<>();
        long deadline = System.nanoTime() + SERVED_WITHIN.toNanos();
        while (served.size() < users.size() && System.nanoTime() < deadline) {
            for (String user : users) {
                if (!served.containsKey(user)) {
                    DemoAnswer status = status(user);
                    if (status.is(200, "ISSUED")) {
                        served.put(user, status.couponNo());
                    }
                }
            }
            if (served.size() < users.size()) {
                TimeUnit.MILLISECONDS.sleep(POLL_MILLIS);
            }
        }
        if (served.size() < users.size()) {
            problems.add((users.size() - served.size()) + " waitlisted users had no coupon " + SERVED_WITHIN.toSeconds()
                    + " s after the returns");
        }
        return served.values().stream().sorted().toList();
    }

    /** The coupons' states in MySQL, once they are as expected or the deadline passed. */
    private Map<String, Long> awaitStates(Connection db, Map<String, Long> expected) throws InterruptedException {
        long deadline = System.nanoTime() + PERSISTED_WITHIN.toNanos();
        Map<String, Long> states = Map.of();
        SQLException failure = null;
        while (System.nanoTime() < deadline) {
            try {
                states = states(db, event);
                failure = null;
                if (states.equals(expected)) {
                    break;
                }
            } catch (SQLException e) {
                failure = e; // e.g. the state column's migration has not run yet: ask again
            }
            TimeUnit.MILLISECONDS.sleep(POLL_MILLIS);
        }
        if (failure != null) {
            problems.add("counting the coupons' states in MySQL failed: " + failure.getMessage());
        }
        return states;
    }

    static Map<String, Long> states(Connection db, String event) throws SQLException {
        Map<String, Long> states = new TreeMap<>();
        try (PreparedStatement query = db.prepareStatement(
                "SELECT state, COUNT(*) FROM coupon WHERE event_id = ? GROUP BY state")) {
            query.setString(1, event);
            try (ResultSet result = query.executeQuery()) {
                while (result.next()) {
                    states.put(result.getString(1), result.getLong(2));
                }
            }
        }
        return states;
    }

    private DemoAnswer status(String user) {
        return send(HttpRequest.newBuilder(uri("/events/" + encode(event) + "/applications/" + encode(user))).GET());
    }

    /** {@code POST /shop/events/{event}/coupons/{user}/{action}} with the shop's token. */
    private DemoAnswer shop(String user, String action, Map<String, String> body) {
        try {
            return send(HttpRequest.newBuilder(uri("/shop/events/" + encode(event) + "/coupons/" + encode(user) + "/" + action))
                    .header("Authorization", "Bearer " + shopToken)
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(Json.mapper().writeValueAsString(body), UTF_8)));
        } catch (IOException e) {
            return new DemoAnswer(0, "error", null, null, null, false, e.toString());
        }
    }

    private DemoAnswer send(HttpRequest.Builder request) {
        try {
            HttpResponse<String> response = http.send(request.timeout(Duration.ofSeconds(30)).build(),
                    HttpResponse.BodyHandlers.ofString());
            return DemoAnswer.parse(response.statusCode(), response.body());
        } catch (IOException e) {
            return new DemoAnswer(0, "error", null, null, null, false, e.toString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new DemoAnswer(0, "error", null, null, null, false, "interrupted");
        }
    }

    private URI uri(String path) {
        return URI.create(ingressUrl + path);
    }

    private static String encode(String id) {
        return URLEncoder.encode(id, UTF_8);
    }
}
