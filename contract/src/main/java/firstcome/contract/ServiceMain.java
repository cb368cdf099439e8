package firstcome.contract;

import java.io.PrintStream;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one way a firstcome service runs as a process. {@code --help} and {@code --version} print and
 * exit 0 without starting anything; an unknown option, a bad {@code LOG_FORMAT} or a setting the
 * config record refuses ends it with one line on stderr ({@code firstcome ingress: ...}) and exit
 * status {@value #BAD_SETTING}, before anything is opened. Otherwise it logs the configuration it
 * took (secrets redacted), starts the service, closes it from a shutdown hook (SIGTERM, Ctrl-C) in
 * reverse order of opening, and exits {@value #COULD_NOT_START} when it cannot start, so the
 * supervisor sees the failure at once: a {@link StartupFailure} (credentials Kafka refused, a key
 * file it cannot use) as its one line, anything else with its stack trace.
 */
public final class ServiceMain {

    /** Exit status for a command line or a setting that cannot be used: change it, a restart will not help. */
    public static final int BAD_SETTING = 2;
    /** Exit status for a start that failed with the settings taken. */
    public static final int COULD_NOT_START = 1;

    private static final List<String> HELP = List.of("--help", "-h");
    private static final List<String> VERSION = List.of("--version", "-V");

    private ServiceMain() {
    }

    /**
     * Runs the service: {@code configure} reads its config record from the environment (refusing a
     * setting with an {@link IllegalArgumentException} or a {@link StartupFailure}), {@code start}
     * opens everything and returns what closes it.
     */
    public static <C> void run(String[] args, ServiceDescription service, Function<Map<String, String>, C> configure,
            Function<C, ? extends AutoCloseable> start) {
        Map<String, String> env = System.getenv();
        OptionalInt answered = commandLine(service, args, env, System.out, System.err);
        if (answered.isPresent()) {
            System.exit(answered.getAsInt());
            return;
        }
        Optional<C> config = configure(service, env, configure, System.err);
        if (config.isEmpty()) {
            System.exit(BAD_SETTING);
            return;
        }
        // log4j2.xml selects its layout by LOG_FORMAT itself; a value it would not take as json was refused above.
        Logger log = LoggerFactory.getLogger(ServiceMain.class);
        log.info("{}", service.effectiveConfiguration(env));
        AutoCloseable running;
        try {
            running = start.apply(config.get());
        } catch (StartupFailure e) {
            log.error("the {} could not start: {}", service.name(), e.getMessage());
            System.exit(COULD_NOT_START);
            return;
        } catch (RuntimeException e) {
            log.error("the {} could not start: {}", service.name(), e.getMessage(), e);
            System.exit(COULD_NOT_START);
            return;
        }
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                running.close();
            } catch (Exception e) {
                log.warn("the {} did not close cleanly", service.name(), e);
            }
        }, "shutdown"));
    }

    /**
     * What the command line and {@code LOG_FORMAT} decide before anything starts: the exit status
     * when they end the process here ({@code --help}, {@code --version}: 0; an unknown option or
     * log format: {@value #BAD_SETTING}, one line and the usage on {@code err}), empty to go on.
     */
    static OptionalInt commandLine(ServiceDescription service, String[] args, Map<String, String> env, PrintStream out,
            PrintStream err) {
        Optional<String> unknown = Arrays.stream(args).filter(arg -> !HELP.contains(arg) && !VERSION.contains(arg)).findFirst();
        if (unknown.isPresent()) {
            err.println(prefix(service) + "unknown option '" + unknown.get() + "' (the service takes its settings from the"
                    + " environment)");
            err.print(service.usage());
            return OptionalInt.of(BAD_SETTING);
        }
        if (Arrays.stream(args).anyMatch(HELP::contains)) {
            out.print(service.usage());
            return OptionalInt.of(0);
        }
        if (args.length > 0) {
            out.println(Version.line());
            return OptionalInt.of(0);
        }
        Optional<String> badFormat = LogFormat.refusal(env);
        if (badFormat.isPresent()) {
            err.println(prefix(service) + badFormat.get());
            return OptionalInt.of(BAD_SETTING);
        }
        return OptionalInt.empty();
    }

    /** The config record, or empty after one line on {@code err} naming the setting it refused. */
    static <C> Optional<C> configure(ServiceDescription service, Map<String, String> env, Function<Map<String, String>, C> configure,
            PrintStream err) {
        try {
            return Optional.of(configure.apply(env));
        } catch (IllegalArgumentException | StartupFailure e) {
            err.println(prefix(service) + oneLine(e.getMessage()));
            return Optional.empty();
        }
    }

    private static String prefix(ServiceDescription service) {
        return "firstcome " + service.name() + ": ";
    }

    private static String oneLine(String message) {
        return message == null ? "a setting cannot be used" : message.strip().replaceAll("\\s*\\R\\s*", " ");
    }
}
