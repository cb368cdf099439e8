package firstcome.stackkit;

import static org.assertj.core.api.Assertions.assertThat;

import firstcome.contract.Topics;
import firstcome.contract.Topics.Replication;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.clients.admin.NewTopic;
import org.junit.jupiter.api.Test;

/**
 * {@code scripts/stack.sh} and {@code docker-compose.yml} cannot call Java, so they spell out the
 * topics (names, cleanup policies, the partitions default, the replication) and the single-node and
 * cluster broker settings again. These tests fail when either drifts from the one declaration
 * ({@link Topics}, {@link SingleNodeBroker}, {@link ClusterBroker}).
 */
class LocalStackFilesTest {

    private static final Path ROOT = repositoryRoot();
    private static final String STACK_SH = read("scripts/stack.sh");
    private static final String COMPOSE = read("docker-compose.yml");

    @Test
    void stackShCreatesTheDeclaredTopicsWithTheirCleanupPolicies() {
        String list = single(STACK_SH, "(?m)^TOPICS=\"([^\"]*)\"$");

        assertThat(topicEntries(list)).isEqualTo(declaredTopics());
    }

    @Test
    void composeCreatesTheDeclaredTopicsWithTheirCleanupPolicies() {
        String list = single(service(COMPOSE, "kafka-topics"), "(?m)^\\s*for entry in ([^;]*); do$");

        assertThat(topicEntries(list)).isEqualTo(declaredTopics());
    }

    @Test
    void stackShAndComposeDefaultToTheDeclaredPartitions() {
        String partitions = "${PARTITIONS:-" + Topics.DEFAULT_PARTITIONS + "}";

        assertThat(STACK_SH).containsPattern("(?m)^PARTITIONS=" + Pattern.quote(partitions) + "$");
        assertThat(environment(service(COMPOSE, "kafka-topics"))).containsEntry("PARTITIONS", partitions);
        assertThat(environment(service(COMPOSE, "kafka"))).containsEntry("KAFKA_NUM_PARTITIONS", partitions);
    }

    @Test
    void stackShWritesTheSingleNodeBrokerSettings() {
        String serverProperties = single(STACK_SH, "(?s)cat >\"\\$KAFKA_DIR/server.properties\" <<EOF\n(.*?)\nEOF\n");

        assertThat(properties(serverProperties)).containsAllEntriesOf(SingleNodeBroker.settings()).containsEntry("num.partitions", "$PARTITIONS");
    }

    @Test
    void stackShWritesTheClusterBrokerSettingsForEachNode() {
        String serverProperties = single(STACK_SH, "(?s)cat >\"\\$dir/server.properties\" <<EOF\n(.*?)\nEOF\n");

        assertThat(properties(serverProperties)).containsAllEntriesOf(ClusterBroker.settings())
                .containsEntry("num.partitions", "$PARTITIONS")
                .containsEntry("controller.quorum.voters", "$(kafka_voters)");
    }

    @Test
    void clusterBrokerSettingsKeepInternalAndDefaultTopicsAsTheProductionTopics() {
        Replication production = Replication.PRODUCTION;
        String factor = Short.toString(production.factor());
        String minInsync = Integer.toString(production.minInsyncReplicas());

        assertThat(ClusterBroker.NODES).isEqualTo(production.factor());
        assertThat(ClusterBroker.settings())
                .containsEntry("default.replication.factor", factor)
                .containsEntry("min.insync.replicas", minInsync)
                .containsEntry("unclean.leader.election.enable", "false")
                .containsEntry("offsets.topic.replication.factor", factor)
                .containsEntry("transaction.state.log.replication.factor", factor)
                .containsEntry("transaction.state.log.min.isr", minInsync)
                .containsEntry("share.coordinator.state.topic.replication.factor", factor)
                .containsEntry("share.coordinator.state.topic.min.isr", minInsync);
    }

    @Test
    void stackShCreatesTheTopicsWithTheDeclaredReplication() {
        for (int brokers : List.of(1, 3)) {
            Matcher m = Pattern.compile("(?m)^\\s*" + brokers
                    + "\\) TOPIC_REPLICATION_FACTOR=(\\d+); TOPIC_MIN_INSYNC_REPLICAS=(\\d+) ;;$").matcher(STACK_SH);
            assertThat(m.find()).as("the replication for BROKERS=%d in stack.sh", brokers).isTrue();
            Replication declared = Replication.forBrokers(brokers);
            assertThat(new Replication(Short.parseShort(m.group(1)), Integer.parseInt(m.group(2))))
                    .as("BROKERS=%d", brokers).isEqualTo(declared);
        }
        String create = single(STACK_SH, "(?s)TopicCommand --bootstrap-server \"\\$boot\" --create (.*?) >");
        assertThat(create).contains("--replication-factor \"$TOPIC_REPLICATION_FACTOR\"")
                .contains("--config \"min.insync.replicas=$TOPIC_MIN_INSYNC_REPLICAS\"");
        Set<String> configs = new TreeSet<>();
        Matcher config = Pattern.compile("--config \"?([a-z.]+)=([^\"} ]*)").matcher(create);
        while (config.find()) {
            configs.add(config.group(1));
            String value = Replication.PRODUCTION.topicConfigs().get(config.group(1));
            if (value != null && !config.group(1).equals("min.insync.replicas")) {
                assertThat(config.group(2)).as(config.group(1)).isEqualTo(value);
            }
        }
        Set<String> declared = new TreeSet<>(Replication.PRODUCTION.topicConfigs().keySet());
        declared.add("cleanup.policy");
        assertThat(configs).isEqualTo(declared);
    }

    @Test
    void composeGivesItsBrokerTheSingleNodeBrokerSettings() {
        Map<String, String> expected = new LinkedHashMap<>();
        // The apache/kafka image turns KAFKA_A_B_C into the setting a.b.c.
        SingleNodeBroker.settings().forEach((name, value) ->
                expected.put("KAFKA_" + name.toUpperCase(Locale.ROOT).replace('.', '_'), value));

        assertThat(environment(service(COMPOSE, "kafka"))).containsAllEntriesOf(expected);
    }

    /** The settings of a properties text, comments and blank lines left out. */
    private static Map<String, String> properties(String text) {
        Map<String, String> settings = new LinkedHashMap<>();
        for (String line : text.lines().toList()) {
            if (!line.isBlank() && !line.startsWith("#")) {
                settings.put(line.substring(0, line.indexOf('=')), line.substring(line.indexOf('=') + 1));
            }
        }
        return settings;
    }

    /** Topic name to its cleanup policy ("" for the broker's default), in declaration order. */
    private static Map<String, String> declaredTopics() {
        Map<String, String> topics = new LinkedHashMap<>();
        for (NewTopic topic : Topics.standard().newTopics(Topics.DEFAULT_PARTITIONS, Optional.empty())) {
            // The shell lists carry a cleanup policy and nothing else: a new setting needs them extended.
            assertThat(topic.configs().keySet()).as("settings of %s the shell lists can express", topic.name())
                    .isSubsetOf("cleanup.policy");
            topics.put(topic.name(), topic.configs().getOrDefault("cleanup.policy", ""));
        }
        return topics;
    }

    /** {@code name[:cleanup.policy] ...} as the shell lists spell them. */
    private static Map<String, String> topicEntries(String list) {
        Map<String, String> topics = new LinkedHashMap<>();
        for (String entry : list.trim().split("\\s+")) {
            int colon = entry.indexOf(':');
            topics.put(colon < 0 ? entry : entry.substring(0, colon), colon < 0 ? "" : entry.substring(colon + 1));
        }
        return topics;
    }

    /** The lines of one service of the compose file, from its name to the next service. */
    private static String service(String compose, String name) {
        List<String> lines = new ArrayList<>();
        boolean inside = false;
        for (String line : compose.lines().toList()) {
            if (line.equals("  " + name + ":")) {
                inside = true;
            } else if (inside && line.matches("^ {0,2}[^ #].*")) {
                break;
            } else if (inside) {
                lines.add(line);
            }
        }
        assertThat(lines).as("service %s in docker-compose.yml", name).isNotEmpty();
        return String.join("\n", lines);
    }

    /** The {@code environment:} map of one service, values without quotes. */
    private static Map<String, String> environment(String service) {
        Map<String, String> env = new LinkedHashMap<>();
        Matcher m = Pattern.compile("(?m)^ {6}([A-Z][A-Z0-9_]*): *(.*?) *$").matcher(service);
        while (m.find()) {
            env.put(m.group(1), m.group(2).replaceAll("^\"(.*)\"$", "$1"));
        }
        return env;
    }

    private static String single(String text, String regex) {
        Matcher m = Pattern.compile(regex).matcher(text);
        assertThat(m.find()).as("%s found", regex).isTrue();
        String found = m.group(1);
        assertThat(m.find()).as("%s found once", regex).isFalse();
        return found;
    }

    private static String read(String file) {
        try {
            return Files.readString(ROOT.resolve(file), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IllegalStateException("cannot read " + file + " of the repository", e);
        }
    }

    /** Maven runs the tests in the module's directory; the repository root is the first parent with the compose file. */
    private static Path repositoryRoot() {
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            if (Files.isRegularFile(dir.resolve("docker-compose.yml")) && Files.isRegularFile(dir.resolve("scripts/stack.sh"))) {
                return dir;
            }
        }
        throw new IllegalStateException("no repository root above " + Path.of("").toAbsolutePath());
    }
}
