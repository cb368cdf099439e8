package firstcome.bench;

import io.javalin.Javalin;

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
