package firstcome.processor;

import org.apache.kafka.streams.errors.ErrorHandlerContext;
import org.apache.kafka.streams.errors.LogAndContinueProcessingExceptionHandler;
import org.apache.kafka.streams.processor.api.Record;

/**
 * Sets aside records the topology rejected on purpose ({@link RejectedRecordException}) into
 * Kafka Streams' own dead-letter topic, with its standard headers (exception, message, source
 * topic, partition, offset), and goes on. Every other processing failure is a bug or an outage:
 * it fails the task rather than skipping a request that might deserve a coupon.
 */
public final class RejectedRecordHandler extends LogAndContinueProcessingExceptionHandler {

    @Override
    public Response handleError(ErrorHandlerContext context, Record<?, ?> record, Exception exception) {
        if (exception instanceof RejectedRecordException) {
            return super.handleError(context, record, exception);
        }
        return Response.fail();
    }
}
