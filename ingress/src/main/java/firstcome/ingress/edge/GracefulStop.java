package firstcome.ingress.edge;

import firstcome.ingress.api.ApiException;
import io.javalin.http.Context;
import java.time.Duration;
import org.eclipse.jetty.server.Handler;
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
    private volatile Server server;
    private volatile Duration stopTimeout = Duration.ZERO;

    /**
     * Puts Jetty's request counter in front of the routes; once refusing, the server's stop waits up to
     * {@code stopTimeout} for the requests in flight (call before it starts, after {@link ConnectionBounds}).
     * A server stopped otherwise (a test's) stops at once, as without it.
     * Inside the body reader: a request counts once its body has arrived, so a client trickling one
     * cannot hold the stop up (the connector's close ends it).
     */
    public void install(Server server, Duration stopTimeout) {
        GracefulHandler handler = new GracefulHandler();
        if (server.getHandler() instanceof Handler.Wrapper bodies) {
            handler.setHandler(bodies.getHandler());
            bodies.setHandler(handler);
        } else {
            handler.setHandler(server.getHandler());
            server.setHandler(handler);
        }
        this.server = server;
        this.stopTimeout = stopTimeout;
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

    /** From now on, new requests other than the probes and the metrics are refused, and the server's stop is graceful. */
    public void refuse() {
        phase = Phase.REFUSING;
        Server installed = server;
        if (installed != null) {
            installed.setStopTimeout(stopTimeout.toMillis());
        }
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
