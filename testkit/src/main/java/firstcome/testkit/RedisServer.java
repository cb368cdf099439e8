package firstcome.testkit;

import firstcome.stackkit.ChildProcess;
import firstcome.stackkit.FreePorts;
import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.IOException;
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

    private boolean answersPing() throws IOException {
        return "PONG".equals(ask(port, "PING"));
    }

    /**
     * Speaks just enough RESP to ask a local Redis one command, so the fixture needs no Redis client
     * of its own: a status, a number or a bulk string comes back as text; an error fails.
     */
    static String ask(int port, String... command) throws IOException {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(HOST, port), 500);
            socket.setSoTimeout(2_000);
            StringBuilder request = new StringBuilder("*").append(command.length).append("\r\n");
            for (String word : command) {
                request.append('$').append(word.getBytes(StandardCharsets.UTF_8).length).append("\r\n").append(word).append("\r\n");
            }
            OutputStream out = socket.getOutputStream();
            out.write(request.toString().getBytes(StandardCharsets.UTF_8));
            out.flush();
            var in = new DataInputStream(new BufferedInputStream(socket.getInputStream()));
            String line = readLine(in);
            return switch (line.isEmpty() ? ' ' : line.charAt(0)) {
                case '+', ':' -> line.substring(1);
                case '$' -> {
                    byte[] bulk = new byte[Math.max(0, Integer.parseInt(line.substring(1)))];
                    in.readFully(bulk);
                    yield new String(bulk, StandardCharsets.UTF_8);
                }
                default -> throw new IOException("Redis on port " + port + " answered " + String.join(" ", command) + " with " + line);
            };
        }
    }

    private static String readLine(DataInputStream in) throws IOException {
        StringBuilder line = new StringBuilder();
        int c;
        while ((c = in.read()) != -1 && c != '\n') {
            if (c != '\r') {
                line.append((char) c);
            }
        }
        return line.toString();
    }
}
