package firstcome.ops;

import java.io.PrintStream;
import java.util.Map;

/**
 * An operations command (replay, rebuild-db, audit) as its tests call it: the environment and the
 * arguments in, the report on {@code out}, progress on {@code err}, the exit status back.
 * {@link #runAndExit} is what each command's {@code main} does with it.
 */
@FunctionalInterface
public interface Command {

    int run(Map<String, String> env, String[] args, PrintStream out, PrintStream err);

    /**
     * Runs {@code command} on this process's environment, arguments and streams, then exits with
     * its status. Call it from {@code main} before anything creates a logger: it selects the
     * commands' own logging configuration (warnings only, on stderr, so that stdout stays the
     * report) over the service's, which is on the same class path.
     */
    static void runAndExit(Command command, String[] args) {
        System.setProperty("log4j2.configurationFile", "log4j2-tools.xml");
        System.exit(command.run(System.getenv(), args, System.out, System.err));
    }
}
