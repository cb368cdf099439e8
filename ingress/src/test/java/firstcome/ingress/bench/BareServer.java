package firstcome.ingress.bench;

import io.javalin.Javalin;

/**
 * The benchmark's baseline: a Javalin app that answers the apply route's request with a fixed 202
 * and does nothing else. Same framework, same JSON size, no Redis, no Kafka. Never on the
 * service's runtime path (test scope).
 *
 * <p>{@code java -cp ... firstcome.ingress.bench.BareServer 18181}
 */
public final class BareServer {

    private static final String BODY = "{\"outcome\":\"ACCEPTED\",\"eventId\":\"bare\",\"userId\":\"u\",\"position\":1}";

    private BareServer() {
    }

    public static void main(String[] args) {
        int port = args.length > 0 ? Integer.parseInt(args[0]) : 18181;
        Javalin.create(cfg -> {
            cfg.startup.showJavalinBanner = false;
            cfg.jetty.port = port;
            cfg.routes.post("/events/{eventId}/applications", ctx -> {
                ctx.bodyAsBytes();
                ctx.status(202).contentType("application/json").result(BODY);
            });
            cfg.routes.get("/health", ctx -> ctx.contentType("application/json").result("{\"status\":\"UP\"}"));
        }).start();
    }
}
