package firstcome.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import firstcome.contract.ServiceDescription;
import firstcome.contract.Version;
import firstcome.stackkit.ChildProcess;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A service's runnable jar as an operator runs it ({@code java -jar <service>.jar}): {@code --help} lists
 * every variable without starting anything, {@code --version} prints the project's version, an unknown
 * option ends with one line and the usage (status 2). Each service's {@code CommandLineIT} extends it
 * and adds the settings it refuses ({@link #assertOneLine}).
 */
public abstract class ServiceJarCommandLine {

    private static final Duration DEADLINE = Duration.ofSeconds(60);

    /** A folder of the test's own (the child's working directory; a place for files a setting names). */
    @TempDir
    protected Path dir;

    private final ServiceDescription service;
    private final Path jar;
    private final List<String> helpLines;

    /**
     * @param service   what the jar describes itself as
     * @param helpLines lines {@code --help} must hold, such as {@code "  SINK_PORT=8082"}
     */
    protected ServiceJarCommandLine(ServiceDescription service, String... helpLines) {
        this.service = service;
        this.jar = Path.of("target", service.name() + ".jar");
        this.helpLines = List.of(helpLines);
    }

    @Test
    void helpListsEveryVariableWithoutStartingAnything() {
        ChildProcess.Finished help = run(Map.of(), "--help");

        assertEquals(0, help.exitValue(), help.err());
        assertTrue(help.out().startsWith(Version.line() + " — " + service.name() + ": "), help.out());
        for (String name : service.names()) {
            assertTrue(help.out().contains("\n  " + name), name + " in " + help.out());
        }
        for (String line : helpLines) {
            assertTrue(help.out().contains(line + "\n"), line + " in " + help.out());
        }
        assertEquals("", help.err());
    }

    @Test
    void versionPrintsTheProjectVersion() {
        ChildProcess.Finished version = run(Map.of(), "--version");

        assertEquals(0, version.exitValue(), version.err());
        assertEquals("firstcome " + Version.number() + System.lineSeparator(), version.out());
    }

    @Test
    void anUnknownOptionEndsWithOneLineAndTheUsage() {
        ChildProcess.Finished unknown = run(Map.of(), "--port", "9000");

        assertEquals(2, unknown.exitValue());
        assertEquals("firstcome " + service.name() + ": unknown option '--port' (the service takes its settings from the environment)",
                unknown.err().lines().findFirst().orElse(""));
        assertTrue(unknown.err().contains("usage: java -jar " + service.name() + ".jar"), unknown.err());
        assertEquals("", unknown.out());
    }

    /** Started with {@code env}, the service ends at once with exit status 2 and {@code line} alone on stderr. */
    protected void assertOneLine(Map<String, String> env, String line) {
        ChildProcess.Finished refused = run(env);

        assertEquals(2, refused.exitValue(), "exit status with " + env);
        assertEquals(line + System.lineSeparator(), refused.err(), "stderr with " + env);
        assertEquals("", refused.out(), "stdout with " + env);
    }

    /** The jar run with {@code env} and {@code args} until it ends. */
    protected ChildProcess.Finished run(Map<String, String> env, String... args) {
        List<String> command = new ArrayList<>(List.of(ChildProcess.java(), "-jar", jar.toString()));
        command.addAll(List.of(args));
        return ChildProcess.run(command, env, dir, DEADLINE);
    }

    /** The jar this test runs. */
    protected Path jar() {
        return jar;
    }

    /** How long a run may take. */
    protected static Duration deadline() {
        return DEADLINE;
    }
}
