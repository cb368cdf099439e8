package firstcome.testkit;

import firstcome.stackkit.ChildProcess;
import firstcome.stackkit.FreePorts;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;

/**
 * A MariaDB server with its own data directory on a free port, holding the contract's database
 * {@code coupon} and user {@code coupon}/{@code coupon}. Stopping it keeps the data directory, so a
 * restart brings back every committed row.
 */
final class MariaDbServer implements AutoCloseable {

    static final String HOST = "127.0.0.1";
    static final String DATABASE = "coupon";
    static final String USER = "coupon";
    static final String PASSWORD = "coupon";

    private final Path dir;
    private final Path dataDir;
    private final int port;
    private final ChildProcess process;
    private boolean initialised;

    MariaDbServer(Path dir) {
        this.dir = dir;
        this.dataDir = dir.resolve("data");
        this.port = FreePorts.next();
        this.process = new ChildProcess("mariadbd", List.of(
                ChildProcess.locate("mariadbd").toString(),
                "--no-defaults",
                "--datadir=" + dataDir,
                "--socket=" + dir.resolve("mariadb.sock"),
                "--port=" + port,
                "--bind-address=" + HOST,
                "--user=" + System.getProperty("user.name"),
                "--skip-log-bin",
                // Every connection comes from 127.0.0.1; a reverse DNS look-up per connection only costs time.
                "--skip-name-resolve"),
                dir.resolve("mariadbd.log"));
    }

    String jdbcUrl() {
        return "jdbc:mysql://" + HOST + ":" + port + "/" + DATABASE;
    }

    synchronized void start() {
        if (!Files.exists(dataDir)) {
            installSystemTables();
        }
        ServerStart.startAndAwait(process, Duration.ofSeconds(60), this::answersRoot);
        if (!initialised) {
            createCouponDatabaseAndUser();
            initialised = true;
        }
    }

    synchronized void stop() {
        ServerStart.stop(process);
    }

    @Override
    public void close() {
        stop();
    }

    private void installSystemTables() {
        ChildProcess.runToCompletion(List.of(
                ChildProcess.locate("mariadb-install-db").toString(),
                "--no-defaults",
                "--datadir=" + dataDir,
                // root without a password over TCP, so the fixture can set up through JDBC alone.
                "--auth-root-authentication-method=normal",
                "--skip-test-db",
                "--skip-name-resolve",
                "--user=" + System.getProperty("user.name")),
                dir.resolve("install.log"),
                Duration.ofSeconds(60));
    }

    private boolean answersRoot() throws SQLException {
        try (Connection ignored = rootConnection()) {
            return true;
        }
    }

    private void createCouponDatabaseAndUser() {
        try (Connection root = rootConnection(); Statement sql = root.createStatement()) {
            sql.execute("CREATE DATABASE IF NOT EXISTS " + DATABASE);
            // mysql_native_password: what the contract's clients and MySQL 8 compatibility expect.
            sql.execute("CREATE USER IF NOT EXISTS '" + USER + "'@'%' IDENTIFIED VIA mysql_native_password USING PASSWORD('"
                    + PASSWORD + "')");
            sql.execute("GRANT ALL ON " + DATABASE + ".* TO '" + USER + "'@'%'");
        } catch (SQLException e) {
            throw new IllegalStateException("cannot create the coupon database and user; mariadbd log:\n" + process.logTail(), e);
        }
    }

    private Connection rootConnection() throws SQLException {
        return DriverManager.getConnection("jdbc:mysql://" + HOST + ":" + port + "/?connectTimeout=1000&socketTimeout=10000", "root", "");
    }
}
