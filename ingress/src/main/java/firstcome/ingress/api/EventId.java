package firstcome.ingress.api;

import firstcome.contract.Ids;

/** An event id that passed the contract's shape check at the edge; inner code never re-checks it. */
public record EventId(String value) {

    public EventId {
        Ids.require("eventId", value);
    }

    /** Parses a path or body value, refusing a malformed one with a 400. */
    public static EventId parse(String raw) {
        if (!Ids.isValid(raw)) {
            throw ApiException.invalidRequest("eventId must be " + Ids.RULE);
        }
        return new EventId(raw);
    }

    @Override
    public String toString() {
        return value;
    }
}
