package firstcome.ops;

import firstcome.contract.Version;
import java.io.PrintStream;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * An operations command (replay, rebuild-db, audit, token) as its tests call it: the environment and the
 * arguments in, the report on {@code out}, progress on {@code err}, the exit status back.
 * {@link #main} is the ops jar's entry point: {@code java -jar ops.jar replay|audit|rebuild-db|token [options]};
 * {@code --help} and {@code --version} there, or after a command's name, print and exit 0.
 */
@FunctionalInterface
public interface Command {

    int run(Map<String, String> env, String[] args, PrintStream out, PrintStream err);

    /** A command line that cannot be used: an unknown command or option, a missing value. */
    int BAD_USAGE = 2;

    /** A command the jar runs: its name, what it does in one line, and its usage (options, environment). */
    record Named(String name, String summary, String usage, Command command) {
    }

    List<Named> COMMANDS = List.of(
            new Named("replay", "decide the logs again from the start into side topics; compare with what the live processor published",
                    Replay.USAGE, Replay::run),
            new Named("rebuild-db", "write the coupon logs from the start into an empty copy of the coupon table; compare with the live one",
                    RebuildDatabase.USAGE, RebuildDatabase::run),
            new Named("audit", "per event: were the coupons given to the first comers, was the lifecycle kept, do logs, table and gate agree",
                    Audit.USAGE, Audit::run),
            new Named("token", "print a shopper token for local use (HS256 with SHOPPER_JWT_SECRET)", Token.USAGE, Token::run),
            new Named("dead-letters", "list what the services set aside in the dead-letter topics; re-drive one once its cause is fixed",
                    DeadLetters.USAGE, DeadLetters::run));

    /** Runs the command named by the first argument with the others, then exits with its status. */
    static void main(String[] args) {
        Optional<Named> named = args.length == 0 ? Optional.empty() : named(args[0]);
        String[] rest = args.length == 0 ? args : Arrays.copyOfRange(args, 1, args.length);
        if (named.isPresent() && !asksForHelpOrVersion(rest)) {
            runAndExit(named.get().command(), rest);
            return;
        }
        System.exit(answer(args, System.out, System.err));
    }

    /**
     * What the jar answers without running a command: the list of commands ({@code --help}), the
     * version ({@code --version}), a command's usage ({@code replay --help}), or, for no command or
     * an unknown one, one line and the list on {@code err} with {@value #BAD_USAGE}. Returns the exit status;
     * -1 when {@code args} name a command to run.
     */
    static int answer(String[] args, PrintStream out, PrintStream err) {
        if (args.length == 0) {
            err.println("ops: name a command");
            err.print(usage());
            return BAD_USAGE;
        }
        Optional<Named> named = named(args[0]);
        if (named.isEmpty()) {
            if (isHelp(args[0])) {
                out.print(usage());
                return 0;
            }
            if (isVersion(args[0])) {
                out.println(Version.line());
                return 0;
            }
            err.println("ops: unknown command '" + args[0] + "'");
            err.print(usage());
            return BAD_USAGE;
        }
        String[] rest = Arrays.copyOfRange(args, 1, args.length);
        if (Arrays.stream(rest).anyMatch(Command::isHelp)) {
            out.println(named.get().usage());
            return 0;
        }
        if (Arrays.stream(rest).anyMatch(Command::isVersion)) {
            out.println(Version.line());
            return 0;
        }
        return -1;
    }

    /** The jar's usage: how to run it and its commands. */
    static String usage() {
        return Version.line() + " — the operations commands\n"
                + "usage: java -jar ops.jar <command> [options]     (make replay|rebuild-db|audit ARGS=\"...\", make token USER=...)\n"
                + "       java -jar ops.jar <command> --help          the command's options and environment\n"
                + "       java -jar ops.jar --version\n"
                + "commands:\n"
                + COMMANDS.stream().map(command -> String.format("  %-11s %s%n", command.name(), command.summary()))
                        .collect(Collectors.joining())
                + "Exit status: 0 identical / consistent, 1 differences listed, 2 could not compare or a bad command line"
                + " (docs/operations.md).\n";
    }

    /**
     * Runs {@code command} on this process's environment, arguments and streams, then exits with
     * its status. Call it before anything creates a logger: it selects the commands' own logging
     * configuration (warnings only, on stderr, so that stdout stays the report) over the
     * services', which are on the same class path.
     */
    static void runAndExit(Command command, String[] args) {
        System.setProperty("log4j2.configurationFile", "log4j2-tools.xml");
        System.exit(command.run(System.getenv(), args, System.out, System.err));
    }

    private static boolean asksForHelpOrVersion(String[] args) {
        return Arrays.stream(args).anyMatch(arg -> isHelp(arg) || isVersion(arg));
    }

    private static boolean isHelp(String arg) {
        return arg.equals("--help") || arg.equals("-h");
    }

    private static boolean isVersion(String arg) {
        return arg.equals("--version") || arg.equals("-V");
    }

    private static Optional<Named> named(String name) {
        return COMMANDS.stream().filter(command -> command.name().equals(name)).findFirst();
    }
}
