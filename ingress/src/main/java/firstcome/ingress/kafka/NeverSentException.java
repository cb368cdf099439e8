package firstcome.ingress.kafka;

/**
 * A send that certainly did not reach the broker: {@code send()} itself failed (no metadata or
 * buffer space within max.block.ms, serialization, a closed producer) or the broker refused the
 * record with a non-retriable error. Any other failure (a delivery or request timeout, a retriable
 * error) leaves open whether the record was written.
 */
public final class NeverSentException extends RuntimeException {

    public NeverSentException(Throwable cause) {
        super(cause.getMessage(), cause);
    }
}
