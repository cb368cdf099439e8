package firstcome.sink;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import firstcome.contract.IssuedCoupon;
import firstcome.contract.Topics;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.PrintWriter;
import java.sql.Connection;
import java.sql.SQLTransientConnectionException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.logging.Logger;
import javax.sql.DataSource;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.MockConsumer;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The poll loop while the database is away, on Kafka's MockConsumer: what it pauses, what it
 * never commits, and how it lets go of a batch. (The ITs show the same against real servers,
 * and everything that needs the database to answer.)
 */
class IssuedCouponConsumerTest {

    private static final Topics TOPICS = Topics.standard();
    private static final TopicPartition P0 = new TopicPartition(Topics.ISSUED, 0);
    private static final TopicPartition P1 = new TopicPartition(Topics.ISSUED, 1);

    private final MockConsumer<byte[], byte[]> consumer = new MockConsumer<>("earliest");
    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private IssuedCouponConsumer loop;
    private Thread thread;

    @BeforeEach
    void startWithTheDatabaseDown() {
        SinkMetrics metrics = new SinkMetrics(registry);
        loop = new IssuedCouponConsumer(consumer, TOPICS.issued(), TOPICS.changes(), new CouponWriter(new UnreachableDatabase()),
                new DeadLetters(new MockProducer<>(true, null, new ByteArraySerializer(), new ByteArraySerializer()), Topics.ISSUED_DLQ, metrics),
                new Backoff(Duration.ofMillis(10), Duration.ofMillis(40)), metrics);
        consumer.updateBeginningOffsets(Map.of(P0, 0L, P1, 0L));
        consumer.updateEndOffsets(Map.of(P0, 2L, P1, 2L));
        // Poll tasks run inside poll(), on the loop's thread, as the group's callbacks would.
        consumer.schedulePollTask(() -> {
            consumer.rebalance(List.of(P0, P1));
            for (TopicPartition partition : List.of(P0, P1)) {
                for (int n = 1; n <= 2; n++) {
                    consumer.addRecord(record(partition, n - 1, new IssuedCoupon("e" + partition.partition(), "u" + n, n, "r" + n, SinkFixture.ISSUED_AT)));
                }
            }
        });
        thread = new Thread(loop, "loop-under-test");
        thread.start();
    }

    @AfterEach
    void stop() throws InterruptedException {
        loop.stop();
        assertThat(loop.awaitStopped(Duration.ofSeconds(10))).isTrue();
    }

    @Test
    void retriesTheSameBatchWithEveryPartitionPausedAndCommitsNothing() {
        await().atMost(Duration.ofSeconds(10)).until(() -> retries() >= 5);

        assertThat(loop.state()).isEqualTo(IssuedCouponConsumer.State.RETRYING);
        assertThat(consumer.paused()).containsExactlyInAnyOrder(P0, P1);
        assertThat(consumer.committed(Set.of(P0, P1))).isEmpty();
        assertThat(registry.get("sink.rows.written").counter().count()).isZero();
    }

    @Test
    void abandonsTheBatchWhenOneOfItsPartitionsIsTakenAwayAndRewindsTheOthers() {
        await().atMost(Duration.ofSeconds(10)).until(() -> retries() >= 2);

        consumer.schedulePollTask(() -> consumer.rebalance(List.of(P1)));

        await().atMost(Duration.ofSeconds(10)).until(() -> loop.state() == IssuedCouponConsumer.State.POLLING);
        // (MockConsumer keeps listing P0 as paused after taking it away; a KafkaConsumer lists assigned partitions only.)
        assertThat(consumer.paused()).doesNotContain(P1);
        assertThat(consumer.position(P1)).as("P1 is read again from the batch's first record").isZero();
        assertThat(consumer.committed(Set.of(P0, P1))).isEmpty();
    }

    @Test
    void abandonsABatchWaitingForARetryWhenStoppedAndClosesWithoutCommitting() throws InterruptedException {
        await().atMost(Duration.ofSeconds(10)).until(() -> retries() >= 2);

        loop.stop();

        assertThat(loop.awaitStopped(Duration.ofSeconds(10))).isTrue();
        assertThat(loop.state()).isEqualTo(IssuedCouponConsumer.State.STOPPED);
        assertThat(consumer.closed()).isTrue();
        thread.join(Duration.ofSeconds(10).toMillis());
        assertThat(thread.isAlive()).isFalse();
    }

    private double retries() {
        return registry.get("sink.retries").tag("stage", "write").counter().count();
    }

    private static ConsumerRecord<byte[], byte[]> record(TopicPartition partition, long offset, IssuedCoupon coupon) {
        return new ConsumerRecord<>(partition.topic(), partition.partition(), offset, coupon.eventId().getBytes(),
                TOPICS.issued().valueSerde().serializer().serialize(partition.topic(), coupon));
    }

    /** A database that is down: every connection attempt fails the way the pool reports it. */
    private static final class UnreachableDatabase implements DataSource {

        @Override
        public Connection getConnection() throws SQLTransientConnectionException {
            throw new SQLTransientConnectionException("coupon-sink - Connection is not available, request timed out after 2000ms", "08001");
        }

        @Override
        public Connection getConnection(String username, String password) throws SQLTransientConnectionException {
            return getConnection();
        }

        @Override
        public PrintWriter getLogWriter() {
            return null;
        }

        @Override
        public void setLogWriter(PrintWriter out) {
        }

        @Override
        public void setLoginTimeout(int seconds) {
        }

        @Override
        public int getLoginTimeout() {
            return 0;
        }

        @Override
        public Logger getParentLogger() {
            return Logger.getGlobal();
        }

        @Override
        public <T> T unwrap(Class<T> type) {
            throw new UnsupportedOperationException();
        }

        @Override
        public boolean isWrapperFor(Class<?> type) {
            return false;
        }
    }
}
