package firstcome.ingress;

import firstcome.contract.Json;
import firstcome.contract.query.ApplicationStatus;
import firstcome.contract.query.QueryRoutes;
import io.javalin.Javalin;

/**
 * Stands in for a streams-processor that has decided nothing yet, so the ingress's own ITs can
 * check what the ingress adds to a status look-up (PENDING from the gate). The real processor
 * answers in the end-to-end tests.
 */
final class UndecidedProcessor {

    private static Javalin server;

    private UndecidedProcessor() {
    }

    static synchronized String url() {
        if (server == null) {
            server = Javalin.create(cfg -> {
                cfg.startup.showJavalinBanner = false;
                cfg.jetty.port = 0;
                cfg.routes.get(QueryRoutes.STATUS, ctx -> ctx.status(404).contentType("application/json")
                        .result(Json.mapper().writeValueAsBytes(ApplicationStatus.notApplied())));
            }).start();
            Runtime.getRuntime().addShutdownHook(new Thread(server::stop));
        }
        return "http://localhost:" + server.port();
    }
}
