package firstcome.bench;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * The shop's backend during a drop: as winners turn up (users with a 202 whose status reads
 * {@code ISSUED}), it redeems some coupons at checkout (and repeats each redemption once, as a
 * checkout retried after a timeout would) and gives others back, until it has done
 * {@code redemptions} and {@code returns}. Every call is repeated while its answer is a 503 or no
 * answer (the shop routes promise that repeating is safe) until a final answer, which is kept.
 */
final class Checkout {

    private static final Duration PAUSE = Duration.ofMillis(250);
    private static final Duration PATIENCE = Duration.ofSeconds(120);

    /** What the shop asked for one user, and the final answers (a redemption twice). */
    record Done(String user, String action, List<ShopClient.Answer> answers) {
    }

    private final ShopClient shop;
    private final String event;
    private final int redemptions;
    private final int returns;
    private final Map<String, Done> done = new ConcurrentHashMap<>();
    private final AtomicInteger repeatedCalls = new AtomicInteger();
    private final AtomicInteger unconfirmed = new AtomicInteger();
    private final ExecutorService pool = Executors.newFixedThreadPool(4);
    private final ExecutorService finder = Executors.newSingleThreadExecutor();

    Checkout(String ingressUrl, String shopToken, String event, int redemptions, int returns) {
        this.shop = new ShopClient(ingressUrl, shopToken, Duration.ofSeconds(10));
        this.event = event;
        this.redemptions = redemptions;
        this.returns = returns;
    }

    /**
     * Starts looking for winners among {@code accepted} (the users with a 202 so far), asking
     * {@code status} (user → the status route's outcome) until it found enough.
     */
    void start(Supplier<Set<String>> accepted, Function<String, String> status) {
        finder.execute(() -> {
            Set<String> seen = new LinkedHashSet<>();
            int redeemed = 0;
            int returned = 0;
            long deadline = System.nanoTime() + PATIENCE.toNanos() * 2;
            while ((redeemed < redemptions || returned < returns) && System.nanoTime() < deadline
                    && !Thread.currentThread().isInterrupted()) {
                List<String> fresh = new ArrayList<>(accepted.get());
                fresh.removeAll(seen);
                Collections.sort(fresh);
                boolean found = false;
                for (String user : fresh) {
                    if (redeemed >= redemptions && returned >= returns) {
                        break;
                    }
                    if (!"ISSUED".equals(status.apply(user))) {
                        continue; // undecided yet (asked again later), waiting, or another state
                    }
                    seen.add(user);
                    found = true;
                    if (redeemed * returns <= returned * redemptions && redeemed < redemptions || returned >= returns) {
                        redeemed++;
                        pool.execute(() -> redeemTwice(user));
                    } else {
                        returned++;
                        pool.execute(() -> giveBack(user));
                    }
                }
                if (!found) {
                    Chaos.pause(PAUSE);
                }
            }
            pool.shutdown();
        });
    }

    boolean awaitDone(Duration timeout) throws InterruptedException {
        finder.shutdown();
        long deadline = System.nanoTime() + timeout.toNanos();
        return finder.awaitTermination(timeout.toMillis(), TimeUnit.MILLISECONDS)
                && pool.awaitTermination(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
    }

    void stop() {
        finder.shutdownNow();
        pool.shutdownNow();
    }

    private void redeemTwice(String user) {
        String order = "o-" + user;
        ShopClient.Answer first = untilFinal(() -> shop.redeem(event, user, order));
        ShopClient.Answer again = untilFinal(() -> shop.redeem(event, user, order));
        done.put(user, new Done(user, "redeem", List.of(first, again)));
    }

    private void giveBack(String user) {
        done.put(user, new Done(user, "return", List.of(untilFinal(() -> shop.giveBack(event, user)))));
    }

    private ShopClient.Answer untilFinal(Supplier<ShopClient.Answer> call) {
        return ShopClient.untilFinal(() -> {
            ShopClient.Answer answer = call.get();
            if (answer.worthRepeating()) {
                repeatedCalls.incrementAndGet();
                if (answer.status() == 503 && "UNCONFIRMED".equals(answer.outcome())) {
                    unconfirmed.incrementAndGet();
                }
            }
            return answer;
        }, PAUSE, PATIENCE);
    }

    /** Per user, what was asked and answered. */
    Map<String, Done> done() {
        return Map.copyOf(done);
    }

    /** Calls repeated because the answer was a 503 or none. */
    int repeatedCalls() {
        return repeatedCalls.get();
    }

    /** Of those, 503 {@code UNCONFIRMED}: the action was in Kafka, its decision came late. */
    int unconfirmed() {
        return unconfirmed.get();
    }
}
