package firstcome.ingress.gate;

import firstcome.contract.Topic;
import firstcome.ingress.api.EventId;
import firstcome.ingress.kafka.RequestsLogEnd;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.function.LongSupplier;

/**
 * How far the authority's decisions have come, per partition of coupon-decisions, as the decision
 * follower applies them: the latest record time decided there and when decisions were last read. The
 * reconciler asks it before publishing an undecided request again ({@link #approaching}): while the
 * streams-processor works through a backlog, its decisions on the request's partition (every event
 * keyed there, in log order) keep coming but are stamped before the request, which is then
 * waiting in Kafka, not stranded. Publishing every such request again would double the work of an
 * authority that is already behind, exactly when it is behind.
 *
 * <p>An event's requests and its decisions are both keyed by the event, so with as many partitions
 * in coupon-decisions as in coupon-requests (the topics' declared shape) a partition's decisions are
 * those of one task, in the order of its input. Only record times are compared, never how long a
 * request waited; a partition whose decisions stopped coming (the processor down, or caught up with
 * nothing newer to decide there) holds nothing back after the reconciler's period.
 */
public final class AuthorityProgress {

    /** The latest record time decided (epoch ms) and when decisions were last read ({@code nanoTime}). */
    private record Mark(long decidedUpTo, long readAtNanos) {
    }

    private final Topic<?> decisions;
    private final LongSupplier nanoTime;
    private volatile AtomicReferenceArray<Mark> marks = new AtomicReferenceArray<>(0);

    public AuthorityProgress(Topic<?> decisions, LongSupplier nanoTime) {
        this.decisions = decisions;
        this.nanoTime = nanoTime;
    }

    /** The follower follows {@code partitions} partitions (again): what was known is forgotten. */
    public void following(int partitions) {
        marks = new AtomicReferenceArray<>(partitions);
    }

    /**
     * Decisions of {@code partition}, the latest stamped {@code decidedAt}, were applied to the gate.
     * Any decision read is progress, a request published again (stamped as it first was) included:
     * the processor is working its way through the partition.
     */
    public void decided(int partition, long decidedAt) {
        AtomicReferenceArray<Mark> current = marks;
        if (partition < 0 || partition >= current.length()) {
            return;
        }
        long now = nanoTime.getAsLong();
        current.accumulateAndGet(partition, new Mark(decidedAt, now), (old, read) ->
                old == null ? read : new Mark(Math.max(old.decidedUpTo(), read.decidedUpTo()), now));
    }

    /**
     * Whether the authority is still on its way to a request of {@code event} stamped
     * {@code receivedAt}: the latest decision on the event's partition is stamped before
     * {@code receivedAt + after} and decisions came within the last {@code after}. A request is
     * stamped before it passes the gate and is sent, so records stamped after it can be appended
     * before it; {@code after} (the reconciler's, longer than any send of the ingress may take) is
     * that slack. False when nothing was decided there since this ingress started following, when
     * the decisions passed the request by {@code after} (its own is missing: stranded or missed), or
     * when they stopped coming.
     */
    public boolean approaching(EventId event, Instant receivedAt, Duration after) {
        AtomicReferenceArray<Mark> current = marks;
        if (current.length() == 0) {
            return false;
        }
        byte[] key = decisions.keySerde().serializer().serialize(decisions.name(), event.value());
        Mark mark = current.get(RequestsLogEnd.partition(key, current.length()));
        return mark != null
                && mark.decidedUpTo() < receivedAt.plus(after).toEpochMilli()
                && nanoTime.getAsLong() - mark.readAtNanos() < after.toNanos();
    }
}
