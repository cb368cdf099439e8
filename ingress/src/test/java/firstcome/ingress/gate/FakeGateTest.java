package firstcome.ingress.gate;

/** The gate's contract against the in-memory gate the HTTP tests use. */
class FakeGateTest extends GateContract {

    @Override
    Gate newGate() {
        return new FakeGate();
    }
}
