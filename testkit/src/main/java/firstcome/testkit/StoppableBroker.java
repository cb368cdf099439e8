package firstcome.testkit;

import firstcome.contract.Topics;
import java.nio.file.Files;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;

/**
 * A broker of one test's own, for the tests that stop Kafka: the shared broker of
 * {@link Infrastructure} cannot be stopped without breaking every other test of the run. The
 * testkit's own broker ({@link KafkaBroker}), started in a directory of its own.
 */
public final class StoppableBroker implements AutoCloseable {

    private final KafkaBroker broker;
    private boolean stopped;

    private StoppableBroker(KafkaBroker broker) {
        this.broker = broker;
    }

    public static StoppableBroker start() throws Exception {
        return new StoppableBroker(KafkaBroker.start(Files.createTempDirectory("stoppable-broker-")));
    }

    public String bootstrapServers() {
        return broker.bootstrapServers();
    }

    public void createTopics(Topics topics) {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers()))) {
            topics.createAll(admin, 1);
        }
    }

    /** Stops the broker for good: clients see it gone, as in an outage. */
    public void stop() throws Exception {
        if (!stopped) {
            stopped = true;
            broker.close();
        }
    }

    /** Stops the broker if still running; the test kit deletes its directory on close. */
    @Override
    public void close() throws Exception {
        stop();
    }
}
