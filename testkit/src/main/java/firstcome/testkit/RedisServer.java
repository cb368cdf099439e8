package firstcome.testkit;

import firstcome.stackkit.ChildProcess;
import firstcome.stackkit.FreePorts;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * A throw-away redis-server on a free port: no persistence, so a stop and start gives an empty
 * Redis on the same port, which is what a test of "Redis went away and came back" needs.
 */
final class RedisServer implements AutoCloseable {

    static final String HOST = "127.0.0.1";

    private final int port;
    private final ChildProcess process;

    RedisServer(Path dir) {
        this.port = FreePorts.next();
        // Not daemonized: the JVM owns the process and can always end it.
        this.process = new ChildProcess("redis-server", List.of(
                ChildProcess.locate("redis-server").toString(),
                "--port", Integer.toString(port),
                "--bind", HOST,
                "--save", "",
                "--appendonly", "no",
                "--dir", dir.toString()),
                dir.resolve("redis.log"));
    }

    int port() {
        return port;
    }

    void start() {
        ServerStart.startAndAwait(process, Duration.ofSeconds(20), this::answersPing);
    }

    void stop() {
        ServerStart.stop(process);
    }

    @Override
    public void close() {
        stop();
    }

    /** Speaks just enough RESP to ask PING, so the fixture needs no Redis client of its own. */
    private boolean answersPing() throws IOException {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(HOST, port), 500);
            socket.setSoTimeout(500);
            OutputStream out = socket.getOutputStream();
            out.write("PING\r\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            var in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.US_ASCII));
            return "+PONG".equals(in.readLine());
        }
    }
}
