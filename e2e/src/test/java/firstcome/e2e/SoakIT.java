package firstcome.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import firstcome.contract.Json;
import firstcome.contract.Topics;
import firstcome.stackkit.ChildProcess;
import firstcome.testkit.Infrastructure;
import firstcome.testkit.InfrastructureExtension;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.common.utils.Utils;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import redis.clients.jedis.RedisClient;

/**
 * The soak benchmark ({@code make soak}, figures in BENCHMARKS.md): events come, sell out, close and
 * retire, batch after batch, through the whole stack with the least {@code EVENT_RETENTION} (one
 * minute). The batches are pipelined: batch k+1 is sold while batch k waits for its retirement, and at
 * most {@code soak.inflight} closed batches are left unretired: before the figures are taken after a
 * batch, the oldest beyond that are awaited until retired. Once the pipeline is full, after every
 * batch the ingress's heap (after a full GC) and Redis's {@code used_memory} are recorded, so every
 * figure is taken at the same phase (the same number of batches unretired) as long as selling
 * {@code soak.inflight} batches takes less than the retention (with the default depth of one, each
 * measurement holds exactly the batch just closed: the one before was awaited, this one retires a
 * minute later); at the end the last
 * quarter's level may not exceed the first quarter's by more than a stated margin. Without
 * retirement each sold-out event would leave its users in the ingress's short-cut and in Redis for good.
 *
 * <p>Not part of {@code make test} (excluded from the failsafe run); run it with
 * {@code -Dit.test=SoakIT}. Scale: {@code -Dsoak.events} (200), {@code -Dsoak.users} (10,000 coupons
 * per event, each sold to a different user), {@code -Dsoak.rejected} (users/20 more applicants who
 * hear SOLD_OUT), {@code -Dsoak.batches} (20), {@code -Dsoak.retention} (PT1M, the least the services take),
 * {@code -Dsoak.inflight} (1; at most a quarter of the batches), {@code -Dsoak.threads} (32). The ingress
 * republishes stranded requests sooner than by default ({@link #INGRESS_SETTINGS}), as it must for a
 * one-minute retention (its republication horizon must fit in the retention).
 *
 * <p>The streams-processor retires by stream time, which only moves with records: while a batch
 * waits for its retirement, one new applicant per partition goes to "tick" events that never close,
 * so every partition's stream time keeps moving (a few hundred users in all, in Redis for good).
 */
@ExtendWith(InfrastructureExtension.class)
class SoakIT {

    private static final int EVENTS = Integer.getInteger("soak.events", 200);
    private static final int USERS = Integer.getInteger("soak.users", 10_000);
    private static final int REJECTED = Integer.getInteger("soak.rejected", Math.max(1, USERS / 20));
    private static final int BATCHES = Math.min(EVENTS, Integer.getInteger("soak.batches", 20));
    private static final Duration RETENTION = Duration.parse(System.getProperty("soak.retention", "PT1M"));
    /** Closed batches left unretired when the figures are taken: the pipeline's depth. */
    private static final int IN_FLIGHT = Math.max(1, Math.min(Integer.getInteger("soak.inflight", 1), BATCHES / 4));
    /**
     * A republication horizon within one minute: 3.25 s x 16 + 1.625 s (half a sweep period) + 2 s delivery
     * timeout + 0.25 s max block = 55.875 s (the defaults, 5.25 s and 3 s, make 89.875 s).
     */
    private static final Map<String, String> INGRESS_SETTINGS = Map.of(
            "INGRESS_KAFKA_DELIVERY_TIMEOUT_MS", "2000", "INGRESS_RECONCILE_AFTER_MS", "3250");
    private static final int THREADS = Integer.getInteger("soak.threads", 32);
    /** Flat: the last quarter's mean at most this much above the first quarter's (relative, or the floor below, whichever is larger). */
    private static final double MARGIN = 0.25;
    private static final long HEAP_FLOOR = 16L << 20;
    private static final long REDIS_FLOOR = 2L << 20;
    private static final Path FIGURES = Path.of(System.getProperty("soak.figures", "target/soak-figures.txt"));

    private final AtomicLong tickUsers = new AtomicLong();

    record Sample(int batch, int retiredEvents, long heapBytes, long redisBytes) {
    }

    /** A closed batch's events, and when they retire. */
    record Batch(int number, List<String> events, Instant retiresAt) {
    }

    @Test
    void theIngressHeapAndRedisMemoryStayFlatWhileEventsSellOutAndRetire(Infrastructure infrastructure) throws Exception {
        String run = Long.toString(System.currentTimeMillis() % 1_000_000, 36);
        long started = System.nanoTime();
        Map<String, String> settings = new HashMap<>(INGRESS_SETTINGS);
        settings.put("EVENT_RETENTION", RETENTION.toString());
        try (var pipeline = new Pipeline(infrastructure, settings);
                var redis = RedisClient.create(URI.create(infrastructure.redisUrl()))) {
            Shoppers shoppers = pipeline.shoppers();
            List<String> ticks = tickEvents(run, Topics.DEFAULT_PARTITIONS);
            for (String tick : ticks) {
                assertThat(shoppers.defineEvent(tick, 1_000_000).statusCode()).isEqualTo(200);
            }
            System.out.printf("soak: %d events x %,d users (+%,d rejected each) in %d batches, EVENT_RETENTION %s,"
                    + " %d closed batch(es) unretired at each measurement%n", EVENTS, USERS, REJECTED, BATCHES, RETENTION, IN_FLIGHT);

            List<Sample> samples = new ArrayList<>();
            List<String> firstBatch = new ArrayList<>();
            List<String> lastBatch = new ArrayList<>();
            Deque<Batch> unretired = new ArrayDeque<>();
            long applications = 0;
            int done = 0;
            for (int batch = 0; batch < BATCHES; batch++) {
                int size = EVENTS / BATCHES + (batch < EVENTS % BATCHES ? 1 : 0);
                List<String> events = new ArrayList<>();
                for (int i = 0; i < size; i++) {
                    events.add("soak-" + run + "-" + batch + "-" + i);
                }
                Instant opensAt = Instant.now().truncatedTo(ChronoUnit.MILLIS);
                for (String event : events) {
                    assertThat(shoppers.defineEvent(event, definition(opensAt, opensAt.plus(Duration.ofHours(1)))).statusCode())
                            .isEqualTo(200);
                }
                applications += sellOut(shoppers, events);
                if (batch == 0) {
                    firstBatch.addAll(events);
                }
                lastBatch.clear();
                lastBatch.addAll(events);

                // close: the organiser moves each event's closing to a second from now (its gate keys' expiry moves with it)
                Instant closesAt = Instant.now().plusSeconds(1).truncatedTo(ChronoUnit.MILLIS);
                for (String event : events) {
                    assertThat(shoppers.defineEvent(event, definition(opensAt, closesAt)).statusCode()).isEqualTo(200);
                }
                unretired.addLast(new Batch(batch + 1, List.copyOf(events), closesAt.plus(RETENTION)));
                // Sell the next batch while this one waits for its retirement; only the batches
                // beyond the pipeline's depth must have retired before the figures are taken.
                while (unretired.size() > IN_FLIGHT) {
                    Batch oldest = unretired.removeFirst();
                    awaitRetired(shoppers, redis, oldest, ticks, unretired);
                    done += oldest.events().size();
                }
                if (unretired.size() < IN_FLIGHT) {
                    System.out.printf("soak: batch %d/%d sold and closed, filling the pipeline (%d s)%n", batch + 1, BATCHES,
                            TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - started));
                    continue;
                }

                Sample sample = new Sample(batch + 1, done, heapAfterFullGc(pipeline.ingress), usedMemory(redis));
                samples.add(sample);
                System.out.printf("soak: batch %d/%d: %d events retired, %d batch(es) awaiting retirement, %,d applications;"
                        + " ingress heap after GC %.1f MiB,"
                        + " Redis used_memory %.2f MiB (%d s)%n", sample.batch(), BATCHES, done, unretired.size(), applications,
                        mib(sample.heapBytes()), mib(sample.redisBytes()),
                        TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - started));
            }

            // The last batches retire too (the audit below counts on it), the last leaving nobody in the short-cut.
            while (!unretired.isEmpty()) {
                awaitRetired(shoppers, redis, unretired.removeFirst(), ticks, unretired);
            }

            int quarter = Math.max(1, samples.size() / 4);
            long heapFirst = mean(samples.subList(0, quarter), Sample::heapBytes);
            long heapLast = mean(samples.subList(samples.size() - quarter, samples.size()), Sample::heapBytes);
            long redisFirst = mean(samples.subList(0, quarter), Sample::redisBytes);
            long redisLast = mean(samples.subList(samples.size() - quarter, samples.size()), Sample::redisBytes);
            String figures = String.format("soak (%s): %d events x %,d users (+%,d rejected each), %d batches, EVENT_RETENTION %s,"
                            + " %d batch(es) unretired at each of %d measurements,"
                            + " %,d applications in %d s: ingress heap after full GC %.1f -> %.1f MiB, Redis used_memory %.2f -> %.2f MiB"
                            + " (first -> last quarter of measurements; flat = at most +%d%% or +%d / +%d MiB)",
                    Instant.now().truncatedTo(ChronoUnit.SECONDS), EVENTS, USERS, REJECTED, BATCHES, RETENTION, IN_FLIGHT,
                    samples.size(), applications,
                    TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - started), mib(heapFirst), mib(heapLast),
                    mib(redisFirst), mib(redisLast), Math.round(MARGIN * 100), HEAP_FLOOR >> 20, REDIS_FLOOR >> 20);
            System.out.println(figures);
            Files.createDirectories(FIGURES.toAbsolutePath().getParent());
            Files.writeString(FIGURES, figures + "\n", StandardCharsets.UTF_8);

            assertThat(heapLast).as("ingress heap, last quarter vs first (%s)", figures)
                    .isLessThanOrEqualTo(heapFirst + Math.max((long) (heapFirst * MARGIN), HEAP_FLOOR));
            assertThat(redisLast).as("Redis used_memory, last quarter vs first (%s)", figures)
                    .isLessThanOrEqualTo(redisFirst + Math.max((long) (redisFirst * MARGIN), REDIS_FLOOR));

            // The audit over the first and the last batch: their coupons agree with the table, and
            // their gate keys, gone by design, are not called a difference.
            List<String> audited = new ArrayList<>(firstBatch);
            lastBatch.stream().filter(event -> !audited.contains(event)).forEach(audited::add);
            List<String> args = new ArrayList<>();
            audited.forEach(event -> {
                args.add("--event");
                args.add(event);
            });
            var audit = new OperationsCommand(infrastructure).audit(Map.of("EVENT_RETENTION", RETENTION.toString()),
                    Duration.ofMinutes(15), args.toArray(String[]::new));
            assertThat(audit.report())
                    .contains(audited.size() + " retired event(s) not compared")
                    .contains("audit: " + audited.size() + " event(s), all consistent");
            assertThat(audit.exitStatus()).isZero();
        }
    }

    /**
     * Every event's users apply, interleaved across the batch's events, then the rejected ones; an
     * application answered 503 is made again. Each event ends with exactly its limit accepted, and
     * every other applicant heard SOLD_OUT.
     */
    private static long sellOut(Shoppers shoppers, List<String> events) throws Exception {
        List<String[]> applications = new ArrayList<>();
        for (int user = 0; user < USERS + REJECTED; user++) {
            for (String event : events) {
                applications.add(new String[] {event, "u-" + user});
            }
        }
        long sent = 0;
        Map<String, Integer> accepted = new HashMap<>();
        Map<String, Integer> soldOut = new HashMap<>();
        for (int round = 0; round < 5 && !applications.isEmpty(); round++) {
            List<String[]> again = new ArrayList<>();
            sent += applications.size();
            for (Shoppers.Answer answer : shoppers.apply(applications, THREADS)) {
                String outcome = outcome(answer);
                switch (outcome) {
                    case "ACCEPTED" -> accepted.merge(answer.eventId(), 1, Integer::sum);
                    case "SOLD_OUT" -> soldOut.merge(answer.eventId(), 1, Integer::sum);
                    case "UNAVAILABLE", "UNCONFIRMED" -> again.add(new String[] {answer.eventId(), answer.userId()});
                    // A retry of an application whose first answer was UNCONFIRMED: it holds its place.
                    case "ALREADY_APPLIED" -> accepted.merge(answer.eventId(), 1, Integer::sum);
                    default -> throw new AssertionError("unexpected answer to " + answer.userId() + " for " + answer.eventId()
                            + ": " + answer.status() + " " + answer.body());
                }
            }
            applications = again;
        }
        assertThat(applications).as("applications still answered 503 after five rounds").isEmpty();
        for (String event : events) {
            assertThat(accepted.getOrDefault(event, 0)).as("accepted for %s", event).isEqualTo(USERS);
            assertThat(soldOut.getOrDefault(event, 0)).as("sold out for %s", event).isEqualTo(REJECTED);
        }
        return sent;
    }

    /**
     * Waits until the ingress answers every event's status look-up of the batch with 410 RETIRED,
     * none of their gate keys is left in Redis, and the sold-out short-cut holds no more users than
     * the {@code others} (the batches still unretired) hold: none once no batch is left; meanwhile
     * each poll sends one new applicant to each tick event, so the processor's stream time moves on
     * every partition.
     */
    private void awaitRetired(Shoppers shoppers, RedisClient redis, Batch batch, List<String> ticks, Collection<Batch> others) {
        List<String> events = batch.events();
        long othersUsers = (long) USERS * others.stream().mapToInt(other -> other.events().size()).sum();
        Duration untilDue = Duration.between(Instant.now(), batch.retiresAt());
        await("batch " + batch.number() + " retired at " + batch.retiresAt())
                .atMost((untilDue.isNegative() ? Duration.ZERO : untilDue).plusSeconds(90)).pollInterval(Duration.ofMillis(500))
                .until(() -> {
                    for (String tick : ticks) {
                        int status = shoppers.apply(tick, "tick-" + tickUsers.incrementAndGet()).status();
                        assertThat(status).as("tick application to %s", tick).isIn(202, 503);
                    }
                    for (String event : events) {
                        if (shoppers.get("/events/" + event + "/applications/u-0").statusCode() != 410) {
                            return false;
                        }
                        String prefix = "fc:{" + event + "}:";
                        if (redis.exists(prefix + "users", prefix + "count", prefix + "releases", prefix + "pending") > 0) {
                            return false;
                        }
                    }
                    return shortcutUsers(shoppers) <= othersUsers;
                });
    }

    /** One event id per partition of coupon-requests, as the producer's default partitioner places the key. */
    private static List<String> tickEvents(String run, int partitions) {
        List<String> ticks = new ArrayList<>();
        boolean[] covered = new boolean[partitions];
        for (int i = 0; ticks.size() < partitions; i++) {
            String id = "soak-" + run + "-tick-" + i;
            int partition = Utils.toPositive(Utils.murmur2(id.getBytes(StandardCharsets.UTF_8))) % partitions;
            if (!covered[partition]) {
                covered[partition] = true;
                ticks.add(id);
            }
        }
        return ticks;
    }

    private static String definition(Instant opensAt, Instant closesAt) {
        return "{\"limit\":" + USERS + ",\"opensAt\":\"" + opensAt + "\",\"closesAt\":\"" + closesAt + "\"}";
    }

    private static String outcome(Shoppers.Answer answer) {
        try {
            return Json.mapper().readTree(answer.body()).path("outcome").asText("");
        } catch (IOException e) {
            return "";
        }
    }

    /** {@code ingress_soldout_shortcut_users} from the ingress's /metrics. */
    private static long shortcutUsers(Shoppers shoppers) throws Exception {
        return (long) metric(shoppers.get("/metrics"), "ingress_soldout_shortcut_users");
    }

    /** The ingress's heap in use right after a full GC ({@code jcmd GC.run}), from its /metrics. */
    private static long heapAfterFullGc(ServiceProcess ingress) throws Exception {
        String jcmd = Path.of(ChildProcess.java()).resolveSibling("jcmd").toString();
        Process gc = new ProcessBuilder(jcmd, Long.toString(ingress.pid()), "GC.run").redirectErrorStream(true).start();
        String output = new String(gc.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(gc.waitFor(60, TimeUnit.SECONDS) && gc.exitValue() == 0).as("jcmd GC.run: %s", output).isTrue();
        HttpResponse<String> metrics = new Shoppers(ingress.url()).get("/metrics");
        long heap = 0;
        for (String line : metrics.body().split("\n")) {
            if (line.startsWith("jvm_memory_used_bytes{") && line.contains("area=\"heap\"")) {
                heap += (long) Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
            }
        }
        assertThat(heap).as("heap figures in /metrics").isPositive();
        return heap;
    }

    private static double metric(HttpResponse<String> metrics, String name) {
        for (String line : metrics.body().split("\n")) {
            if (line.startsWith(name + " ") || line.startsWith(name + "{")) {
                return Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
            }
        }
        throw new AssertionError(name + " is not in /metrics");
    }

    private static long usedMemory(RedisClient redis) {
        for (String line : redis.info("memory").split("\r?\n")) {
            if (line.startsWith("used_memory:")) {
                return Long.parseLong(line.substring("used_memory:".length()).trim());
            }
        }
        throw new AssertionError("no used_memory in Redis INFO memory");
    }

    private static long mean(List<Sample> samples, java.util.function.ToLongFunction<Sample> figure) {
        return (long) samples.stream().mapToLong(figure).average().orElse(0);
    }

    private static double mib(long bytes) {
        return bytes / (1024.0 * 1024.0);
    }
}
