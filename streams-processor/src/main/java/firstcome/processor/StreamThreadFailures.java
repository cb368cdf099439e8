package firstcome.processor;

import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.common.errors.InvalidTxnStateException;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler;

/**
 * What the processor does when a stream thread dies. A commit refused with
 * {@link InvalidTxnStateException} happens when the brokers moved the transaction's coordinator or
 * its partitions' leaders under it (a broker killed or coming back): the transaction is aborted, so
 * a new thread, resuming from the last commit, decides the same requests again, exactly once. Kafka
 * Streams counts it fatal all the same; here the thread is replaced, a few times at most in the
 * life of the process. Any other failure, or one too many, shuts the client down, and the process
 * exits non-zero so its supervisor restarts it.
 *
 * <p>What a replacement costs: the new thread takes the next thread index, so it joins the group
 * under a new static member id while the old one's partitions wait out the session timeout (10 s),
 * and the old transactional id's open transaction, if any, is aborted by the brokers only at the
 * transaction timeout (10 s): the tasks of that thread pause for about 10 s, about what a restart
 * by a supervisor costs. The budget is for the life of the process and never resets.
 */
final class StreamThreadFailures implements StreamsUncaughtExceptionHandler {

    static final int MAX_REPLACEMENTS = 5;

    private final AtomicInteger replacements = new AtomicInteger();

    @Override
    public StreamThreadExceptionResponse handle(Throwable failure) {
        if (abortedByTheBrokers(failure) && replacements.incrementAndGet() <= MAX_REPLACEMENTS) {
            return StreamThreadExceptionResponse.REPLACE_THREAD;
        }
        return StreamThreadExceptionResponse.SHUTDOWN_CLIENT;
    }

    private static boolean abortedByTheBrokers(Throwable failure) {
        for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
            if (cause instanceof InvalidTxnStateException) {
                return true;
            }
        }
        return false;
    }
}
