package firstcome.bench;

import firstcome.contract.CouponDecision;
import firstcome.contract.CouponRequest;
import firstcome.contract.IssuedCoupon;
import firstcome.contract.IssuingOutcome;
import firstcome.loadkit.ApplyClient;
import firstcome.loadkit.CouponRow;
import firstcome.stackkit.ChildProcess;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

/**
 * The draw's cell of {@code make chaos} (docs/fair-opening.md, docs/faults.md): an event with a
 * waitlist and a draw window that takes most of a {@link Spike}; the streams-processor is killed -9
 * a second before the window's end and started again a second after it, so the draw is decided by
 * a restarted processor from what it finds in the logs (the ingresses' ticks among it).
 *
 * <p>The promise: every entrant (a request decided {@code IN_DRAW}) has exactly one draw decision
 * in {@code coupon-decisions} (a re-delivered request may hear the very same decision again, never
 * another), the ranks are 1..entrants once each, the first {@code limit} of them hold coupons
 * 1..limit in that order, the next {@code waitlist} wait in that order, the rest are
 * {@code NOT_DRAWN}; no coupon twice, MySQL equal to {@code coupon-issued}; the replay of the event's
 * inputs decides the same byte for byte and the audit recomputes the same draw (the ops jar's
 * {@code replay} and {@code audit}, exit 0); every 202 ends decided (issued, waiting, or rejected
 * as not drawn). Also counted, not a broken promise: entrants stamped inside the window that reached
 * the log too late for the draw and were decided first-come (docs/fair-opening.md, "Limits").
 */
final class ChaosDrawCell {

    /** How long before the window's end the processor is killed, and after it started again. */
    private static final Duration AROUND_THE_END = Duration.ofSeconds(1);
    private static final Duration OPS_DEADLINE = Duration.ofSeconds(300);

    private final Chaos chaos;
    private final Chaos.Fault fault;
    private final String event;
    private final int limit;
    private final int waitlist;

    ChaosDrawCell(Chaos chaos, Chaos.Fault fault, String event) {
        this.chaos = chaos;
        this.fault = fault;
        this.event = event;
        this.limit = chaos.settings.limit();
        this.waitlist = Math.max(1, limit / 10);
    }

    Chaos.Result run() throws Exception {
        Chaos.Settings settings = chaos.settings;
        ChaosStack stack = chaos.stack;
        Spike spike = new Spike(stack.ingressUrl(), event, settings.users(), settings.repeatShare(), settings.rate(),
                settings.threads(), event.hashCode());
        // Four fifths of the spike inside the window: the rest meets the draw's result first-come.
        int windowSeconds = (int) Math.max(3, Math.min(3600, spike.size() * 4L / (5L * settings.rate())));
        Instant opensAt = Instant.now().plusSeconds(2).truncatedTo(ChronoUnit.MILLIS);
        Instant endsAt = opensAt.plusSeconds(windowSeconds);
        chaos.define(event, "{\"limit\":" + limit + ",\"waitlist\":" + waitlist + ",\"opensAt\":\"" + opensAt
                + "\",\"drawWindowSeconds\":" + windowSeconds + "}");
        Map<String, Integer> restartsBefore = stack.unplannedRestarts();
        long republishedBefore = chaos.republished();
        long ingressBefore = stack.ingress.pid();
        Chaos.progress(fault + ": " + fault.description + "; event " + event + ", " + spike.size() + " applications, window "
                + windowSeconds + " s from " + opensAt);

        pauseUntil(opensAt.plusMillis(50));
        spike.start();
        pauseUntil(endsAt.minus(AROUND_THE_END));
        ChildProcess processor = stack.processor;
        stack.holdDown(processor);
        Instant healed;
        try {
            Chaos.progress("  kill -9 " + processor.name() + " (pid " + processor.pid() + "), " + spike.finished() + "/"
                    + spike.size() + " applications done");
            processor.kill();
            pauseUntil(endsAt.plus(AROUND_THE_END));
            processor.start();
            healed = Instant.now();
            Chaos.progress("  " + processor.name() + " started again (pid " + processor.pid() + ") after the window's end");
        } finally {
            stack.release(processor);
        }
        Duration recovery = chaos.recovery(fault, healed);
        Chaos.progress("  " + fault + ": pipeline flows again " + (recovery == null ? "never" : Chaos.seconds(recovery))
                + " after the restart");
        if (!spike.awaitDone(Duration.ofSeconds(300))) {
            Chaos.progress("  " + fault + ": the spike did not finish within 300 s");
        }
        long republished = chaos.republished() - (stack.ingress.pid() == ingressBefore ? republishedBefore : 0);
        return check(spike, endsAt, recovery, restartsBefore, republished);
    }

    private Chaos.Result check(Spike spike, Instant endsAt, Duration recovery, Map<String, Integer> restartsBefore,
            long republished) throws Exception {
        List<String> problems = new ArrayList<>();
        Chaos.progress("  " + fault + ": spike done; waiting until coupon-issued and MySQL agree");
        Chaos.waitUntil("coupons settled", Duration.ofSeconds(120), () -> {
            List<IssuedCoupon> coupons = chaos.issued.records(event);
            return coupons.size() >= limit && chaos.rows(event).size() == coupons.size();
        });
        Chaos.pause(Duration.ofSeconds(2)); // a surplus coupon would show up now
        List<IssuedCoupon> coupons = chaos.issued.records(event);
        List<CouponRow> rows = chaos.rows(event);
        Set<CouponRow> fromTopic = coupons.stream().map(c -> new CouponRow(c.userId(), c.couponNo())).collect(Collectors.toSet());
        int duplicates = Chaos.duplicates(coupons, rows);
        if (coupons.size() != limit || rows.size() != limit) {
            problems.add(coupons.size() + " coupons in coupon-issued and " + rows.size() + " in MySQL, expected the limit " + limit);
        }
        if (duplicates > 0) {
            problems.add(duplicates + " duplicate(s)");
        }
        if (!fromTopic.equals(new HashSet<>(rows))) {
            problems.add("MySQL (" + rows.size() + " rows) differs from coupon-issued (" + coupons.size() + " records)");
        }
        if (!IntStream.rangeClosed(1, rows.size()).boxed().toList().equals(rows.stream().map(CouponRow::couponNo).sorted().toList())) {
            problems.add("coupon numbers are not 1.." + rows.size());
        }

        // The draw, read from the authority's log: once per entrant, in rank order.
        List<CouponDecision> decisions = chaos.decisions.records(event);
        Set<String> entrants = new LinkedHashSet<>();
        Map<String, Set<CouponDecision>> drawDecisions = new HashMap<>();
        long drawDecisionRecords = 0;
        for (CouponDecision decision : decisions) {
            if (decision.decidesAction()) {
                continue;
            }
            if (decision.outcome() == IssuingOutcome.IN_DRAW) {
                entrants.add(decision.requestId());
            } else if (decision.decidesDraw()) {
                drawDecisionRecords++;
                drawDecisions.computeIfAbsent(decision.requestId(), id -> new HashSet<>()).add(decision);
            }
        }
        List<String> drawnTwice = drawDecisions.entrySet().stream().filter(e -> e.getValue().size() > 1)
                .map(e -> e.getKey() + " " + e.getValue()).toList();
        Set<String> neverDrawn = new HashSet<>(entrants);
        neverDrawn.removeAll(drawDecisions.keySet());
        Set<String> notEntrants = new HashSet<>(drawDecisions.keySet());
        notEntrants.removeAll(entrants);
        if (entrants.isEmpty()) {
            problems.add("no request was decided IN_DRAW");
        }
        if (!drawnTwice.isEmpty()) {
            problems.add(drawnTwice.size() + " entrant(s) with differing draw decisions: " + drawnTwice.subList(0, Math.min(2, drawnTwice.size())));
        }
        if (!neverDrawn.isEmpty()) {
            problems.add(neverDrawn.size() + " entrant(s) without a draw decision");
        }
        if (!notEntrants.isEmpty()) {
            problems.add(notEntrants.size() + " draw decision(s) of requests never decided IN_DRAW");
        }
        List<CouponDecision> drawn = drawDecisions.values().stream().map(set -> set.iterator().next())
                .sorted((a, b) -> Integer.compare(a.drawRank(), b.drawRank())).toList();
        List<String> wrong = new ArrayList<>();
        for (int i = 0; i < drawn.size(); i++) {
            CouponDecision d = drawn.get(i);
            int rank = i + 1;
            IssuingOutcome expected = rank <= limit ? IssuingOutcome.ISSUED
                    : rank <= limit + waitlist ? IssuingOutcome.WAITLISTED : IssuingOutcome.NOT_DRAWN;
            Integer couponNo = rank <= limit ? rank : null;
            if (d.drawRank() != rank || d.entrants() != entrants.size() || d.outcome() != expected
                    || !java.util.Objects.equals(d.couponNo(), couponNo) || !d.decidedAt().equals(endsAt)) {
                wrong.add("rank " + rank + ": " + d);
            }
        }
        if (!wrong.isEmpty()) {
            problems.add(wrong.size() + " draw decision(s) out of the drawn order (expected ranks 1.." + entrants.size()
                    + ", coupons 1.." + limit + ", " + waitlist + " waiting, stamped " + endsAt + "): " + wrong.subList(0, Math.min(2, wrong.size())));
        }
        // Entrants by their stamp, decided first-come because they reached the log after the draw.
        Set<String> stampedInside = chaos.requests.records(event).stream()
                .filter(r -> !r.isTick() && r.receivedAt().isBefore(endsAt)).map(CouponRequest::requestId).collect(Collectors.toSet());
        stampedInside.removeAll(drawDecisions.keySet());
        int late = stampedInside.size();

        // The replay decides the same; the audit recomputes the same draw.
        Chaos.Settings settings = chaos.settings;
        int replay = ops("replay", "--event", event, "--state-dir", settings.dir().resolve("replay-" + event).toString());
        int audit = ops("audit", "--event", event);
        if (replay != 0) {
            problems.add("the replay of the event differs or could not compare (exit " + replay + ")");
        }
        if (audit != 0) {
            problems.add("the audit of the event found differences or could not compare (exit " + audit + ")");
        }

        // Every 202 decided: issued, waiting, or not drawn.
        Chaos.progress("  " + fault + ": asking the status of all " + spike.acceptedUsers().size() + " accepted users");
        Map<String, String> statuses = chaos.statuses(event, spike.acceptedUsers(), Set.of("ISSUED", "WAITLISTED"));
        int rejectedAfter202 = (int) statuses.values().stream()
                .filter(s -> s.startsWith("REJECTED") && !s.equals("REJECTED:" + IssuingOutcome.NOT_DRAWN)).count();
        int undecided = (int) statuses.values().stream()
                .filter(s -> !s.equals("ISSUED") && !s.equals("WAITLISTED") && !s.startsWith("REJECTED")).count();
        if (rejectedAfter202 > 0) {
            problems.add(rejectedAfter202 + " user(s) told 202 and then REJECTED for another reason than NOT_DRAWN: "
                    + statuses.entrySet().stream().filter(e -> e.getValue().startsWith("REJECTED")
                            && !e.getValue().equals("REJECTED:" + IssuingOutcome.NOT_DRAWN)).limit(5)
                            .map(e -> e.getKey() + "=" + e.getValue()).toList());
        }
        if (undecided > 0) {
            problems.add(undecided + " accepted request(s) never decided: " + statuses.entrySet().stream()
                    .filter(e -> !Set.of("ISSUED", "WAITLISTED").contains(e.getValue()) && !e.getValue().startsWith("REJECTED"))
                    .limit(5).map(e -> e.getKey() + "=" + e.getValue()).toList());
        }
        if (spike.serverErrorsOtherThan503() > 0) {
            problems.add(spike.serverErrorsOtherThan503() + " 5xx answer(s) other than 503");
        }
        if (recovery == null) {
            problems.add("the pipeline did not flow again within 180 s");
        }
        String note = String.format(Locale.ROOT, "%,d entrants, each drawn once (%,d draw decision records); %d entrant(s)"
                + " stamped inside the window decided first-come after the draw; replay exit %d, audit exit %d",
                entrants.size(), drawDecisionRecords, late, replay, audit);
        Chaos.progress("  " + fault + ": " + note);
        return new Chaos.Result(fault, limit, rows.size(), coupons.size(), duplicates, fromTopic.equals(new HashSet<>(rows)),
                spike.acceptedUsers().size(), rejectedAfter202, undecided, spike.serverErrorsOtherThan503(), spike.answers(503),
                spike.answers(ApplyClient.NO_ANSWER), spike.gaveUp(), chaos.restartsSince(restartsBefore), republished, recovery,
                problems, note);
    }

    /**
     * An operations command ({@code replay}, {@code audit}) of the ops jar, run as {@code make replay}
     * runs it, against this stack; its report goes to the chaos logs. Returns its exit status.
     */
    private int ops(String command, String... args) throws IOException, InterruptedException {
        ChaosStack stack = chaos.stack;
        Path logs = chaos.settings.dir().resolve("logs");
        Path jar = Files.createDirectories(chaos.settings.dir().resolve("jars")).resolve("ops.jar");
        Path built = Path.of("ops", "target", "ops.jar");
        if (!Files.isRegularFile(built)) {
            throw new IllegalStateException("no " + built + ": run `mvn -DskipTests package` first");
        }
        Files.copy(built, jar, StandardCopyOption.REPLACE_EXISTING);
        Path report = logs.resolve(command + "-" + event + ".out");
        List<String> line = new ArrayList<>(List.of(ChildProcess.java(), "-Xmx512m", "-jar", jar.toString(), command));
        line.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(line).redirectErrorStream(true).redirectOutput(report.toFile());
        builder.environment().put("KAFKA_BOOTSTRAP_SERVERS", stack.bootstrapServers());
        builder.environment().put("MYSQL_URL", stack.jdbcUrl());
        builder.environment().put("MYSQL_USER", "coupon");
        builder.environment().put("MYSQL_PASSWORD", "coupon");
        builder.environment().put("REDIS_URL", "redis://127.0.0.1:" + stack.redisPort);
        Chaos.progress("  " + fault + ": " + command + " " + String.join(" ", args) + " (report in " + report + ")");
        Process process = builder.start();
        if (!process.waitFor(OPS_DEADLINE.toSeconds(), TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            Chaos.progress("  " + fault + ": " + command + " did not finish within " + OPS_DEADLINE.toSeconds() + " s");
            return -1;
        }
        Files.readAllLines(report).stream().filter(l -> l.startsWith(command + ":"))
                .forEach(l -> Chaos.progress("  " + fault + ": " + l));
        return process.exitValue();
    }

    private static void pauseUntil(Instant instant) {
        Duration left = Duration.between(Instant.now(), instant);
        if (!left.isNegative()) {
            Chaos.pause(left);
        }
    }
}
