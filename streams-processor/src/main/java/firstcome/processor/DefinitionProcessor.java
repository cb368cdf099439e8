package firstcome.processor;

import firstcome.contract.EventDefinition;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * Keeps the latest definition of each event from {@code coupon-events}. A tombstone removes the
 * event; its issued count stays, so defining it again never hands out a number twice.
 */
final class DefinitionProcessor implements Processor<String, EventDefinition, Void, Void> {

    private KeyValueStore<String, EventDefinition> definitions;

    @Override
    public void init(ProcessorContext<Void, Void> context) {
        definitions = context.getStateStore(IssuingTopology.DEFINITIONS_STORE);
    }

    @Override
    public void process(Record<String, EventDefinition> record) {
        String eventId = record.key();
        if (eventId == null) {
            throw new RejectedRecordException("event definition without a key");
        }
        EventDefinition definition = record.value();
        if (definition == null) {
            definitions.delete(eventId);
            return;
        }
        if (!eventId.equals(definition.eventId())) {
            throw new RejectedRecordException(
                    "key '" + eventId + "' does not match eventId '" + definition.eventId() + "'");
        }
        definitions.put(eventId, definition);
    }
}
