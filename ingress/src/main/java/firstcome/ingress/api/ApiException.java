package firstcome.ingress.api;

import firstcome.ingress.App;

/**
 * An answer other than success, raised anywhere behind the edge and turned into the contract's
 * {@code {"outcome","message"}} body by the one exception mapper in {@link App}.
 */
public final class ApiException extends RuntimeException {

    private final int status;
    private final Outcome outcome;

    public ApiException(int status, Outcome outcome, String message) {
        super(message, null, false, false);
        this.status = status;
        this.outcome = outcome;
    }

    public ApiException(Outcome outcome, String message) {
        this(outcome.status(), outcome, message);
    }

    public static ApiException invalidRequest(String message) {
        return new ApiException(Outcome.INVALID_REQUEST, message);
    }

    public static ApiException unavailable(String message) {
        return new ApiException(Outcome.UNAVAILABLE, message);
    }

    public int status() {
        return status;
    }

    public Outcome outcome() {
        return outcome;
    }

    /** The contract's error body, {@code {"outcome","message"}}. */
    public record Problem(String outcome, String message) {
    }
}
