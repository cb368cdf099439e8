package firstcome.processor;

import firstcome.contract.CouponDecision;
import firstcome.contract.CouponRequest;
import firstcome.contract.EventDefinition;
import firstcome.contract.IssuedCoupon;
import java.time.Duration;
import java.time.Instant;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * Decides each request of {@code coupon-requests} in log order and forwards its decision and the
 * coupon it issued, if any. One event lives in one partition and so in one task: its count and its
 * users are only ever touched by this processor, one record at a time, and under exactly-once the
 * store updates, the decision and the issued record commit together.
 *
 * <p>It also retires the task's events ({@link EventRetirement}). Whether an event is retired when
 * a request arrives is a function of the task's stream time, the highest record timestamp it has
 * processed (this record included), which a replay reproduces record by record; the wall clock, or
 * how far the sweep got, would make a replay decide differently. The sweep that drops the state runs
 * on a stream-time punctuation, which fires between records at moments that depend on how records
 * were batched: that is why no decision depends on whether it ran.
 */
final class IssuingProcessor implements Processor<String, CouponRequest, String, Decided> {

    /**
     * How often, in stream time, retired events are looked for. Each sweep reads the definitions
     * store once (one entry per event not retired yet), so once a minute costs nothing noticeable;
     * an event's state outlives its retirement instant by at most this plus the wait for the next
     * record of its partition (stream time only moves with records).
     */
    static final Duration SWEEP_INTERVAL = Duration.ofMinutes(1);
    /**
     * Decisions a sweep deletes at most, each a tombstone in the changelog within the task's
     * transaction: about a second's work (measured: 100,000 in 1.5 s in the test driver).
     */
    static final long KEYS_PER_SWEEP = 50_000;

    private final Duration retention;
    private final Duration sweepInterval;
    private final long keysPerSweep;
    private ProcessorContext<String, Decided> context;
    private KeyValueStore<String, EventDefinition> definitions;
    private KeyValueStore<String, EventTally> tallies;
    private KeyValueStore<String, Decision> decisions;
    private EventRetirement retirement;

    IssuingProcessor(Duration retention, Duration sweepInterval, long keysPerSweep) {
        this.retention = retention;
        this.sweepInterval = sweepInterval;
        this.keysPerSweep = keysPerSweep;
    }

    @Override
    public void init(ProcessorContext<String, Decided> context) {
        this.context = context;
        definitions = context.getStateStore(IssuingTopology.DEFINITIONS_STORE);
        tallies = context.getStateStore(IssuingTopology.TALLIES_STORE);
        decisions = context.getStateStore(IssuingTopology.DECISIONS_STORE);
        retirement = new EventRetirement(retention, definitions, tallies, decisions,
                context.getStateStore(IssuingTopology.RETIRED_STORE));
        context.schedule(sweepInterval, PunctuationType.STREAM_TIME,
                time -> retirement.sweep(Instant.ofEpochMilli(time), keysPerSweep));
    }

    @Override
    public void process(Record<String, CouponRequest> record) {
        CouponRequest request = record.value();
        if (request == null) {
            throw new RejectedRecordException("request without a value");
        }
        String eventId = record.key();
        if (!request.eventId().equals(eventId)) {
            // The key chose the partition, and so the order this request was counted in: a
            // request filed under another event's key cannot be placed in its event's order.
            throw new RejectedRecordException(
                    "key '" + eventId + "' does not match eventId '" + request.eventId() + "'");
        }
        Instant at = Instant.ofEpochMilli(record.timestamp());
        EventDefinition event = definitions.get(eventId);
        if (retirement.isRetired(eventId, event, Instant.ofEpochMilli(context.currentStreamTimeMs()))) {
            // Its state is gone or about to go: refused as closed, and nothing is stored for it again.
            context.forward(record.withValue(new Decided(IssuingRules.retired(request, at), null)));
            return;
        }
        String decisionKey = Decision.key(eventId, request.userId());
        Decision latest = decisions.get(decisionKey);
        EventTally stored = tallies.get(eventId);
        EventTally tally = stored == null ? EventTally.NONE : stored;

        IssuingRules.Ruling ruling = IssuingRules.decide(event, tally.issued(), latest, request, at);
        CouponDecision decision = ruling.decision();
        if (ruling.redelivery()) {
            // Decided already: only its decision again, so that the ingress learns it.
            context.forward(record.withValue(new Decided(decision, null)));
            return;
        }
        tallies.put(eventId, tally.plus(decision.outcome()));
        IssuedCoupon coupon = null;
        switch (decision.outcome()) {
            case ISSUED -> {
                decisions.put(decisionKey, Decision.issued(decision.couponNo(), request.requestId(), at));
                coupon = new IssuedCoupon(eventId, request.userId(), decision.couponNo(), request.requestId(), at);
            }
            // The user's coupon stays what the status look-up answers.
            case DUPLICATE -> { }
            default -> decisions.put(decisionKey, Decision.rejected(decision.outcome(), request.requestId(), at));
        }
        context.forward(record.withValue(new Decided(decision, coupon)));
    }
}
