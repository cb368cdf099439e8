package firstcome.contract;

/**
 * A reason a process cannot go on that its message says in full: a setting to change, credentials
 * Kafka refused. {@link ServiceMain} and the operations commands print the message as one line,
 * without a stack trace, and exit non-zero, so an operator reads the cause instead of a trace.
 */
public class StartupFailure extends RuntimeException {

    public StartupFailure(String message) {
        super(message);
    }

    public StartupFailure(String message, Throwable cause) {
        super(message, cause);
    }
}
