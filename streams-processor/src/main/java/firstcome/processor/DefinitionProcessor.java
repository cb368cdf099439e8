package firstcome.processor;

import firstcome.contract.EventDefinition;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.Set;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps the latest definition of each event from {@code coupon-events}. A tombstone removes the
 * event; its issued count stays, so defining it again never hands out a number twice. A retired
 * event stays retired: a definition (or tombstone) that arrives for it later changes nothing.
 */
final class DefinitionProcessor implements Processor<String, EventDefinition, Void, Void> {

    private static final Logger log = LoggerFactory.getLogger(DefinitionProcessor.class);

    private final Duration retention;
    /** The retired events whose late definitions were logged already by this instance: one warning each. */
    private final Set<String> warned = new HashSet<>();
    private ProcessorContext<Void, Void> context;
    private KeyValueStore<String, EventDefinition> definitions;
    private KeyValueStore<String, RetiredEvent> retired;

    DefinitionProcessor(Duration retention) {
        this.retention = retention;
    }

    @Override
    public void init(ProcessorContext<Void, Void> context) {
        this.context = context;
        definitions = context.getStateStore(IssuingTopology.DEFINITIONS_STORE);
        retired = context.getStateStore(IssuingTopology.RETIRED_STORE);
    }

    @Override
    public void process(Record<String, EventDefinition> record) {
        String eventId = record.key();
        if (eventId == null) {
            throw new RejectedRecordException("event definition without a key");
        }
        EventDefinition definition = record.value();
        if (definition != null && !eventId.equals(definition.eventId())) {
            throw new RejectedRecordException(
                    "key '" + eventId + "' does not match eventId '" + definition.eventId() + "'");
        }
        // Stream time, not the wall clock: a replay sees the same records at the same stream time,
        // so it keeps or ignores the same definitions.
        Instant streamTime = Instant.ofEpochMilli(context.currentStreamTimeMs());
        RetiredEvent retirement = retired.get(eventId);
        EventDefinition current = definitions.get(eventId);
        if (retirement != null || IssuingRules.retiredBy(current, retention, streamTime)) {
            if (warned.add(eventId)) {
                Instant retiredAt = (retirement != null ? retirement : IssuingRules.retirementOf(current, retention)).retiredAt();
                log.warn("event {} was retired at {}; its definition at {} is ignored (a retired event id is not reused)",
                        eventId, retiredAt, Instant.ofEpochMilli(record.timestamp()));
            }
            return;
        }
        if (definition == null) {
            definitions.delete(eventId);
            return;
        }
        definitions.put(eventId, definition);
    }
}
