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
    /** Open connections per address; an address with none is absent. Changed only by {@code compute}. */
    private final Map<InetAddress, Integer> open = new ConcurrentHashMap<>();
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
        if (!take(client)) {
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

    /** Creating the endpoint failed after {@link #onAccepted}: Jetty then never calls {@link #onClosed}. */
    @Override
    public void onAcceptFailed(SelectableChannel channel, Throwable cause) {
        giveBack(channel);
    }

    @Override
    public void onClosed(SelectableChannel channel) {
        giveBack(channel);
    }

    /** Open connections of {@code client} (tests). */
    int openFrom(InetAddress client) {
        return open.getOrDefault(client, 0);
    }

    /** Counts one more connection of {@code client} unless it has {@code max} open: one atomic step. */
    private boolean take(InetAddress client) {
        boolean[] taken = {false};
        open.compute(client, (address, count) -> {
            int now = count == null ? 0 : count;
            if (now >= max) {
                return count;
            }
            taken[0] = true;
            return now + 1;
        });
        return taken[0];
    }

    /** Uncounts the channel's connection, once; the address's entry goes with its last one, atomically. */
    private void giveBack(SelectableChannel channel) {
        InetAddress client = counted.remove(channel);
        if (client != null) {
            open.computeIfPresent(client, (address, count) -> count <= 1 ? null : count - 1);
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
