package firstcome.ingress.edge;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The per-address count follows the connections Jetty accepted and gave up, whatever the interleaving. */
class ClientConnectionLimitTest {

    private final InetAddress loopback = InetAddress.getLoopbackAddress();
    private final List<SocketChannel> opened = new ArrayList<>();
    private ServerSocketChannel server;

    @AfterEach
    void closeEverything() throws IOException {
        for (SocketChannel channel : opened) {
            channel.close();
        }
        if (server != null) {
            server.close();
        }
    }

    @Test
    void givesBackTheCountOfAConnectionWhoseEndpointCouldNotBeCreated() throws Exception {
        var limit = new ClientConnectionLimit(1);
        SocketChannel failed = accepted();
        SocketChannel next = accepted();

        limit.onAccepted(failed);
        limit.onAcceptFailed(failed, new IllegalStateException("no endpoint"));
        limit.onAccepted(next);

        assertThat(limit.openFrom(loopback)).isEqualTo(1);
        assertThat(next.isOpen()).as("the next connection is within the cap").isTrue();
    }

    @Test
    void countsEveryConnectionOnceWhileOthersOfTheSameAddressOpenAndCloseConcurrently() throws Exception {
        int threads = 8;
        var limit = new ClientConnectionLimit(1000);
        List<SocketChannel> channels = new ArrayList<>();
        for (int i = 0; i < threads; i++) {
            channels.add(accepted());
        }
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            var start = new CyclicBarrier(threads);
            List<CompletableFuture<Void>> done = new ArrayList<>();
            for (SocketChannel channel : channels) {
                done.add(CompletableFuture.runAsync(() -> {
                    try {
                        start.await();
                    } catch (Exception e) {
                        throw new IllegalStateException(e);
                    }
                    for (int round = 0; round < 20_000; round++) {
                        limit.onAccepted(channel);
                        limit.onClosed(channel);
                    }
                    limit.onAccepted(channel);
                }, pool));
            }
            CompletableFuture.allOf(done.toArray(CompletableFuture[]::new)).join();
        } finally {
            pool.shutdownNow();
        }

        assertThat(limit.openFrom(loopback)).as("one open connection per thread").isEqualTo(threads);
    }

    /** The server side of a new loopback connection, as Jetty accepts it. */
    private SocketChannel accepted() throws IOException {
        if (server == null) {
            server = ServerSocketChannel.open().bind(new InetSocketAddress(loopback, 0));
        }
        SocketChannel client = SocketChannel.open(server.getLocalAddress());
        opened.add(client);
        SocketChannel accepted = server.accept();
        opened.add(accepted);
        return accepted;
    }
}
