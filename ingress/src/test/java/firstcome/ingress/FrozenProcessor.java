package firstcome.ingress;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;

/**
 * Stands in for a streams-processor stopped with SIGSTOP: the kernel still completes every TCP
 * handshake (up to the backlog), but nothing ever reads a request or answers it.
 */
public final class FrozenProcessor implements AutoCloseable {

    private final ServerSocket socket;

    public FrozenProcessor() {
        try {
            socket = new ServerSocket(0, 4096, InetAddress.getLoopbackAddress());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public String url() {
        return "http://127.0.0.1:" + socket.getLocalPort();
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
