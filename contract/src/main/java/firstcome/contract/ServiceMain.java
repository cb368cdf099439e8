package firstcome.contract;

import java.io.PrintStream;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one way a firstcome service runs as a process. {@code --help} and {@code --version} print and
 * exit 0 without starting anything; an unknown option, a bad {@code LOG_FORMAT} or a setting the
 * config record refuses ends it with one line on stderr ({@code firstcome ingress: ...}) and exit
 * status {@value #BAD_SETTING}, before anything is opened. Otherwise it logs the configuration it
 * took (secrets redacted), starts the service, stops it gracefully from a shutdown hook (SIGTERM,
 * Ctrl-C) within the bound the service gives, and exits {@value #COULD_NOT_START} when it cannot
 * start, so the supervisor sees the failure at once: a {@link StartupFailure} (credentials Kafka
 * refused, a key file it cannot use) as its one line, anything else with its stack trace.
 *
 * <p>The exit status tells a supervisor how the stop went: 0 when the service stopped within its
 * bound after a signal, 1 when it did not (the hook gives up {@link #STOP_MARGIN} after the bound and
 * halts) or when the service itself asked to end on a failure ({@link #exitOnFailure}). Without this
 * a JVM ended by SIGTERM exits 143 whatever happened.
 */
public final class ServiceMain {

    /** Exit status for a command line or a setting that cannot be used: change it, a restart will not help. */
    public static final int BAD_SETTING = 2;
    /** Exit status for a start that failed with the settings taken. */
    public static final int COULD_NOT_START = 1;

    private static final List<String> HELP = List.of("--help", "-h");
    private static final List<String> VERSION = List.of("--version", "-V");

    /** How long past its bound the hook waits for a stop before it gives up and exits 1. */
    static final Duration STOP_MARGIN = Duration.ofSeconds(2);

    private static volatile boolean failed;

    private ServiceMain() {
    }

    /** A running service: {@link #close} stops it gracefully, taking at most {@link #stopTimeout}. */
    public interface Service extends AutoCloseable {

        /** The bound on {@link #close}: what its settings allow for the whole stop. */
        Duration stopTimeout();

        @Override
        void close();
    }

    /**
     * Runs the service: {@code configure} reads its config record from the environment (refusing a
     * setting with an {@link IllegalArgumentException} or a {@link StartupFailure}), {@code start}
     * opens everything and returns what stops it.
     */
    public static <C> void run(String[] args, ServiceDescription service, Function<Map<String, String>, C> configure,
            Function<C, ? extends Service> start) {
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
        Service running;
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
        Runtime.getRuntime().addShutdownHook(new Thread(() -> Runtime.getRuntime().halt(stop(service.name(), running)),
                "shutdown"));
    }

    /**
     * Ends the process after a failure the service cannot recover from (a failed stream thread, a dead
     * poll loop): the shutdown hook still closes what is open, and the exit status is 1 whatever the stop.
     */
    public static void exitOnFailure() {
        failed = true;
        System.exit(1);
    }

    /** Stops the service, logging the time it took; returns the exit status. */
    static int stop(String name, Service service) {
        Logger log = LoggerFactory.getLogger(ServiceMain.class);
        Duration bound = service.stopTimeout();
        log.info("stopping the {} (at most {} ms)", name, bound.toMillis());
        long started = System.nanoTime();
        Thread closing = new Thread(() -> {
            try {
                service.close();
            } catch (RuntimeException e) {
                log.warn("the {} did not close cleanly", name, e);
            }
        }, "stop-" + name);
        closing.start();
        try {
            closing.join(bound.plus(STOP_MARGIN).toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        long took = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
        if (closing.isAlive()) {
            log.error("the {} did not stop within {} ms; exiting anyway (nothing uncommitted is lost: Kafka and the"
                    + " database keep only what was acknowledged)", name, took);
            return 1;
        }
        log.info("the {} stopped in {} ms", name, took);
        return failed ? 1 : 0;
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
