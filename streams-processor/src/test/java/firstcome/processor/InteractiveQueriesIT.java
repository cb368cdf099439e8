package firstcome.processor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import firstcome.contract.ActionType;
import firstcome.contract.CouponAction;
import firstcome.contract.CouponRequest;
import firstcome.contract.DrawWindow;
import firstcome.contract.EventDefinition;
import firstcome.contract.Json;
import firstcome.contract.Topics;
import firstcome.contract.query.CouponHolders;
import firstcome.contract.query.QueryRoutes;
import firstcome.stackkit.FreePorts;
import firstcome.testkit.Infrastructure;
import firstcome.testkit.InfrastructureExtension;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two processor instances share the partitions; either one answers every status, tally and holders look-up,
 * and a restarted one answers the holders without waiting for a new request.
 */
@ExtendWith(InfrastructureExtension.class)
class InteractiveQueriesIT {

    private static final int PARTITIONS = 6;
    private static final Instant T0 = Instant.parse("2026-11-24T10:00:00Z");
    private static final List<String> EVENTS = List.of("e-1", "e-2", "e-3", "e-4", "e-5", "e-6");
    /** Every instance here runs with SHOP_TOKEN set, so each look-up below, and each one forwarded, carries it. */
    private static final String SHOP_TOKEN = "it-shop-token";

    private final Infrastructure infrastructure;
    private final Topics topics = Topics.standard().withPrefix("it-" + UUID.randomUUID() + "-");
    private final HttpClient http = HttpClient.newHttpClient();
    private App first;
    private App second;

    InteractiveQueriesIT(Infrastructure infrastructure) {
        this.infrastructure = infrastructure;
    }

    @AfterEach
    void stopProcessors() {
        for (App app : new App[] {first, second}) {
            if (app != null) {
                app.close();
            }
        }
    }

    @Test
    void answersEveryUsersStatusFromEitherOfTwoInstances(@TempDir Path firstDir, @TempDir Path secondDir) throws Exception {
        infrastructure.createTopics(topics, PARTITIONS);
        String applicationId = "it-status-" + UUID.randomUUID();
        int firstPort = FreePorts.next();
        int secondPort = FreePorts.next();
        first = App.start(config(applicationId, firstDir, firstPort), topics);
        second = App.start(config(applicationId, secondDir, secondPort), topics);

        try (var producer = new KafkaProducer<String, byte[]>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, infrastructure.kafkaBootstrapServers()),
                new StringSerializer(), new ByteArraySerializer())) {
            for (String event : EVENTS) {
                byte[] definition = topics.events().valueSerde().serializer()
                        .serialize("", new EventDefinition(event, 1, T0, null));
                producer.send(new ProducerRecord<>(topics.events().name(), null, T0.toEpochMilli(), event, definition));
            }
            for (String event : EVENTS) {
                for (String user : List.of("winner", "loser")) {
                    Instant at = T0.plusMillis(user.equals("winner") ? 1 : 2);
                    byte[] request = topics.requests().valueSerde().serializer()
                            .serialize("", new CouponRequest(UUID.randomUUID().toString(), event, user, at));
                    producer.send(new ProducerRecord<>(topics.requests().name(), null, at.toEpochMilli(), event, request));
                }
            }
        }

        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
            for (int port : new int[] {firstPort, secondPort}) {
                for (String event : EVENTS) {
                    assertThat(get(port, event, "winner")).isEqualTo("200 {\"outcome\":\"ISSUED\",\"couponNo\":1}");
                    assertThat(get(port, event, "loser")).isEqualTo("200 {\"outcome\":\"REJECTED\",\"reason\":\"SOLD_OUT\"}");
                    assertThat(get(port, event, "stranger")).isEqualTo("404 {\"outcome\":\"NOT_APPLIED\"}");
                    assertThat(tally(port, event)).isEqualTo("200 {\"eventId\":\"" + event + "\",\"issued\":1,\"duplicates\":0,"
                            + "\"soldOut\":1,\"notOpen\":0,\"closed\":0,\"unknownEvent\":0,\"decided\":2,"
                            + "\"redeemed\":0,\"returned\":0,\"waitlisted\":0}");
                }
            }
        });

        // The answers above came from both instances, half of them forwarded: with the token, which the
        // owner asks of the forwarding instance too. Without it, or with another, no look-up is answered.
        for (int port : new int[] {firstPort, secondPort}) {
            for (String path : List.of(QueryRoutes.status("e-1", "winner"), QueryRoutes.tally("e-1"),
                    QueryRoutes.holders("e-1", 0))) {
                assertThat(getWith(null, port, path)).as(path)
                        .isEqualTo("401 {\"outcome\":\"UNAUTHORIZED\",\"message\":\"send the header Authorization: Bearer <SHOP_TOKEN>\"}");
                assertThat(getWith("Bearer not-" + SHOP_TOKEN, port, path)).as(path)
                        .isEqualTo("401 {\"outcome\":\"UNAUTHORIZED\",\"message\":\"the shop token is not valid\"}");
                assertThat(getWith("Basic " + SHOP_TOKEN, port, path)).as(path).startsWith("401 ");
                assertThat(getWith("Bearer " + SHOP_TOKEN, port, path)).as(path).startsWith("200 ");
            }
            // Probes and scrapers need no token.
            assertThat(getWith(null, port, "/health/live")).startsWith("200 ");
            await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(getWith(null, port, "/health")).startsWith("200 "));
            assertThat(getWith(null, port, "/metrics")).startsWith("200 ");
        }
    }

    @Test
    void answersAnEventsHoldersFromEitherInstanceOnceTheRequestsUpToTheOffsetAreCommitted(@TempDir Path firstDir,
            @TempDir Path secondDir) throws Exception {
        infrastructure.createTopics(topics, PARTITIONS);
        String applicationId = "it-holders-" + UUID.randomUUID();
        int firstPort = FreePorts.next();
        int secondPort = FreePorts.next();
        first = App.start(config(applicationId, firstDir, firstPort), topics);
        second = App.start(config(applicationId, secondDir, secondPort), topics);
        Map<String, Long> requestsEnd = new HashMap<>();
        Map<String, List<String>> holders = new HashMap<>();

        try (var producer = new KafkaProducer<String, byte[]>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, infrastructure.kafkaBootstrapServers()),
                new StringSerializer(), new ByteArraySerializer())) {
            for (String event : EVENTS) {
                int limit = event.equals("e-1") ? 1_000 : 2;
                byte[] definition = topics.events().valueSerde().serializer()
                        .serialize("", new EventDefinition(event, limit, T0, null));
                producer.send(new ProducerRecord<>(topics.events().name(), null, T0.toEpochMilli(), event, definition));
                List<String> users = new ArrayList<>();
                // A thousand holders, then a duplicate and refusals that hold nothing.
                for (int i = 1; i <= limit + 3; i++) {
                    users.add(String.format("u-%04d", i));
                }
                users.add("u-0001");
                long offset = -1;
                for (int i = 0; i < users.size(); i++) {
                    Instant at = T0.plusMillis(1 + i);
                    byte[] request = topics.requests().valueSerde().serializer()
                            .serialize("", new CouponRequest(UUID.randomUUID().toString(), event, users.get(i), at));
                    offset = Math.max(offset, producer.send(new ProducerRecord<>(topics.requests().name(), null,
                            at.toEpochMilli(), event, request)).get().offset());
                }
                requestsEnd.merge(event, offset + 1, Math::max);
                holders.put(event, users.subList(0, limit));
            }
        }
        // Events sharing a partition: the end of the partition covers every one of them.
        for (String event : EVENTS) {
            long end = requestsEnd.get(event);
            for (int port : new int[] {firstPort, secondPort}) {
                assertThat(holders(port, event, end + 1_000_000).statusCode()).as("not committed that far").isEqualTo(503);
            }
        }

        await().atMost(Duration.ofSeconds(90)).untilAsserted(() -> {
            for (int port : new int[] {firstPort, secondPort}) {
                for (String event : EVENTS) {
                    HttpResponse<String> response = holders(port, event, requestsEnd.get(event));
                    assertThat(response.statusCode()).as("holders of %s at %d: %s", event, port, response.body()).isEqualTo(200);
                    assertThat(Json.mapper().readValue(response.body(), CouponHolders.class))
                            .isEqualTo(new CouponHolders(event, holders.get(event)));
                }
            }
        });
        HttpResponse<String> notYet = holders(firstPort, "e-2", requestsEnd.get("e-2") + 1_000_000);
        assertThat(notYet.statusCode()).isEqualTo(503);
        assertThat(notYet.headers().firstValue("Retry-After")).isPresent();
        assertThat(get(firstPort, "/events/e-2/holders")).startsWith("400 ");
        assertThat(get(firstPort, "/events/e-2/holders?requestsEnd=-1")).startsWith("400 ");
        assertThat(get(firstPort, "/events/e-2/holders?requestsEnd=x")).startsWith("400 ");
        assertThat(get(firstPort, "/events/bad%20id/holders?requestsEnd=1")).startsWith("400 ");
    }

    @Test
    void answersAnEventsHoldersAfterARestartWithNoNewRequestOnceTheGroupCommittedTheRequestsUpToTheOffset(
            @TempDir Path firstDir, @TempDir Path restartDir) throws Exception {
        infrastructure.createTopics(topics, PARTITIONS);
        String applicationId = "it-holders-restart-" + UUID.randomUUID();
        int port = FreePorts.next();
        first = App.start(config(applicationId, firstDir, port), topics);
        Map<String, Integer> partitionOf = new HashMap<>();
        Map<Integer, Long> partitionEnd = new HashMap<>();

        try (var producer = new KafkaProducer<String, byte[]>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, infrastructure.kafkaBootstrapServers()),
                new StringSerializer(), new ByteArraySerializer())) {
            for (String event : EVENTS) {
                byte[] definition = topics.events().valueSerde().serializer()
                        .serialize("", new EventDefinition(event, 1, T0, null));
                producer.send(new ProducerRecord<>(topics.events().name(), null, T0.toEpochMilli(), event, definition));
                for (String user : List.of("winner", "loser")) {
                    Instant at = T0.plusMillis(user.equals("winner") ? 1 : 2);
                    byte[] request = topics.requests().valueSerde().serializer()
                            .serialize("", new CouponRequest(UUID.randomUUID().toString(), event, user, at));
                    var sent = producer.send(new ProducerRecord<>(topics.requests().name(), null, at.toEpochMilli(), event,
                            request)).get();
                    partitionOf.put(event, sent.partition());
                    partitionEnd.merge(sent.partition(), sent.offset() + 1, Math::max);
                }
            }
        }
        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
            for (String event : EVENTS) {
                assertThat(holders(port, event, partitionEnd.get(partitionOf.get(event))).statusCode()).isEqualTo(200);
            }
        });
        first.close();
        first = null;

        // The same instance comes back with an empty state dir; no request arrives after it.
        second = App.start(config(applicationId, restartDir, port), topics);

        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
            for (String event : EVENTS) {
                HttpResponse<String> response = holders(port, event, partitionEnd.get(partitionOf.get(event)));
                assertThat(response.statusCode()).as("holders of %s: %s", event, response.body()).isEqualTo(200);
                assertThat(Json.mapper().readValue(response.body(), CouponHolders.class))
                        .isEqualTo(new CouponHolders(event, List.of("winner")));
            }
        });
        HttpResponse<String> notYet = holders(port, "e-1", partitionEnd.get(partitionOf.get("e-1")) + 1);
        assertThat(notYet.statusCode()).isEqualTo(503);
        assertThat(notYet.headers().firstValue("Retry-After")).isPresent();
    }

    @Test
    void answersEveryLookUpOfARetiredEventWith410FromEitherInstance(@TempDir Path firstDir, @TempDir Path secondDir)
            throws Exception {
        infrastructure.createTopics(topics, PARTITIONS);
        String applicationId = "it-retired-" + UUID.randomUUID();
        int firstPort = FreePorts.next();
        int secondPort = FreePorts.next();
        Duration retention = Duration.ofMinutes(1);
        first = App.start(config(applicationId, firstDir, firstPort).withEventRetention(retention), topics);
        second = App.start(config(applicationId, secondDir, secondPort).withEventRetention(retention), topics);
        Instant closes = T0.plus(Duration.ofMinutes(1));

        try (var producer = new KafkaProducer<String, byte[]>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, infrastructure.kafkaBootstrapServers()),
                new StringSerializer(), new ByteArraySerializer())) {
            for (String event : EVENTS) {
                byte[] definition = topics.events().valueSerde().serializer()
                        .serialize("", new EventDefinition(event, 1, T0, closes));
                producer.send(new ProducerRecord<>(topics.events().name(), null, T0.toEpochMilli(), event, definition));
                send(producer, event, "winner", T0.plusMillis(1));
            }
        }
        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
            for (int port : new int[] {firstPort, secondPort}) {
                for (String event : EVENTS) {
                    assertThat(get(port, event, "winner")).isEqualTo("200 {\"outcome\":\"ISSUED\",\"couponNo\":1}");
                }
            }
        });

        // A request an hour later moves each partition's stream time past the retirement instant.
        try (var producer = new KafkaProducer<String, byte[]>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, infrastructure.kafkaBootstrapServers()),
                new StringSerializer(), new ByteArraySerializer())) {
            for (String event : EVENTS) {
                send(producer, event, "late", T0.plus(Duration.ofHours(1)));
            }
        }

        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
            for (int port : new int[] {firstPort, secondPort}) {
                for (String event : EVENTS) {
                    String gone = "410 {\"outcome\":\"RETIRED\",\"message\":\"Event " + event + " closed at 2026-11-24T10:01:00Z"
                            + " and its results were retired at 2026-11-24T10:02:00Z; the shop's records keep its coupons.\"}";
                    assertThat(get(port, event, "winner")).isEqualTo(gone);
                    assertThat(get(port, event, "late")).isEqualTo(gone);
                    assertThat(tally(port, event)).isEqualTo(gone);
                    assertThat(get(port, QueryRoutes.holders(event, 0))).isEqualTo(gone);
                }
            }
        });
    }

    @Test
    void answersTheCouponsLifecycleByTheLookUpsClockAndTheHoldersOnceTheActionsUpToTheOffsetAreCommitted(
            @TempDir Path stateDir) throws Exception {
        infrastructure.createTopics(topics, PARTITIONS);
        int port = FreePorts.next();
        first = App.start(config("it-lifecycle-" + UUID.randomUUID(), stateDir, port), topics);
        long requestsEnd = 0;
        long actionsEnd = 0;

        try (var producer = new KafkaProducer<String, byte[]>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, infrastructure.kafkaBootstrapServers()),
                new StringSerializer(), new ByteArraySerializer())) {
            // "life" keeps its coupons; "expiring"'s expired long before this look-up's clock.
            define(producer, new EventDefinition("life", 2, T0, null, 2, null));
            define(producer, new EventDefinition("expiring", 1, T0, null, 1, T0.plus(Duration.ofHours(1))));
            for (int i = 1; i <= 4; i++) {
                requestsEnd = Math.max(requestsEnd, sendAndGetOffset(producer, "life", "u-" + i, T0.plusMillis(i)) + 1);
            }
            send(producer, "expiring", "x-1", T0.plusMillis(1));
            send(producer, "expiring", "x-2", T0.plusMillis(2));
            actionsEnd = Math.max(actionsEnd, act(producer, "life", "u-1", ActionType.REDEEM, "o-1", T0.plusMillis(10)) + 1);
            actionsEnd = Math.max(actionsEnd, act(producer, "life", "u-2", ActionType.RETURN, null, T0.plusMillis(11)) + 1);
        }
        long requests = requestsEnd;
        long actions = actionsEnd;

        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
            HttpResponse<String> response = http.send(asShop(URI.create("http://localhost:" + port
                    + QueryRoutes.holders("life", requests, actions))).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
            assertThat(Json.mapper().readValue(response.body(), CouponHolders.class))
                    .isEqualTo(new CouponHolders("life", List.of("u-1", "u-3", "u-4"), List.of("u-2")));
        });
        assertThat(get(port, "life", "u-1")).isEqualTo("200 {\"outcome\":\"REDEEMED\",\"couponNo\":1,\"orderId\":\"o-1\"}");
        assertThat(get(port, "life", "u-2")).isEqualTo("200 {\"outcome\":\"RETURNED\",\"couponNo\":2}");
        assertThat(get(port, "life", "u-3")).isEqualTo("200 {\"outcome\":\"ISSUED\",\"couponNo\":3}");
        assertThat(get(port, "life", "u-4")).isEqualTo("200 {\"outcome\":\"WAITLISTED\",\"place\":1}");
        assertThat(tally(port, "life")).isEqualTo("200 {\"eventId\":\"life\",\"issued\":3,\"duplicates\":0,"
                + "\"soldOut\":0,\"notOpen\":0,\"closed\":0,\"unknownEvent\":0,\"decided\":5,"
                + "\"redeemed\":1,\"returned\":1,\"waitlisted\":1}");
        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
            assertThat(get(port, "expiring", "x-1"))
                    .isEqualTo("200 {\"outcome\":\"EXPIRED\",\"couponNo\":1,\"validUntil\":\"2026-11-24T11:00:00Z\"}");
            assertThat(get(port, "expiring", "x-2")).isEqualTo("200 {\"outcome\":\"REJECTED\",\"reason\":\"CLOSED\"}");
        });
        HttpResponse<String> notYet = http.send(asShop(URI.create("http://localhost:" + port
                + QueryRoutes.holders("life", requests, actions + 1_000_000))).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(notYet.statusCode()).isEqualTo(503);
        assertThat(get(port, "/events/life/holders?requestsEnd=1&actionsEnd=-1")).startsWith("400 ");
        assertThat(get(port, "/events/life/holders?requestsEnd=1&actionsEnd=")).startsWith("400 ");
    }

    @Test
    void answersADrawsEntrantsBeforeItAndTheirRanksAfterIt(@TempDir Path stateDir) throws Exception {
        infrastructure.createTopics(topics, PARTITIONS);
        int port = FreePorts.next();
        first = App.start(config("it-draw-" + UUID.randomUUID(), stateDir, port), topics);
        var window = new DrawWindow(10, null, "0123456789abcdef".repeat(4));
        Instant windowEnd = T0.plusSeconds(10);
        List<String> ranked = java.util.stream.Stream.of("a", "b").sorted(java.util.Comparator.comparing(window::rankKey))
                .toList();
        long requestsEnd = 0;

        try (var producer = new KafkaProducer<String, byte[]>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, infrastructure.kafkaBootstrapServers()),
                new StringSerializer(), new ByteArraySerializer())) {
            define(producer, new EventDefinition("draw", 1, T0, null, 0, null, window));
            requestsEnd = Math.max(requestsEnd, sendAndGetOffset(producer, "draw", "a", T0.plusSeconds(1)) + 1);
            requestsEnd = Math.max(requestsEnd, sendAndGetOffset(producer, "draw", "b", T0.plusSeconds(2)) + 1);
        }
        long requests = requestsEnd;

        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
            assertThat(get(port, "draw", "a")).isEqualTo("200 {\"outcome\":\"IN_DRAW\",\"drawAt\":\"2026-11-24T10:00:10Z\"}");
            assertThat(tally(port, "draw")).endsWith(",\"draw\":{\"entrants\":2}}");
            HttpResponse<String> response = holders(port, "draw", requests);
            assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
            CouponHolders entrants = Json.mapper().readValue(response.body(), CouponHolders.class);
            assertThat(entrants.users()).containsExactlyInAnyOrder("a", "b");
            assertThat(entrants.entrants()).containsOnlyKeys("a", "b");
        });

        try (var producer = new KafkaProducer<String, byte[]>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, infrastructure.kafkaBootstrapServers()),
                new StringSerializer(), new ByteArraySerializer())) {
            CouponRequest tick = CouponRequest.tick("draw", windowEnd.plus(DrawWindow.GRACE));
            producer.send(new ProducerRecord<>(topics.requests().name(), null, tick.receivedAt().toEpochMilli(), "draw",
                    topics.requests().valueSerde().serializer().serialize("", tick)));
        }

        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
            assertThat(get(port, "draw", ranked.get(0))).isEqualTo("200 {\"outcome\":\"ISSUED\",\"couponNo\":1,"
                    + "\"drawRank\":1,\"entrants\":2}");
            assertThat(get(port, "draw", ranked.get(1))).isEqualTo("200 {\"outcome\":\"REJECTED\",\"reason\":\"NOT_DRAWN\","
                    + "\"drawRank\":2,\"entrants\":2}");
            assertThat(tally(port, "draw")).endsWith(",\"draw\":{\"entrants\":2,\"drawnAt\":\"2026-11-24T10:00:10Z\","
                    + "\"issuedUpTo\":\"" + window.rankKey(ranked.get(0)) + "\"}}");
        });
    }

    private void define(KafkaProducer<String, byte[]> producer, EventDefinition definition) {
        producer.send(new ProducerRecord<>(topics.events().name(), null, T0.toEpochMilli(), definition.eventId(),
                topics.events().valueSerde().serializer().serialize("", definition)));
    }

    private long sendAndGetOffset(KafkaProducer<String, byte[]> producer, String event, String user, Instant at)
            throws Exception {
        byte[] request = topics.requests().valueSerde().serializer()
                .serialize("", new CouponRequest(UUID.randomUUID().toString(), event, user, at));
        return producer.send(new ProducerRecord<>(topics.requests().name(), null, at.toEpochMilli(), event, request))
                .get().offset();
    }

    private long act(KafkaProducer<String, byte[]> producer, String event, String user, ActionType type, String orderId,
            Instant at) throws Exception {
        byte[] action = topics.actions().valueSerde().serializer()
                .serialize("", new CouponAction(UUID.randomUUID().toString(), event, user, type, orderId, null, at));
        return producer.send(new ProducerRecord<>(topics.actions().name(), null, at.toEpochMilli(), event, action))
                .get().offset();
    }

    private void send(KafkaProducer<String, byte[]> producer, String event, String user, Instant at) {
        byte[] request = topics.requests().valueSerde().serializer()
                .serialize("", new CouponRequest(UUID.randomUUID().toString(), event, user, at));
        producer.send(new ProducerRecord<>(topics.requests().name(), null, at.toEpochMilli(), event, request));
    }

    private ProcessorConfig config(String applicationId, Path stateDir, int port) {
        return new ProcessorConfig(infrastructure.kafkaBootstrapServers(), applicationId, stateDir, port, "localhost", 1)
                .withShopToken(SHOP_TOKEN);
    }

    /** A look-up with the shop's token, as the ingress sends it. */
    private static HttpRequest.Builder asShop(URI uri) {
        return HttpRequest.newBuilder(uri).header("Authorization", "Bearer " + SHOP_TOKEN);
    }

    /** The answer to a GET with the given {@code Authorization} header ({@code null}: none). */
    private String getWith(String authorization, int port, String path) throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://localhost:" + port + path));
        if (authorization != null) {
            request.header("Authorization", authorization);
        }
        HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
        return response.statusCode() + " " + response.body();
    }

    private String get(int port, String event, String user) throws IOException, InterruptedException {
        HttpResponse<String> response = http.send(asShop(
                        URI.create("http://localhost:" + port + "/events/" + event + "/applications/" + user)).build(),
                HttpResponse.BodyHandlers.ofString());
        return response.statusCode() + " " + response.body();
    }

    private HttpResponse<String> holders(int port, String event, long requestsEnd) throws IOException, InterruptedException {
        return http.send(asShop(URI.create("http://localhost:" + port + QueryRoutes.holders(event, requestsEnd))).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private String get(int port, String path) throws IOException, InterruptedException {
        HttpResponse<String> response = http.send(asShop(URI.create("http://localhost:" + port + path)).build(),
                HttpResponse.BodyHandlers.ofString());
        return response.statusCode() + " " + response.body();
    }

    private String tally(int port, String event) throws IOException, InterruptedException {
        HttpResponse<String> response = http.send(asShop(
                        URI.create("http://localhost:" + port + "/events/" + event + "/tally")).build(),
                HttpResponse.BodyHandlers.ofString());
        return response.statusCode() + " " + response.body();
    }
}
