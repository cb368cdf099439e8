package firstcome.ops;

import firstcome.contract.Ids;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The options of an operations command: {@code --flag} and {@code --name value} (repeatable).
 * Anything else is refused with a message naming it, so a typo never runs a different command.
 */
public final class CommandOptions {

    private final Set<String> flags = new HashSet<>();
    private final Map<String, List<String>> values = new HashMap<>();

    private CommandOptions() {
    }

    /** {@code knownFlags} take no value, {@code knownValued} take exactly one each time they appear. */
    public static CommandOptions parse(String[] args, Set<String> knownFlags, Set<String> knownValued) {
        var options = new CommandOptions();
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            if (knownFlags.contains(arg)) {
                options.flags.add(arg);
            } else if (knownValued.contains(arg)) {
                if (i + 1 >= args.length) {
                    throw new IllegalArgumentException(arg + " needs a value");
                }
                options.values.computeIfAbsent(arg, name -> new ArrayList<>()).add(args[++i]);
            } else if (!arg.isBlank()) {
                throw new IllegalArgumentException("unknown option '" + arg + "'");
            }
        }
        return options;
    }

    public boolean flag(String name) {
        return flags.contains(name);
    }

    public List<String> values(String name) {
        return values.getOrDefault(name, List.of());
    }

    public String value(String name, String fallback) {
        List<String> given = values(name);
        return given.isEmpty() ? fallback : given.get(given.size() - 1);
    }

    public int integer(String name, int fallback) {
        String value = value(name, null);
        if (value == null) {
            return fallback;
        }
        try {
            return Integer.parseInt(value.strip());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(name + " must be a number, was '" + value + "'", e);
        }
    }

    public Duration seconds(String name, Duration fallback) {
        String value = value(name, null);
        return value == null ? fallback : Duration.ofSeconds(integer(name, 0));
    }

    /** The event ids given with {@code name}, checked against the contract's id shape; empty means every event. */
    public Set<String> eventIds(String name) {
        Set<String> ids = new HashSet<>();
        for (String id : values(name)) {
            ids.add(Ids.require(name, id));
        }
        return ids;
    }
}
