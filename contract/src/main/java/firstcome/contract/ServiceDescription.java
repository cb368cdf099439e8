package firstcome.contract;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * What a service jar is and every environment variable it reads: its {@code --help} prints it, and
 * its start logs the value each variable took ({@link #effectiveConfiguration}), secrets redacted.
 * Each service declares one next to its config record, whose test checks that the list names exactly
 * the variables {@code fromEnv} reads and that each default written here is the one it takes.
 *
 * @param name     the service as its messages name it ({@code ingress}, {@code streams-processor}, {@code sink})
 * @param summary  one sentence: what it does
 * @param settings every variable it reads, {@code LOG_FORMAT} included
 */
public record ServiceDescription(String name, String summary, List<Setting> settings) {

    public ServiceDescription {
        Environment.requireText("a service's name", name);
        Objects.requireNonNull(summary, "summary");
        settings = List.copyOf(settings);
    }

    /** The variable names, in the order declared. */
    public List<String> names() {
        return settings.stream().map(Setting::name).toList();
    }

    /** What {@code --help} prints: what the service is, how to run it, each variable with its default. */
    public String usage() {
        StringBuilder text = new StringBuilder()
                .append(Version.line()).append(" — ").append(name).append(": ").append(summary).append('\n')
                .append("usage: java -jar ").append(name).append(".jar [--help | --version]\n")
                .append("Configured by environment variables only; unset or blank takes the default:\n");
        for (Setting setting : settings) {
            text.append("  ").append(setting.name())
                    .append(setting.fallback().map(value -> "=" + (setting.secret() ? value + " (secret)" : value))
                            .orElse(setting.secret() ? " (secret; unset by default)" : " (unset by default)"))
                    .append("\n      ").append(setting.meaning()).append('\n');
        }
        return text.toString();
    }

    /**
     * One line naming every variable and the value the service took, {@code (default)} after a
     * default: secrets as {@value Setting#REDACTED}, passwords in URLs masked, and the settings of
     * the {@code KAFKA_CLIENT_CONFIG} file listed with their passwords masked.
     */
    public String effectiveConfiguration(Map<String, String> env) {
        Environment environment = new Environment(env);
        return "the " + name + "'s configuration: " + settings.stream()
                .map(setting -> setting.name() + "=" + shownValue(setting, environment))
                .collect(Collectors.joining(", "));
    }

    /**
     * Where this description and the service's config reader {@code fromEnv} disagree, one line
     * each: a variable it reads that is not listed, a listed one it never reads ({@code LOG_FORMAT}
     * aside, which {@link ServiceMain} reads), a default that is not the one it takes (the config
     * read with the variable set to the listed default differs from the one read without it). The
     * service's test asserts there is none, so {@code --help} and the start's log stay true.
     */
    public List<String> disagreementsWith(Function<Map<String, String>, ?> fromEnv) {
        Set<String> read = new LinkedHashSet<>();
        Object defaults = fromEnv.apply(new ReadNames(Map.of(), read));
        List<String> disagreements = new ArrayList<>();
        read.stream().filter(name -> !names().contains(name))
                .forEach(name -> disagreements.add(name + " is read but not listed"));
        settings.stream().map(Setting::name).filter(name -> !read.contains(name) && !name.equals(LogFormat.VARIABLE))
                .forEach(name -> disagreements.add(name + " is listed but not read"));
        for (Setting setting : settings) {
            setting.fallback().filter(fallback -> read.contains(setting.name())).ifPresent(fallback -> {
                Object taken = fromEnv.apply(Map.of(setting.name(), fallback));
                if (!taken.equals(defaults)) {
                    disagreements.add(setting.name() + "'s default is not " + (setting.secret() ? "the one listed" : fallback));
                }
            });
        }
        return disagreements;
    }

    /** The environment {@code values}, noting each name asked for. */
    private static final class ReadNames extends HashMap<String, String> {

        private final Set<String> read;

        ReadNames(Map<String, String> values, Set<String> read) {
            super(values);
            this.read = read;
        }

        @Override
        public String get(Object key) {
            read.add(String.valueOf(key));
            return super.get(key);
        }

        @Override
        public String getOrDefault(Object key, String fallback) {
            read.add(String.valueOf(key));
            return super.getOrDefault(key, fallback);
        }

        @Override
        public boolean containsKey(Object key) {
            read.add(String.valueOf(key));
            return super.containsKey(key);
        }
    }

    private static String shownValue(Setting setting, Environment environment) {
        var given = environment.text(setting.name());
        if (given.isEmpty()) {
            return setting.fallback().map(value -> setting.shown(value) + " (default)").orElse("(unset)");
        }
        String shown = setting.shown(given.get());
        if (setting.name().equals(KafkaConnection.CLIENT_CONFIG)) {
            try {
                return shown + " " + KafkaConnection.shownSettings(KafkaConnection.read(Path.of(given.get())));
            } catch (RuntimeException e) {
                return shown + " (cannot be read now: " + e.getMessage() + ")";
            }
        }
        return shown;
    }
}
