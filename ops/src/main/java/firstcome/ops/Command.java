package firstcome.ops;

import java.io.PrintStream;
import java.util.Arrays;
import java.util.Map;

/**
 * An operations command (replay, rebuild-db, audit, token) as its tests call it: the environment and the
 * arguments in, the report on {@code out}, progress on {@code err}, the exit status back.
 * {@link #main} is the ops jar's entry point: {@code java -jar ops.jar replay|audit|rebuild-db|token [options]}.
 */
@FunctionalInterface
public interface Command {

    int run(Map<String, String> env, String[] args, PrintStream out, PrintStream err);

    /** Runs the command named by the first argument with the others; exit status 2 for a name it does not know. */
    static void main(String[] args) {
        Command command = args.length == 0 ? null : named(args[0]);
        if (command == null) {
            System.err.println("usage: java -jar ops.jar replay|audit|rebuild-db|token [options]"
                    + (args.length == 0 ? "" : "\nunknown command '" + args[0] + "'"));
            System.exit(2);
        }
        runAndExit(command, Arrays.copyOfRange(args, 1, args.length));
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

    private static Command named(String name) {
        return switch (name) {
            case "replay" -> Replay::run;
            case "audit" -> Audit::run;
            case "rebuild-db" -> RebuildDatabase::run;
            case "token" -> Token::run;
            case "dead-letters" -> DeadLetters::run;
            default -> null;
        };
    }
}
