package firstcome.processor;

import firstcome.contract.CouponDecision;
import firstcome.contract.CouponRequest;
import firstcome.contract.EventDefinition;
import firstcome.contract.IssuedCoupon;
import java.time.Instant;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * Decides each request of {@code coupon-requests} in log order and forwards its decision and the
 * coupon it issued, if any. One event lives in one partition and so in one task: its count and its
 * users are only ever touched by this processor, one record at a time, and under exactly-once the
 * store updates, the decision and the issued record commit together.
 */
final class IssuingProcessor implements Processor<String, CouponRequest, String, Decided> {

    private ProcessorContext<String, Decided> context;
    private KeyValueStore<String, EventDefinition> definitions;
    private KeyValueStore<String, EventTally> tallies;
    private KeyValueStore<String, Decision> decisions;

    @Override
    public void init(ProcessorContext<String, Decided> context) {
        this.context = context;
        definitions = context.getStateStore(IssuingTopology.DEFINITIONS_STORE);
        tallies = context.getStateStore(IssuingTopology.TALLIES_STORE);
        decisions = context.getStateStore(IssuingTopology.DECISIONS_STORE);
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
        String decisionKey = Decision.key(eventId, request.userId());
        Decision latest = decisions.get(decisionKey);
        EventTally stored = tallies.get(eventId);
        EventTally tally = stored == null ? EventTally.NONE : stored;

        IssuingRules.Ruling ruling = IssuingRules.decide(definitions.get(eventId), tally.issued(), latest, request, at);
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
