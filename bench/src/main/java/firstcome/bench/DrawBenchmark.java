package firstcome.bench;

import static java.nio.charset.StandardCharsets.UTF_8;

import firstcome.contract.CouponDecision;
import firstcome.contract.CouponRequest;
import firstcome.contract.DrawWindow;
import firstcome.contract.IssuingOutcome;
import firstcome.contract.KafkaConnection;
import firstcome.contract.Topic;
import firstcome.contract.Topics;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * Row 8 of {@code make bench}: the draw of a big fair opening on the running stack
 * (docs/fair-opening.md). An event with a draw window is defined through the admin route; then
 * {@code entrants} applications of distinct users are written straight into {@code coupon-requests}
 * (past the gate, as {@link RequestFlood} does: the HTTP path of this machine carries about 2,000
 * accepted applications a second, not the 10,000 a second of a big opening), each sent at its own
 * record time, spread evenly over the window; at the window's end plus {@link DrawWindow#GRACE} a
 * tick goes into the event's partition of {@code coupon-requests}, as the ingresses' ticks do. Measured: the time from the
 * tick's acknowledgement to the first and to the last of the draw decisions read ({@code read_committed})
 * from {@code coupon-decisions}, and what the entrants take in the streams-processor's state: the
 * bytes of its state directory on disk before the window, once every entrant's {@code IN_DRAW}
 * decision is read, and after the draw (what the disk holds: under exactly-once Kafka Streams
 * writes no checkpoint while processing, so RocksDB writes a memtable out only when it is full);
 * and, from the processor's {@code /metrics}, RocksDB's own estimates of every store (live SST
 * bytes plus memtables), which count what is still in memory too.
 */
public final class DrawBenchmark {

    /** One run's figures; times in milliseconds, sizes in bytes ({@code -1}: could not be measured). */
    record Result(int entrants, int windowSeconds, int limit, int waitlist, double lastSendAfterEndMillis,
                  double lastInDrawAfterEndMillis, double firstDrawAfterTickMillis, double lastDrawAfterTickMillis,
                  int drawDecisions, int issued, int waitlisted, int notDrawn, int lateEntrants, long stateBefore,
                  long stateEntrants, long stateDrawn, long rocksBefore, long rocksEntrants, long rocksDrawn) {

        /**
         * Every entrant decided: by the draw, or first-come after it when appended after a tick (an
         * ingress's {@code DrawTicker} ticks at the window's end + the grace whatever this benchmark
         * still has in flight; docs/fair-opening.md, "Limits").
         */
        boolean complete() {
            return drawDecisions + lateEntrants == entrants;
        }

        /** Bytes per entrant of the state directory's growth from before the window to all entrants decided. */
        double stateBytesPerEntrant() {
            return stateBefore < 0 || stateEntrants < 0 ? Double.NaN : (stateEntrants - stateBefore) / (double) entrants;
        }

        double rocksBytesPerEntrant() {
            return rocksBefore < 0 || rocksEntrants < 0 ? Double.NaN : (rocksEntrants - rocksBefore) / (double) entrants;
        }
    }

    private static final Duration DRAW_DEADLINE = Duration.ofSeconds(180);
    private static final Topics TOPICS = Topics.standard();
    private static final Pattern ROCKSDB_BYTES = Pattern.compile(
            "^kafka_stream_state_(?:live_sst_files_size|size_all_mem_tables)(?:_bytes)?\\{[^}]*}\\s+([0-9.eE+-]+)\\s*$", Pattern.MULTILINE);

    private final KafkaConnection kafka;
    private final String ingressUrl;
    private final String adminToken;
    private final String processorUrl;
    private final Path stateDir;
    private final int entrants;
    private final int windowSeconds;
    private final int limit;
    private final int waitlist;
    private final Consumer<String> say;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    DrawBenchmark(KafkaConnection kafka, String ingressUrl, String adminToken, String processorUrl, Path stateDir, int entrants,
            int windowSeconds, int limit, int waitlist, Consumer<String> say) {
        this.kafka = kafka;
        this.ingressUrl = ingressUrl;
        this.adminToken = adminToken;
        this.processorUrl = processorUrl;
        this.stateDir = stateDir;
        this.entrants = entrants;
        this.windowSeconds = windowSeconds;
        this.limit = limit;
        this.waitlist = waitlist;
        this.say = say;
    }

    /**
     * Row 8 alone, against the running stack ({@code make up}):
     * {@code java -cp bench/target/bench.jar firstcome.bench.DrawBenchmark [entrants] [windowSeconds] [limit] [waitlist]}
     * (defaults 100,000, 10, 1,000, 100), configured as {@code make bench} is ({@code INGRESS_URL} or
     * {@code INGRESS_PORT}, {@code ADMIN_TOKEN}, {@code PROCESSOR_URL} or {@code PROCESSOR_PORT},
     * {@code PROCESSOR_STATE_DIR}, {@code KAFKA_BOOTSTRAP_SERVERS}, {@code KAFKA_CLIENT_CONFIG}).
     */
    public static void main(String[] args) throws Exception {
        Map<String, String> env = System.getenv();
        int entrants = args.length > 0 ? Integer.parseInt(args[0]) : 100_000;
        int windowSeconds = args.length > 1 ? Integer.parseInt(args[1]) : 10;
        int limit = args.length > 2 ? Integer.parseInt(args[2]) : 1_000;
        int waitlist = args.length > 3 ? Integer.parseInt(args[3]) : limit / 10;
        DrawBenchmark benchmark = new DrawBenchmark(KafkaConnection.fromEnv(env),
                env.getOrDefault("INGRESS_URL", "http://localhost:" + env.getOrDefault("INGRESS_PORT", "8080")),
                env.getOrDefault("ADMIN_TOKEN", "local-admin-token"),
                env.getOrDefault("PROCESSOR_URL", "http://localhost:" + env.getOrDefault("PROCESSOR_PORT", "8081")),
                Path.of(env.getOrDefault("PROCESSOR_STATE_DIR", ".local/streams")), entrants, windowSeconds, limit, waitlist,
                line -> System.out.println("bench: " + line));
        Result result = benchmark.run("bench-draw-" + Long.toString(System.currentTimeMillis(), 36));
        System.out.println(result);
        System.exit(result.complete() ? 0 : 1);
    }

    Result run(String event) throws Exception {
        Instant opensAt = Instant.now().plusSeconds(3).truncatedTo(ChronoUnit.MILLIS);
        Instant endsAt = opensAt.plusSeconds(windowSeconds);
        define(event, opensAt);
        say.accept(String.format(Locale.ROOT, "draw: event %s, limit %,d, waitlist %,d, %,d entrants over a %d s window from %s",
                event, limit, waitlist, entrants, windowSeconds, opensAt));
        try (DecisionCounter counter = new DecisionCounter(event);
             var producer = new KafkaProducer<>(kafka.settings(Map.<String, Object>of(
                     ProducerConfig.ACKS_CONFIG, "all",
                     ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true,
                     ProducerConfig.LINGER_MS_CONFIG, 5)),
                     new ByteArraySerializer(), new ByteArraySerializer())) {
            counter.start();
            long stateBefore = stateBytes();
            long rocksBefore = rocksdbBytes();
            AtomicReference<Exception> failure = new AtomicReference<>();

            // The entrants, each sent at its record time, as an ingress would append them.
            long windowMillis = TimeUnit.SECONDS.toMillis(windowSeconds);
            for (int i = 0; i < entrants; i++) {
                Instant at = opensAt.plusMillis(i * windowMillis / entrants);
                waitUntil(at);
                var request = new CouponRequest(UUID.randomUUID().toString(), event, "draw-" + i, at);
                send(producer, TOPICS.requests(), event, request, at, failure);
            }
            producer.flush();
            double lastSendAfterEnd = millisSince(endsAt);
            if (failure.get() != null) {
                throw new IllegalStateException("draw: a send failed", failure.get());
            }

            // The tick at the window's end plus the grace, as every ingress publishes it.
            Instant tickAt = endsAt.plus(DrawWindow.GRACE);
            waitUntil(tickAt);
            producer.send(record(TOPICS.requests(), event, CouponRequest.tick(event, tickAt), tickAt)).get(30, TimeUnit.SECONDS);
            long tickAcknowledged = System.nanoTime();
            say.accept(String.format(Locale.ROOT, "draw: %,d entrants written (the last acknowledged %.0f ms after the window's end),"
                    + " tick written", entrants, lastSendAfterEnd));

            counter.awaitInDraw(entrants, DRAW_DEADLINE);
            long stateEntrants = stateBytes();
            long rocksEntrants = rocksdbBytes();
            counter.awaitDrawn(entrants, DRAW_DEADLINE);
            long stateDrawn = stateBytes();
            long rocksDrawn = rocksdbBytes();
            Result result = new Result(entrants, windowSeconds, limit, waitlist, lastSendAfterEnd,
                    counter.lastInDrawNanos == 0 ? Double.NaN : (counter.lastInDrawNanos - nanosOf(endsAt)) / 1e6,
                    counter.firstDrawNanos == 0 ? Double.NaN : (counter.firstDrawNanos - tickAcknowledged) / 1e6,
                    counter.lastDrawNanos == 0 ? Double.NaN : (counter.lastDrawNanos - tickAcknowledged) / 1e6,
                    counter.drawnCount, counter.issued, counter.waitlisted, counter.notDrawn, counter.lateCount,
                    stateBefore, stateEntrants, stateDrawn, rocksBefore, rocksEntrants, rocksDrawn);
            say.accept(String.format(Locale.ROOT, "draw: %,d of %,d draw decisions (%,d issued, %,d waitlisted, %,d not drawn),"
                            + " %,d decided first-come after a tick; tick → first %.0f ms, → last %.0f ms; state directory %s → %s → %s",
                    result.drawDecisions(), entrants, result.issued(), result.waitlisted(), result.notDrawn(), result.lateEntrants(),
                    result.firstDrawAfterTickMillis(), result.lastDrawAfterTickMillis(), mb(stateBefore), mb(stateEntrants),
                    mb(stateDrawn)));
            return result;
        }
    }

    /** Counts the event's decisions as they become readable, with when each kind was last seen. */
    private final class DecisionCounter implements Runnable, AutoCloseable {

        private final String event;
        private final KafkaConsumer<byte[], byte[]> consumer;
        private final Thread reader = new Thread(this, "draw-decisions");
        private final Set<String> inDraw = new HashSet<>();
        private final Set<String> drawn = new HashSet<>();
        /** Entrants decided neither IN_DRAW nor by the draw: appended after a tick, decided first-come. */
        private final Set<String> late = new HashSet<>();
        private volatile boolean assigned;
        private volatile boolean stop;
        private volatile long lastInDrawNanos;
        private volatile long firstDrawNanos;
        private volatile long lastDrawNanos;
        private volatile int inDrawCount;
        private volatile int drawnCount;
        private volatile int lateCount;
        private int issued;
        private int waitlisted;
        private int notDrawn;

        DecisionCounter(String event) {
            this.event = event;
            this.consumer = new KafkaConsumer<>(kafka.settings(Map.of(
                    ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed",
                    ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false,
                    ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 5000)),
                    new ByteArrayDeserializer(), new ByteArrayDeserializer());
        }

        @Override
        public void run() {
            Topic<CouponDecision> topic = TOPICS.decisions();
            List<TopicPartition> partitions = consumer.partitionsFor(topic.name()).stream()
                    .map(info -> new TopicPartition(topic.name(), info.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToEnd(partitions);
            partitions.forEach(consumer::position); // resolve the end now: only this run's decisions are read
            assigned = true;
            byte[] key = event.getBytes(UTF_8);
            try {
                read(topic, key);
            } finally {
                consumer.close(Duration.ofSeconds(5));
            }
        }

        private void read(Topic<CouponDecision> topic, byte[] key) {
            while (!stop) {
                for (var record : consumer.poll(Duration.ofMillis(100))) {
                    if (!java.util.Arrays.equals(record.key(), key)) {
                        continue;
                    }
                    long now = System.nanoTime();
                    CouponDecision decision = topic.valueSerde().deserializer().deserialize(topic.name(), record.value());
                    if (decision.outcome() == IssuingOutcome.IN_DRAW) {
                        if (inDraw.add(decision.requestId())) {
                            lastInDrawNanos = now;
                            inDrawCount = inDraw.size();
                        }
                    } else if (decision.decidesDraw() && drawn.add(decision.requestId())) {
                        firstDrawNanos = firstDrawNanos == 0 ? now : firstDrawNanos;
                        lastDrawNanos = now;
                        switch (decision.outcome()) {
                            case ISSUED -> issued++;
                            case WAITLISTED -> waitlisted++;
                            default -> notDrawn++;
                        }
                        drawnCount = drawn.size();
                    } else if (!decision.decidesDraw() && !inDraw.contains(decision.requestId()) && late.add(decision.requestId())) {
                        lateCount = late.size();
                    }
                }
            }
        }

        /** Starts reading from the decisions' current end; returns once that end is known. */
        void start() {
            reader.setDaemon(true);
            reader.start();
            waitFor("the decisions' reader", Duration.ofSeconds(30), () -> assigned);
        }

        void awaitInDraw(int count, Duration deadline) {
            waitFor("the entrants' IN_DRAW decisions", deadline, () -> inDrawCount + lateCount >= count);
        }

        void awaitDrawn(int count, Duration deadline) {
            waitFor("the draw decisions", deadline, () -> drawnCount + lateCount >= count);
        }

        private void waitFor(String what, Duration deadline, java.util.function.BooleanSupplier done) {
            long until = System.nanoTime() + deadline.toNanos();
            long lastSay = System.nanoTime();
            while (!done.getAsBoolean()) {
                if (System.nanoTime() > until) {
                    say.accept(String.format(Locale.ROOT, "draw: gave up waiting for %s after %d s (%,d IN_DRAW, %,d drawn, "
                            + "%,d decided first-come after a tick)", what, deadline.toSeconds(), inDrawCount, drawnCount, lateCount));
                    return;
                }
                if (System.nanoTime() - lastSay > TimeUnit.SECONDS.toNanos(5)) {
                    lastSay = System.nanoTime();
                    say.accept(String.format(Locale.ROOT, "draw: waiting for %s: %,d IN_DRAW, %,d drawn, %,d decided first-come after a"
                            + " tick", what, inDrawCount, drawnCount, lateCount));
                }
                LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(10)); // polling the reader's counts
            }
        }

        @Override
        public void close() {
            stop = true;
            try {
                reader.join(TimeUnit.SECONDS.toMillis(10));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private void define(String event, Instant opensAt) throws Exception {
        String body = String.format(Locale.ROOT, "{\"limit\":%d,\"waitlist\":%d,\"opensAt\":\"%s\",\"drawWindowSeconds\":%d,\"drawCap\":%d}",
                limit, waitlist, opensAt, windowSeconds, entrants);
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(ingressUrl + "/admin/events/" + event))
                .timeout(Duration.ofSeconds(15))
                .header("Authorization", "Bearer " + adminToken)
                .header("Content-Type", "application/json")
                .PUT(HttpRequest.BodyPublishers.ofString(body, UTF_8))
                .build(), HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 200) {
            throw new IllegalStateException("defining " + event + " failed: " + response.statusCode() + " " + response.body());
        }
    }

    /** Bytes of every file under the processor's state directory; -1 when it is not on this machine. */
    private long stateBytes() {
        if (!Files.isDirectory(stateDir)) {
            return -1;
        }
        try (Stream<Path> files = Files.walk(stateDir)) {
            return files.filter(Files::isRegularFile).mapToLong(file -> {
                try {
                    return Files.size(file);
                } catch (IOException e) {
                    return 0; // a file RocksDB removed (compaction) while we walked
                }
            }).sum();
        } catch (IOException | UncheckedIOException e) {
            return -1;
        }
    }

    /** RocksDB's live SST bytes plus its memtables, summed over the processor's stores, from its /metrics; -1 if absent. */
    private long rocksdbBytes() {
        try {
            String metrics = http.send(HttpRequest.newBuilder(URI.create(processorUrl + "/metrics")).timeout(Duration.ofSeconds(5)).build(),
                    HttpResponse.BodyHandlers.ofString()).body();
            Matcher m = ROCKSDB_BYTES.matcher(metrics);
            double sum = 0;
            boolean any = false;
            while (m.find()) {
                sum += Double.parseDouble(m.group(1));
                any = true;
            }
            return any ? (long) sum : -1;
        } catch (IOException | RuntimeException e) {
            return -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
    }

    private static <V> ProducerRecord<byte[], byte[]> record(Topic<V> topic, String key, V value, Instant at) {
        return new ProducerRecord<>(topic.name(), null, at.toEpochMilli(), topic.keySerde().serializer().serialize(topic.name(), key),
                topic.valueSerde().serializer().serialize(topic.name(), value));
    }

    private static <V> void send(KafkaProducer<byte[], byte[]> producer, Topic<V> topic, String key, V value, Instant at,
            AtomicReference<Exception> failure) {
        producer.send(record(topic, key, value, at), (metadata, exception) -> {
            if (exception != null) {
                failure.compareAndSet(null, exception);
            }
        });
    }

    /** Parks until the wall clock reaches {@code instant}: the writer keeps the record times' pace. */
    private static void waitUntil(Instant instant) {
        long nanos = Duration.between(Instant.now(), instant).toNanos();
        if (nanos > 0) {
            LockSupport.parkNanos(nanos);
        }
    }

    private static double millisSince(Instant instant) {
        return Duration.between(instant, Instant.now()).toNanos() / 1e6;
    }

    /** The {@link System#nanoTime()} that corresponds to {@code instant} of the wall clock. */
    private static long nanosOf(Instant instant) {
        return System.nanoTime() - Duration.between(instant, Instant.now()).toNanos();
    }

    static String mb(long bytes) {
        return bytes < 0 ? "?" : String.format(Locale.ROOT, "%.1f MB", bytes / 1e6);
    }
}
