package firstcome.stackkit;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A server this JVM runs as a child process (redis-server, mariadbd, a Kafka broker, a firstcome
 * service jar): started in the foreground so this JVM can always end it, its output appended to a
 * log file so a failure can show why, and stopped either cleanly (SIGTERM) or as a crash would
 * (SIGKILL). What "ready" means differs per server, so waiting for it is the caller's.
 */
public final class ChildProcess {

    /** Where Debian, Homebrew and hand installs put server binaries, after the PATH. */
    private static final List<String> EXTRA_BIN_DIRS =
            List.of("/usr/sbin", "/usr/bin", "/usr/local/sbin", "/usr/local/bin", "/opt/homebrew/bin", "/opt/homebrew/sbin");
    private static final int LOG_TAIL_LINES = 30;

    private final String name;
    private final List<String> command;
    private final Map<String, String> env;
    private final Path log;
    private Process process;

    /** {@code env} is added to this JVM's environment. */
    public ChildProcess(String name, List<String> command, Map<String, String> env, Path log) {
        this.name = name;
        this.command = List.copyOf(command);
        this.env = Map.copyOf(env);
        this.log = log;
    }

    public ChildProcess(String name, List<String> command, Path log) {
        this(name, command, Map.of(), log);
    }

    public String name() {
        return name;
    }

    public Path log() {
        return log;
    }

    /** Starts it unless it runs already. */
    public synchronized ChildProcess start() {
        if (alive()) {
            return this;
        }
        try {
            Files.createDirectories(log.toAbsolutePath().getParent());
            var builder = new ProcessBuilder(command)
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
            builder.environment().putAll(env);
            process = builder.start();
            return this;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + name + ": " + String.join(" ", command), e);
        }
    }

    public synchronized boolean alive() {
        return process != null && process.isAlive();
    }

    /** The running (or last) process's id, -1 before the first start. */
    public synchronized long pid() {
        return process == null ? -1 : process.pid();
    }

    /** The exit code of the process that ended; fails while it runs or before it started. */
    public synchronized int exitValue() {
        if (process == null) {
            throw new IllegalStateException(name + " was never started");
        }
        return process.exitValue();
    }

    /** {@code kill -9}: no shutdown hook, no flush, no goodbye to the broker. Waits up to 10 s for it to end. */
    public synchronized void kill() {
        if (process != null) {
            process.destroyForcibly();
            waitFor(Duration.ofSeconds(10));
        }
    }

    /** SIGTERM first, so the server shuts down cleanly (MariaDB flushes its data); SIGKILL if it has not ended within {@code grace}. */
    public synchronized void stop(Duration grace) {
        if (process == null || !process.isAlive()) {
            return;
        }
        process.destroy();
        if (!waitFor(grace)) {
            kill();
        }
    }

    /** {@code kill -STOP}: the process stays, holds its connections and answers nothing until {@link #resume}. */
    public synchronized void pause() {
        signal("STOP");
    }

    /** {@code kill -CONT}: a paused process carries on where it stopped. */
    public synchronized void resume() {
        signal("CONT");
    }

    private void signal(String signal) {
        if (process == null || !process.isAlive()) {
            throw new IllegalStateException(name + " is not running");
        }
        try {
            Process kill = new ProcessBuilder("kill", "-" + signal, Long.toString(process.pid())).inheritIO().start();
            if (!kill.waitFor(10, TimeUnit.SECONDS) || kill.exitValue() != 0) {
                throw new IllegalStateException("kill -" + signal + " " + process.pid() + " (" + name + ") failed");
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot run kill -" + signal, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while signalling " + name, e);
        }
    }

    private boolean waitFor(Duration timeout) {
        try {
            return process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** The last lines of its log, for a failure message. */
    public String logTail() {
        try {
            List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - LOG_TAIL_LINES), lines.size()));
        } catch (IOException e) {
            return "(no log at " + log + ")";
        }
    }

    /** Runs a one-shot command (an installer, a storage format) to completion, failing with its output if it fails. */
    public static void runToCompletion(List<String> command, Path log, Duration timeout) {
        try {
            Files.createDirectories(log.toAbsolutePath().getParent());
            Process p = new ProcessBuilder(command)
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
                    .start();
            if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                p.destroyForcibly();
                throw new IllegalStateException(String.join(" ", command) + " did not finish within " + timeout + "; see " + log);
            }
            if (p.exitValue() != 0) {
                throw new IllegalStateException(String.join(" ", command) + " failed with exit code " + p.exitValue()
                        + "; its output:\n" + Files.readString(log, StandardCharsets.UTF_8));
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot run " + command.get(0), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while running " + command.get(0), e);
        }
    }

    /** What a one-shot command left: its exit status and what it wrote on stdout and on stderr, each as it was. */
    public record Finished(int exitValue, String out, String err) {
    }

    /**
     * Runs a one-shot command (a service jar with {@code --help}, with a setting it refuses) to
     * completion with {@code env} added to this JVM's environment, its stdout and stderr kept apart
     * in files under {@code dir}; fails if it still runs after {@code timeout}.
     */
    public static Finished run(List<String> command, Map<String, String> env, Path dir, Duration timeout) {
        try {
            Files.createDirectories(dir);
            Path out = Files.createTempFile(dir, "out-", ".txt");
            Path err = Files.createTempFile(dir, "err-", ".txt");
            var builder = new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile());
            builder.environment().putAll(env);
            Process p = builder.start();
            if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                p.destroyForcibly();
                throw new IllegalStateException(String.join(" ", command) + " did not finish within " + timeout + "; see " + out);
            }
            return new Finished(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8), Files.readString(err, StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot run " + command.get(0), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while running " + command.get(0), e);
        }
    }

    /**
     * Finds a server binary on the PATH or in the usual install directories, because Debian puts
     * mariadbd in /usr/sbin, which is often not on a normal user's PATH.
     */
    public static Path locate(String executable) {
        List<String> dirs = new ArrayList<>(List.of(System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)));
        dirs.addAll(EXTRA_BIN_DIRS);
        return dirs.stream()
                .filter(dir -> !dir.isBlank())
                .map(dir -> Path.of(dir, executable))
                .filter(Files::isExecutable)
                .findFirst()
                .orElseThrow(() -> new IllegalStateException(executable + " not found on the PATH nor in "
                        + EXTRA_BIN_DIRS + ". Run `make deps` to install the servers the tests and tools need"
                        + " (Debian/Ubuntu: apt-get install -y redis-server mariadb-server; macOS: brew install redis mariadb)."));
    }

    /** The {@code java} of the running JVM, for child JVMs (a service jar, the broker). */
    public static String java() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }
}
