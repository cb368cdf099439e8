package firstcome.bench;

import io.javalin.Javalin;

/**
 * The HTTP ceiling of {@code make bench}: a Javalin app whose apply route reads the body and
 * answers a fixed 202, in its own JVM with the services' heap size, measured with the same load
 * generator as the ingress. Whatever the ingress does beyond this costs the difference.
 */
public final class BareServer {

    private static final String ACCEPTED = "{\"outcome\":\"ACCEPTED\"}";

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
