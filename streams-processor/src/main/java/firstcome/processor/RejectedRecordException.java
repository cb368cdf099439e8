package firstcome.processor;

/**
 * A record that was readable but cannot be processed as it stands (its key contradicts its
 * value). {@link RejectedRecordHandler} sends it to the dead-letter topic; any other exception
 * still stops the processor.
 */
public final class RejectedRecordException extends RuntimeException {

    public RejectedRecordException(String message) {
        super(message);
    }
}
