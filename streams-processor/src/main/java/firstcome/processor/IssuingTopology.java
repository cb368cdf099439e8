package firstcome.processor;

import firstcome.contract.CouponDecision;
import firstcome.contract.Environment;
import firstcome.contract.JsonSerde;
import firstcome.contract.Topics;
import java.time.Duration;
import java.util.function.Consumer;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.kstream.Produced;
import org.apache.kafka.streams.state.Stores;

/**
 * The issuing topology: definitions from {@code coupon-events}, applications from
 * {@code coupon-requests} and the shop's actions from {@code coupon-actions} (co-partitioned, all
 * keyed by event id) are merged, without repartitioning, into one stream of {@link EventInput} that
 * one processor decides ({@link IssuingProcessor}), so every record of an event is decided by the one
 * node that holds the event's state. It writes every decision to {@code coupon-decisions}, the
 * coupons it issues to {@code coupon-issued} (a re-delivered request: its decision again, no coupon)
 * and every change of a coupon's state to {@code coupon-changes}. Keyed by event id like their input,
 * the outputs are co-partitioned with it.
 *
 * <p>Order across the three topics: a task picks, among its partitions' buffered records, the one
 * with the smallest timestamp; it waits for a partition that is known to have unfetched data, and
 * for one that is empty and caught up up to {@code max.task.idle.ms} ({@link StreamsSettings#MAX_TASK_IDLE},
 * 500 ms), counted from when it found that partition empty. A definition therefore reaches the
 * processor before the requests and actions stamped after it, whichever topic was fetched first;
 * and a record appended to one topic after a record of another topic stamped later (two ingresses,
 * different producer batches, a republished request) is still decided first, as a replay decides
 * it, when it reaches the log within the idle time of that partition's last record. What remains:
 * an inversion longer than that (a producer's batch held up by a broker outage), or one that
 * follows a quiet stretch of the late record's topic (its partition empty for longer than the idle
 * time, so the earlier record of the other topic is decided at once), is decided in arrival order
 * live and in time order by a replay; {@code make replay} and {@code make audit} name it.
 *
 * <p>Events retire {@code eventRetention} past their end, the later of {@code closesAt} and
 * {@code couponsValidUntil} ({@code EventDefinition#retiresAt}), by stream time
 * ({@link EventRetirement}): their state leaves the stores, a small marker in {@code retired-events}
 * stays.
 *
 * <p>An event with a draw window (docs/fair-opening.md) keeps its entrants in {@code draw-entrants}
 * (in rank order) and the requests held for its draw in {@code draw-held}; the draw's decisions go out
 * as any other.
 */
public final class IssuingTopology {

    public static final String DEFINITIONS_STORE = "event-definitions";
    public static final String TALLIES_STORE = "event-tallies";
    public static final String DECISIONS_STORE = "decisions";
    public static final String RETIRED_STORE = "retired-events";
    /** The events' waitlists: {@link WaitingUser#key} (event id and sequence number) to the user waiting there. */
    public static final String WAITLIST_STORE = "waitlist";
    /** The events' draw entrants: {@link DrawEntrant#key} (event id and rank key, so in drawn order) to the entrant. */
    public static final String DRAW_ENTRANTS_STORE = "draw-entrants";
    /** The requests held for an event's draw: {@link HeldRequest#key} (event id and sequence number) to the request. */
    public static final String DRAW_HELD_STORE = "draw-held";

    private IssuingTopology() {
    }

    /** The topology with the default {@code EVENT_RETENTION}. */
    public static Topology build(Topics topics) {
        return build(topics, Environment.DEFAULT_EVENT_RETENTION);
    }

    /**
     * The topology whose events retire {@code eventRetention} past their end. A replay must use
     * the live processor's retention, or it decides requests to old events differently.
     */
    public static Topology build(Topics topics, Duration eventRetention) {
        return build(topics, eventRetention, decision -> { });
    }

    /**
     * ... and shows {@code observer} every decision on its way to {@code coupon-decisions} (the
     * processor's metrics). It sees attempts: under exactly-once a transaction aborted and decided
     * again shows its decisions again. It must not throw, and changes nothing that is written.
     */
    public static Topology build(Topics topics, Duration eventRetention, Consumer<CouponDecision> observer) {
        return build(topics, eventRetention, IssuingProcessor.SWEEP_INTERVAL, IssuingProcessor.KEYS_PER_SWEEP, observer);
    }

    /** With other sweeps of the retired events' state: tests show that no decision depends on them. */
    static Topology build(Topics topics, Duration eventRetention, Duration sweepInterval, long keysPerSweep) {
        return build(topics, eventRetention, sweepInterval, keysPerSweep, decision -> { });
    }

    static Topology build(Topics topics, Duration eventRetention, Duration sweepInterval, long keysPerSweep,
            Consumer<CouponDecision> observer) {
        var builder = new StreamsBuilder();

        builder.addStateStore(Stores.keyValueStoreBuilder(
                Stores.persistentKeyValueStore(DEFINITIONS_STORE), Serdes.String(), topics.events().valueSerde()));
        // Every record of an event writes its tally: the record cache keeps the latest until the commit,
        // so the changelog and RocksDB get one write per event and commit, not one per record. The
        // processor forwards its decisions itself, so the cache delays no output; queries read through it.
        builder.addStateStore(Stores.keyValueStoreBuilder(
                Stores.persistentKeyValueStore(TALLIES_STORE), Serdes.String(), new JsonSerde<>(EventTally.class))
                .withCachingEnabled());
        builder.addStateStore(Stores.keyValueStoreBuilder(
                Stores.persistentKeyValueStore(DECISIONS_STORE), Serdes.String(), new JsonSerde<>(Decision.class)));
        builder.addStateStore(Stores.keyValueStoreBuilder(
                Stores.persistentKeyValueStore(RETIRED_STORE), Serdes.String(), new JsonSerde<>(RetiredEvent.class)));

        builder.addStateStore(Stores.keyValueStoreBuilder(
                Stores.persistentKeyValueStore(WAITLIST_STORE), Serdes.String(), new JsonSerde<>(WaitingUser.class)));
        builder.addStateStore(Stores.keyValueStoreBuilder(
                Stores.persistentKeyValueStore(DRAW_ENTRANTS_STORE), Serdes.String(), new JsonSerde<>(DrawEntrant.class)));
        builder.addStateStore(Stores.keyValueStoreBuilder(
                Stores.persistentKeyValueStore(DRAW_HELD_STORE), Serdes.String(), new JsonSerde<>(HeldRequest.class)));

        KStream<String, EventInput> definitions = builder.stream(topics.events().name(),
                        Consumed.with(topics.events().keySerde(), topics.events().valueSerde())
                                .withName("read-event-definitions"))
                .mapValues(EventInput.Definition::new, Named.as("definition-input"));
        KStream<String, EventInput> requests = builder.stream(topics.requests().name(),
                        Consumed.with(topics.requests().keySerde(), topics.requests().valueSerde())
                                .withName("read-requests"))
                .mapValues(EventInput.Request::new, Named.as("request-input"));
        KStream<String, EventInput> actions = builder.stream(topics.actions().name(),
                        Consumed.with(topics.actions().keySerde(), topics.actions().valueSerde())
                                .withName("read-actions"))
                .mapValues(EventInput.Action::new, Named.as("action-input"));

        KStream<String, Decided> decided = definitions
                .merge(requests, Named.as("merge-requests"))
                .merge(actions, Named.as("merge-actions"))
                .process(() -> new IssuingProcessor(eventRetention, sweepInterval, keysPerSweep), Named.as("decide"),
                        DEFINITIONS_STORE, TALLIES_STORE, DECISIONS_STORE, WAITLIST_STORE, RETIRED_STORE,
                        DRAW_ENTRANTS_STORE, DRAW_HELD_STORE);
        decided.filter((eventId, d) -> d.issuedCoupon(), Named.as("keep-issued"))
                .mapValues(Decided::coupon, Named.as("issued-coupon"))
                .to(topics.issued().name(),
                        Produced.with(topics.issued().keySerde(), topics.issued().valueSerde())
                                .withName("write-issued"));
        decided.filter((eventId, d) -> d.changedCoupon(), Named.as("keep-changes"))
                .mapValues(Decided::change, Named.as("coupon-change"))
                .to(topics.changes().name(),
                        Produced.with(topics.changes().keySerde(), topics.changes().valueSerde())
                                .withName("write-changes"));
        decided.mapValues(Decided::decision, Named.as("decision"))
                .peek((eventId, decision) -> observer.accept(decision), Named.as("observe-decision"))
                .to(topics.decisions().name(),
                        Produced.with(topics.decisions().keySerde(), topics.decisions().valueSerde())
                                .withName("write-decisions"));

        return builder.build();
    }
}
