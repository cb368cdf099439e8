package firstcome.processor;

import firstcome.contract.CouponAction;
import firstcome.contract.CouponRequest;
import firstcome.contract.EventDefinition;
import firstcome.contract.LogContext;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
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
 * <p>An event with a draw window (docs/fair-opening.md): a request read inside the window before the
 * draw makes its user an entrant ({@link LifecycleRules#entrant}, stored in {@code draw-entrants} under
 * its rank key); one stamped at or after the window's end and read before the draw is held
 * ({@code draw-held}) without a decision. Before any record of the event is decided (a definition, a
 * request, an action, or a tick: a {@link CouponRequest#isTick} in {@code coupon-requests}, which gets
 * no decision of its own, is never held and never an entrant), the draw runs once it is
 * due ({@link DrawRules#due}: stream time at or past the window's end plus the grace), over one range
 * scan of the event's entrants, which the store keeps in rank order; then the held requests are
 * decided in the order they were read, first-come at their own record times; then the waitlist is
 * served; then the record itself. From then on the event is first-come.
 *
 * <p>An event with an eligibility (docs/identities.md): every request is judged by the definition in
 * store when it is decided, a held one by the definition in force right after the draw (before the record
 * that set the draw off takes effect); the draw's ranking and the waitlist's serving check nobody again.
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

    private static final Serializer<String> EVENT_KEY = Serdes.String().serializer();

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
    private KeyValueStore<String, DrawEntrant> entrants;
    private KeyValueStore<String, HeldRequest> held;
    private EventRetirement retirement;
    /** The decoded definitions, tallies and retirement markers: each record of an event reads all three. */
    private ValueCache<EventDefinition> definitionValues;
    private ValueCache<EventTally> tallyValues;
    private ValueCache<RetiredEvent> markers;

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
        entrants = context.getStateStore(IssuingTopology.DRAW_ENTRANTS_STORE);
        held = context.getStateStore(IssuingTopology.DRAW_HELD_STORE);
        retirement = new EventRetirement(retention, definitions, tallies, decisions, retired,
                List.of(waitlist, entrants, held));
        // Initialised again after Kafka Streams rolled the stores back (a task closed dirty): empty caches.
        definitionValues = new ValueCache<>(definitions);
        tallyValues = new ValueCache<>(tallies);
        markers = new ValueCache<>(retired);
        context.schedule(sweepInterval, PunctuationType.STREAM_TIME, time -> {
            retirement.sweep(Instant.ofEpochMilli(time), keysPerSweep);
            // The sweep writes the stores itself.
            definitionValues.clear();
            tallyValues.clear();
            markers.clear();
        });
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
        EventDefinition current = definitionValues.get(eventId);
        if (isRetired(eventId, current)) {
            // A retired event stays retired: a definition (or tombstone) that arrives for it later changes nothing.
            if (warned.add(eventId)) {
                RetiredEvent marker = markers.get(eventId);
                Instant retiredAt = (marker != null ? marker : IssuingRules.retirementOf(current, retention)).retiredAt();
                try (var context = LogContext.of(eventId, null)) {
                    log.warn("event {} was retired at {}; its definition at {} is ignored (a retired event id is not reused)",
                            eventId, retiredAt, Instant.ofEpochMilli(record.timestamp()));
                }
            }
            return;
        }
        Instant at = Instant.ofEpochMilli(record.timestamp());
        EventTally stored = tallyValues.get(eventId);
        EventTally tally = prepare(record, current, stored == null ? EventTally.NONE : stored, at);
        if (definition == null) {
            // A tombstone removes the event; its tally stays, so defining it again never hands out a number twice.
            definitionValues.delete(eventId);
        } else {
            definitionValues.put(eventId, definition);
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
        EventDefinition event = definitionValues.get(eventId);
        if (isRetired(eventId, event)) {
            // Its state is gone or about to go: refused as closed, and nothing is stored for it again.
            if (!request.isTick()) {
                forward(record, new Decided(IssuingRules.retired(request, at), null));
            }
            return;
        }
        EventTally stored = tallyValues.get(eventId);
        EventTally tally = prepare(record, event, stored == null ? EventTally.NONE : stored, at);
        if (request.isTick()) {
            // A tick only moves stream time: whatever was due before it (the draw) is done, nothing else.
            keep(eventId, stored, tally);
            return;
        }
        if (event != null && event.draw() != null && !tally.drawn() && !event.inDrawWindowAt(at)
                && !at.isBefore(event.drawEndsAt())) {
            // After the window, before the draw: nobody gets ahead of the draw; decided right after it.
            held.put(HeldRequest.key(eventId, tally.drawState().heldTail()), new HeldRequest(request, at));
            keep(eventId, stored, tally.held());
            return;
        }
        String decisionKey = Decision.key(eventId, request.userId());
        Decision latest = decisions.get(decisionKey);
        LifecycleRules.Ruling ruling = event != null && event.inDrawWindowAt(at) && !tally.drawn()
                ? LifecycleRules.entrant(event, tally, latest, request, at)
                : LifecycleRules.request(event, tally, latest, request, at);
        apply(record, event, request, ruling);
        keep(eventId, stored, serve(record, event, ruling.tally(), at));
    }

    /** Stores what {@code ruling} decided for {@code request} (the user, a waitlist place, an entrant) and forwards it. */
    private void apply(Record<String, EventInput> record, EventDefinition event, CouponRequest request,
            LifecycleRules.Ruling ruling) {
        String eventId = request.eventId();
        if (ruling.user() != null) {
            decisions.put(Decision.key(eventId, request.userId()), ruling.user());
        }
        if (ruling.joinsWaitlist()) {
            waitlist.put(WaitingUser.key(eventId, ruling.user().waitlistSeq()),
                    new WaitingUser(request.userId(), request.requestId()));
        }
        if (ruling.entersDraw()) {
            entrants.put(DrawEntrant.key(eventId, event.draw().rankKey(request.userId())),
                    new DrawEntrant(request.userId(), request.requestId()));
        }
        forward(record, new Decided(ruling.decision(), ruling.coupon(), ruling.change()));
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
        EventDefinition event = definitionValues.get(eventId);
        if (isRetired(eventId, event)) {
            // Its coupons' state is gone: the event is unknown to the processor now, and nothing is stored.
            forward(record, new Decided(LifecycleRules.retired(action, at), null));
            return;
        }
        EventTally stored = tallyValues.get(eventId);
        EventTally tally = prepare(record, event, stored == null ? EventTally.NONE : stored, at);
        String decisionKey = Decision.key(eventId, action.userId());
        LifecycleRules.Ruling ruling = LifecycleRules.action(event, tally, decisions.get(decisionKey), action, at);
        if (ruling.user() != null) {
            decisions.put(decisionKey, ruling.user());
        }
        forward(record, new Decided(ruling.decision(), ruling.coupon(), ruling.change()));
        keep(eventId, stored, serve(record, event, ruling.tally(), at));
    }

    /**
     * What comes before a record of the event is decided: the draw, once due, then the requests held for
     * it, in order, then the waitlist served while there is room. Returns the tally after.
     */
    private EventTally prepare(Record<String, EventInput> record, EventDefinition event, EventTally tally, Instant at) {
        if (DrawRules.due(event, tally, streamTime())) {
            tally = draw(record, event, tally);
        }
        if (tally.drawState().held() > 0 && (tally.drawn() || event == null || event.draw() == null)) {
            tally = decideHeld(record, event, tally);
        }
        return serve(record, event, tally, at);
    }

    /**
     * The event's draw: one range scan of its entrants, which the store keeps in rank order, each
     * entrant's second decision stored and forwarded as it is ranked ({@link DrawRules.Ranking}).
     */
    private EventTally draw(Record<String, EventInput> record, EventDefinition event, EventTally tally) {
        long started = System.nanoTime();
        String eventId = event.eventId();
        var ranking = new DrawRules.Ranking(event, tally);
        String prefix = DrawEntrant.key(eventId, "");
        try (KeyValueIterator<String, DrawEntrant> scan = entrants.prefixScan(prefix, EVENT_KEY)) {
            while (scan.hasNext()) {
                KeyValue<String, DrawEntrant> entry = scan.next();
                DrawRules.Ruling ruling = ranking.next(entry.key.substring(prefix.length()), entry.value);
                decisions.put(Decision.key(eventId, entry.value.userId()), ruling.user());
                if (ruling.joinsWaitlist()) {
                    waitlist.put(WaitingUser.key(eventId, ruling.user().waitlistSeq()), ruling.waitingUser());
                }
                forward(record, new Decided(ruling.decision(), ruling.coupon()));
            }
        }
        EventTally after = ranking.tally();
        try (var context = LogContext.of(eventId, null)) {
            log.info("drew event {}: {} entrants, {} issued, {} waitlisted, in {} ms", eventId, after.drawState().entrants(),
                    after.issued() - tally.issued(), after.waitlistTail() - tally.waitlistTail(),
                    (System.nanoTime() - started) / 1_000_000);
        }
        return after;
    }

    /** Decides the requests held for the draw, in the order they were read, each at its own record time. */
    private EventTally decideHeld(Record<String, EventInput> record, EventDefinition event, EventTally tally) {
        while (tally.drawState().held() > 0) {
            String key = HeldRequest.key(record.key(), tally.drawState().heldHead());
            HeldRequest request = held.get(key);
            if (request == null) {
                throw new IllegalStateException("the held requests of event " + record.key() + " have none under " + key
                        + " though its tally says " + tally.drawState().held() + " are held");
            }
            CouponRequest late = request.request();
            LifecycleRules.Ruling ruling = LifecycleRules.request(event, tally,
                    decisions.get(Decision.key(late.eventId(), late.userId())), late, request.recordTime());
            apply(record, event, late, ruling);
            held.delete(key);
            tally = ruling.tally().decidedHeld();
        }
        return tally;
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
            tallyValues.put(eventId, tally);
        }
    }

    private boolean isRetired(String eventId, EventDefinition definition) {
        return retirement.isRetired(markers.get(eventId), definition, streamTime());
    }

    private Instant streamTime() {
        return Instant.ofEpochMilli(context.currentStreamTimeMs());
    }

    private void forward(Record<String, EventInput> record, Decided decided) {
        context.forward(record.withValue(decided));
    }
}
