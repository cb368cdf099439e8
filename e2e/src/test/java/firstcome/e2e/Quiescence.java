package firstcome.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import firstcome.contract.KafkaConnection;
import firstcome.contract.Topics;
import firstcome.ops.LogPositions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.apache.kafka.common.TopicPartition;
import org.awaitility.Awaitility;

/**
 * When everything in the logs has gone all the way through the pipeline: the streams-processor has
 * consumed every record of {@code coupon-events} and {@code coupon-requests}, its transactions are
 * complete on {@code coupon-issued}, and the sink has stored every committed coupon there. Rows
 * counted after it hold everything the logs held when its last check began.
 */
final class Quiescence implements AutoCloseable {

    private static final Duration POLL_INTERVAL = Duration.ofMillis(250);

    private final Topics topics = Topics.standard();
    private final LogPositions positions;
    private final String processorGroup;
    private final String sinkGroup;

    Quiescence(KafkaConnection kafka, String processorGroup, String sinkGroup) {
        this.positions = new LogPositions(kafka, "e2e-quiescence");
        this.processorGroup = processorGroup;
        this.sinkGroup = sinkGroup;
    }

    /** Waits until nothing is under way; fails after {@code deadline} naming what still was. */
    void await(Duration deadline) {
        Awaitility.await("the streams-processor and the sink caught up with the logs").atMost(deadline).pollInterval(POLL_INTERVAL)
                .untilAsserted(() -> assertThat(underWay()).as("still under way").isEmpty());
    }

    /**
     * What is not through yet, read in the order records flow: the processor's inputs first, then
     * coupon-issued. The processor commits its offsets in the same transaction as its coupons, but
     * the offsets can become visible before the transaction's marker lands on coupon-issued; an open
     * transaction there means that marker is still on its way. Gaps are counted in records by
     * {@link LogPositions#behind}: markers take offsets a consumer never reads past.
     */
    private List<String> underWay() {
        List<String> underWay = new ArrayList<>();
        for (String input : List.of(topics.events().name(), topics.requests().name())) {
            long behind = positions.behind(processorGroup, positions.ends(input));
            if (behind > 0) {
                underWay.add(String.format("the streams-processor (group %s) has %d record(s) of %s to consume",
                        processorGroup, behind, input));
            }
        }
        String issued = topics.issued().name();
        Set<TopicPartition> open = positions.openTransactions(issued);
        if (!open.isEmpty()) {
            underWay.add("a transaction is open on " + open);
        }
        long behind = positions.behind(sinkGroup, positions.ends(issued));
        if (behind > 0) {
            underWay.add(String.format("the sink (group %s) has %d coupon(s) of %s to store", sinkGroup, behind, issued));
        }
        return underWay;
    }

    @Override
    public void close() {
        positions.close();
    }
}
