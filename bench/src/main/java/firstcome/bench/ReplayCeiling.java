package firstcome.bench;

import firstcome.contract.CouponDecision;
import firstcome.contract.CouponRequest;
import firstcome.contract.EventDefinition;
import firstcome.contract.IssuedCoupon;
import firstcome.contract.IssuingOutcome;
import firstcome.contract.JsonSerde;
import firstcome.contract.Topics;
import firstcome.processor.Decision;
import firstcome.processor.EventTally;
import firstcome.processor.RetiredEvent;
import java.time.Instant;
import java.util.Set;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.kstream.Produced;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.ProcessorSupplier;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.StoreBuilder;
import org.apache.kafka.streams.state.Stores;

/**
 * The fair ceiling of a replay ({@code make bench}, row 3): a Kafka Streams application that does, per
 * request, the store work the issuing topology did for a typical request before its caches, and none of
 * its rules. Same input topics merged the same way (so the same waiting for the empty partitions of
 * {@code coupon-events} and {@code coupon-actions}), same serdes on every edge, same settings
 * ({@code StreamsSettings.forReplay}: exactly-once v2, the replay's commit interval and threads).
 *
 * <p>Counted from {@code IssuingProcessor#request} for a first-come request of a user new to the event:
 * four reads (the definition, the retirement marker, the tally, the user's last decision) and two
 * writes (the user's decision, the tally), on four logged RocksDB stores without record caches, each
 * value JSON as the topology stores it; one {@code CouponDecision} to the decisions topic per request,
 * and an {@code IssuedCoupon} to the issued topic for the first {@code limit} of an event (the same
 * output as the topology's). The topology now reads the definition, marker and tally from decoded
 * per-event caches and keeps its tallies in a record cache: what it saves over this ceiling is its own.
 */
final class ReplayCeiling {

    static final String DEFINITIONS = "ceiling-definitions";
    static final String RETIRED = "ceiling-retired";
    static final String TALLIES = "ceiling-tallies";
    static final String DECISIONS = "ceiling-decisions";

    private ReplayCeiling() {
    }

    /** A decision and, for the first {@code limit} of an event, its coupon. */
    private record Outcome(CouponDecision decision, IssuedCoupon coupon) {
    }

    static Topology build(Topics topics) {
        var builder = new StreamsBuilder();
        KStream<String, Object> definitions = builder.stream(topics.events().name(),
                        Consumed.with(topics.events().keySerde(), topics.events().valueSerde()).withName("read-event-definitions"))
                .mapValues(d -> (Object) d, Named.as("definition-input"));
        KStream<String, Object> requests = builder.stream(topics.requests().name(),
                        Consumed.with(topics.requests().keySerde(), topics.requests().valueSerde()).withName("read-requests"))
                .mapValues(r -> (Object) r, Named.as("request-input"));
        KStream<String, Object> actions = builder.stream(topics.actions().name(),
                        Consumed.with(topics.actions().keySerde(), topics.actions().valueSerde()).withName("read-actions"))
                .mapValues(a -> (Object) a, Named.as("action-input"));
        KStream<String, Outcome> outcomes = definitions
                .merge(requests, Named.as("merge-requests"))
                .merge(actions, Named.as("merge-actions"))
                .process(new StoreWork(topics), Named.as("store-work"));
        outcomes.filter((eventId, o) -> o.coupon() != null, Named.as("keep-issued"))
                .mapValues(Outcome::coupon, Named.as("issued-coupon"))
                .to(topics.issued().name(), Produced.with(topics.issued().keySerde(), topics.issued().valueSerde())
                        .withName("write-issued"));
        outcomes.mapValues(Outcome::decision, Named.as("decision"))
                .to(topics.decisions().name(), Produced.with(topics.decisions().keySerde(), topics.decisions().valueSerde())
                        .withName("write-decisions"));
        return builder.build();
    }

    private static final class StoreWork implements ProcessorSupplier<String, Object, String, Outcome> {

        private final Topics topics;

        StoreWork(Topics topics) {
            this.topics = topics;
        }

        @Override
        public Set<StoreBuilder<?>> stores() {
            return Set.of(
                    Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(DEFINITIONS), Serdes.String(),
                            topics.events().valueSerde()),
                    Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(RETIRED), Serdes.String(),
                            new JsonSerde<>(RetiredEvent.class)),
                    Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(TALLIES), Serdes.String(),
                            new JsonSerde<>(EventTally.class)),
                    Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(DECISIONS), Serdes.String(),
                            new JsonSerde<>(Decision.class)));
        }

        @Override
        public Processor<String, Object, String, Outcome> get() {
            return new Processor<>() {
                private ProcessorContext<String, Outcome> context;
                private KeyValueStore<String, EventDefinition> definitions;
                private KeyValueStore<String, RetiredEvent> retired;
                private KeyValueStore<String, EventTally> tallies;
                private KeyValueStore<String, Decision> decisions;

                @Override
                public void init(ProcessorContext<String, Outcome> context) {
                    this.context = context;
                    definitions = context.getStateStore(DEFINITIONS);
                    retired = context.getStateStore(RETIRED);
                    tallies = context.getStateStore(TALLIES);
                    decisions = context.getStateStore(DECISIONS);
                }

                @Override
                public void process(Record<String, Object> record) {
                    if (record.value() instanceof EventDefinition definition) {
                        definitions.put(record.key(), definition);
                    } else if (record.value() instanceof CouponRequest request) {
                        decide(record, request);
                    }
                }

                private void decide(Record<String, Object> record, CouponRequest request) {
                    String eventId = record.key();
                    Instant at = Instant.ofEpochMilli(record.timestamp());
                    EventDefinition event = definitions.get(eventId);
                    RetiredEvent marker = retired.get(eventId);
                    EventTally stored = tallies.get(eventId);
                    EventTally tally = stored == null ? EventTally.NONE : stored;
                    String userKey = Decision.key(eventId, request.userId());
                    Decision latest = decisions.get(userKey);
                    boolean issues = event != null && marker == null && latest == null && tally.issued() < event.limit();
                    IssuingOutcome outcome = issues ? IssuingOutcome.ISSUED : IssuingOutcome.SOLD_OUT;
                    int couponNo = Math.toIntExact(tally.issued() + 1);
                    decisions.put(userKey, issues ? Decision.issued(couponNo, request.requestId(), at)
                            : Decision.rejected(outcome, request.requestId(), at));
                    tallies.put(eventId, tally.plus(outcome));
                    context.forward(record.withValue(new Outcome(
                            new CouponDecision(request.requestId(), eventId, request.userId(), outcome,
                                    issues ? couponNo : null, at),
                            issues ? new IssuedCoupon(eventId, request.userId(), couponNo, request.requestId(), at) : null)));
                }
            };
        }
    }
}
