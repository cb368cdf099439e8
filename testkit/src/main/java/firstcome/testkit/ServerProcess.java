package firstcome.testkit;

import static org.awaitility.Awaitility.await;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A server the test JVM runs as a child process (redis-server, mariadbd): started in the
 * foreground so the JVM owns it, its output kept in a log file so a failure can show why.
 */
final class ServerProcess implements AutoCloseable {

    /** Where Debian, Homebrew and hand installs put server binaries, after the PATH. */
    private static final List<String> EXTRA_BIN_DIRS =
            List.of("/usr/sbin", "/usr/bin", "/usr/local/sbin", "/usr/local/bin", "/opt/homebrew/bin", "/opt/homebrew/sbin");

    private final String name;
    private final List<String> command;
    private final Path logFile;
    private Process process;

    ServerProcess(String name, List<String> command, Path logFile) {
        this.name = name;
        this.command = List.copyOf(command);
        this.logFile = logFile;
    }

    /** Starts the process and waits until {@code ready} answers true; fails early if the process exits. */
    synchronized void start(Duration timeout, Callable<Boolean> ready) {
        if (isRunning()) {
            return;
        }
        try {
            process = new ProcessBuilder(command)
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile.toFile()))
                    .start();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + name + ": " + String.join(" ", command), e);
        }
        Process started = process;
        try {
            await(name + " answering")
                    .atMost(timeout)
                    .pollDelay(Duration.ZERO)
                    .pollInterval(Duration.ofMillis(50))
                    .ignoreExceptions()
                    .failFast(name + " exited during start-up", () -> !started.isAlive())
                    .until(ready);
        } catch (RuntimeException e) {
            stop();
            throw new IllegalStateException(name + " did not start (" + e.getMessage() + "); its log:\n" + logTail(), e);
        }
    }

    synchronized boolean isRunning() {
        return process != null && process.isAlive();
    }

    /** SIGTERM first so the server shuts down cleanly (MariaDB flushes its data); SIGKILL if it hangs. */
    synchronized void stop() {
        if (process == null) {
            return;
        }
        process.destroy();
        try {
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
        process = null;
    }

    @Override
    public void close() {
        stop();
    }

    String logTail() {
        try {
            List<String> lines = Files.readAllLines(logFile, StandardCharsets.UTF_8);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 30), lines.size()));
        } catch (IOException e) {
            return "(no log at " + logFile + ")";
        }
    }

    /** Runs a one-shot command (an installer) to completion, failing with its output if it fails. */
    static void runToCompletion(List<String> command, Path logFile, Duration timeout) {
        try {
            Process p = new ProcessBuilder(command)
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile.toFile()))
                    .start();
            if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                p.destroyForcibly();
                throw new IllegalStateException(String.join(" ", command) + " did not finish within " + timeout);
            }
            if (p.exitValue() != 0) {
                throw new IllegalStateException(String.join(" ", command) + " failed with exit code " + p.exitValue()
                        + "; its output:\n" + Files.readString(logFile, StandardCharsets.UTF_8));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while running " + command.get(0), e);
        }
    }

    /**
     * Finds a server binary on the PATH or in the usual install directories, because Debian puts
     * mariadbd in /usr/sbin, which is often not on a normal user's PATH.
     */
    static Path locate(String executable) {
        String path = System.getenv().getOrDefault("PATH", "");
        List<String> dirs = new ArrayList<>(List.of(path.split(File.pathSeparator)));
        dirs.addAll(EXTRA_BIN_DIRS);
        return dirs.stream()
                .filter(dir -> !dir.isBlank())
                .map(dir -> Path.of(dir, executable))
                .filter(Files::isExecutable)
                .findFirst()
                .orElseThrow(() -> new IllegalStateException(executable + " not found on the PATH nor in "
                        + EXTRA_BIN_DIRS + ". Run `make deps` to install the servers the integration tests need"
                        + " (Debian/Ubuntu: apt-get install -y redis-server mariadb-server; macOS: brew install redis mariadb)."));
    }

    /**
     * A port nobody listens on right now. Another process could take it before the server binds it;
     * on a test machine that race is rare, and the server then fails loudly rather than silently.
     */
    static int freePort() {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            socket.setReuseAddress(true);
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException("no free port", e);
        }
    }

    /** Deletes a directory tree, deepest first; what cannot be deleted is left (it is under the temp dir). */
    static void deleteRecursively(Path root) {
        if (root == null || !Files.exists(root)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(root)) {
            paths.sorted((a, b) -> b.getNameCount() - a.getNameCount())
                    .forEach(p -> p.toFile().delete());
        } catch (IOException | UncheckedIOException e) {
            // A server may still be writing while the JVM exits; leftovers under the temp dir are harmless.
        }
    }
}
