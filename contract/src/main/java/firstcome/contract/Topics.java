package firstcome.contract;

import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.TopicExistsException;

/**
 * Every topic firstcome reads or writes, declared once with its settings. {@link #standard()} gives
 * the contract's names; the replay and the tests rename single topics with the {@code with…}
 * methods. {@link #createAll} is the one way the stack, the tests and the tools create them;
 * {@code scripts/stack.sh} and {@code docker-compose.yml} repeat the list in shell, and a test
 * keeps them in step with this declaration.
 *
 * <p>How many copies of each topic the brokers keep is declared here too ({@link Replication}):
 * {@link #production()} for a cluster of at least three brokers, {@link Replication#SINGLE_NODE}
 * for a local broker, both from the same settings.
 */
public record Topics(
        Topic<EventDefinition> events,
        Topic<CouponRequest> requests,
        Topic<CouponAction> actions,
        Topic<IssuedCoupon> issued,
        Topic<CouponChange> changes,
        Topic<CouponDecision> decisions,
        String requestsDeadLetters,
        String issuedDeadLetters) {

    public static final String EVENTS = "coupon-events";
    public static final String REQUESTS = "coupon-requests";
    /** The shop's redeem / unredeem / return calls, co-partitioned with the requests. */
    public static final String ACTIONS = "coupon-actions";
    public static final String ISSUED = "coupon-issued";
    /** Every change of an issued coupon's state (redeemed, unredeemed, returned), the whole row each. */
    public static final String CHANGES = "coupon-changes";
    public static final String DECISIONS = "coupon-decisions";
    public static final String REQUESTS_DLQ = "coupon-requests-dlq";
    public static final String ISSUED_DLQ = "coupon-issued-dlq";

    /**
     * Partitions of every topic on a local stack ({@code make up}, {@code docker compose},
     * {@code make chaos}, the end-to-end tests). One event lives in one partition, so the count bounds
     * the streams-processor's parallelism; all topics get the same count because the processor reads
     * an event's definition and its requests in the same task.
     */
    public static final int DEFAULT_PARTITIONS = 6;

    /** Only the latest definition of an event matters, and it must never expire. */
    private static final Map<String, String> COMPACTED =
            Map.of(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT);

    /**
     * How the brokers keep every topic of the contract: {@code factor} copies of each partition, a
     * write acknowledged ({@code acks=all}, what every firstcome producer asks for) only once
     * {@code minInsyncReplicas} of them have it, and never a leader elected from a copy that may
     * have missed acknowledged writes ({@code unclean.leader.election.enable=false}). Topic-level
     * settings, so they hold whatever the brokers' defaults are.
     */
    public record Replication(short factor, int minInsyncReplicas) {

        /**
         * Three copies, two of them needed for a write: one broker can be down (a crash, a rolling
         * restart) and every partition still takes writes, and an acknowledged write is on two
         * brokers, so losing any one of them loses nothing.
         */
        public static final Replication PRODUCTION = new Replication((short) 3, 2);

        /** One local broker: one copy, which must have every write. */
        public static final Replication SINGLE_NODE = new Replication((short) 1, 1);

        public Replication {
            if (factor < 1) {
                throw new IllegalArgumentException("replication factor must be at least 1, got " + factor);
            }
            if (minInsyncReplicas < 1 || minInsyncReplicas > factor) {
                throw new IllegalArgumentException("min.insync.replicas must be between 1 and the replication factor "
                        + factor + ", got " + minInsyncReplicas);
            }
        }

        /**
         * The production settings on {@code brokers} brokers: {@link #PRODUCTION} on three or more,
         * {@link #SINGLE_NODE} on one. Two brokers fit neither (with two copies and two needed, one
         * broker down stops every write), so they are refused.
         */
        public static Replication forBrokers(int brokers) {
            if (brokers == 1) {
                return SINGLE_NODE;
            }
            if (brokers >= PRODUCTION.factor()) {
                return PRODUCTION;
            }
            throw new IllegalArgumentException("brokers must be 1 (a local node) or at least " + PRODUCTION.factor()
                    + " (replication factor " + PRODUCTION.factor() + "), got " + brokers);
        }

        /** The topic settings this adds to every topic's own ({@code cleanup.policy}, ...). */
        public Map<String, String> topicConfigs() {
            return Map.of(
                    TopicConfig.MIN_IN_SYNC_REPLICAS_CONFIG, Integer.toString(minInsyncReplicas),
                    TopicConfig.UNCLEAN_LEADER_ELECTION_ENABLE_CONFIG, "false");
        }
    }

    private static final Duration CREATED_WITHIN = Duration.ofSeconds(60);
    private static final Duration SERVED_WITHIN = Duration.ofSeconds(30);

    public static Topics standard() {
        return new Topics(
                Topic.keyedByEvent(EVENTS, EventDefinition.class, COMPACTED),
                Topic.keyedByEvent(REQUESTS, CouponRequest.class, Map.of()),
                Topic.keyedByEvent(ACTIONS, CouponAction.class, Map.of()),
                Topic.keyedByEvent(ISSUED, IssuedCoupon.class, Map.of()),
                Topic.keyedByEvent(CHANGES, CouponChange.class, Map.of()),
                Topic.keyedByEvent(DECISIONS, CouponDecision.class, Map.of()),
                REQUESTS_DLQ,
                ISSUED_DLQ);
    }

    /** The same topics, but issued coupons written to {@code name} (a replay's side topic). */
    public Topics withIssued(String name) {
        return new Topics(events, requests, actions, issued.renamed(name), changes, decisions, requestsDeadLetters,
                issuedDeadLetters);
    }

    /** The same topics, but every decision written to {@code name} (a replay's side topic). */
    public Topics withDecisions(String name) {
        return new Topics(events, requests, actions, issued, changes, decisions.renamed(name), requestsDeadLetters,
                issuedDeadLetters);
    }

    /** The same topics, but every coupon change written to {@code name} (a replay's side topic). */
    public Topics withChanges(String name) {
        return new Topics(events, requests, actions, issued, changes.renamed(name), decisions, requestsDeadLetters,
                issuedDeadLetters);
    }

    /** The same topics with every name prefixed: isolated topics for a test or a side run. */
    public Topics withPrefix(String prefix) {
        return new Topics(
                events.renamed(prefix + events.name()),
                requests.renamed(prefix + requests.name()),
                actions.renamed(prefix + actions.name()),
                issued.renamed(prefix + issued.name()),
                changes.renamed(prefix + changes.name()),
                decisions.renamed(prefix + decisions.name()),
                prefix + requestsDeadLetters,
                prefix + issuedDeadLetters);
    }

    /** Every topic name, for creating them. */
    public List<String> names() {
        return List.of(events.name(), requests.name(), actions.name(), issued.name(), changes.name(), decisions.name(),
                requestsDeadLetters, issuedDeadLetters);
    }

    /**
     * Every topic with its settings, {@code partitions} each; no replication factor means the
     * broker's default (1 on a local node, whatever an external cluster wants).
     */
    public List<NewTopic> newTopics(int partitions, Optional<Short> replicationFactor) {
        return List.of(
                newTopic(events.name(), events.configs(), partitions, replicationFactor),
                newTopic(requests.name(), requests.configs(), partitions, replicationFactor),
                newTopic(actions.name(), actions.configs(), partitions, replicationFactor),
                newTopic(issued.name(), issued.configs(), partitions, replicationFactor),
                newTopic(changes.name(), changes.configs(), partitions, replicationFactor),
                newTopic(decisions.name(), decisions.configs(), partitions, replicationFactor),
                newTopic(requestsDeadLetters, Map.of(), partitions, replicationFactor),
                newTopic(issuedDeadLetters, Map.of(), partitions, replicationFactor));
    }

    /**
     * Every topic with its own settings and those of {@code replication}, {@code partitions} each:
     * what a deployment creates ({@link #production()}) and a local broker too ({@link Replication#SINGLE_NODE}).
     */
    public List<NewTopic> newTopics(int partitions, Replication replication) {
        Optional<Short> factor = Optional.of(replication.factor());
        return newTopics(partitions, factor).stream()
                .map(topic -> {
                    Map<String, String> configs = new TreeMap<>(topic.configs());
                    configs.putAll(replication.topicConfigs());
                    return new NewTopic(topic.name(), Optional.of(partitions), factor).configs(configs);
                })
                .toList();
    }

    /**
     * The contract's topics as a production cluster must have them: {@link #DEFAULT_PARTITIONS}
     * partitions, {@link Replication#PRODUCTION} (three copies, two needed for a write, no unclean
     * leader election), {@code coupon-events} compacted.
     */
    public static List<NewTopic> production() {
        return standard().newTopics(DEFAULT_PARTITIONS, Replication.PRODUCTION);
    }

    /**
     * {@code topics} with time and size retention off, for side and scratch topics their run deletes
     * when it is done ({@code make replay}'s, {@code make bench}'s). Their records carry the record
     * times of what they replay, which may be older than the broker's retention (7 days by default):
     * kept by it, the broker deletes them at its next retention check (every 5 minutes) while the run
     * still reads them.
     */
    public static List<NewTopic> withoutRetention(Collection<NewTopic> topics) {
        return topics.stream()
                .map(topic -> {
                    Map<String, String> configs = new TreeMap<>(topic.configs() == null ? Map.of() : topic.configs());
                    configs.put(TopicConfig.RETENTION_MS_CONFIG, "-1");
                    configs.put(TopicConfig.RETENTION_BYTES_CONFIG, "-1");
                    NewTopic copy = topic.replicasAssignments() != null
                            ? new NewTopic(topic.name(), topic.replicasAssignments())
                            // NewTopic answers -1 for "the broker's default": the copy leaves it to the broker too.
                            : new NewTopic(topic.name(),
                                    topic.numPartitions() < 0 ? Optional.empty() : Optional.of(topic.numPartitions()),
                                    topic.replicationFactor() < 0 ? Optional.empty() : Optional.of(topic.replicationFactor()));
                    return copy.configs(configs);
                })
                .toList();
    }

    /**
     * Creates every topic that does not exist yet with {@code replication}, {@code partitions} each,
     * and returns once the brokers serve them all. Topics that exist are left as they are.
     */
    public void createAll(Admin admin, int partitions, Replication replication) {
        create(admin, newTopics(partitions, replication));
    }

    /**
     * Creates every topic that does not exist yet, {@code partitions} each with the broker's default
     * replication factor, and returns once the broker serves them all. Topics that exist are left as
     * they are, whatever their settings.
     */
    public void createAll(Admin admin, int partitions) {
        create(admin, newTopics(partitions, Optional.empty()));
    }

    /**
     * Creates each of {@code topics} unless it exists (then it is left as it is), and waits until the
     * broker serves their metadata, so a producer's first send does not race the creation.
     */
    public static void create(Admin admin, Collection<NewTopic> topics) {
        Set<String> names = topics.stream().map(NewTopic::name).collect(Collectors.toUnmodifiableSet());
        try {
            // One future per topic: an existing topic fails its own future only.
            for (Map.Entry<String, KafkaFuture<Void>> created : admin.createTopics(topics).values().entrySet()) {
                try {
                    created.getValue().get(CREATED_WITHIN.toMillis(), TimeUnit.MILLISECONDS);
                } catch (ExecutionException e) {
                    if (!(e.getCause() instanceof TopicExistsException)) {
                        throw new IllegalStateException("cannot create topic " + created.getKey(), e.getCause());
                    }
                }
            }
            awaitServed(admin, names);
        } catch (TimeoutException e) {
            throw new IllegalStateException("creating topics " + names + " took longer than " + CREATED_WITHIN, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while creating topics " + names, e);
        }
    }

    private static void awaitServed(Admin admin, Set<String> names) throws InterruptedException {
        long deadline = System.nanoTime() + SERVED_WITHIN.toNanos();
        while (true) {
            try {
                Map<String, TopicDescription> served = admin.describeTopics(names).allTopicNames()
                        .get(SERVED_WITHIN.toMillis(), TimeUnit.MILLISECONDS);
                // Every partition with a leader: a producer's first send to a partition still electing
                // one fails NOT_LEADER, and its idempotent retry can then fail OUT_OF_ORDER_SEQUENCE.
                if (served.keySet().containsAll(names) && served.values().stream()
                        .allMatch(topic -> topic.partitions().stream().allMatch(p -> p.leader() != null && !p.leader().isEmpty()))) {
                    return;
                }
            } catch (ExecutionException | TimeoutException notServedYet) {
                // The controller has the topics, the broker's metadata not yet: ask again.
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("topics " + names + " created but not served within " + SERVED_WITHIN);
            }
            TimeUnit.MILLISECONDS.sleep(50); // a poll with a deadline; the broker catches up within milliseconds
        }
    }

    private static NewTopic newTopic(String name, Map<String, String> configs, int partitions, Optional<Short> replicationFactor) {
        return new NewTopic(name, Optional.of(partitions), replicationFactor).configs(configs);
    }
}
