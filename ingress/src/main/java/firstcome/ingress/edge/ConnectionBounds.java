package firstcome.ingress.edge;

import firstcome.ingress.RateLimitedLog;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.eclipse.jetty.http.HttpParser;
import org.eclipse.jetty.io.EndPoint;
import org.eclipse.jetty.server.AbstractConnector;
import org.eclipse.jetty.server.NetworkConnectionLimit;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.handler.EagerContentHandler;
import org.eclipse.jetty.server.internal.HttpConnection;
import org.eclipse.jetty.util.component.LifeCycle;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What a slow or greedy client may cost the ingress, bounded at the connection:
 * <ul>
 * <li>Jetty's {@link EagerContentHandler} reads a request's body without a thread (asynchronously,
 * up to {@link #EAGER_BODY_BYTES}) before the request reaches the routes, so a client that trickles
 * its body parks no request thread, however slow it is.</li>
 * <li>Jetty's {@link NetworkConnectionLimit} caps the open connections, {@link ClientConnectionLimit}
 * those of one client address, and the connector's idle timeout closes a silent connection.</li>
 * <li>A sweep holds each request to a minimum data rate from its first byte: headers and body
 * must arrive at {@code minRequestBytesPerSecond} on average (after a short grace) and whole within
 * {@code requestReadTimeout}. Bytes that arrive do not reset anything, so one byte every few
 * seconds (slowloris) is cut within about a second. Jetty 12.1 does not enforce
 * {@code HttpConfiguration#setMinRequestDataRate} on HTTP/1, and its {@code MinimumDataRateHandler}
 * measures the server's bytes as a whole, only when a handler asks for more: neither bounds
 * headers, nor a client that sends nothing more.</li>
 * </ul>
 * A request that has arrived whole is never cut, however long the answer takes.
 */
public final class ConnectionBounds implements LifeCycle.Listener {

    /** Bodies up to this size are read before the routes see the request; the routes refuse over 4 KiB (413). */
    static final int EAGER_BODY_BYTES = 8192;
    /** How long a request may start slowly before its data rate counts (a first packet lost and resent). */
    static final Duration GRACE = Duration.ofSeconds(1);

    private static final Logger log = LoggerFactory.getLogger(ConnectionBounds.class);
    private static final RateLimitedLog cutLog = new RateLimitedLog(log, Duration.ofSeconds(30));

    private final Server server;
    private final EdgeLimits limits;
    private final long graceNanos;
    /** Connection bytes counted when each connection was last seen between requests; only the sweeping thread uses it. */
    private Map<EndPoint, Long> bytesBefore = new HashMap<>();
    private ScheduledExecutorService timer;

    /** {@code server} is only read by the sweep. */
    ConnectionBounds(Server server, EdgeLimits limits) {
        this.server = server;
        this.limits = limits;
        this.graceNanos = Math.min(GRACE.toNanos(), limits.requestReadTimeout().toNanos());
    }

    /** Applies the bounds to the server (call before it starts: the routes go inside the body reader). */
    public static void install(Server server, EdgeLimits limits) {
        server.setHandler(new EagerContentHandler(
                new EagerContentHandler.RetainedContentLoaderFactory(EAGER_BODY_BYTES, -1, false)));
        server.addBean(new NetworkConnectionLimit(limits.maxConnections(), server));
        server.addEventListener(new ConnectionBounds(server, limits));
    }

    @Override
    public void lifeCycleStarting(LifeCycle event) {
        for (var connector : server.getConnectors()) {
            if (connector instanceof AbstractConnector jetty) {
                jetty.setIdleTimeout(limits.idleTimeout().toMillis());
                jetty.addBean(new ClientConnectionLimit(limits.maxConnectionsPerClient()));
            }
        }
    }

    @Override
    public void lifeCycleStarted(LifeCycle event) {
        long period = Math.max(TimeUnit.MILLISECONDS.toNanos(50), Math.min(graceNanos, limits.requestReadTimeout().toNanos()) / 4);
        timer = Executors.newSingleThreadScheduledExecutor(task -> {
            Thread thread = new Thread(task, "ingress-request-deadline");
            thread.setDaemon(true);
            return thread;
        });
        timer.scheduleWithFixedDelay(this::sweepQuietly, period, period, TimeUnit.NANOSECONDS);
    }

    @Override
    public void lifeCycleStopping(LifeCycle event) {
        if (timer != null) {
            timer.shutdownNow();
        }
    }

    private void sweepQuietly() {
        try {
            sweep(System.nanoTime());
        } catch (RuntimeException e) {
            log.warn("the request-deadline sweep failed", e);
        }
    }

    void sweep(long now) {
        Map<EndPoint, Long> next = new HashMap<>();
        for (var connector : server.getConnectors()) {
            if (!(connector instanceof AbstractConnector jetty)) {
                continue;
            }
            for (EndPoint endPoint : jetty.getConnectedEndPoints()) {
                if (!(endPoint.getConnection() instanceof HttpConnection connection)) {
                    continue;
                }
                long bytes = connection.getBytesIn();
                OptionalLong begin = midRequestBegin(connection.getParser());
                if (begin.isEmpty()) {
                    next.put(endPoint, bytes);
                    continue;
                }
                // Mid-request: since its first byte, has it come fast enough?
                String tooSlow = tooSlow(now - begin.getAsLong(), bytes - bytesBefore.getOrDefault(endPoint, 0L));
                if (tooSlow != null) {
                    cutLog.warn("closed a connection from {}: {}", endPoint.getRemoteSocketAddress(), tooSlow);
                    endPoint.close(new TimeoutException(tooSlow));
                    continue;
                }
                next.put(endPoint, bytesBefore.getOrDefault(endPoint, 0L));
            }
        }
        bytesBefore = next;
    }

    /**
     * When the request the parser is in the middle of began (its first byte), or none when it is
     * between requests. The parser is the connection's own thread's, read here without a lock: a
     * request that ends meanwhile resets it (its begin to 0, its state to the start) between two of
     * these reads, and a begin of 0 taken for a request's would make it as old as the clock's origin:
     * a healthy keep-alive connection cut at once, as a benchmark saw twice in one run. So the begin is
     * read before and after the state, and a 0 or a change in between counts as between requests (the
     * next sweep looks again); none, rather than a 0, so that no caller can take it for a time.
     */
    static OptionalLong midRequestBegin(HttpParser parser) {
        long begin = parser.getBeginNanoTime();
        if (begin == 0 || parser.isStart() || parser.isComplete() || parser.isClosed()) {
            return OptionalLong.empty();
        }
        return parser.getBeginNanoTime() == begin ? OptionalLong.of(begin) : OptionalLong.empty();
    }

    /** Why a request {@code elapsed} ns after its first byte, with {@code bytes} received, is too slow; null if it is not. */
    String tooSlow(long elapsedNanos, long bytes) {
        if (elapsedNanos >= limits.requestReadTimeout().toNanos()) {
            return "one request took over " + limits.requestReadTimeout().toMillis() + " ms to arrive";
        }
        if (elapsedNanos >= graceNanos && bytes * 1_000_000_000L < limits.minRequestBytesPerSecond() * elapsedNanos) {
            return "its request arrived at under " + limits.minRequestBytesPerSecond() + " bytes per second";
        }
        return null;
    }
}
