package firstcome.ingress.gate;

import static org.assertj.core.api.Assertions.assertThat;

import firstcome.contract.Topics;
import firstcome.ingress.api.EventId;
import firstcome.ingress.kafka.RequestsLogEnd;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** Whether the authority's decisions on an event's partition are still on their way to a request's record time. */
class AuthorityProgressTest {

    private static final EventId EVENT = new EventId("e1");
    private static final Instant AT = Instant.parse("2026-11-24T10:00:00Z");
    private static final Duration AFTER = Duration.ofSeconds(5);
    private static final int PARTITIONS = 6;

    private final AtomicLong nanos = new AtomicLong();
    private final AuthorityProgress progress = new AuthorityProgress(Topics.standard().decisions(), nanos::get);
    private final int partition = RequestsLogEnd.partition(EVENT.value().getBytes(StandardCharsets.UTF_8), PARTITIONS);

    @Test
    void holdsNothingBackBeforeFollowingNorBeforeAnythingWasDecided() {
        progress.decided(partition, AT.minusSeconds(1).toEpochMilli());
        assertThat(progress.approaching(EVENT, AT, AFTER)).as("not following yet").isFalse();
        progress.following(PARTITIONS);
        assertThat(progress.approaching(EVENT, AT, AFTER)).as("nothing decided since").isFalse();
    }

    @Test
    void decisionsOnTheEventsPartitionNotYetPastTheRequestByAPeriodAndMovingHoldItBack() {
        progress.following(PARTITIONS);
        progress.decided(partition, AT.minusMillis(1).toEpochMilli());
        assertThat(progress.approaching(EVENT, AT, AFTER)).as("behind it").isTrue();
        // records stamped after it may be appended before it (it was stamped before the gate and its send)
        progress.decided(partition, AT.plus(AFTER).minusMillis(1).toEpochMilli());
        assertThat(progress.approaching(EVENT, AT, AFTER)).as("past it by less than a period").isTrue();
        progress.decided(partition, AT.plus(AFTER).toEpochMilli());
        assertThat(progress.approaching(EVENT, AT, AFTER)).as("past it by a period: its own decision is missing").isFalse();
    }

    @Test
    void decisionsOnAnotherPartitionSayNothingOfTheEvents() {
        progress.following(PARTITIONS);
        progress.decided((partition + 1) % PARTITIONS, AT.minusSeconds(1).toEpochMilli());
        assertThat(progress.approaching(EVENT, AT, AFTER)).isFalse();
    }

    @Test
    void anyDecisionReadIsProgressButOnlyTheLatestStampCountsAsHowFar() {
        progress.following(PARTITIONS);
        progress.decided(partition, AT.plus(AFTER).toEpochMilli());
        assertThat(progress.approaching(EVENT, AT, AFTER)).as("passed by a period").isFalse();
        nanos.addAndGet(AFTER.toNanos());
        assertThat(progress.approaching(EVENT, AT.plusSeconds(1), AFTER)).as("quiet for a whole period").isFalse();
        // a repeat's decision, stamped with its first record time: the processor is working, not going back
        progress.decided(partition, AT.minusSeconds(2).toEpochMilli());
        assertThat(progress.approaching(EVENT, AT, AFTER)).as("still passed").isFalse();
        assertThat(progress.approaching(EVENT, AT.plusSeconds(1), AFTER)).as("a later request: decisions came again").isTrue();
    }

    @Test
    void followingAgainForgetsWhatWasKnown() {
        progress.following(PARTITIONS);
        progress.decided(partition, AT.minusSeconds(1).toEpochMilli());
        progress.following(PARTITIONS);
        assertThat(progress.approaching(EVENT, AT, AFTER)).isFalse();
    }
}
