package firstcome.ingress.edge;

import firstcome.ingress.RateLimitedLog;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.channels.SelectableChannel;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.eclipse.jetty.io.SelectorManager;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * At most {@code max} open connections per client address: one more is closed as soon as it is
 * accepted, before it costs a parser or a buffer. Jetty's own {@code NetworkConnectionLimit} caps
 * the total; it has no per-address cap, which is what keeps one host from taking that total.
 */
final class ClientConnectionLimit implements SelectorManager.AcceptListener {

    private static final Logger log = LoggerFactory.getLogger(ClientConnectionLimit.class);
    private static final RateLimitedLog refusedLog = new RateLimitedLog(log, Duration.ofSeconds(30));

    private final int max;
    private final Map<InetAddress, AtomicInteger> open = new ConcurrentHashMap<>();
    /** The address each counted connection was counted under (a refused one is never in here). */
    private final Map<SelectableChannel, InetAddress> counted = new ConcurrentHashMap<>();

    ClientConnectionLimit(int max) {
        this.max = max;
    }

    @Override
    public void onAccepted(SelectableChannel channel) {
        InetAddress client = clientOf(channel);
        if (client == null) {
            return;
        }
        AtomicInteger count = open.computeIfAbsent(client, address -> new AtomicInteger());
        if (count.incrementAndGet() > max) {
            release(client, count);
            refusedLog.warn("refused a connection from {}: it already has {} open", client, max);
            try {
                channel.close();
            } catch (IOException ignored) {
                // Closing is all we wanted.
            }
            return;
        }
        counted.put(channel, client);
    }

    @Override
    public void onClosed(SelectableChannel channel) {
        InetAddress client = counted.remove(channel);
        if (client != null) {
            AtomicInteger count = open.get(client);
            if (count != null) {
                release(client, count);
            }
        }
    }

    /** Open connections of {@code client} (tests). */
    int openFrom(InetAddress client) {
        AtomicInteger count = open.get(client);
        return count == null ? 0 : count.get();
    }

    private void release(InetAddress client, AtomicInteger count) {
        if (count.decrementAndGet() <= 0) {
            open.remove(client, count);
        }
    }

    private static InetAddress clientOf(SelectableChannel channel) {
        try {
            return channel instanceof SocketChannel socket && socket.getRemoteAddress() instanceof InetSocketAddress address
                    ? address.getAddress()
                    : null;
        } catch (IOException e) {
            return null;
        }
    }
}
