package firstcome.ingress.gate;

/** The gate's store did not answer in time or refused the call; the client gets a 503. */
public final class GateUnavailableException extends RuntimeException {

    public GateUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
