package firstcome.contract;

import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The environment variables of the contract and each process's own knobs, read by name: a blank
 * value counts as unset and takes the default; a value that cannot be used is refused with a
 * message naming the variable and the value. The config records ({@code IngressConfig},
 * {@code ProcessorConfig}, {@code SinkConfig}) read with it and check with its {@code require}
 * methods, so every process refuses a setting in the same words.
 */
public final class Environment {

    private final Map<String, String> variables;

    public Environment(Map<String, String> variables) {
        this.variables = Objects.requireNonNull(variables, "variables");
    }

    /** The value without surrounding white space; empty when unset or blank. */
    public Optional<String> text(String name) {
        return Optional.ofNullable(variables.get(name)).map(String::strip).filter(value -> !value.isEmpty());
    }

    public String text(String name, String fallback) {
        return text(name).orElse(fallback);
    }

    public int integer(String name, int fallback) {
        Optional<String> value = text(name);
        if (value.isEmpty()) {
            return fallback;
        }
        try {
            return Integer.parseInt(value.get());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(name + " must be a whole number, was '" + value.get() + "'", e);
        }
    }

    /** A {@code *_MS} variable: a whole number of milliseconds. */
    public Duration millis(String name, Duration fallback) {
        return text(name).isEmpty() ? fallback : Duration.ofMillis(integer(name, 0));
    }

    /** {@code true}, {@code on}, {@code yes}, {@code 1} or their opposites, in any case. */
    public boolean flag(String name, boolean fallback) {
        Optional<String> value = text(name).map(v -> v.toLowerCase(Locale.ROOT));
        if (value.isEmpty()) {
            return fallback;
        }
        return switch (value.get()) {
            case "true", "on", "yes", "1" -> true;
            case "false", "off", "no", "0" -> false;
            default -> throw new IllegalArgumentException(name + " must be true or false, was '" + value.get() + "'");
        };
    }

    /**
     * {@code HTTP_HOST}: the address every process's HTTP server binds. A deployment listens on all
     * interfaces ({@value #ALL_INTERFACES}, the default); {@code make up} binds {@code 127.0.0.1},
     * because the local stack's tokens are published.
     */
    public String httpHost() {
        return requireHost("HTTP_HOST", text("HTTP_HOST", ALL_INTERFACES));
    }

    /**
     * {@code EVENT_RETENTION}: how long after its {@code closesAt} an event's working state is kept
     * (gate keys, the processor's decision stores, the ingress's copies); after that the event is
     * retired. An ISO-8601 duration ({@code P7D}, {@code PT12H}, {@code PT5M}); default 7 days, at
     * least {@link #MIN_EVENT_RETENTION}.
     */
    public Duration eventRetention() {
        Optional<String> value = text("EVENT_RETENTION");
        if (value.isEmpty()) {
            return DEFAULT_EVENT_RETENTION;
        }
        Duration retention;
        try {
            retention = Duration.parse(value.get().toUpperCase(Locale.ROOT));
        } catch (java.time.format.DateTimeParseException e) {
            throw new IllegalArgumentException("EVENT_RETENTION must be an ISO-8601 duration such as P7D or PT12H, was '"
                    + value.get() + "'", e);
        }
        if (retention.isNegative()) {
            throw new IllegalArgumentException("EVENT_RETENTION must not be negative, was '" + value.get() + "'");
        }
        if (retention.compareTo(MIN_EVENT_RETENTION) < 0) {
            throw new IllegalArgumentException("EVENT_RETENTION must be at least " + MIN_EVENT_RETENTION
                    + ": requests received before the closing may still reach the log (clock skew between"
                    + " ingresses, republished pending requests) and must not find their event retired; was '"
                    + value.get() + "'");
        }
        return retention;
    }

    /**
     * The least {@code EVENT_RETENTION}: a request received before the closing may reach the log later
     * (clock skew between ingresses, a pending request republished), and must still be decided.
     */
    public static final Duration MIN_EVENT_RETENTION = Duration.ofMinutes(1);

    /** The default of {@code EVENT_RETENTION}. */
    public static final Duration DEFAULT_EVENT_RETENTION = Duration.ofDays(7);

    /** The default of {@code HTTP_HOST}. */
    public static final String ALL_INTERFACES = "0.0.0.0";

    /** A host name or address to bind: no white space, no scheme, no port. */
    public static String requireHost(String name, String value) {
        requireText(name, value);
        if (!value.matches("[A-Za-z0-9.:\\[\\]_-]+")) {
            throw new IllegalArgumentException(name + " must be a host name or an address such as 0.0.0.0 or 127.0.0.1, was '"
                    + value + "'");
        }
        return value;
    }

    public static String requireText(String name, String value) {
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException(name + " must not be empty");
        }
        return value;
    }

    /** 0 to 65535; 0 lets the system pick a free port (tests). */
    public static int requirePort(String name, int port) {
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException(name + " must be a port number, was " + port);
        }
        return port;
    }

    public static long requireAtLeastOne(String name, long value) {
        if (value < 1) {
            throw new IllegalArgumentException(name + " must be 1 or more, was " + value);
        }
        return value;
    }
}
