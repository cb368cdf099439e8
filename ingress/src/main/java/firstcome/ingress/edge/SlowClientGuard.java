package firstcome.ingress.edge;

import firstcome.ingress.RateLimitedLog;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.eclipse.jetty.io.Connection;
import org.eclipse.jetty.io.EndPoint;
import org.eclipse.jetty.server.AbstractConnector;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.util.component.LifeCycle;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps slow clients from holding the ingress's connections and threads. Jetty's idle timeout
 * closes a connection that sends nothing; it never closes one that trickles a byte now and then
 * (slowloris), and a body read blocks a request thread for as long as the client keeps it coming.
 * So a sweep also closes every connection that has been receiving bytes for
 * {@code requestReadTimeout} without completing a request's headers, or whose body takes that long.
 */
public final class SlowClientGuard implements LifeCycle.Listener {

    private static final Logger log = LoggerFactory.getLogger(SlowClientGuard.class);
    private static final RateLimitedLog cutLog = new RateLimitedLog(log, Duration.ofSeconds(30));

    private final Server server;
    private final Duration idleTimeout;
    private final long readTimeoutNanos;
    /** Only the sweeping thread reads and replaces it. */
    private Map<EndPoint, Reading> readings = new HashMap<>();
    private ScheduledExecutorService timer;

    private SlowClientGuard(Server server, EdgeLimits limits) {
        this.server = server;
        this.idleTimeout = limits.idleTimeout();
        this.readTimeoutNanos = limits.requestReadTimeout().toNanos();
    }

    /** Applies the limits to the server's connectors when it starts, and sweeps while it runs. */
    public static void install(Server server, EdgeLimits limits) {
        server.addEventListener(new SlowClientGuard(server, limits));
    }

    @Override
    public void lifeCycleStarting(LifeCycle event) {
        for (var connector : server.getConnectors()) {
            if (connector instanceof AbstractConnector jetty) {
                jetty.setIdleTimeout(idleTimeout.toMillis());
            }
        }
    }

    @Override
    public void lifeCycleStarted(LifeCycle event) {
        long period = Math.max(TimeUnit.MILLISECONDS.toNanos(50), readTimeoutNanos / 4);
        timer = Executors.newSingleThreadScheduledExecutor(task -> {
            Thread thread = new Thread(task, "ingress-slow-client-guard");
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
            log.warn("the slow-client sweep failed", e);
        }
    }

    /**
     * A connection is "reading" while bytes keep arriving and no new request's headers complete;
     * bytes that stop mean idle (Jetty's idle timeout) or waiting for our answer (fine).
     */
    void sweep(long now) {
        Map<EndPoint, Reading> next = new HashMap<>();
        for (var connector : server.getConnectors()) {
            if (!(connector instanceof AbstractConnector jetty)) {
                continue;
            }
            for (EndPoint endPoint : jetty.getConnectedEndPoints()) {
                Connection connection = endPoint.getConnection();
                if (connection == null) {
                    continue;
                }
                Reading before = readings.get(endPoint);
                Reading current = Reading.of(connection, before, now);
                if (current.since() >= 0 && now - current.since() >= readTimeoutNanos) {
                    cutLog.warn("closed a connection from {} that took over {} ms to send one request",
                            endPoint.getRemoteSocketAddress(), TimeUnit.NANOSECONDS.toMillis(readTimeoutNanos));
                    endPoint.close(new TimeoutException("request not received within the read timeout"));
                    continue;
                }
                next.put(endPoint, current);
            }
        }
        readings = next;
    }

    /** Bytes and requests seen on a connection, and since when it has been sending without finishing one (-1: not). */
    private record Reading(long bytesIn, long requestsIn, long since, long seenAt) {

        static Reading of(Connection connection, Reading before, long now) {
            long bytes = connection.getBytesIn();
            long requests = connection.getMessagesIn();
            if (before == null || requests != before.requestsIn || bytes == before.bytesIn) {
                return new Reading(bytes, requests, -1, now);
            }
            // Bytes came in since the last look, and no request's headers completed: still reading one.
            return new Reading(bytes, requests, before.since >= 0 ? before.since : before.seenAt, now);
        }
    }
}
