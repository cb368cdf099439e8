package firstcome.contract;

import java.util.Map;
import java.util.Optional;

/**
 * {@code LOG_FORMAT}: {@value #TEXT} (the default, one line per entry) or {@value #JSON} (one JSON
 * object per line, Log4j2's {@code JsonTemplateLayout}). Each service's {@code log4j2.xml} selects
 * its layout by the variable itself; {@link ServiceMain} refuses any other value before the service
 * starts, so a typo never leaves a service logging in a format nobody parses.
 */
public final class LogFormat {

    public static final String VARIABLE = "LOG_FORMAT";
    public static final String TEXT = "text";
    public static final String JSON = "json";

    private LogFormat() {
    }

    /** Why the environment's {@code LOG_FORMAT} cannot be used, or empty when it can (unset, blank, text or json). */
    public static Optional<String> refusal(Map<String, String> env) {
        String value = env.get(VARIABLE);
        // log4j2.xml compares the variable's exact text: what it would not take as json is refused here.
        if (value == null || value.isEmpty() || value.equals(TEXT) || value.equals(JSON)) {
            return Optional.empty();
        }
        return Optional.of(VARIABLE + "=" + value + " is not a log format: " + TEXT + " (the default) or " + JSON + ", in lower case");
    }
}
