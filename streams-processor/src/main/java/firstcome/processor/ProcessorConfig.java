package firstcome.processor;

import firstcome.contract.Topics;
import java.nio.file.Path;
import java.util.Map;

/**
 * The streams-processor's settings, read once from the environment (names as in the contract).
 * {@code issuedTopic} other than {@code coupon-issued} makes a replay: decisions go to a side topic.
 */
public record ProcessorConfig(
        String bootstrapServers,
        String applicationId,
        Path stateDir,
        int port,
        String advertisedHost,
        int streamThreads,
        String issuedTopic) {

    /** The contract's output topic; tests and the usual runs need nothing else. */
    public ProcessorConfig(String bootstrapServers, String applicationId, Path stateDir, int port,
                           String advertisedHost, int streamThreads) {
        this(bootstrapServers, applicationId, stateDir, port, advertisedHost, streamThreads, Topics.ISSUED);
    }

    public static ProcessorConfig fromEnv(Map<String, String> env) {
        return new ProcessorConfig(
                env.getOrDefault("KAFKA_BOOTSTRAP_SERVERS", "localhost:9092"),
                env.getOrDefault("PROCESSOR_APPLICATION_ID", "firstcome-processor"),
                Path.of(env.getOrDefault("PROCESSOR_STATE_DIR", ".local/streams")),
                intSetting(env, "PROCESSOR_PORT", 8081),
                env.getOrDefault("PROCESSOR_HOST", "localhost"),
                intSetting(env, "PROCESSOR_THREADS", 1),
                env.getOrDefault("PROCESSOR_ISSUED_TOPIC", Topics.ISSUED));
    }

    public ProcessorConfig {
        if (bootstrapServers == null || bootstrapServers.isBlank()) {
            throw new IllegalArgumentException("KAFKA_BOOTSTRAP_SERVERS must not be empty");
        }
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("PROCESSOR_PORT must be a port number, was " + port);
        }
        if (issuedTopic == null || issuedTopic.isBlank()) {
            throw new IllegalArgumentException("PROCESSOR_ISSUED_TOPIC must not be empty");
        }
        if (streamThreads < 1) {
            throw new IllegalArgumentException("PROCESSOR_THREADS must be 1 or more, was " + streamThreads);
        }
    }

    private static int intSetting(Map<String, String> env, String name, int fallback) {
        String value = env.get(name);
        if (value == null || value.isBlank()) {
            return fallback;
        }
        try {
            return Integer.parseInt(value.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(name + " must be a number, was '" + value + "'", e);
        }
    }
}
