package firstcome.ingress;

import firstcome.contract.Json;
import firstcome.contract.query.ApplicationStatus;
import firstcome.contract.query.CouponHolders;
import firstcome.contract.query.QueryRoutes;
import io.javalin.Javalin;
import java.util.List;

/**
 * Stands in for a streams-processor that has decided nothing yet, so the ingress's own ITs can
 * check what the ingress adds to a status look-up (PENDING from the gate) and rebuild a lost event
 * (no holders). The real processor
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
                // Nobody holds a coupon yet: what a rebuild after a Redis data loss hears.
                cfg.routes.get(QueryRoutes.HOLDERS, ctx -> ctx.contentType("application/json")
                        .result(Json.mapper().writeValueAsBytes(new CouponHolders(ctx.pathParam("eventId"), List.of()))));
            }).start();
            Runtime.getRuntime().addShutdownHook(new Thread(server::stop));
        }
        return "http://localhost:" + server.port();
    }
}
