package firstcome.processor;

import firstcome.contract.CouponAction;
import firstcome.contract.CouponRequest;
import firstcome.contract.EventDefinition;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.Set;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Decides every record of an event in log order: its definitions ({@code coupon-events}), its
 * requests ({@code coupon-requests}) and the shop's actions on its coupons ({@code coupon-actions}),
 * by {@link LifecycleRules}, and forwards each decision with the coupon it issued and the coupon's
 * change, if any. One event lives in one partition of each topic and so in one task: its tally, its
 * users and its waitlist are only ever touched by this processor, one record at a time, and under
 * exactly-once the store updates and the outputs commit together.
 *
 * <p>Before any record of an event is decided, and again after it, the event's waitlist is served
 * while there is room ({@link LifecycleRules#serves}): a definition that raised the limit or a return
 * hands the freed coupons to the users waiting, in their order, at once.
 *
 * <p>It also retires the task's events ({@link EventRetirement}). Whether an event is retired when
 * a record arrives is a function of the task's stream time, the highest record timestamp it has
 * processed (this record included), which a replay reproduces record by record; the wall clock, or
 * how far the sweep got, would make a replay decide differently. The sweep that drops the state runs
 * on a stream-time punctuation, which fires between records at moments that depend on how records
 * were batched: that is why no decision depends on whether it ran.
 */
final class IssuingProcessor implements Processor<String, EventInput, String, Decided> {

    private static final Logger log = LoggerFactory.getLogger(IssuingProcessor.class);

    /**
     * How often, in stream time, retired events are looked for. Each sweep reads the definitions
     * store once (one entry per event not retired yet), so once a minute costs nothing noticeable;
     * an event's state outlives its retirement instant by at most this plus the wait for the next
     * record of its partition (stream time only moves with records).
     */
    static final Duration SWEEP_INTERVAL = Duration.ofMinutes(1);
    /**
     * Keys a sweep deletes at most, each a tombstone in the changelog within the task's
     * transaction: about a second's work (measured: 100,000 in 1.5 s in the test driver).
     */
    static final long KEYS_PER_SWEEP = 50_000;

    private final Duration retention;
    private final Duration sweepInterval;
    private final long keysPerSweep;
    /** The retired events whose late definitions were logged already by this instance: one warning each. */
    private final Set<String> warned = new HashSet<>();
    private ProcessorContext<String, Decided> context;
    private KeyValueStore<String, EventDefinition> definitions;
    private KeyValueStore<String, EventTally> tallies;
    private KeyValueStore<String, Decision> decisions;
    private KeyValueStore<String, WaitingUser> waitlist;
    private KeyValueStore<String, RetiredEvent> retired;
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
        waitlist = context.getStateStore(IssuingTopology.WAITLIST_STORE);
        retired = context.getStateStore(IssuingTopology.RETIRED_STORE);
        retirement = new EventRetirement(retention, definitions, tallies, decisions, retired, waitlist);
        context.schedule(sweepInterval, PunctuationType.STREAM_TIME,
                time -> retirement.sweep(Instant.ofEpochMilli(time), keysPerSweep));
    }

    @Override
    public void process(Record<String, EventInput> record) {
        EventInput input = record.value();
        if (input instanceof EventInput.Definition d) {
            define(record, d.definition());
        } else if (input instanceof EventInput.Request r) {
            request(record, r.request());
        } else if (input instanceof EventInput.Action a) {
            action(record, a.action());
        } else {
            throw new RejectedRecordException("record without a value");
        }
    }

    private void define(Record<String, EventInput> record, EventDefinition definition) {
        String eventId = record.key();
        if (eventId == null) {
            throw new RejectedRecordException("event definition without a key");
        }
        if (definition != null && !eventId.equals(definition.eventId())) {
            throw new RejectedRecordException(
                    "key '" + eventId + "' does not match eventId '" + definition.eventId() + "'");
        }
        EventDefinition current = definitions.get(eventId);
        if (retirement.isRetired(eventId, current, streamTime())) {
            // A retired event stays retired: a definition (or tombstone) that arrives for it later changes nothing.
            if (warned.add(eventId)) {
                RetiredEvent marker = retired.get(eventId);
                Instant retiredAt = (marker != null ? marker : IssuingRules.retirementOf(current, retention)).retiredAt();
                log.warn("event {} was retired at {}; its definition at {} is ignored (a retired event id is not reused)",
                        eventId, retiredAt, Instant.ofEpochMilli(record.timestamp()));
            }
            return;
        }
        Instant at = Instant.ofEpochMilli(record.timestamp());
        EventTally stored = tallies.get(eventId);
        EventTally tally = serve(record, current, stored == null ? EventTally.NONE : stored, at);
        if (definition == null) {
            // A tombstone removes the event; its tally stays, so defining it again never hands out a number twice.
            definitions.delete(eventId);
        } else {
            definitions.put(eventId, definition);
            tally = serve(record, definition, tally, at);
        }
        keep(eventId, stored, tally);
    }

    private void request(Record<String, EventInput> record, CouponRequest request) {
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
        if (retirement.isRetired(eventId, event, streamTime())) {
            // Its state is gone or about to go: refused as closed, and nothing is stored for it again.
            forward(record, new Decided(IssuingRules.retired(request, at), null));
            return;
        }
        EventTally stored = tallies.get(eventId);
        EventTally tally = serve(record, event, stored == null ? EventTally.NONE : stored, at);
        String decisionKey = Decision.key(eventId, request.userId());
        LifecycleRules.Ruling ruling = LifecycleRules.request(event, tally, decisions.get(decisionKey), request, at);
        if (ruling.user() != null) {
            decisions.put(decisionKey, ruling.user());
        }
        if (ruling.joinsWaitlist()) {
            waitlist.put(WaitingUser.key(eventId, ruling.user().waitlistSeq()),
                    new WaitingUser(request.userId(), request.requestId()));
        }
        forward(record, new Decided(ruling.decision(), ruling.coupon(), ruling.change()));
        keep(eventId, stored, serve(record, event, ruling.tally(), at));
    }

    private void action(Record<String, EventInput> record, CouponAction action) {
        if (action == null) {
            throw new RejectedRecordException("action without a value");
        }
        String eventId = record.key();
        if (!action.eventId().equals(eventId)) {
            // Filed under another event's key, it is in another event's order: it cannot be decided in its own.
            throw new RejectedRecordException(
                    "key '" + eventId + "' does not match eventId '" + action.eventId() + "'");
        }
        Instant at = Instant.ofEpochMilli(record.timestamp());
        EventDefinition event = definitions.get(eventId);
        if (retirement.isRetired(eventId, event, streamTime())) {
            // Its coupons' state is gone: the event is unknown to the processor now, and nothing is stored.
            forward(record, new Decided(LifecycleRules.retired(action, at), null));
            return;
        }
        EventTally stored = tallies.get(eventId);
        EventTally tally = serve(record, event, stored == null ? EventTally.NONE : stored, at);
        String decisionKey = Decision.key(eventId, action.userId());
        LifecycleRules.Ruling ruling = LifecycleRules.action(event, tally, decisions.get(decisionKey), action, at);
        if (ruling.user() != null) {
            decisions.put(decisionKey, ruling.user());
        }
        forward(record, new Decided(ruling.decision(), ruling.coupon(), ruling.change()));
        keep(eventId, stored, serve(record, event, ruling.tally(), at));
    }

    /**
     * Serves the event's waitlist while there is room, each served user's decision and coupon forwarded
     * (stamped {@code at}, the time of the record being decided); returns the tally after.
     */
    private EventTally serve(Record<String, EventInput> record, EventDefinition event, EventTally tally, Instant at) {
        while (LifecycleRules.serves(event, tally, streamTime())) {
            String key = WaitingUser.key(event.eventId(), tally.waitlistHead());
            WaitingUser head = waitlist.get(key);
            if (head == null) {
                throw new IllegalStateException("the waitlist of event " + event.eventId() + " has no user under "
                        + key + " though its tally says " + tally.waiting() + " wait");
            }
            LifecycleRules.Ruling ruling = LifecycleRules.serve(event, tally, head, at);
            waitlist.delete(key);
            decisions.put(Decision.key(event.eventId(), head.userId()), ruling.user());
            forward(record, new Decided(ruling.decision(), ruling.coupon(), null));
            tally = ruling.tally();
        }
        return tally;
    }

    /** Stores the event's tally if it changed (a re-delivery, say, changes nothing). */
    private void keep(String eventId, EventTally stored, EventTally tally) {
        if (!tally.equals(stored == null ? EventTally.NONE : stored)) {
            tallies.put(eventId, tally);
        }
    }

    private Instant streamTime() {
        return Instant.ofEpochMilli(context.currentStreamTimeMs());
    }

    private void forward(Record<String, EventInput> record, Decided decided) {
        context.forward(record.withValue(decided));
    }
}
