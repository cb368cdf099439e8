package firstcome.bench;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Hostile slow clients for bench/edge-bench.sh: {@code connections} sockets, spread over
 * {@code addresses} loopback source addresses (127.0.0.2, 127.0.0.3, ...), each sending an
 * application's headers and then one body byte every {@code everyMillis}; a socket the ingress
 * closes is opened again at once, so as many stay open as the ingress allows.
 *
 * <pre>java -cp bench.jar firstcome.bench.SlowClients host port connections addresses everyMillis</pre>
 */
public final class SlowClients {

    private static final AtomicLong reopened = new AtomicLong();

    public static void main(String[] args) throws Exception {
        String host = args[0];
        int port = Integer.parseInt(args[1]);
        int connections = Integer.parseInt(args[2]);
        int addresses = Integer.parseInt(args[3]);
        long everyMillis = Long.parseLong(args[4]);
        ScheduledExecutorService ticks = Executors.newScheduledThreadPool(4);
        for (int i = 0; i < connections; i++) {
            InetAddress from = InetAddress.getByName("127.0.0." + (2 + i % addresses));
            var slot = new Slot(host, port, from);
            ticks.scheduleWithFixedDelay(slot::tick, i % everyMillis, everyMillis, TimeUnit.MILLISECONDS);
        }
        ticks.scheduleAtFixedRate(() -> System.out.println("reopened " + reopened.get()), 5, 5, TimeUnit.SECONDS);
        Thread.currentThread().join();
    }

    private static final class Slot {
        private final String host;
        private final int port;
        private final InetAddress from;
        private Socket socket;

        Slot(String host, int port, InetAddress from) {
            this.host = host;
            this.port = port;
            this.from = from;
        }

        synchronized void tick() {
            try {
                if (socket == null) {
                    socket = new Socket(InetAddress.getByName(host), port, from, 0);
                    write("POST /events/slow/applications HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                            + "Content-Length: 4000\r\n\r\n{");
                } else {
                    write("x");
                }
            } catch (IOException closed) {
                reopened.incrementAndGet();
                try {
                    if (socket != null) {
                        socket.close();
                    }
                } catch (IOException ignored) {
                    // Already gone.
                }
                socket = null;
            }
        }

        private void write(String text) throws IOException {
            OutputStream out = socket.getOutputStream();
            out.write(text.getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
        }
    }
}
