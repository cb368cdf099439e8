package firstcome.bench;

import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.TopicPartition;

/**
 * Waits for the brokers to have the log of every partition of some topics just created. A topic's
 * creation returns before its logs exist, and a batch sent meanwhile can be refused on every retry:
 * seen in full {@code make bench} runs (Kafka 4.3.1), the replay's events topic (its first batch to
 * one partition refused as out of order, sequence 0 against 18, until the producer's delivery timeout
 * 120 s later) and the sink benchmark's issued topic (NOT_LEADER_OR_FOLLOWER, then out of order until
 * the delivery timeout: a partition's coupons lost).
 */
final class TopicLogs {

    private TopicLogs() {
    }

    /** Returns once every partition of {@code topics} has a log on some broker; fails after 60 s, naming the ones without. */
    static void await(Admin admin, Collection<String> topics) throws Exception {
        Set<TopicPartition> wanted = new HashSet<>();
        admin.describeTopics(topics).allTopicNames().get(30, TimeUnit.SECONDS)
                .forEach((name, description) -> description.partitions()
                        .forEach(p -> wanted.add(new TopicPartition(name, p.partition()))));
        List<Integer> brokers = admin.describeCluster().nodes().get(30, TimeUnit.SECONDS).stream().map(Node::id).toList();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (true) {
            Set<TopicPartition> missing = new HashSet<>(wanted);
            admin.describeLogDirs(brokers).allDescriptions().get(30, TimeUnit.SECONDS).values()
                    .forEach(dirs -> dirs.values().forEach(dir -> missing.removeAll(dir.replicaInfos().keySet())));
            if (missing.isEmpty()) {
                return;
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("no log after 60 s for " + missing);
            }
            TimeUnit.MILLISECONDS.sleep(100); // polling the brokers' log directories: there is no event to wait on
        }
    }
}
