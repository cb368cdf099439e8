package firstcome.processor;

import firstcome.contract.EventDefinition;
import firstcome.contract.Json;
import firstcome.contract.query.ApplicationStatus;
import firstcome.contract.query.CouponHolders;
import firstcome.contract.query.QueryRoutes;
import firstcome.contract.query.Tally;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.IntPredicate;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListConsumerGroupOffsetsOptions;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.KeyQueryMetadata;
import org.apache.kafka.streams.StoreQueryParameters;
import org.apache.kafka.streams.TaskMetadata;
import org.apache.kafka.streams.ThreadMetadata;
import org.apache.kafka.streams.state.HostInfo;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.QueryableStoreTypes;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;

/**
 * Every interactive query of the processor, local or forwarded. An event's state lives in the task
 * of the event's partition, so the event id alone names the instance that holds it
 * ({@link KafkaStreams#queryMetadataForKey}): a query is answered from the local store when this
 * instance runs that task, and otherwise forwarded over HTTP to the instance that does, whose typed
 * answer (the contract's {@link ApplicationStatus}, {@link Tally}, {@link CouponHolders}) comes back
 * as it is.
 */
final class InteractiveQueries {

    /** Marks a query forwarded by another instance, so that a stale routing never loops. */
    static final String FORWARDED_HEADER = "X-Firstcome-Forwarded";

    private static final Serializer<String> EVENT_KEY = Serdes.String().serializer();
    private static final Duration FORWARD_TIMEOUT = Duration.ofSeconds(2);
    private static final IntPredicate ANY_TIME = partition -> true;
    private static final Duration GROUP_OFFSETS_TIMEOUT = Duration.ofSeconds(1);
    private static final Duration GROUP_OFFSETS_MAX_AGE = Duration.ofSeconds(1);

    private final KafkaStreams streams;
    private final HostInfo self;
    private final String requestsTopic;
    private final String actionsTopic;
    private final Clock clock;
    private final Admin admin;
    private final String applicationId;
    private final QueryToken token;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();
    private GroupOffsets groupOffsets = GroupOffsets.NONE;

    /**
     * @param admin         asks the broker for the offsets the application's consumer group committed
     * @param applicationId the Streams application id, which is that group's id
     * @param clock         the look-ups' clock: whether a coupon has expired, or a waiting user's event closed
     * @param token         the query routes' token ({@code SHOP_TOKEN}), sent with every look-up forwarded to the
     *                      instance that owns the event, which asks for it too
     */
    InteractiveQueries(KafkaStreams streams, HostInfo self, String requestsTopic, String actionsTopic, Admin admin,
            String applicationId, Clock clock, QueryToken token) {
        this.streams = streams;
        this.self = self;
        this.requestsTopic = requestsTopic;
        this.actionsTopic = actionsTopic;
        this.clock = clock;
        this.admin = admin;
        this.applicationId = applicationId;
        this.token = token;
    }

    /**
     * What a look-up of one event came to: its answer, or, once the event retired and its state was
     * dropped, the 410 that says so ({@code gone}). Exactly one of the two is set.
     */
    record Answer<T>(T found, RetiredEvent.Gone gone) {

        static <T> Answer<T> found(T value) {
            return new Answer<>(value, null);
        }

        static <T> Answer<T> gone(RetiredEvent.Gone gone) {
            return new Answer<>(null, gone);
        }
    }

    /**
     * What became of the user's application and coupon ({@code NOT_APPLIED}: nothing), by this instance's
     * clock for expiry and closing; empty while the state is not queryable.
     */
    Optional<Answer<ApplicationStatus>> status(String eventId, String userId, boolean forwarded) {
        return route(IssuingTopology.DECISIONS_STORE, eventId, forwarded, QueryRoutes.status(eventId, userId),
                ApplicationStatus.class, ANY_TIME,
                stores -> {
                    Decision decision = stores.<Decision>get(IssuingTopology.DECISIONS_STORE).get(Decision.key(eventId, userId));
                    if (decision == null || !decision.waiting() && !decision.wasIssued() && !decision.inDraw()
                            && decision.drawRank() == null) {
                        return LifecycleRules.status(decision, null, null, clock.instant());
                    }
                    EventDefinition event = stores.<EventDefinition>get(IssuingTopology.DEFINITIONS_STORE).get(eventId);
                    EventTally tally = stores.<EventTally>get(IssuingTopology.TALLIES_STORE).get(eventId);
                    return LifecycleRules.status(decision, event, tally, clock.instant());
                });
    }

    /**
     * How the event's requests were decided so far (all 0 before the first), with the draw's summary for
     * an event with a draw window, or empty while the state is not queryable.
     */
    Optional<Answer<Tally>> tally(String eventId, boolean forwarded) {
        return route(IssuingTopology.TALLIES_STORE, eventId, forwarded, QueryRoutes.tally(eventId), Tally.class, ANY_TIME,
                stores -> {
                    EventTally tally = stores.<EventTally>get(IssuingTopology.TALLIES_STORE).get(eventId);
                    EventDefinition event = stores.<EventDefinition>get(IssuingTopology.DEFINITIONS_STORE).get(eventId);
                    return tallyAnswer(eventId, event, tally);
                });
    }

    /** The tally of the event defined as {@code event} ({@code null}s: none), with its draw's summary when it has a draw. */
    static Tally tallyAnswer(String eventId, EventDefinition event, EventTally tally) {
        boolean withDraw = event != null && event.draw() != null || tally != null && tally.draw() != null;
        return (tally == null ? EventTally.NONE : tally).answer(eventId, withDraw);
    }

    /**
     * The users who take a place at the event's gate (they hold a live coupon, wait in its waitlist, or
     * wait for its draw: those also in {@code entrants}, with the request that made them entrants) and
     * those who returned theirs, once the event's task has committed its processing of the event's
     * requests partition up to {@code requestsEnd} and of its actions partition up to {@code actionsEnd}
     * (0: no condition); empty before that, and while the state is not queryable. One prefix scan of the
     * event's keys.
     */
    Optional<Answer<CouponHolders>> holders(String eventId, long requestsEnd, long actionsEnd, boolean forwarded) {
        String path = actionsEnd == 0 ? QueryRoutes.holders(eventId, requestsEnd)
                : QueryRoutes.holders(eventId, requestsEnd, actionsEnd);
        return route(IssuingTopology.DECISIONS_STORE, eventId, forwarded, path, CouponHolders.class,
                partition -> committedUpTo(requestsTopic, partition, requestsEnd)
                        && committedUpTo(actionsTopic, partition, actionsEnd),
                stores -> holdersOf(eventId, stores.get(IssuingTopology.DECISIONS_STORE)));
    }

    /** The holders of the event's places as its users' stored decisions tell them: one prefix scan of the event's keys. */
    static CouponHolders holdersOf(String eventId, ReadOnlyKeyValueStore<String, Decision> decisions) {
        String prefix = Decision.key(eventId, "");
        List<String> users = new ArrayList<>();
        List<String> returned = new ArrayList<>();
        Map<String, String> entrants = new HashMap<>();
        try (KeyValueIterator<String, Decision> scan = decisions.prefixScan(prefix, EVENT_KEY)) {
            scan.forEachRemaining(entry -> {
                String user = entry.key.substring(prefix.length());
                if (entry.value.holdsCoupon() || entry.value.waiting()) {
                    users.add(user);
                } else if (entry.value.inDraw()) {
                    users.add(user);
                    entrants.put(user, entry.value.requestId());
                } else if (entry.value.wasIssued()) {
                    returned.add(user);
                }
            });
        }
        return new CouponHolders(eventId, users, returned, entrants);
    }

    /**
     * Whether the active task of this instance that reads {@code partition} of {@code topic} (the
     * requests, the actions) has committed its processing up to {@code end}: under exactly-once, its
     * decisions of every record before {@code end} are then in the stores for good, whatever happens
     * to this instance.
     * The task's metadata shows the offsets of its latest commit (a live view, refreshed by each
     * commit); a stale read only answers 503 once more.
     * <p>
     * A task shows no committed offset until it commits something it processed itself, so after a
     * restart or a rebalance a partition with no new requests would never show one. Then the
     * consumer group's committed offset answers instead: under exactly-once it moves in the same
     * transaction as the stores' changelog, and a task is active here only once its stores are
     * restored, so the local store holds every decision before the group's offset.
     */
    private boolean committedUpTo(String topic, int partition, long end) {
        if (end == 0) {
            return true;
        }
        var read = new TopicPartition(topic, partition);
        for (ThreadMetadata thread : streams.metadataForLocalThreads()) {
            for (TaskMetadata task : thread.activeTasks()) {
                if (task.topicPartitions().contains(read)) {
                    Long committed = task.committedOffsets().get(read);
                    if (committed != null && committed >= 0) {
                        return committed >= end;
                    }
                    return groupCommitted(read) >= end;
                }
            }
        }
        return false;
    }

    /**
     * The offset of {@code partition} that the application's consumer group committed, or -1 when
     * there is none or the broker does not answer in time. One answer serves for a second, so a
     * burst of look-ups asks the broker once.
     */
    private synchronized long groupCommitted(TopicPartition partition) {
        long now = System.nanoTime();
        if (now - groupOffsets.fetchedAt() > GROUP_OFFSETS_MAX_AGE.toNanos() || groupOffsets == GroupOffsets.NONE) {
            groupOffsets = fetchGroupOffsets(now);
        }
        OffsetAndMetadata committed = groupOffsets.offsets().get(partition);
        return committed == null ? -1 : committed.offset();
    }

    private GroupOffsets fetchGroupOffsets(long now) {
        try {
            Map<TopicPartition, OffsetAndMetadata> offsets = admin
                    .listConsumerGroupOffsets(applicationId,
                            new ListConsumerGroupOffsetsOptions().timeoutMs((int) GROUP_OFFSETS_TIMEOUT.toMillis()))
                    .partitionsToOffsetAndMetadata()
                    .get(GROUP_OFFSETS_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            return new GroupOffsets(offsets, now);
        } catch (ExecutionException | TimeoutException e) {
            // The broker did not answer: no offset this time, so the query answers 503 and is asked again.
            return new GroupOffsets(Map.of(), now);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new GroupOffsets(Map.of(), now);
        }
    }

    /** The consumer group's committed offsets as the broker told them at {@code fetchedAt} ({@link System#nanoTime}). */
    private record GroupOffsets(Map<TopicPartition, OffsetAndMetadata> offsets, long fetchedAt) {
        static final GroupOffsets NONE = new GroupOffsets(Map.of(), 0);
    }

    /**
     * Answers from {@code storeName}'s partition of the event here, or asks its owner at {@code path}.
     * A forwarded query is always answered here: the sender's metadata said this instance owns it.
     */
    private <T> Optional<Answer<T>> route(String storeName, String eventId, boolean forwarded, String path,
            Class<T> answer, IntPredicate ready, Function<PartitionStores, T> query) {
        KeyQueryMetadata metadata;
        try {
            metadata = streams.queryMetadataForKey(storeName, eventId, EVENT_KEY);
        } catch (IllegalStateException stopping) {
            // The client is shutting down (a graceful stop): 503, and the caller asks again, by then another instance.
            return Optional.empty();
        }
        if (metadata == null || metadata.equals(KeyQueryMetadata.NOT_AVAILABLE)) {
            return Optional.empty();
        }
        HostInfo owner = metadata.activeHost();
        if (owner.equals(self) || forwarded) {
            return local(eventId, metadata.partition(), ready, query);
        }
        return forward(owner, path, answer);
    }

    /**
     * The answer from this instance's stores. The retirement marker is read after the event's state:
     * the task writes the marker before it deletes the state, so a read that overlaps a retirement
     * either saw the whole state before it or ends in the marker (410), never a half-deleted event.
     */
    private <T> Optional<Answer<T>> local(String eventId, int partition, IntPredicate ready,
            Function<PartitionStores, T> query) {
        try {
            RetiredEvent retired = retiredHere(eventId, partition);
            if (retired == null) {
                if (!ready.test(partition)) {
                    return Optional.empty();
                }
                T found = query.apply(new PartitionStores(partition));
                retired = retiredHere(eventId, partition);
                if (retired == null) {
                    return Optional.of(Answer.found(found));
                }
            }
            return Optional.of(Answer.gone(retired.answer(eventId)));
        } catch (RuntimeException e) {
            // Rebalancing or restoring: the caller answers 503 and the client asks again.
            return Optional.empty();
        }
    }

    /** The stores of one partition here, each opened when the query first asks for it. */
    private final class PartitionStores {

        private final int partition;

        PartitionStores(int partition) {
            this.partition = partition;
        }

        <V> ReadOnlyKeyValueStore<String, V> get(String storeName) {
            return store(storeName, partition);
        }
    }

    private RetiredEvent retiredHere(String eventId, int partition) {
        return this.<RetiredEvent>store(IssuingTopology.RETIRED_STORE, partition).get(eventId);
    }

    private <V> ReadOnlyKeyValueStore<String, V> store(String storeName, int partition) {
        return streams.store(StoreQueryParameters
                .fromNameAndType(storeName, QueryableStoreTypes.<String, V>keyValueStore())
                .withPartition(partition));
    }

    /** The look-up at {@code path} as sent to {@code owner}: marked forwarded, with the token when one is set. */
    static HttpRequest forwardRequest(HostInfo owner, String path, QueryToken token) {
        var request = HttpRequest.newBuilder(URI.create("http://" + owner.host() + ":" + owner.port() + path))
                .timeout(FORWARD_TIMEOUT)
                .header(FORWARDED_HEADER, "1");
        token.authorization().ifPresent(header -> request.header("Authorization", header));
        return request.GET().build();
    }

    /**
     * The owner's answer: 200, or 404 for a status look-up of someone who never applied, or 410 for an
     * event it retired; else empty (503 here).
     */
    private <T> Optional<Answer<T>> forward(HostInfo owner, String path, Class<T> answer) {
        var request = forwardRequest(owner, path, token);
        try {
            HttpResponse<byte[]> response = http.send(request, HttpResponse.BodyHandlers.ofByteArray());
            return switch (response.statusCode()) {
                case 200, 404 -> Optional.of(Answer.found(Json.mapper().readValue(response.body(), answer)));
                case 410 -> Optional.of(Answer.gone(Json.mapper().readValue(response.body(), RetiredEvent.Gone.class)));
                default -> Optional.empty();
            };
        } catch (IOException e) {
            return Optional.empty();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.empty();
        }
    }
}
