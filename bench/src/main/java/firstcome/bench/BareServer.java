package firstcome.bench;

import firstcome.stackkit.ChildProcess;
import io.javalin.Javalin;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The HTTP ceiling of {@code make bench} and of the wrk benchmarks ({@code bench/apply-bench.sh}): a
 * Javalin app whose apply route reads the body and answers a fixed 202 shaped like the ingress's
 * (outcome, event, user, position), in its own JVM with the services' heap size, measured with the
 * same load generator as the ingress. Whatever the ingress does beyond this costs the difference.
 *
 * <p>Usage: {@code java -cp bench.jar firstcome.bench.BareServer <port>}
 */
public final class BareServer {

    private static final String ACCEPTED = "{\"outcome\":\"ACCEPTED\",\"eventId\":\"bare\",\"userId\":\"u\",\"position\":1}";

    private BareServer() {
    }

    /**
     * Starts one in a JVM of its own with {@code jvmOptions} (the heap and JIT flags), its output in
     * {@code log}, and returns once its {@code /health} answers (at most 30 s); fails at once when the
     * JVM exits first. A failure or an interrupt stops the JVM before it is thrown.
     */
    static ChildProcess launch(List<String> jvmOptions, int port, String benchJar, Path log) throws Exception {
        Files.deleteIfExists(log); // this run's output only
        List<String> command = new ArrayList<>(List.of(ChildProcess.java()));
        command.addAll(jvmOptions);
        command.addAll(List.of("-cp", benchJar, BareServer.class.getName(), Integer.toString(port)));
        ChildProcess p = new ChildProcess("bare server", command, log).start();
        try {
            awaitHealthy(p, port, log);
            return p;
        } catch (Exception | Error e) {
            p.stop(Duration.ofSeconds(10));
            throw e;
        }
    }

    private static void awaitHealthy(ChildProcess p, int port, Path log) throws Exception {
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(2)).build();
        HttpRequest health = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/health"))
                .timeout(Duration.ofSeconds(2)).build();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (System.nanoTime() < deadline) {
            if (!p.alive()) {
                throw new IllegalStateException("the bare server exited at its start (" + log + ")");
            }
            try {
                if (http.send(health, HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
                    return;
                }
            } catch (IOException e) {
                // not listening yet
            }
            TimeUnit.MILLISECONDS.sleep(200); // polling for the port, with a deadline
        }
        throw new IllegalStateException("the bare server did not answer within 30 s (" + log + ")");
    }

    public static void main(String[] args) {
        int port = Integer.parseInt(args[0]);
        Javalin app = Javalin.create(config -> {
            config.startup.showJavalinBanner = false;
            config.routes.post("/events/{eventId}/applications", ctx -> {
                ctx.body();
                ctx.status(202).contentType("application/json").result(ACCEPTED);
            });
            config.routes.get("/health", ctx -> ctx.result("{\"status\":\"UP\"}"));
        });
        Runtime.getRuntime().addShutdownHook(new Thread(app::stop));
        app.start("127.0.0.1", port);
    }
}
