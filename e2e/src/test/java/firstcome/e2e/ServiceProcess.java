package firstcome.e2e;

import static org.awaitility.Awaitility.await;

import firstcome.stackkit.ChildProcess;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * One firstcome service run from its jar as a child process ({@link ChildProcess}), the way
 * {@code make up} runs it, with its output in a log file. Ready once its {@code /health} answers 200.
 */
final class ServiceProcess implements AutoCloseable {

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();

    private final String name;
    private final Path jar;
    private final int port;
    private final Path log;
    private final ChildProcess process;
    /** Where the log stood when it was last started: the log is appended to across starts and runs. */
    private long logOffset;

    ServiceProcess(String name, Map<String, String> env, int port) {
        this(name, name, env, port);
    }

    /** The service {@code name} logging to {@code logName}.log: a second one of a kind beside a pipeline's. */
    ServiceProcess(String name, String logName, Map<String, String> env, int port) {
        this.name = name;
        this.jar = Path.of(System.getProperty("firstcome.jar." + name, name + ".jar"));
        this.port = port;
        this.log = Path.of(System.getProperty("firstcome.logs", "target/service-logs")).resolve(logName + ".log");
        this.process = new ChildProcess(name, List.of(ChildProcess.java(), "-Xmx384m", "-jar", jar.toString()), env, log);
    }

    ServiceProcess start() {
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException(name + ": " + jar + " not found; run `mvn package` first");
        }
        try {
            logOffset = Files.exists(log) ? Files.size(log) : 0;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        process.start();
        return this;
    }

    void awaitHealthy(Duration deadline) {
        await(name + " healthy (log: " + log + ")").atMost(deadline).pollInterval(Duration.ofMillis(250))
                .until(() -> {
                    if (!process.alive()) {
                        throw new IllegalStateException(name + " exited with " + process.exitValue() + "; see " + log);
                    }
                    return healthStatus() == 200;
                });
    }

    int healthStatus() {
        try {
            return HTTP.send(HttpRequest.newBuilder(URI.create(url() + "/health")).timeout(Duration.ofSeconds(2)).build(),
                    HttpResponse.BodyHandlers.discarding()).statusCode();
        } catch (IOException e) {
            return -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
    }

    /** Waits until it has ended by itself and returns its exit status; fails if it still runs after {@code deadline}. */
    int awaitExit(Duration deadline) {
        await(name + " exits (log: " + log + ")").atMost(deadline).pollInterval(Duration.ofMillis(100)).until(() -> !process.alive());
        return process.exitValue();
    }

    /** What it wrote, standard output and error, since it was last started. */
    List<String> output() throws IOException {
        byte[] all = Files.readAllBytes(log);
        return new String(all, (int) logOffset, all.length - (int) logOffset, StandardCharsets.UTF_8).lines().toList();
    }

    String url() {
        return "http://localhost:" + port;
    }

    int port() {
        return port;
    }

    /** Whether it runs: false once it has exited, by a signal or by itself. */
    boolean alive() {
        return process.alive();
    }

    /** The process id, for {@code jcmd}. */
    long pid() {
        return process.pid();
    }

    /** Starts it again after a {@link #kill()} (same jar, same settings) and waits until it is healthy. */
    void restart(Duration deadline) {
        start();
        awaitHealthy(deadline);
    }

    /** Stops it abruptly, as a crash or {@code kill -9} would. */
    void kill() {
        process.kill();
    }

    /**
     * SIGTERM, as a supervisor stops it, and waits for the exit; SIGKILL if it has not ended within
     * {@code deadline}. Returns its exit status (137 after the SIGKILL).
     */
    int terminate(Duration deadline) {
        process.stop(deadline);
        return process.exitValue();
    }

    /** SIGTERM, then SIGKILL if it has not ended within 20 s. */
    @Override
    public void close() {
        process.stop(Duration.ofSeconds(20));
    }
}
