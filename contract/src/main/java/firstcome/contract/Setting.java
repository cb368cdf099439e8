package firstcome.contract;

import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * One environment variable a process reads, as its {@code --help} lists it and its start logs it
 * ({@link ServiceDescription}): the name, the default it takes when the variable is unset or blank,
 * what it sets, and whether its value is a secret (shown as {@value #REDACTED} when set, never as it is).
 *
 * @param name     the variable
 * @param fallback the default as one would write it; empty when unset means something of its own (say so in {@code meaning})
 * @param meaning  one line: what it sets
 * @param secret   a token or password: its value never appears in a log or on a terminal
 */
public record Setting(String name, Optional<String> fallback, String meaning, boolean secret) {

    /** What a secret's value, or a password inside a value, is shown as. */
    public static final String REDACTED = "****";

    /** {@code scheme://user:password@host}: the password part, up to the last '@' of the authority. */
    private static final Pattern URL_PASSWORD = Pattern.compile("(://[^/:@\\s]*:)[^/\\s]*(@)");
    /** {@code password=...} in a URL's query or a JDBC property list. */
    private static final Pattern PASSWORD_PARAMETER = Pattern.compile("(?i)((?:password|pwd|secret|token)=)[^&;,\\s]*");

    public Setting {
        Environment.requireText("a setting's name", name);
        Objects.requireNonNull(fallback, "fallback");
        Objects.requireNonNull(meaning, "meaning");
    }

    public static Setting of(String name, String fallback, String meaning) {
        return new Setting(name, Optional.of(fallback), meaning, false);
    }

    /** A variable whose unset state means something of its own, said in {@code meaning}. */
    public static Setting optional(String name, String meaning) {
        return new Setting(name, Optional.empty(), meaning, false);
    }

    public static Setting secret(String name, String meaning) {
        return new Setting(name, Optional.empty(), meaning, true);
    }

    /** A secret with a default (a local stack's password): still never shown. */
    public static Setting secret(String name, String fallback, String meaning) {
        return new Setting(name, Optional.of(fallback), meaning, true);
    }

    // The settings several processes read, declared once.
    public static final Setting KAFKA_BOOTSTRAP_SERVERS = of(KafkaConnection.BOOTSTRAP_SERVERS,
            KafkaConnection.DEFAULT_BOOTSTRAP_SERVERS, "the Kafka brokers, host:port[,host:port...]");
    public static final Setting KAFKA_CLIENT_CONFIG = optional(KafkaConnection.CLIENT_CONFIG,
            "a Kafka client properties file (security.protocol, sasl.*, ssl.*, timeouts); unset: plaintext");
    public static final Setting HTTP_HOST = of("HTTP_HOST", Environment.ALL_INTERFACES, "the address the HTTP server binds");
    public static final Setting EVENT_RETENTION = of("EVENT_RETENTION", "P7D",
            "how long after its end an event's working state is kept (ISO-8601 duration, at least PT1M)");
    public static final Setting REDIS_URL = of("REDIS_URL", RedisAddress.DEFAULT_URL,
            "the gate's Redis, redis[s]://[user:password@]host[:port][/db] (with REDIS_CLUSTER, the seed nodes h1:p1,h2:p2)");
    public static final Setting REDIS_CLUSTER = of("REDIS_CLUSTER", "false", "true: REDIS_URL names the seed nodes of a Redis Cluster");
    public static final Setting LOG_FORMAT = of(LogFormat.VARIABLE, LogFormat.TEXT,
            "text: one line per entry; json: one JSON object per line (timestamp, level, logger, message, thread, exception, eventId, userId)");

    /**
     * The value as a log may show it: a secret as {@value #REDACTED}, and in any other value the
     * password of a URL ({@code redis://user:****@host}) and {@code password=} parameters masked.
     */
    public String shown(String value) {
        return secret ? REDACTED : redacted(value);
    }

    /** {@code value} with the passwords of URLs and {@code password=} parameters in it masked. */
    public static String redacted(String value) {
        String masked = URL_PASSWORD.matcher(value).replaceAll("$1" + REDACTED + "$2");
        return PASSWORD_PARAMETER.matcher(masked).replaceAll("$1" + REDACTED);
    }
}
