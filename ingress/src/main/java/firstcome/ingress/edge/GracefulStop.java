package firstcome.ingress.edge;

import firstcome.ingress.api.ApiException;
import io.javalin.http.Context;
import java.time.Duration;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.handler.GracefulHandler;

/**
 * Where the ingress's graceful stop stands, for the routes (docs/scaling.md, "Graceful shutdown").
 * On SIGTERM readiness answers 503 at once while every route keeps serving for the drain, so that a
 * load balancer notices and stops sending before anything is refused; then new requests are refused
 * with the contract's 503 {@code UNAVAILABLE} and {@code Retry-After} (nothing counted: the gate is
 * never asked), and Jetty's graceful stop ({@link GracefulHandler}, the server's stop timeout) waits
 * for the requests in flight, applications included, to be answered before the server stops.
 */
public final class GracefulStop {

    private enum Phase { SERVING, DRAINING, REFUSING }

    private volatile Phase phase = Phase.SERVING;
    private volatile GracefulHandler inFlight;

    /**
     * Puts Jetty's request counter in front of every handler and gives the server {@code stopTimeout}
     * to wait for the requests in flight when it stops (call before it starts).
     */
    public void install(Server server, Duration stopTimeout) {
        GracefulHandler handler = new GracefulHandler(server.getHandler());
        server.setHandler(handler);
        server.setStopTimeout(stopTimeout.toMillis());
        inFlight = handler;
    }

    /** Readiness down; every route still serves. False if the stop had already begun. */
    public synchronized boolean drain() {
        if (phase != Phase.SERVING) {
            return false;
        }
        phase = Phase.DRAINING;
        return true;
    }

    /** From now on, new requests other than the probes and the metrics are refused. */
    public void refuse() {
        phase = Phase.REFUSING;
    }

    /** Whether the stop has begun: readiness answers 503. */
    public boolean stopping() {
        return phase != Phase.SERVING;
    }

    /** Requests Jetty is still answering, -1 when not installed. */
    public long inFlight() {
        GracefulHandler handler = inFlight;
        return handler == null ? -1 : handler.getCurrentRequestCount();
    }

    /** A before-handler: once refusing, every route but the probes and {@code /metrics} answers 503 with {@code Retry-After}. */
    public void check(Context ctx) {
        if (phase == Phase.REFUSING && !ctx.path().startsWith("/health") && !ctx.path().equals("/metrics")) {
            throw ApiException.unavailable("this ingress is stopping; nothing was counted, try again (another instance answers)");
        }
    }
}
