package firstcome.contract;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import java.util.Optional;
import org.apache.kafka.clients.admin.NewTopic;
import org.junit.jupiter.api.Test;

class TopicsTest {

    @Test
    void declaresEveryTopicWithItsSettingsAndOnlyTheEventsCompacted() {
        var topics = Topics.standard().newTopics(6, Optional.empty());

        assertThat(topics).extracting(NewTopic::name).containsExactly(
                "coupon-events", "coupon-requests", "coupon-actions", "coupon-issued", "coupon-changes",
                "coupon-decisions", "coupon-requests-dlq", "coupon-issued-dlq");
        assertThat(topics).allSatisfy(topic -> {
            assertThat(topic.numPartitions()).isEqualTo(6);
            assertThat(topic.replicationFactor()).isEqualTo((short) -1); // the broker's default
        });
        assertThat(topics.get(0).configs()).isEqualTo(Map.of("cleanup.policy", "compact"));
        assertThat(topics.subList(1, topics.size())).allSatisfy(topic -> assertThat(topic.configs()).isEmpty());
    }

    @Test
    void keepsTheSettingsOfRenamedTopics() {
        var topics = Topics.standard().withPrefix("it-").withIssued("side").newTopics(3, Optional.of((short) 1));

        assertThat(topics).extracting(NewTopic::name).containsExactly(
                "it-coupon-events", "it-coupon-requests", "it-coupon-actions", "side", "it-coupon-changes",
                "it-coupon-decisions", "it-coupon-requests-dlq", "it-coupon-issued-dlq");
        assertThat(topics.get(0).configs()).isEqualTo(Map.of("cleanup.policy", "compact"));
        assertThat(topics).allSatisfy(topic -> assertThat(topic.replicationFactor()).isEqualTo((short) 1));
    }
}
