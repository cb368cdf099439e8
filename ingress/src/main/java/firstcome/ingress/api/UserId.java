package firstcome.ingress.api;

import firstcome.contract.Ids;

/** A user id that passed the contract's shape check at the edge; inner code never re-checks it. */
public record UserId(String value) {

    public UserId {
        Ids.require("userId", value);
    }

    /** Parses a path or body value, refusing a malformed one with a 400. */
    public static UserId parse(String raw) {
        if (!Ids.isValid(raw)) {
            throw ApiException.invalidRequest("userId must be " + Ids.RULE);
        }
        return new UserId(raw);
    }

    @Override
    public String toString() {
        return value;
    }
}
