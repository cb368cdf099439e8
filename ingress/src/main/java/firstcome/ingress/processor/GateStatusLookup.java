package firstcome.ingress.processor;

import firstcome.ingress.api.EventId;
import firstcome.ingress.api.UserId;
import firstcome.ingress.gate.Gate;
import java.util.Optional;

/**
 * The status the ingress alone can give: a user holding a slot at the gate is PENDING (accepted,
 * not yet decided), anyone else has not applied. Replaced by the streams-processor's answer once
 * the end-to-end path exists.
 */
public final class GateStatusLookup implements StatusLookup {

    private final Gate gate;

    public GateStatusLookup(Gate gate) {
        this.gate = gate;
    }

    @Override
    public Optional<ApplicationStatus> find(EventId event, UserId user) {
        return gate.holds(event, user) ? Optional.of(ApplicationStatus.pending()) : Optional.empty();
    }
}
