package firstcome.ingress.edge;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import firstcome.ingress.ApiFixture;
import firstcome.ingress.IngressConfig;
import io.javalin.Javalin;
import io.javalin.testtools.JavalinTest;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.http.HttpParser;
import org.eclipse.jetty.http.HttpVersion;
import org.eclipse.jetty.server.AbstractConnector;
import org.junit.jupiter.api.Test;

/**
 * Slow and greedy clients are cut off or refused, so they cannot hold the ingress's connections and
 * threads: the slow-header, slow-body and connection-flood cases (the figures are in BENCHMARKS.md).
 */
class ConnectionBoundsTest {

    private final ApiFixture api = new ApiFixture();

    @Test
    void closesAConnectionThatTricklesItsHeaders() throws Exception {
        api.defineOpen("e1", 10);
        JavalinTest.test(api.app(config("5000", "600")), (server, client) -> {
            try (Socket slowloris = new Socket("127.0.0.1", server.port())) {
                send(slowloris, "POST /events/e1/applications HTTP/1.1\r\nHost: localhost\r\nX-Slow: ");
                long started = System.nanoTime();

                // A byte every 100 ms: never idle for long, never done.
                await().atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(100))
                        .until(() -> closedAfterSending(slowloris, "a"));

                assertThat(Duration.ofNanos(System.nanoTime() - started)).isGreaterThanOrEqualTo(Duration.ofMillis(500));
            }
            assertThat(api.gate.admitCalls).hasValue(0);
        });
    }

    @Test
    void closesAConnectionThatTricklesItsBody() throws Exception {
        api.defineOpen("e1", 10);
        JavalinTest.test(api.app(config("5000", "600")), (server, client) -> {
            try (Socket slow = new Socket("127.0.0.1", server.port())) {
                send(slow, "POST /events/e1/applications HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n"
                        + "Content-Length: 200\r\n\r\n{\"userId\":\"u1\",\"pad\":\"");

                await().atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(100))
                        .until(() -> closedAfterSending(slow, "x"));
            }
            assertThat(api.gate.admitCalls).hasValue(0);
        });
    }

    @Test
    void closesAConnectionThatStopsSendingMidRequest() throws Exception {
        api.defineOpen("e1", 10);
        JavalinTest.test(api.app(config("500", "10000")), (server, client) -> {
            try (Socket stalled = new Socket("127.0.0.1", server.port())) {
                send(stalled, "POST /events/e1/applications HTTP/1.1\r\nHost: loc");

                await().atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(50))
                        .until(() -> closed(stalled));
            }
        });
    }

    @Test
    void keepsAnsweringOthersWhileSlowClientsHangOn() throws Exception {
        api.defineOpen("e1", 10);
        JavalinTest.test(api.app(config("5000", "2000")), (server, client) -> {
            List<Socket> slowClients = new ArrayList<>();
            try {
                for (int i = 0; i < 40; i++) {
                    Socket slow = new Socket("127.0.0.1", server.port());
                    send(slow, "POST /events/e1/applications HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n"
                            + "Content-Length: 100\r\n\r\n{\"userId\":");
                    slowClients.add(slow);
                }
                long started = System.nanoTime();

                assertThat(ApiFixture.apply(client, "e1", "patient").code()).isEqualTo(202);
                assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(1));
            } finally {
                for (Socket slow : slowClients) {
                    slow.close();
                }
            }
        });
    }

    @Test
    void cutsAHeaderTrickleByItsDataRateLongBeforeTheRequestDeadline() throws Exception {
        JavalinTest.test(api.app(ApiFixture.config(Map.of())), (server, client) -> {
            try (Socket slowloris = new Socket("127.0.0.1", server.port())) {
                send(slowloris, "GET /health HTTP/1.1\r\nHost: localhost\r\nX-Slow: ");

                // One byte every 200 ms resets nothing: at 5 bytes a second it is under the minimum rate.
                await().atMost(Duration.ofSeconds(6)).pollInterval(Duration.ofMillis(200))
                        .until(() -> closedAfterSending(slowloris, "a"));
            }
        });
    }

    @Test
    void cutsABodyTrickleByItsDataRateAndCountsNothing() throws Exception {
        api.defineOpen("e1", 10);
        JavalinTest.test(api.app(ApiFixture.config(Map.of())), (server, client) -> {
            try (Socket slow = new Socket("127.0.0.1", server.port())) {
                send(slow, "POST /events/e1/applications HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n"
                        + "Content-Length: 200\r\n\r\n{\"userId\":\"u1\",\"pad\":\"");

                await().atMost(Duration.ofSeconds(6)).pollInterval(Duration.ofMillis(200))
                        .until(() -> closedAfterSending(slow, "x"));
            }
            assertThat(api.gate.admitCalls).hasValue(0);
        });
    }

    @Test
    void slowBodiesParkNoRequestThread() throws Exception {
        api.defineOpen("e1", 10);
        // More stalled bodies than Jetty has request threads, none of them cut while the test runs.
        var config = ApiFixture.config(Map.of("INGRESS_REQUEST_READ_TIMEOUT_MS", "60000", "INGRESS_IDLE_TIMEOUT_MS", "60000",
                "INGRESS_MIN_REQUEST_BYTES_PER_SECOND", "0", "INGRESS_MAX_CONNECTIONS_PER_CLIENT", "1000"));
        JavalinTest.test(api.app(config), (server, client) -> {
            List<Socket> stalled = new ArrayList<>();
            try {
                for (int i = 0; i < 300; i++) {
                    Socket slow = new Socket("127.0.0.1", server.port());
                    send(slow, "POST /events/e1/applications HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n"
                            + "Content-Length: 100\r\n\r\n{\"userId\":");
                    stalled.add(slow);
                }

                long started = System.nanoTime();
                assertThat(ApiFixture.apply(client, "e1", "patient").code()).isEqualTo(202);
                assertThat(client.get("/health").code()).isEqualTo(200);

                // Parked threads would hold both until the stalled connections time out (60 s).
                assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(5));
                assertThat(api.gate.admitCalls).hasValue(1);
            } finally {
                for (Socket slow : stalled) {
                    slow.close();
                }
            }
        });
    }

    @Test
    void refusesMoreConnectionsFromOneAddressThanItsCapAndServesOthers() throws Exception {
        JavalinTest.test(api.app(ApiFixture.config(Map.of("INGRESS_MAX_CONNECTIONS_PER_CLIENT", "5"))), (server, client) -> {
            InetAddress flooder = InetAddress.getByName("127.0.0.2");
            ClientConnectionLimit limit = connectionLimitOf(server);
            List<Socket> flood = new ArrayList<>();
            try {
                // Idle connections, each counted before the next opens: Jetty accepts on pool threads, so
                // sockets opened at once may be counted in any order. (A half-sent request would be cut by
                // the minimum data rate after its grace, and free its place.)
                for (int i = 1; i <= 5; i++) {
                    flood.add(new Socket(InetAddress.getLoopbackAddress(), server.port(), flooder, 0));
                    int counted = i;
                    await().atMost(Duration.ofSeconds(20)).until(() -> limit.openFrom(flooder) == counted);
                }
                try (Socket oneTooMany = new Socket(InetAddress.getLoopbackAddress(), server.port(), flooder, 0)) {
                    // A deadline, not a speed claim: the refusal is at once, but a loaded 2-core machine was seen taking over 5 s.
                    await().atMost(Duration.ofSeconds(20)).until(() -> closed(oneTooMany));
                }
                assertThat(flood).as("the first five stay open").noneMatch(ConnectionBoundsTest::closed);
                assertThat(limit.openFrom(flooder)).isEqualTo(5);

                assertThat(client.get("/health").code()).as("another address").isEqualTo(200);
                flood.remove(0).close();
                await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
                    try (Socket again = new Socket(InetAddress.getLoopbackAddress(), server.port(), flooder, 0)) {
                        send(again, "GET /health HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n");
                        again.setSoTimeout(5000);
                        assertThat(new String(again.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1))
                                .startsWith("HTTP/1.1 200");
                    }
                });
            } finally {
                for (Socket open : flood) {
                    open.close();
                }
            }
        });
    }

    @Test
    void refusesHeadersOverTheConfiguredSizeWith431InTheContractShape() throws Exception {
        var config = ApiFixture.config(Map.of("INGRESS_MAX_HEADER_BYTES", "2048"));
        JavalinTest.test(api.app(config), (server, client) -> {
            try (Socket socket = new Socket("127.0.0.1", server.port())) {
                socket.setSoTimeout(5000);
                send(socket, "GET /events/e1 HTTP/1.1\r\nHost: localhost\r\nX-Big: " + "b".repeat(3000)
                        + "\r\nConnection: close\r\n\r\n");
                String answer = new String(socket.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);

                assertThat(answer).startsWith("HTTP/1.1 431").containsIgnoringCase("Content-Type: application/json")
                        .contains("\"outcome\":\"INVALID_REQUEST\"");
            }
        });
    }

    private static ClientConnectionLimit connectionLimitOf(Javalin server) {
        return ((AbstractConnector) server.jettyServer().server().getConnectors()[0]).getBean(ClientConnectionLimit.class);
    }

    private static IngressConfig config(String idleMillis, String readMillis) {
        return ApiFixture.config(Map.of("INGRESS_IDLE_TIMEOUT_MS", idleMillis, "INGRESS_REQUEST_READ_TIMEOUT_MS", readMillis));
    }

    @Test
    void seesWhenTheRequestInTheMiddleBeganAndNothingBetweenRequests() {
        HttpParser parser = new HttpParser(new ParsedNothing());
        assertThat(ConnectionBounds.midRequestBegin(parser)).isEmpty();

        parser.parseNext(ascii("POST /events/e1/applications HTTP/1.1\r\nHost: loc"));
        assertThat(parser.getBeginNanoTime()).isNotZero();
        assertThat(ConnectionBounds.midRequestBegin(parser)).hasValue(parser.getBeginNanoTime());

        parser.parseNext(ascii("alhost\r\nContent-Length: 0\r\n\r\n"));
        assertThat(parser.isComplete()).isTrue();
        assertThat(ConnectionBounds.midRequestBegin(parser)).isEmpty();

        parser.reset();
        assertThat(ConnectionBounds.midRequestBegin(parser)).isEmpty();
    }

    @Test
    void neverCutsAConnectionWhoseRequestEndsWhileTheSweepReadsIt() {
        // The connection's thread ends the request and resets its parser (its first-byte time to 0)
        // between the sweep's reads of the parser's state and of that time: between requests, so
        // there is no begin to measure a deadline from.
        HttpParser parser = new HttpParser(new ParsedNothing()) {
            private boolean ended;

            @Override
            public boolean isClosed() {
                boolean closed = super.isClosed();
                if (!ended) {
                    ended = true;
                    reset();
                }
                return closed;
            }
        };
        parser.parseNext(ascii("POST /events/e1/applications HTTP/1.1\r\nHost: loc"));
        assertThat(parser.getBeginNanoTime()).isNotZero();

        assertThat(ConnectionBounds.midRequestBegin(parser)).isEmpty();
        assertThat(parser.isStart()).isTrue();
    }

    @Test
    void cutsARequestStillArrivingAfterTheReadTimeout() {
        var bounds = new ConnectionBounds(null, config("5000", "10000").edge());
        HttpParser parser = new HttpParser(new ParsedNothing());
        parser.parseNext(ascii("POST /events/e1/applications HTTP/1.1\r\nHost: loc"));
        long begin = ConnectionBounds.midRequestBegin(parser).orElseThrow();

        assertThat(bounds.tooSlow(Duration.ofSeconds(9).toNanos(), 100_000)).isNull();
        assertThat(bounds.tooSlow(Duration.ofSeconds(10).toNanos(), 100_000))
                .isEqualTo("one request took over 10000 ms to arrive");
        assertThat(begin).isEqualTo(parser.getBeginNanoTime());
    }

    private static ByteBuffer ascii(String text) {
        return ByteBuffer.wrap(text.getBytes(StandardCharsets.US_ASCII));
    }

    /** A request handler that keeps nothing: the tests read the parser's own state. */
    private static final class ParsedNothing implements HttpParser.RequestHandler {
        @Override
        public void startRequest(String method, String uri, HttpVersion version) {
        }

        @Override
        public void parsedHeader(HttpField field) {
        }

        @Override
        public boolean headerComplete() {
            return false;
        }

        @Override
        public boolean content(ByteBuffer content) {
            return false;
        }

        @Override
        public boolean contentComplete() {
            return false;
        }

        @Override
        public boolean messageComplete() {
            return false;
        }

        @Override
        public void earlyEOF() {
        }
    }

    private static void send(Socket socket, String text) throws IOException {
        OutputStream out = socket.getOutputStream();
        out.write(text.getBytes(StandardCharsets.ISO_8859_1));
        out.flush();
    }

    private static boolean closedAfterSending(Socket socket, String text) {
        try {
            send(socket, text);
        } catch (IOException e) {
            return true;
        }
        return closed(socket);
    }

    /** True once the server has closed the connection (end of stream or reset). */
    private static boolean closed(Socket socket) {
        try {
            socket.setSoTimeout(20);
            InputStream in = socket.getInputStream();
            return in.read() == -1;
        } catch (SocketTimeoutException stillOpen) {
            return false;
        } catch (IOException reset) {
            return true;
        }
    }
}
