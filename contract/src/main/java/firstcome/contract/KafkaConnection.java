package firstcome.contract;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.DescribeClusterOptions;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.errors.AuthenticationException;
import org.apache.kafka.common.errors.SslAuthenticationException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * How every process reaches Kafka: the brokers of {@code KAFKA_BOOTSTRAP_SERVERS} and the client
 * settings of the properties file {@code KAFKA_CLIENT_CONFIG} names (security.protocol, sasl.*,
 * ssl.*, timeouts, ...). Every producer, consumer, admin and Streams client is made from
 * {@link #settings} or {@link #properties}, so a secured cluster needs no code change.
 *
 * <p>The rule for the file: it adds settings and tunes the clients' defaults, but cannot change
 * what firstcome's guarantees rest on. A key of {@link #RESERVED} (acks, idempotence, isolation,
 * groups, serializers, exactly-once, ...; also under a Kafka Streams client prefix such as
 * {@code producer.}) is refused when the file is read, with one line naming it. A key a client
 * sets itself (its client id, the ingress's delivery timeout, the sink's batch size) keeps the
 * client's value; the file's is reported as a warning, not applied.
 *
 * @param clientConfig   the file, when {@code KAFKA_CLIENT_CONFIG} is set
 * @param clientSettings the file's settings (never shown: they hold passwords)
 */
public record KafkaConnection(String bootstrapServers, Optional<Path> clientConfig, Map<String, String> clientSettings) {

    public static final String BOOTSTRAP_SERVERS = "KAFKA_BOOTSTRAP_SERVERS";
    public static final String CLIENT_CONFIG = "KAFKA_CLIENT_CONFIG";
    public static final String DEFAULT_BOOTSTRAP_SERVERS = "localhost:9092";

    /** How long a process waits at start for Kafka to accept or refuse its credentials. */
    public static final Duration CREDENTIALS_CHECK = Duration.ofSeconds(10);

    /**
     * Settings the file may not hold: where the brokers are ({@code KAFKA_BOOTSTRAP_SERVERS} says
     * that, once), and what firstcome sets per client because a promise rests on it — a 202 only
     * after {@code acks=all} of an idempotent producer, one event in one partition (the default
     * partitioner, which the gate's rebuild computes too), committed records only, offsets committed
     * after the rows are written, exactly-once Streams with its dead-letter handling.
     */
    public static final Set<String> RESERVED = Set.of(
            CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG,
            ProducerConfig.ACKS_CONFIG,
            ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG,
            ProducerConfig.TRANSACTIONAL_ID_CONFIG,
            ProducerConfig.PARTITIONER_CLASS_CONFIG,
            ProducerConfig.PARTITIONER_IGNORE_KEYS_CONFIG,
            ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG,
            ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG,
            ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG,
            ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG,
            ConsumerConfig.ISOLATION_LEVEL_CONFIG,
            ConsumerConfig.GROUP_ID_CONFIG,
            ConsumerConfig.GROUP_INSTANCE_ID_CONFIG,
            ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG,
            ConsumerConfig.AUTO_OFFSET_RESET_CONFIG,
            // Kafka Streams (the processor, the replay), named here because the contract does not depend on it.
            "application.id",
            "application.server",
            "processing.guarantee",
            "state.dir",
            "default.key.serde",
            "default.value.serde",
            "deserialization.exception.handler",
            "default.deserialization.exception.handler",
            "processing.exception.handler",
            "production.exception.handler",
            "default.production.exception.handler",
            "errors.dead.letter.queue.topic.name",
            // Decisions follow record time, in the order the task reads its two partitions: a replay decides the same.
            "default.timestamp.extractor",
            "max.task.idle.ms",
            // The state stores' changelogs are compacted and kept: a restore must find every decision.
            "topic.cleanup.policy",
            "topic.retention.ms",
            "topic.retention.bytes",
            "topic.delete.retention.ms");

    /** The prefixes by which a Kafka Streams configuration addresses one of its clients. */
    private static final List<String> STREAMS_CLIENT_PREFIXES =
            List.of("producer.", "consumer.", "main.consumer.", "restore.consumer.", "global.consumer.", "admin.");

    /** The clients' own definitions, to check a value of the file before any client is made. */
    private static final List<ConfigDef> CLIENT_DEFINITIONS =
            List.of(ProducerConfig.configDef(), ConsumerConfig.configDef(), AdminClientConfig.configDef());

    private static final Logger log = LoggerFactory.getLogger(KafkaConnection.class);

    public KafkaConnection {
        Environment.requireText(BOOTSTRAP_SERVERS, bootstrapServers);
        Objects.requireNonNull(clientConfig, "clientConfig");
        clientSettings = Collections.unmodifiableMap(new TreeMap<>(clientSettings));
        for (String key : clientSettings.keySet()) {
            String unprefixed = unprefixed(key);
            if (RESERVED.contains(unprefixed)) {
                throw new StartupFailure(source(clientConfig) + " sets " + key + ", which firstcome does not take from it: "
                        + (unprefixed.equals(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG)
                                ? "the brokers come from " + BOOTSTRAP_SERVERS
                                : "firstcome sets it for each client, its guarantees rest on it")
                        + "; remove it from the file");
            }
        }
        clientSettings.forEach((key, value) -> requireValid(clientConfig, key, value));
    }

    /** The brokers alone, without a client file: what tests and the local stack use. */
    public static KafkaConnection plain(String bootstrapServers) {
        return new KafkaConnection(bootstrapServers, Optional.empty(), Map.of());
    }

    /**
     * {@code KAFKA_BOOTSTRAP_SERVERS} (default {@value #DEFAULT_BOOTSTRAP_SERVERS}; a blank value is
     * refused) and, when {@code KAFKA_CLIENT_CONFIG} is set and not blank, the settings of that file.
     */
    public static KafkaConnection fromEnv(Map<String, String> env) {
        String bootstrapServers = env.getOrDefault(BOOTSTRAP_SERVERS, DEFAULT_BOOTSTRAP_SERVERS).strip();
        Optional<String> file = new Environment(env).text(CLIENT_CONFIG);
        if (file.isEmpty()) {
            return plain(bootstrapServers);
        }
        Path path = Path.of(file.get());
        return new KafkaConnection(bootstrapServers, Optional.of(path), read(path));
    }

    /** The settings of the properties file at {@code path}; a file that cannot be read is refused in one line. */
    static Map<String, String> read(Path path) {
        Properties properties = new Properties();
        try (Reader reader = Files.newBufferedReader(path, StandardCharsets.UTF_8)) {
            properties.load(reader);
        } catch (IOException | IllegalArgumentException e) {
            String why = e instanceof java.nio.file.NoSuchFileException ? "no such file"
                    : e instanceof java.nio.file.AccessDeniedException ? "permission denied"
                    : e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
            throw new StartupFailure(CLIENT_CONFIG + "=" + path + " cannot be read: " + why, e);
        }
        Map<String, String> settings = new HashMap<>();
        properties.stringPropertyNames().forEach(name -> settings.put(name.strip(), properties.getProperty(name).strip()));
        return settings;
    }

    /**
     * A client file's settings as a log may show them, sorted by key: a password (a key the clients
     * define as one, or whose name says password, secret, token, credential or jaas) as
     * {@value Setting#REDACTED}, passwords inside URLs masked.
     */
    static String shownSettings(Map<String, String> settings) {
        return new TreeMap<>(settings).entrySet().stream()
                .map(entry -> entry.getKey() + "=" + (isSecret(entry.getKey()) ? Setting.REDACTED : Setting.redacted(entry.getValue())))
                .collect(java.util.stream.Collectors.joining(", ", "{", "}"));
    }

    private static boolean isSecret(String key) {
        String name = unprefixed(key);
        if (name.matches("(?i).*(password|secret|token|credential|jaas).*")) {
            return true;
        }
        for (ConfigDef definition : CLIENT_DEFINITIONS) {
            ConfigDef.ConfigKey known = definition.configKeys().get(name);
            if (known != null && known.type == ConfigDef.Type.PASSWORD) {
                return true;
            }
        }
        return false;
    }

    /**
     * A client's settings: its own {@code settings}, over the file's, with the brokers. Where the
     * client sets a key the file sets too, the client's value stays and a warning names the key.
     */
    public Map<String, Object> settings(Map<String, ?> own) {
        if (own.containsKey(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG)) {
            throw new IllegalArgumentException("bootstrap.servers comes from the connection, not from a client's own settings");
        }
        Map<String, Object> merged = new HashMap<>(clientSettings);
        own.forEach((key, value) -> {
            String fromFile = clientSettings.get(key);
            if (fromFile != null && !fromFile.equals(String.valueOf(value))) {
                Object client = own.get(CommonClientConfigs.CLIENT_ID_CONFIG);
                log.warn("{} sets {}, which {} sets itself: the file's value is not used for it",
                        source(clientConfig), key, client == null ? "a client" : "the client " + client);
            }
            merged.put(key, value);
        });
        merged.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        return merged;
    }

    /** {@link #settings} for a client configured with {@link Properties} (Kafka Streams). */
    public Properties properties(Properties own) {
        Map<String, Object> ownSettings = new HashMap<>();
        own.forEach((key, value) -> ownSettings.put(String.valueOf(key), value));
        Properties merged = new Properties();
        merged.putAll(settings(ownSettings));
        return merged;
    }

    /**
     * Whether Kafka accepts this connection's credentials, asked once at start with an Admin client
     * and a deadline, before the process's own clients start retrying: a refusal (wrong password,
     * a certificate the broker or the client does not trust, a SASL mechanism the broker does not
     * offer) ends the process with one line instead of a log full of reconnects. Without a client
     * file there are no credentials to check. Returns false when Kafka did not answer within
     * {@code timeout}: the broker may still be starting, and the clients keep trying as they would anyway.
     *
     * @throws StartupFailure when Kafka refused the credentials or the TLS handshake, or no client can be made of the settings
     */
    public boolean checkCredentials(Duration timeout) {
        if (clientConfig.isEmpty()) {
            return true;
        }
        int millis = (int) timeout.toMillis();
        Admin admin;
        try {
            admin = Admin.create(settings(Map.of(
                    AdminClientConfig.CLIENT_ID_CONFIG, "firstcome-credentials-check",
                    AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, millis,
                    AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, millis,
                    AdminClientConfig.RECONNECT_BACKOFF_MAX_MS_CONFIG, 1_000)));
        } catch (RuntimeException e) {
            throw new StartupFailure("no Kafka client can be made with the settings of " + source(clientConfig) + ": "
                    + causes(e), e);
        }
        try {
            admin.describeCluster(new DescribeClusterOptions().timeoutMs(millis)).nodes().get(millis + 1_000L, TimeUnit.MILLISECONDS);
            return true;
        } catch (ExecutionException e) {
            if (e.getCause() instanceof AuthenticationException refused) {
                throw refusal(refused);
            }
            // Authenticated, but refused otherwise (not authorised to describe the cluster): the clients will say what they lack.
            return !(e.getCause() instanceof org.apache.kafka.common.errors.TimeoutException);
        } catch (TimeoutException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StartupFailure("interrupted while asking Kafka at " + bootstrapServers + " to accept the credentials", e);
        } finally {
            admin.close(Duration.ofSeconds(2));
        }
    }

    /**
     * {@link #checkCredentials} as every process runs it at start, before it makes its own clients:
     * a refusal throws its {@link StartupFailure}; no answer is a warning, and the process goes on.
     */
    public void checkAtStart() {
        if (!checkCredentials(CREDENTIALS_CHECK)) {
            log.warn("{} did not answer within {} s; going on, the clients keep trying", this, CREDENTIALS_CHECK.toSeconds());
        }
    }

    /** The one line for a refusal. */
    StartupFailure refusal(AuthenticationException refused) {
        String what = refused instanceof SslAuthenticationException ? "failed the TLS handshake with the settings from "
                : "refused the credentials from ";
        return new StartupFailure("Kafka at " + bootstrapServers + " " + what + source(clientConfig) + ": " + causes(refused), refused);
    }

    /** Where a connection's settings come from, as an operator would find it. */
    private static String source(Optional<Path> clientConfig) {
        return CLIENT_CONFIG + "=" + clientConfig.map(Path::toString).orElse("(unset)");
    }

    private static String unprefixed(String key) {
        for (String prefix : STREAMS_CLIENT_PREFIXES) {
            if (key.startsWith(prefix)) {
                return key.substring(prefix.length());
            }
        }
        return key;
    }

    /** A value the clients would refuse (a misspelt security.protocol, a number that is none) is refused now, naming it. */
    private static void requireValid(Optional<Path> clientConfig, String key, String value) {
        String name = unprefixed(key);
        for (ConfigDef definition : CLIENT_DEFINITIONS) {
            ConfigDef.ConfigKey known = definition.configKeys().get(name);
            if (known == null) {
                continue;
            }
            try {
                Object parsed = ConfigDef.parseType(name, value, known.type);
                if (known.validator != null) {
                    known.validator.ensureValid(name, parsed);
                }
            } catch (ConfigException e) {
                throw new StartupFailure(source(clientConfig) + ": " + (known.type == ConfigDef.Type.PASSWORD
                        ? "the value of " + key + " is not valid" : e.getMessage()), e);
            }
        }
    }

    /** The messages of an exception and its causes on one line, each once. */
    private static String causes(Throwable e) {
        StringBuilder line = new StringBuilder();
        for (Throwable cause = e; cause != null; cause = cause.getCause() == cause ? null : cause.getCause()) {
            String message = cause.getMessage();
            if (message != null && !message.isBlank() && line.indexOf(message) < 0) {
                line.append(line.length() == 0 ? "" : ": ").append(message);
            }
        }
        return (line.length() == 0 ? e.getClass().getSimpleName() : line.toString()).replaceAll("\\s*\\R\\s*", " ");
    }

    /** Never the settings: they hold passwords. */
    @Override
    public String toString() {
        return "Kafka at " + bootstrapServers + clientConfig.map(path -> " with " + CLIENT_CONFIG + "=" + path).orElse("");
    }
}
