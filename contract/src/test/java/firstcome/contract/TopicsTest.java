package firstcome.contract;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import firstcome.contract.Topics.Replication;

import java.util.List;
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
    void scratchTopicsKeepTheirSettingsWithRetentionOff() {
        var topics = Topics.withoutRetention(Topics.standard().withPrefix("bench-").newTopics(6, Optional.empty()));

        assertThat(topics).extracting(NewTopic::name).containsExactlyElementsOf(
                Topics.standard().withPrefix("bench-").names());
        assertThat(topics.get(0).configs()).isEqualTo(
                Map.of("cleanup.policy", "compact", "retention.ms", "-1", "retention.bytes", "-1"));
        assertThat(topics.subList(1, topics.size())).allSatisfy(topic -> {
            assertThat(topic.configs()).isEqualTo(Map.of("retention.ms", "-1", "retention.bytes", "-1"));
            assertThat(topic.numPartitions()).isEqualTo(6);
            assertThat(topic.replicationFactor()).isEqualTo((short) -1);
        });
        // The broker's defaults stay the broker's: the same topic as declared, retention aside.
        assertThat(topics.get(1)).isEqualTo(new NewTopic("bench-coupon-requests", Optional.of(6), Optional.empty())
                .configs(Map.of("retention.ms", "-1", "retention.bytes", "-1")));
    }

    @Test
    void scratchTopicsKeepTheirFactorAndAssignments() {
        var given = new NewTopic("side", Optional.of(3), Optional.of((short) 1));
        var assigned = new NewTopic("placed", Map.of(0, List.of(1), 1, List.of(2)));

        var topics = Topics.withoutRetention(List.of(given, assigned));

        assertThat(topics.get(0)).isEqualTo(new NewTopic("side", Optional.of(3), Optional.of((short) 1))
                .configs(Map.of("retention.ms", "-1", "retention.bytes", "-1")));
        assertThat(topics.get(1).replicasAssignments()).isEqualTo(Map.of(0, List.of(1), 1, List.of(2)));
        assertThat(topics.get(1).configs()).isEqualTo(Map.of("retention.ms", "-1", "retention.bytes", "-1"));
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

    @Test
    void declaresTheProductionTopicsWithThreeCopiesTwoNeededAndNoUncleanElection() {
        var topics = Topics.production();

        assertThat(topics).extracting(NewTopic::name).isEqualTo(Topics.standard().names());
        assertThat(topics).allSatisfy(topic -> {
            assertThat(topic.numPartitions()).isEqualTo(Topics.DEFAULT_PARTITIONS);
            assertThat(topic.replicationFactor()).isEqualTo((short) 3);
            assertThat(topic.configs())
                    .containsEntry("min.insync.replicas", "2")
                    .containsEntry("unclean.leader.election.enable", "false");
        });
        assertThat(topics.get(0).configs()).as("coupon-events keeps its cleanup policy")
                .isEqualTo(Map.of("cleanup.policy", "compact", "min.insync.replicas", "2",
                        "unclean.leader.election.enable", "false"));
        assertThat(topics.subList(1, topics.size())).allSatisfy(topic -> assertThat(topic.configs()).hasSize(2));
    }

    @Test
    void derivesTheSingleNodeTopicsFromTheSameDeclaration() {
        var topics = Topics.standard().withPrefix("it-").newTopics(3, Replication.SINGLE_NODE);

        assertThat(topics).extracting(NewTopic::name).isEqualTo(Topics.standard().withPrefix("it-").names());
        assertThat(topics).allSatisfy(topic -> {
            assertThat(topic.numPartitions()).isEqualTo(3);
            assertThat(topic.replicationFactor()).isEqualTo((short) 1);
            assertThat(topic.configs())
                    .containsEntry("min.insync.replicas", "1")
                    .containsEntry("unclean.leader.election.enable", "false");
        });
        assertThat(topics.get(0).configs()).containsEntry("cleanup.policy", "compact");
    }

    @Test
    void choosesTheReplicationByTheNumberOfBrokers() {
        assertThat(Replication.forBrokers(1)).isEqualTo(Replication.SINGLE_NODE);
        assertThat(Replication.forBrokers(3)).isEqualTo(Replication.PRODUCTION);
        assertThat(Replication.forBrokers(5)).isEqualTo(Replication.PRODUCTION);
        assertThatThrownBy(() -> Replication.forBrokers(2))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("got 2");
        assertThatThrownBy(() -> Replication.forBrokers(0))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("got 0");
    }

    @Test
    void refusesAReplicationThatCannotTakeAWrite() {
        assertThatThrownBy(() -> new Replication((short) 3, 4))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("min.insync.replicas must be between 1 and the replication factor 3, got 4");
        assertThatThrownBy(() -> new Replication((short) 0, 1))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("replication factor must be at least 1, got 0");
    }
}
