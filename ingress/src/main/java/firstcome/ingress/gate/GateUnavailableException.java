package firstcome.ingress.gate;

/**
 * The gate's store did not answer in time or refused the call; the client gets a 503.
 * {@link #maybeApplied()} says the call was sent and only its reply did not come in time (a read
 * timeout): a script may have run, so the caller must not tell anyone that nothing was counted.
 */
public final class GateUnavailableException extends RuntimeException {

    private final boolean maybeApplied;

    public GateUnavailableException(String message, Throwable cause) {
        this(message, cause, false);
    }

    public GateUnavailableException(String message, Throwable cause, boolean maybeApplied) {
        super(message, cause);
        this.maybeApplied = maybeApplied;
    }

    public boolean maybeApplied() {
        return maybeApplied;
    }
}
