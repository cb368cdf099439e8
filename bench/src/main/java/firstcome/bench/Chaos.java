package firstcome.bench;

import static java.nio.charset.StandardCharsets.UTF_8;

import com.fasterxml.jackson.databind.JsonNode;
import firstcome.contract.CouponAction;
import firstcome.contract.CouponDecision;
import firstcome.contract.CouponRequest;
import firstcome.contract.IssuedCoupon;
import firstcome.contract.IssuingOutcome;
import firstcome.contract.Json;
import firstcome.contract.Topics;
import firstcome.loadkit.ApplyClient;
import firstcome.loadkit.CouponRow;
import firstcome.stackkit.ChildProcess;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

/**
 * {@code make chaos}: the fault matrix. Starts its own stack ({@link ChaosStack}), then for each
 * fault defines a fresh event, lets a {@link Spike} of distinct and repeated shoppers at it, injects
 * the fault once 30% of the limit is accepted, lets the system recover, and checks the promise
 * where it is kept: MySQL, {@code coupon-issued}, every HTTP answer and the status of every 202.
 * Prints the matrix, writes it into {@code docs/faults.md}, exits 1 if a promise broke.
 */
public final class Chaos {

    /** The faults, in the order they run. */
    enum Fault {
        PROCESSOR_KILLED("kill -9 streams-processor mid-spike, restart"),
        SINK_KILLED("kill -9 sink mid-batch, restart"),
        INGRESS_KILLED("kill -9 ingress mid-spike, restart"),
        REDIS_FLUSHED("Redis loses all data mid-spike (FLUSHALL)"),
        MYSQL_STOPPED("MySQL stopped for the outage, then started"),
        KAFKA_STOPPED("Kafka broker stopped for the outage, then started"),
        KAFKA_PAUSED("Kafka broker frozen (SIGSTOP) for the outage, then thawed: acknowledgements come too late"),
        LIFECYCLE_PROCESSOR_KILLED("redemptions and returns during the spike (event with a waitlist); kill -9 streams-processor, restart"),
        DRAW_PROCESSOR_KILLED("a draw window under the spike (event with a waitlist); kill -9 streams-processor just before the window's"
                + " end, restart after it");

        final String description;

        Fault(String description) {
            this.description = description;
        }
    }

    record Settings(int limit, int users, double repeatShare, int rate, int threads, Duration outage,
                            List<Fault> faults, Path dir, Path report, Path kafkaLib) {

        static Settings fromEnv(Map<String, String> env) {
            int limit = Integer.parseInt(env.getOrDefault("CHAOS_LIMIT", "1000"));
            List<Fault> faults = Arrays.stream(env.getOrDefault("CHAOS_FAULTS", "").split(","))
                    .map(String::strip).filter(name -> !name.isEmpty())
                    .map(name -> Fault.valueOf(name.toUpperCase(Locale.ROOT).replace('-', '_'))).toList();
            return new Settings(limit,
                    Integer.parseInt(env.getOrDefault("CHAOS_USERS", Integer.toString(limit * 5 / 2))),
                    Double.parseDouble(env.getOrDefault("CHAOS_REPEAT_SHARE", "0.3")),
                    Integer.parseInt(env.getOrDefault("CHAOS_RATE", "200")),
                    Integer.parseInt(env.getOrDefault("CHAOS_THREADS", "32")),
                    Duration.ofSeconds(Integer.parseInt(env.getOrDefault("CHAOS_OUTAGE_SECONDS", "10"))),
                    faults.isEmpty() ? List.of(Fault.values()) : faults,
                    Path.of(env.getOrDefault("CHAOS_DIR", ".local/chaos")),
                    Path.of(env.getOrDefault("CHAOS_REPORT", "docs/faults.md")),
                    Path.of(env.getOrDefault("KAFKA_LIB", ".local/kafka/lib")));
        }
    }

    /** One row of the matrix. */
    record Result(Fault fault, int limit, int rows, int issued, int duplicates, boolean tableMatchesTopic,
                  int acceptedUsers, int rejectedAfter202, int undecided, long serverErrors, long unavailable,
                  long noAnswer, int gaveUp, Map<String, Integer> restarts, long republished, Duration recovery,
                  List<String> problems, String note) {

        Result(Fault fault, int limit, int rows, int issued, int duplicates, boolean tableMatchesTopic, int acceptedUsers,
                int rejectedAfter202, int undecided, long serverErrors, long unavailable, long noAnswer, int gaveUp,
                Map<String, Integer> restarts, long republished, Duration recovery, List<String> problems) {
            this(fault, limit, rows, issued, duplicates, tableMatchesTopic, acceptedUsers, rejectedAfter202, undecided, serverErrors,
                    unavailable, noAnswer, gaveUp, restarts, republished, recovery, problems, null);
        }

        boolean kept() {
            return problems.isEmpty();
        }
    }

    private static final long STARTED = System.nanoTime();
    private static final String PROBE_EVENT = "chaos-probe";
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2))
            .version(HttpClient.Version.HTTP_1_1).build();

    final Settings settings;
    final ChaosStack stack;
    final EventLog<IssuedCoupon> issued;
    final EventLog<CouponDecision> decisions;
    private final EventLog<CouponAction> actions;
    final EventLog<CouponRequest> requests;
    private final ApplyClient prober;
    private int probes;

    private Chaos(Settings settings, ChaosStack stack, EventLog<IssuedCoupon> issued, EventLog<CouponDecision> decisions,
            EventLog<CouponAction> actions, EventLog<CouponRequest> requests) {
        this.settings = settings;
        this.stack = stack;
        this.issued = issued;
        this.decisions = decisions;
        this.actions = actions;
        this.requests = requests;
        this.prober = new ApplyClient(stack.ingressUrl(), Duration.ofSeconds(5));
    }

    public static void main(String[] args) throws Exception {
        Settings settings = Settings.fromEnv(System.getenv());
        progress("chaos: limit " + settings.limit() + ", " + settings.users() + " users (" + (int) (settings.repeatShare() * 100)
                + "% press again), " + settings.rate() + " applications/s from " + settings.threads() + " threads, outages "
                + settings.outage().toSeconds() + " s; faults " + settings.faults());
        List<Result> results = new ArrayList<>();
        try (ChaosStack stack = new ChaosStack(settings.dir().toAbsolutePath(), settings.kafkaLib().toAbsolutePath(), serviceJars())) {
            progress("starting Kafka, Redis, MariaDB and the three services under " + settings.dir() + " (logs in "
                    + settings.dir().resolve("logs") + ")");
            stack.start();
            progress("stack up: ingress " + stack.ingressUrl() + ", broker " + stack.bootstrapServers());
            try (var issued = new EventLog<>(stack.bootstrapServers(), Topics.standard().issued());
                 var decisions = new EventLog<>(stack.bootstrapServers(), Topics.standard().decisions());
                 var actions = new EventLog<>(stack.bootstrapServers(), Topics.standard().actions());
                 var requests = new EventLog<>(stack.bootstrapServers(), Topics.standard().requests())) {
                Chaos chaos = new Chaos(settings, stack, issued, decisions, actions, requests);
                chaos.define(PROBE_EVENT, 10_000_000, 0);
                for (Fault fault : settings.faults()) {
                    Result result = chaos.run(fault);
                    results.add(result);
                    progress(fault + ": " + (result.kept() ? "promise kept" : "BROKEN: " + result.problems()));
                }
            }
        }
        String matrix = matrix(results, settings);
        System.out.println();
        System.out.println(matrix);
        writeReport(settings.report(), matrix);
        progress("matrix written to " + settings.report() + " (" + elapsed() + " in all)");
        System.exit(results.stream().allMatch(Result::kept) ? 0 : 1);
    }

    private Result run(Fault fault) throws Exception {
        String event = "chaos-" + fault.name().toLowerCase(Locale.ROOT).replace('_', '-') + "-" + Long.toString(System.currentTimeMillis(), 36);
        if (fault == Fault.DRAW_PROCESSOR_KILLED) {
            return new ChaosDrawCell(this, fault, event).run();
        }
        boolean lifecycle = fault == Fault.LIFECYCLE_PROCESSOR_KILLED;
        // The lifecycle cell: a waitlist of a tenth of the limit; a twentieth of the limit redeemed, as many returned.
        int shopActions = lifecycle ? Math.max(1, settings.limit() / 20) : 0;
        define(event, settings.limit(), lifecycle ? Math.max(1, settings.limit() / 10) : 0);
        Checkout checkout = lifecycle
                ? new Checkout(stack.ingressUrl(), ChaosStack.SHOP_TOKEN, event, shopActions, shopActions) : null;
        Map<String, Integer> restartsBefore = stack.unplannedRestarts();
        long republishedBefore = republished();
        long ingressBefore = stack.ingress.pid();
        Spike spike = new Spike(stack.ingressUrl(), event, settings.users(), settings.repeatShare(), settings.rate(),
                settings.threads(), event.hashCode());
        progress(fault + ": " + fault.description + "; event " + event + ", " + spike.size() + " applications");
        spike.start();
        ExecutorService ticker = Executors.newSingleThreadExecutor();
        Future<?> ticks = ticker.submit(() -> {
            while (!Thread.currentThread().isInterrupted()) {
                LockSupport.parkNanos(TimeUnit.SECONDS.toNanos(5));
                if (Thread.currentThread().isInterrupted()) {
                    return;
                }
                progress("  " + fault + ": " + spike.finished() + "/" + spike.size() + " done, answers " + spike.answerCounts()
                        + " (-1 = no answer)");
            }
        });
        try {
            int trigger = Math.max(1, settings.limit() * 3 / 10);
            if (checkout != null) {
                // The shop starts before the fault, so that its calls meet the dead processor.
                int first = Math.max(1, settings.limit() / 10);
                waitUntil("10% of the limit accepted", Duration.ofSeconds(120), () -> spike.acceptedAnswers() >= first);
                progress("  " + fault + ": the shop starts redeeming and returning coupons of winners");
                checkout.start(spike::acceptedUsers, user -> status(event, user));
            }
            waitUntil("30% of the limit accepted", Duration.ofSeconds(120), () -> spike.acceptedAnswers() >= trigger);
            Instant healed = inject(fault);
            Duration recovery = recovery(fault, healed);
            progress("  " + fault + ": pipeline flows again " + seconds(recovery) + " after the fault was healed");
            if (!spike.awaitDone(Duration.ofSeconds(300))) {
                progress("  " + fault + ": the spike did not finish within 300 s");
            }
            if (checkout != null && !checkout.awaitDone(Duration.ofSeconds(300))) {
                progress("  " + fault + ": the shop's calls did not finish within 300 s");
            }
            // The reconciler's count lives in the ingress process: a restarted one starts from zero.
            long republished = republished() - (stack.ingress.pid() == ingressBefore ? republishedBefore : 0);
            return checkout != null
                    ? checkLifecycle(fault, event, spike, checkout, shopActions, recovery, restartsBefore, republished)
                    : check(fault, event, spike, recovery, restartsBefore, republished);
        } finally {
            ticks.cancel(true);
            ticker.shutdownNow();
            if (checkout != null) {
                checkout.stop();
            }
        }
    }

    /** Injects the fault; returns when it was healed (the dead part started again, the data gone, the server back). */
    private Instant inject(Fault fault) throws IOException {
        switch (fault) {
            case PROCESSOR_KILLED, LIFECYCLE_PROCESSOR_KILLED -> killAndRestart(stack.processor);
            case SINK_KILLED -> killAndRestart(stack.sink);
            case INGRESS_KILLED -> killAndRestart(stack.ingress);
            case REDIS_FLUSHED -> {
                progress("  FLUSHALL on Redis");
                stack.flushRedis();
            }
            case MYSQL_STOPPED -> {
                progress("  stopping MariaDB for " + settings.outage().toSeconds() + " s");
                stack.mysql.stop(Duration.ofSeconds(30));
                pause(settings.outage());
                stack.mysql.start();
                progress("  MariaDB started again");
            }
            case KAFKA_STOPPED -> {
                progress("  stopping the Kafka broker for " + settings.outage().toSeconds() + " s");
                stack.kafka.stop(Duration.ofSeconds(60));
                pause(settings.outage());
                stack.kafka.start();
                progress("  Kafka broker started again");
            }
            case KAFKA_PAUSED -> {
                progress("  freezing the Kafka broker for " + settings.outage().toSeconds() + " s");
                stack.kafka.pause();
                try {
                    pause(settings.outage());
                } finally {
                    stack.kafka.resume();
                }
                progress("  Kafka broker thawed");
            }
        }
        return Instant.now();
    }

    private void killAndRestart(ChildProcess service) {
        stack.holdDown(service);
        try {
            progress("  kill -9 " + service.name() + " (pid " + service.pid() + ")");
            service.kill();
            service.start();
            progress("  " + service.name() + " started again (pid " + service.pid() + ")");
        } finally {
            stack.release(service);
        }
    }

    /**
     * From the heal until a fresh application (on a separate probe event) is accepted and its coupon
     * is in MySQL: the whole pipeline flows again.
     */
    Duration recovery(Fault fault, Instant healed) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(180);
        while (System.nanoTime() < deadline) {
            String user = "probe-" + fault.ordinal() + "-" + (++probes);
            if (prober.apply(PROBE_EVENT, user) == 202) {
                while (System.nanoTime() < deadline) {
                    if (rowExists(PROBE_EVENT, user)) {
                        return Duration.between(healed, Instant.now());
                    }
                    pause(Duration.ofMillis(100));
                }
            }
            pause(Duration.ofMillis(250));
        }
        return null;
    }

    private Result check(Fault fault, String event, Spike spike, Duration recovery, Map<String, Integer> restartsBefore,
            long republished) throws Exception {
        int limit = settings.limit();
        progress("  " + fault + ": spike done; waiting until coupon-issued and MySQL agree");
        waitUntil("coupons settled", Duration.ofSeconds(120), () -> {
            List<IssuedCoupon> coupons = issued.records(event);
            return coupons.size() >= limit && rows(event).size() == coupons.size();
        });
        pause(Duration.ofSeconds(2)); // a surplus coupon would show up now
        List<IssuedCoupon> coupons = issued.records(event);
        List<CouponRow> rows = rows(event);
        Set<CouponRow> fromTopic = coupons.stream().map(c -> new CouponRow(c.userId(), c.couponNo())).collect(Collectors.toSet());
        int duplicates = duplicates(coupons, rows);

        progress("  " + fault + ": asking the status of all " + spike.acceptedUsers().size() + " accepted users");
        Map<String, String> statuses = statuses(event, spike.acceptedUsers(), Set.of("ISSUED"));
        int rejectedAfter202 = (int) statuses.values().stream().filter(s -> s.startsWith("REJECTED")).count();
        int undecided = (int) statuses.values().stream().filter(s -> !s.equals("ISSUED") && !s.startsWith("REJECTED")).count();

        List<String> problems = new ArrayList<>();
        if (coupons.size() > limit || rows.size() > limit) {
            problems.add("more coupons than the limit");
        }
        if (coupons.size() < limit) {
            problems.add((limit - coupons.size()) + " slot(s) never issued although demand exceeded the limit");
        }
        if (duplicates > 0) {
            problems.add(duplicates + " duplicate(s)");
        }
        if (!fromTopic.equals(new HashSet<>(rows)) || rows.size() != coupons.size()) {
            problems.add("MySQL (" + rows.size() + " rows) differs from coupon-issued (" + coupons.size() + " records)");
        }
        if (!IntStream.rangeClosed(1, rows.size()).boxed().toList().equals(rows.stream().map(CouponRow::couponNo).sorted().toList())) {
            problems.add("coupon numbers are not 1.." + rows.size());
        }
        if (rejectedAfter202 > 0) {
            // The gate follows the authority: a 202 is a place the streams-processor honours.
            problems.add(rejectedAfter202 + " user(s) told 202 and then REJECTED: "
                    + statuses.entrySet().stream().filter(e -> e.getValue().startsWith("REJECTED"))
                            .limit(5).map(e -> e.getKey() + "=" + e.getValue()).toList());
        }
        if (undecided > 0) {
            problems.add(undecided + " accepted request(s) never decided: "
                    + statuses.entrySet().stream().filter(e -> !e.getValue().equals("ISSUED") && !e.getValue().startsWith("REJECTED"))
                            .limit(5).map(e -> e.getKey() + "=" + e.getValue()).toList());
        }
        if (spike.serverErrorsOtherThan503() > 0) {
            problems.add(spike.serverErrorsOtherThan503() + " 5xx answer(s) other than 503");
        }
        if (recovery == null) {
            problems.add("the pipeline did not flow again within 180 s");
        }
        Map<String, Integer> restarts = restartsSince(restartsBefore);
        return new Result(fault, limit, rows.size(), coupons.size(), duplicates, fromTopic.equals(new HashSet<>(rows)),
                spike.acceptedUsers().size(), rejectedAfter202, undecided, spike.serverErrorsOtherThan503(), spike.answers(503),
                spike.answers(ApplyClient.NO_ANSWER), spike.gaveUp(), restarts, republished, recovery, problems);
    }

    /**
     * The lifecycle cell's promise: never more live coupons than the limit at any point of the
     * decisions' log; coupon numbers 1..n, each once, never reused; every returned coupon given to the
     * next in line (n = limit + returns); every action in coupon-actions decided exactly once; every
     * shop call finally answered as the rules say (a redemption repeated answers the same); every
     * accepted user settled (issued, redeemed, returned or waiting, never told 202 and then rejected);
     * MySQL's rows and states equal to the authority's.
     */
    private Result checkLifecycle(Fault fault, String event, Spike spike, Checkout checkout, int shopActions,
            Duration recovery, Map<String, Integer> restartsBefore, long republished) throws Exception {
        int limit = settings.limit();
        int expected = limit + shopActions;
        progress("  " + fault + ": spike and shop done; waiting until coupon-issued and MySQL agree");
        waitUntil("coupons settled", Duration.ofSeconds(120), () -> {
            List<IssuedCoupon> coupons = issued.records(event);
            return coupons.size() >= expected && rows(event).size() == coupons.size()
                    && stateCount(event, "RETURNED") >= shopActions && stateCount(event, "REDEEMED") >= shopActions;
        });
        List<IssuedCoupon> coupons = issued.records(event);
        List<CouponRow> rows = rows(event);
        Set<CouponRow> fromTopic = coupons.stream().map(c -> new CouponRow(c.userId(), c.couponNo())).collect(Collectors.toSet());
        int duplicates = duplicates(coupons, rows);
        List<String> problems = new ArrayList<>();

        // The authority's log, in order: live coupons never above the limit, numbers never reused.
        int live = 0;
        int mostLive = 0;
        int highest = 0;
        Set<Integer> issuedNumbers = new HashSet<>();
        Set<Integer> returnedNumbers = new HashSet<>();
        Map<String, Integer> decisionsOfAction = new HashMap<>();
        for (CouponDecision decision : decisions.records(event)) {
            if (decision.decidesAction()) {
                decisionsOfAction.merge(decision.requestId(), 1, Integer::sum);
                if (decision.outcome() == IssuingOutcome.RETURNED && returnedNumbers.add(decision.couponNo())) {
                    live--;
                }
            } else if (decision.outcome() == IssuingOutcome.ISSUED && issuedNumbers.add(decision.couponNo())) {
                // (a coupon number seen before is a re-delivered request's decision told again)
                if (decision.couponNo() != highest + 1) {
                    problems.add("coupon " + decision.couponNo() + " issued after coupon " + highest + " (numbers must run on, never reused)");
                }
                highest = Math.max(highest, decision.couponNo());
                live++;
                mostLive = Math.max(mostLive, live);
            }
        }
        if (mostLive > limit) {
            problems.add(mostLive + " live coupons at one point of the log (limit " + limit + ")");
        }
        Set<String> actionIds = actions.records(event).stream().map(CouponAction::actionId).collect(Collectors.toSet());
        long twice = decisionsOfAction.values().stream().filter(count -> count > 1).count();
        Set<String> undecidedActions = new HashSet<>(actionIds);
        undecidedActions.removeAll(decisionsOfAction.keySet());
        Set<String> strayDecisions = new HashSet<>(decisionsOfAction.keySet());
        strayDecisions.removeAll(actionIds);
        if (twice > 0 || !undecidedActions.isEmpty() || !strayDecisions.isEmpty()) {
            problems.add(actionIds.size() + " actions: " + twice + " decided more than once, " + undecidedActions.size()
                    + " never decided, " + strayDecisions.size() + " decisions without an action");
        }
        if (coupons.size() != expected || rows.size() != expected) {
            problems.add(coupons.size() + " coupons in coupon-issued and " + rows.size() + " in MySQL, expected " + expected
                    + " (the limit, plus one for each of the " + shopActions + " returned)");
        }
        if (duplicates > 0) {
            problems.add(duplicates + " duplicate(s)");
        }
        if (!fromTopic.equals(new HashSet<>(rows))) {
            problems.add("MySQL (" + rows.size() + " rows) differs from coupon-issued (" + coupons.size() + " records)");
        }

        // The shop's answers: every call final, as the rules say.
        var done = checkout.done();
        long redeemed = done.values().stream().filter(d -> d.action().equals("redeem")).count();
        long returned = done.values().stream().filter(d -> d.action().equals("return")).count();
        if (redeemed < shopActions || returned < shopActions) {
            problems.add("the shop did " + redeemed + " redemptions and " + returned + " returns of " + shopActions + " each");
        }
        List<String> wrongAnswers = new ArrayList<>();
        done.values().forEach(d -> {
            ShopClient.Answer first = d.answers().get(0);
            String want = d.action().equals("redeem") ? "REDEEMED" : "RETURNED";
            boolean right = d.answers().stream().allMatch(a -> a.status() == 200 && a.outcome().equals(want)
                    && a.body().path("couponNo").equals(first.body().path("couponNo")));
            if (!right) {
                wrongAnswers.add(d.user() + " " + d.action() + " -> " + d.answers());
            }
        });
        if (!wrongAnswers.isEmpty()) {
            problems.add(wrongAnswers.size() + " shop call(s) not answered as the rules say: "
                    + wrongAnswers.subList(0, Math.min(3, wrongAnswers.size())));
        }

        // Every accepted user settled, and MySQL's state of every coupon the authority's.
        progress("  " + fault + ": asking the status of all " + spike.acceptedUsers().size() + " accepted users");
        Map<String, String> statuses = statuses(event, spike.acceptedUsers(), Set.of("ISSUED", "REDEEMED", "RETURNED", "WAITLISTED"));
        int rejectedAfter202 = (int) statuses.values().stream().filter(s -> s.startsWith("REJECTED")).count();
        int undecided = (int) statuses.values().stream()
                .filter(s -> !Set.of("ISSUED", "REDEEMED", "RETURNED", "WAITLISTED").contains(s) && !s.startsWith("REJECTED")).count();
        if (rejectedAfter202 > 0) {
            problems.add(rejectedAfter202 + " user(s) told 202 and then REJECTED");
        }
        if (undecided > 0) {
            problems.add(undecided + " accepted request(s) never decided");
        }
        Map<String, String> tableStates = states(event);
        List<String> differ = new ArrayList<>();
        tableStates.forEach((user, state) -> {
            String authority = statuses.containsKey(user) ? statuses.get(user) : status(event, user);
            Checkout.Done asked = done.get(user);
            String order = asked != null && asked.action().equals("redeem") ? "o-" + user : "-";
            String expectedRow = authority + " " + (authority.equals("REDEEMED") ? order : "-");
            if (!state.equals(expectedRow)) {
                differ.add(user + ": MySQL " + state + ", authority " + expectedRow);
            }
        });
        if (!differ.isEmpty()) {
            problems.add(differ.size() + " row(s) of MySQL differ from the authority: " + differ.subList(0, Math.min(3, differ.size())));
        }
        if (spike.serverErrorsOtherThan503() > 0) {
            problems.add(spike.serverErrorsOtherThan503() + " 5xx answer(s) other than 503");
        }
        if (recovery == null) {
            problems.add("the pipeline did not flow again within 180 s");
        }
        progress(String.format(Locale.ROOT, "  %s: %d redeemed (each twice), %d returned, %d shop calls repeated after a 503"
                        + " or no answer (%d UNCONFIRMED), %d actions decided; at most %d live coupons; %d coupons issued",
                fault, redeemed, returned, checkout.repeatedCalls(), checkout.unconfirmed(), decisionsOfAction.size(), mostLive,
                coupons.size()));
        Map<String, Integer> restarts = restartsSince(restartsBefore);
        return new Result(fault, limit, rows.size(), coupons.size(), duplicates, fromTopic.equals(new HashSet<>(rows)),
                spike.acceptedUsers().size(), rejectedAfter202, undecided, spike.serverErrorsOtherThan503(), spike.answers(503),
                spike.answers(ApplyClient.NO_ANSWER), spike.gaveUp(), restarts, republished, recovery, problems);
    }

    /** user → "state order" of the event's rows in MySQL ({@code -} for no order). */
    private Map<String, String> states(String event) {
        Map<String, String> states = new HashMap<>();
        try (Connection db = stack.database();
             var statement = db.prepareStatement("SELECT user_id, state, order_id FROM coupon WHERE event_id = ?")) {
            statement.setString(1, event);
            try (ResultSet result = statement.executeQuery()) {
                while (result.next()) {
                    states.put(result.getString(1), result.getString(2) + " " + (result.getString(3) == null ? "-" : result.getString(3)));
                }
            }
        } catch (SQLException e) {
            progress("  could not read the states of " + event + " from MySQL: " + e.getMessage());
        }
        return states;
    }

    private int stateCount(String event, String state) {
        try (Connection db = stack.database();
             var statement = db.prepareStatement("SELECT COUNT(*) FROM coupon WHERE event_id = ? AND state = ?")) {
            statement.setString(1, event);
            statement.setString(2, state);
            try (ResultSet result = statement.executeQuery()) {
                return result.next() ? result.getInt(1) : 0;
            }
        } catch (SQLException e) {
            return 0; // MySQL is away; the caller polls again
        }
    }

    /** Each accepted user's final status: one of {@code settled}, REJECTED:reason, or what it still was at the deadline. */
    Map<String, String> statuses(String event, Set<String> users, Set<String> settled) throws InterruptedException {
        Map<String, String> statuses = new ConcurrentHashMap<>();
        ExecutorService pool = Executors.newFixedThreadPool(8);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        for (String user : users) {
            pool.execute(() -> {
                String status = "NO_ANSWER";
                while (System.nanoTime() < deadline) {
                    status = status(event, user);
                    if (settled.contains(status) || status.startsWith("REJECTED")) {
                        break;
                    }
                    pause(Duration.ofMillis(500));
                }
                statuses.put(user, status);
            });
        }
        pool.shutdown();
        pool.awaitTermination(90, TimeUnit.SECONDS);
        return statuses;
    }

    private String status(String event, String user) {
        try {
            HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(URI.create(
                    stack.ingressUrl() + "/events/" + event + "/applications/" + user)).timeout(Duration.ofSeconds(5)).build(),
                    HttpResponse.BodyHandlers.ofString());
            JsonNode body = Json.mapper().readTree(response.body());
            String outcome = body.path("outcome").asText("HTTP_" + response.statusCode());
            return outcome.equals("REJECTED") ? "REJECTED:" + body.path("reason").asText() : outcome;
        } catch (IOException e) {
            return "NO_ANSWER";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "NO_ANSWER";
        }
    }

    /** {@code ingress_gate_republished_total} of the running ingress: stranded requests it published again. */
    long republished() {
        try {
            String metrics = HTTP.send(HttpRequest.newBuilder(URI.create(stack.ingressUrl() + "/metrics"))
                    .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString()).body();
            return metrics.lines().filter(line -> line.startsWith("ingress_gate_republished_total"))
                    .mapToLong(line -> (long) Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1))).sum();
        } catch (IOException | RuntimeException e) {
            return 0;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return 0;
        }
    }

    private void define(String event, int limit, int waitlist) throws Exception {
        define(event, "{\"limit\":" + limit + ",\"waitlist\":" + waitlist + "}");
    }

    /** Defines {@code event} with the admin route's JSON body as given. */
    void define(String event, String definition) throws Exception {
        HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(URI.create(stack.ingressUrl() + "/admin/events/" + event))
                .timeout(Duration.ofSeconds(10))
                .header("Authorization", "Bearer " + ChaosStack.ADMIN_TOKEN)
                .header("Content-Type", "application/json")
                .PUT(HttpRequest.BodyPublishers.ofString(definition, UTF_8))
                .build(), HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 200) {
            throw new IllegalStateException("defining " + event + " failed: " + response.statusCode() + " " + response.body());
        }
    }

    List<CouponRow> rows(String event) {
        try (Connection db = stack.database()) {
            return CouponRow.ofEvent(db, event);
        } catch (SQLException e) {
            return List.of(); // MySQL is away; the caller polls again
        }
    }

    private boolean rowExists(String event, String user) {
        try (Connection db = stack.database();
             var statement = db.prepareStatement("SELECT 1 FROM coupon WHERE event_id = ? AND user_id = ?")) {
            statement.setString(1, event);
            statement.setString(2, user);
            try (ResultSet result = statement.executeQuery()) {
                return result.next();
            }
        } catch (SQLException e) {
            return false;
        }
    }

    /** Users or coupon numbers that occur twice, in coupon-issued or in MySQL. */
    static int duplicates(List<IssuedCoupon> coupons, List<CouponRow> rows) {
        return duplicates(coupons.stream().map(IssuedCoupon::userId).toList())
                + duplicates(coupons.stream().map(IssuedCoupon::couponNo).toList())
                + duplicates(rows.stream().map(CouponRow::userId).toList())
                + duplicates(rows.stream().map(CouponRow::couponNo).toList());
    }

    /** The services' unplanned restarts since {@code before} (those without any left out). */
    Map<String, Integer> restartsSince(Map<String, Integer> before) {
        Map<String, Integer> restarts = new HashMap<>(stack.unplannedRestarts());
        before.forEach((name, count) -> restarts.merge(name, -count, Integer::sum));
        restarts.values().removeIf(count -> count == 0);
        return restarts;
    }

    private static <T> int duplicates(List<T> values) {
        return values.size() - new HashSet<>(values).size();
    }

    // ---- the matrix ----

    static String matrix(List<Result> results, Settings settings) {
        StringBuilder out = new StringBuilder();
        out.append("| fault | limit | coupons in MySQL | coupon-issued | duplicates | users with a 202 | 202 then REJECTED"
                + " | accepted, never decided | 5xx other than 503 | 503 answers | no answer (retried) | published again (undecided)"
                + " | unplanned restarts | recovery | promise |\n");
        out.append("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|---:|---|\n");
        for (Result r : results) {
            out.append("| ").append(r.fault().description)
                    .append(" | ").append(r.limit())
                    .append(" | ").append(r.rows())
                    .append(" | ").append(r.issued())
                    .append(" | ").append(r.duplicates())
                    .append(" | ").append(r.acceptedUsers())
                    .append(" | ").append(r.rejectedAfter202())
                    .append(" | ").append(r.undecided())
                    .append(" | ").append(r.serverErrors())
                    .append(" | ").append(r.unavailable())
                    .append(" | ").append(r.noAnswer()).append(r.gaveUp() > 0 ? " (" + r.gaveUp() + " gave up)" : "")
                    .append(" | ").append(r.republished())
                    .append(" | ").append(r.restarts().isEmpty() ? "none" : r.restarts().toString())
                    .append(" | ").append(r.recovery() == null ? "never" : seconds(r.recovery()))
                    .append(" | ").append(r.kept() ? "kept" : "**BROKEN**: " + String.join("; ", r.problems()))
                    .append(r.note() == null ? "" : " (" + r.note() + ")")
                    .append(" |\n");
        }
        out.append("\n").append(String.format(Locale.ROOT,
                "Settings: limit %d, %d distinct users (%d%% of them apply 2-3 times), %d applications/s from %d client threads"
                        + " retrying 503s and dropped connections every 250 ms; fault injected once 30%% of the limit was accepted;"
                        + " outages %d s. Run on %s, %d cores, %s.%n",
                settings.limit(), settings.users(), (int) (settings.repeatShare() * 100), settings.rate(), settings.threads(),
                settings.outage().toSeconds(), LocalDate.now(), Runtime.getRuntime().availableProcessors(), elapsed()));
        return out.toString();
    }

    private static final String BEGIN = "<!-- chaos:matrix:begin -->";
    private static final String END = "<!-- chaos:matrix:end -->";

    /** Replaces the matrix between the markers of the report, or creates the report around it. */
    private static void writeReport(Path report, String matrix) throws IOException {
        String block = BEGIN + "\n" + matrix + END;
        String text = Files.exists(report) ? Files.readString(report) : "# Faults\n\n" + BEGIN + "\n" + END + "\n";
        int begin = text.indexOf(BEGIN);
        int end = text.indexOf(END);
        text = begin < 0 || end < begin ? text + "\n" + block + "\n" : text.substring(0, begin) + block + text.substring(end + END.length());
        Files.createDirectories(report.toAbsolutePath().getParent());
        Files.writeString(report, text);
    }

    // ---- plumbing ----

    /** The services' runnable jars, {@code <module>/target/<module>.jar}. */
    private static Map<String, Path> serviceJars() {
        Map<String, Path> jars = new HashMap<>();
        for (String module : List.of("ingress", "streams-processor", "sink")) {
            Path jar = Path.of(module, "target", module + ".jar");
            if (!Files.isRegularFile(jar)) {
                throw new IllegalStateException("no " + jar + ": run `mvn -DskipTests package` first");
            }
            jars.put(module, jar.toAbsolutePath());
        }
        return jars;
    }

    static void waitUntil(String what, Duration timeout, java.util.function.BooleanSupplier condition) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                progress("  gave up waiting for: " + what + " (" + timeout.toSeconds() + " s)");
                return;
            }
            pause(Duration.ofMillis(200));
        }
    }

    /** The runner's only way to wait: it drives processes, there is no event to wait on. */
    static void pause(Duration duration) {
        LockSupport.parkNanos(duration.toNanos());
    }

    static void progress(String line) {
        System.out.printf("[%s] %s%n", elapsed(), line);
        System.out.flush();
    }

    private static String elapsed() {
        long seconds = TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - STARTED);
        return String.format(Locale.ROOT, "%d:%02d", seconds / 60, seconds % 60);
    }

    static String seconds(Duration duration) {
        return String.format(Locale.ROOT, "%.1f s", duration.toMillis() / 1000.0);
    }
}
