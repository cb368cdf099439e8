package firstcome.e2e;

import static org.awaitility.Awaitility.await;

import firstcome.contract.Topics;
import firstcome.contract.query.QueryRoutes;
import firstcome.stackkit.FreePorts;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.function.IntSupplier;
import java.util.stream.Collectors;
import org.apache.kafka.common.utils.Utils;

/**
 * More instances of a pipeline's services (a second processor in the same application, a second
 * sink in the same group, a second ingress), and what a test asks the processors: who answers an
 * event's look-ups, and whether every event's look-up is answered.
 */
final class ProcessorInstances {

    /** Marks a look-up as forwarded: the processor answers it from its own stores or not at all (503). */
    private static final String FORWARDED_HEADER = "X-Firstcome-Forwarded";
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();

    private ProcessorInstances() {
    }

    /** Another instance of {@code service} like the pipeline's, on its own port (and state directory), logging to {@code logName}. */
    static ServiceProcess another(Pipeline pipeline, String service, String logName, Map<String, String> overrides) throws IOException {
        int port = FreePorts.next();
        Map<String, String> env = new HashMap<>(pipeline.environment());
        switch (service) {
            case "streams-processor" -> {
                env.put("PROCESSOR_PORT", String.valueOf(port));
                env.put("PROCESSOR_STATE_DIR", Files.createTempDirectory("e2e-streams").toString());
            }
            case "sink" -> env.put("SINK_PORT", String.valueOf(port));
            case "ingress" -> env.put("INGRESS_PORT", String.valueOf(port));
            default -> throw new IllegalArgumentException(service);
        }
        env.putAll(overrides);
        return new ServiceProcess(service, logName, env, port).start();
    }

    /**
     * Runs {@code stop} (a SIGTERM or a kill, waiting for the exit) on a thread of its own, so the caller
     * can watch meanwhile; completes with {exit status, nano time of the exit, nano time of the signal}.
     */
    static CompletableFuture<long[]> signal(IntSupplier stop) {
        CompletableFuture<long[]> ended = new CompletableFuture<>();
        Thread thread = new Thread(() -> {
            long signalled = System.nanoTime();
            try {
                int status = stop.getAsInt();
                ended.complete(new long[] {status, System.nanoTime(), signalled});
            } catch (RuntimeException | Error e) {
                ended.completeExceptionally(e);
            }
        }, "signal");
        thread.start();
        return ended;
    }

    /** One event id per partition of coupon-requests, so that every task holds one event. */
    static List<String> onePerPartition(String prefix) {
        Map<Integer, String> byPartition = new HashMap<>();
        while (byPartition.size() < Topics.DEFAULT_PARTITIONS) {
            String event = prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
            byPartition.putIfAbsent(partition(event), event);
        }
        return new ArrayList<>(byPartition.values());
    }

    /** The partition Kafka's default partitioner gives the key {@code eventId}. */
    static int partition(String eventId) {
        return Utils.toPositive(Utils.murmur2(eventId.getBytes(StandardCharsets.UTF_8))) % Topics.DEFAULT_PARTITIONS;
    }

    /**
     * The status of {@code user} in {@code event} asked of the processor at {@code url} (with the
     * pipeline's shop token): 200 or 404 when answered, 503 while nobody can, -1 without an answer.
     * {@code local}: only from its own stores, never forwarded.
     */
    static int status(String url, String event, String user, boolean local) {
        var request = HttpRequest.newBuilder(URI.create(url + QueryRoutes.status(event, user)))
                .timeout(Duration.ofSeconds(3))
                .header("Authorization", "Bearer " + Pipeline.SHOP_TOKEN);
        if (local) {
            request.header(FORWARDED_HEADER, "test");
        }
        try {
            return HTTP.send(request.build(), HttpResponse.BodyHandlers.discarding()).statusCode();
        } catch (IOException e) {
            return -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
    }

    static boolean answered(int status) {
        return status == 200 || status == 404;
    }

    /** The events whose task the processor at {@code url} runs (it answers their look-ups from its own stores). */
    static Set<String> ownedBy(String url, List<String> events) {
        return events.stream().filter(event -> answered(status(url, event, "nobody", true))).collect(Collectors.toSet());
    }

    /**
     * Waits until the two processors share the events, each event answered by exactly one, and
     * {@code second} holds at least one; returns {@code second}'s.
     */
    static Set<String> awaitShared(ServiceProcess first, ServiceProcess second, List<String> events, Duration deadline) {
        await("the processors share the tasks").atMost(deadline).pollInterval(Duration.ofMillis(250)).until(() -> {
            Set<String> firsts = ownedBy(first.url(), events);
            Set<String> seconds = ownedBy(second.url(), events);
            return !seconds.isEmpty() && firsts.size() + seconds.size() == events.size()
                    && firsts.stream().noneMatch(seconds::contains);
        });
        return ownedBy(second.url(), events);
    }

    /**
     * Whether the standby tasks of the processor at {@code url} are caught up with their changelogs:
     * its restore consumer, which keeps the standbys up to date, reports a lag of 0 on every changelog
     * partition it reads (Kafka Streams' client metrics on {@code /metrics}). False while it has none.
     */
    static boolean standbysCaughtUp(String url) {
        try {
            String metrics = HTTP.send(HttpRequest.newBuilder(URI.create(url + "/metrics")).timeout(Duration.ofSeconds(3)).build(),
                    HttpResponse.BodyHandlers.ofString()).body();
            List<String> lags = metrics.lines()
                    .filter(line -> line.startsWith("kafka_consumer_fetch_manager_records_lag{"))
                    .filter(line -> line.contains("restore-consumer") && line.contains("changelog"))
                    .toList();
            return !lags.isEmpty() && lags.stream().allMatch(line -> Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1)) == 0.0);
        } catch (IOException | RuntimeException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }
}
