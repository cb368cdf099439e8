package firstcome.ingress.edge;

import firstcome.ingress.IngressConfig;
import java.time.Duration;

/**
 * How much one client may ask of the ingress: a request rate per client address, the size of a
 * request's headers, and how long a connection may sit idle or take to deliver one request. Part of
 * {@link IngressConfig}; the environment names and defaults are in {@code ingress/README.md}.
 *
 * @param ratePerSecond      requests per second per client address; 0 = no limit (the default)
 * @param rateBurst          requests a client may make at once before the rate applies
 * @param trustForwardedFor  key clients by the last address of {@code X-Forwarded-For} (only behind a
 *                           proxy that appends it); otherwise the connection's address
 * @param maxHeaderBytes     request line plus headers; larger is refused with 431
 * @param idleTimeout        a connection with nothing to read or write for this long is closed
 * @param requestReadTimeout a request (headers, then body) must arrive whole within this of its first
 *                           byte, or its connection is closed
 * @param minRequestBytesPerSecond a request arriving slower than this on average since its first byte
 *                           (after a one-second grace) has its connection closed: the slowloris pattern
 * @param maxConnectionsPerClient open connections one client address may hold; more are closed at once
 * @param maxConnections     open connections in all; past it Jetty stops accepting until some close
 */
public record EdgeLimits(
        int ratePerSecond,
        int rateBurst,
        boolean trustForwardedFor,
        int maxHeaderBytes,
        Duration idleTimeout,
        Duration requestReadTimeout,
        int minRequestBytesPerSecond,
        int maxConnectionsPerClient,
        int maxConnections) {

    /**
     * No rate limit; Jetty's usual 8 KiB of headers; 30 s idle; 10 s to deliver a request, at 100 bytes
     * per second at least; 64 connections per client address (a browser opens 6), 20,000 in all.
     */
    public static final EdgeLimits DEFAULT = new EdgeLimits(0, 0, false, 8192, Duration.ofSeconds(30), Duration.ofSeconds(10),
            100, 64, 20_000);

    /** The default connection bounds with these request bounds. */
    public EdgeLimits(int ratePerSecond, int rateBurst, boolean trustForwardedFor, int maxHeaderBytes, Duration idleTimeout,
            Duration requestReadTimeout) {
        this(ratePerSecond, rateBurst, trustForwardedFor, maxHeaderBytes, idleTimeout, requestReadTimeout,
                DEFAULT.minRequestBytesPerSecond, DEFAULT.maxConnectionsPerClient, DEFAULT.maxConnections);
    }

    public EdgeLimits {
        if (ratePerSecond < 0) {
            throw new IllegalArgumentException("INGRESS_RATE_LIMIT_PER_SECOND must be 0 (off) or more, was " + ratePerSecond);
        }
        if (rateBurst < 0) {
            throw new IllegalArgumentException("INGRESS_RATE_LIMIT_BURST must be 0 (= twice the rate) or more, was " + rateBurst);
        }
        if (ratePerSecond > 0 && rateBurst == 0) {
            rateBurst = 2 * ratePerSecond;
        }
        if (maxHeaderBytes < 1024) {
            throw new IllegalArgumentException("INGRESS_MAX_HEADER_BYTES must be at least 1024, was " + maxHeaderBytes);
        }
        if (idleTimeout.toMillis() < 100) {
            throw new IllegalArgumentException("INGRESS_IDLE_TIMEOUT_MS must be at least 100, was " + idleTimeout.toMillis());
        }
        if (requestReadTimeout.toMillis() < 100) {
            throw new IllegalArgumentException("INGRESS_REQUEST_READ_TIMEOUT_MS must be at least 100, was "
                    + requestReadTimeout.toMillis());
        }
        requireAtLeast("INGRESS_MIN_REQUEST_BYTES_PER_SECOND", 0, minRequestBytesPerSecond);
        requireAtLeast("INGRESS_MAX_CONNECTIONS_PER_CLIENT", 1, maxConnectionsPerClient);
        requireAtLeast("INGRESS_MAX_CONNECTIONS", 1, maxConnections);
    }

    private static void requireAtLeast(String name, int min, int value) {
        if (value < min) {
            throw new IllegalArgumentException(name + " must be at least " + min + ", was " + value);
        }
    }

    public boolean rateLimited() {
        return ratePerSecond > 0;
    }

    @Override
    public String toString() {
        return "rateLimit=" + (rateLimited() ? ratePerSecond + "/s burst " + rateBurst + (trustForwardedFor ? " by X-Forwarded-For" : "") : "off")
                + ", maxHeaderBytes=" + maxHeaderBytes
                + ", idleTimeout=" + idleTimeout.toMillis() + "ms"
                + ", requestReadTimeout=" + requestReadTimeout.toMillis() + "ms"
                + ", minRequestBytesPerSecond=" + minRequestBytesPerSecond
                + ", maxConnectionsPerClient=" + maxConnectionsPerClient
                + ", maxConnections=" + maxConnections;
    }
}
