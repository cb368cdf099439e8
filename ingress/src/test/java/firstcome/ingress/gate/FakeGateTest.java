package firstcome.ingress.gate;

import firstcome.ingress.api.EventId;

/** The gate's contract against the in-memory gate the HTTP tests use. */
class FakeGateTest extends GateContract {

    private final FakeGate gate = new FakeGate();

    @Override
    Gate newGate() {
        return gate;
    }

    @Override
    void loseTheStateOf(EventId event) {
        gate.loseEverything();
    }
}
