package firstcome.contract;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Objects;
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
