package firstcome.stackkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;

/** Ports for servers started on this machine, so runs never clash with each other or with {@code make up}. */
public final class FreePorts {

    private FreePorts() {
    }

    /**
     * A loopback port nobody listens on right now. Another process could take it before the server
     * binds it; on a test machine that race is rare, and the server then fails loudly rather than silently.
     */
    public static int next() {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException("no free port", e);
        }
    }
}
