package firstcome.ingress.edge;

import firstcome.ingress.api.Answer;
import firstcome.ingress.api.Outcome;
import io.javalin.http.Context;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/**
 * A token bucket per client address in front of every route but the health probes
 * ({@code /health}, {@code /health/live}, {@code /health/ready}) and {@code /metrics}: a client over its rate hears 429 RATE_LIMITED with {@code Retry-After}, before
 * anything is parsed, counted or sent on. Off unless {@link EdgeLimits#ratePerSecond()} is set.
 *
 * <p>Memory is bounded: a bucket that has filled up again is the same as no bucket, so once more
 * than {@link #MAX_CLIENTS} are tracked the full ones are dropped (at most once per second).
 */
public final class ClientRateLimit {

    static final int MAX_CLIENTS = 100_000;
    private static final long SWEEP_EVERY_NANOS = TimeUnit.SECONDS.toNanos(1);

    private final double tokensPerNano;
    private final double burst;
    private final boolean trustForwardedFor;
    private final LongSupplier nanoTime;
    private final int maxClients;
    private final Map<String, Bucket> buckets = new ConcurrentHashMap<>();
    private final AtomicLong lastSweep;

    ClientRateLimit(EdgeLimits limits, LongSupplier nanoTime, int maxClients) {
        this.tokensPerNano = limits.ratePerSecond() / 1e9;
        this.burst = limits.rateBurst();
        this.trustForwardedFor = limits.trustForwardedFor();
        this.nanoTime = nanoTime;
        this.maxClients = maxClients;
        this.lastSweep = new AtomicLong(nanoTime.getAsLong());
    }

    public static ClientRateLimit of(EdgeLimits limits) {
        return new ClientRateLimit(limits, System::nanoTime, MAX_CLIENTS);
    }

    /** A Javalin before-handler: answers 429 and skips the route when the client is over its rate. */
    public void check(Context ctx) {
        String path = ctx.path();
        if (path.equals("/health") || path.startsWith("/health/") || path.equals("/metrics")) {
            return;
        }
        long waitSeconds = take(client(ctx.req().getRemoteAddr(), ctx.header("X-Forwarded-For")));
        if (waitSeconds > 0) {
            ctx.header("Retry-After", Long.toString(waitSeconds));
            Answer.problem(429, Outcome.RATE_LIMITED, "too many requests from this client; retry after "
                    + waitSeconds + " s").writeTo(ctx);
            ctx.skipRemainingHandlers();
        }
    }

    /** Takes a token for the client: 0 when it had one, else the whole seconds until it will. */
    long take(String client) {
        long now = nanoTime.getAsLong();
        if (buckets.size() > maxClients) {
            forgetFullBuckets(now);
        }
        return buckets.computeIfAbsent(client, c -> new Bucket(burst, now)).take(now, tokensPerNano, burst);
    }

    /** The connection's address, or the one the trusted proxy appended last to X-Forwarded-For. */
    String client(String remoteAddress, String forwardedFor) {
        if (trustForwardedFor && forwardedFor != null) {
            String last = forwardedFor.substring(forwardedFor.lastIndexOf(',') + 1).strip();
            if (!last.isEmpty()) {
                return last;
            }
        }
        return remoteAddress;
    }

    int trackedClients() {
        return buckets.size();
    }

    private void forgetFullBuckets(long now) {
        long last = lastSweep.get();
        if (now - last < SWEEP_EVERY_NANOS || !lastSweep.compareAndSet(last, now)) {
            return;
        }
        buckets.values().removeIf(bucket -> bucket.fullAt(now, tokensPerNano, burst));
        if (buckets.size() > maxClients) {
            // Every tracked client is busy: forgetting them errs towards letting requests through.
            buckets.clear();
        }
    }

    private static final class Bucket {
        private double tokens;
        private long updatedAt;

        Bucket(double tokens, long now) {
            this.tokens = tokens;
            this.updatedAt = now;
        }

        synchronized long take(long now, double tokensPerNano, double burst) {
            tokens = Math.min(burst, tokens + (now - updatedAt) * tokensPerNano);
            updatedAt = now;
            if (tokens >= 1) {
                tokens -= 1;
                return 0;
            }
            return Math.max(1, (long) Math.ceil((1 - tokens) / tokensPerNano / 1e9));
        }

        synchronized boolean fullAt(long now, double tokensPerNano, double burst) {
            return tokens + (now - updatedAt) * tokensPerNano >= burst;
        }
    }
}
