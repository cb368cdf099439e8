package firstcome.bench;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.HdrHistogram.Histogram;

/**
 * Another page of the shop: a primary-key look-up in a small product table of the same MySQL
 * database, at a steady rate, all the time the benchmark runs. Each look-up is timed from the
 * moment it was due (a fixed schedule, as wrk2 does), so a stalled database shows in full.
 * {@link #phase(String)} says which histogram the next look-ups land in ("idle", "spike", …).
 */
final class ProductReads implements AutoCloseable {

    static final String TABLE = "bench_product";
    private static final int PRODUCTS = 1000;

    private final Connection db;
    private final long intervalNanos;
    private final Map<String, Histogram> byPhase = new ConcurrentHashMap<>();
    private volatile String phase = "setup";
    private volatile boolean running = true;
    private final Thread loop;

    ProductReads(String jdbcUrl, String user, String password, int perSecond) throws SQLException {
        this.db = DriverManager.getConnection(jdbcUrl, user, password);
        this.intervalNanos = TimeUnit.SECONDS.toNanos(1) / perSecond;
        createTable();
        this.loop = new Thread(this::run, "product-reads");
        loop.setDaemon(true);
        loop.start();
    }

    void phase(String name) {
        phase = name;
    }

    Histogram histogram(String name) {
        return byPhase.getOrDefault(name, new Histogram(1));
    }

    private void createTable() throws SQLException {
        try (Statement s = db.createStatement()) {
            s.execute("CREATE TABLE IF NOT EXISTS " + TABLE
                    + " (id INT PRIMARY KEY, name VARCHAR(100) NOT NULL, price_cents INT NOT NULL) ENGINE=InnoDB");
            try (ResultSet r = s.executeQuery("SELECT COUNT(*) FROM " + TABLE)) {
                r.next();
                if (r.getInt(1) >= PRODUCTS) {
                    return;
                }
            }
            StringBuilder insert = new StringBuilder("INSERT IGNORE INTO " + TABLE + " VALUES ");
            for (int id = 1; id <= PRODUCTS; id++) {
                insert.append(id == 1 ? "" : ",").append('(').append(id).append(",'product ").append(id)
                        .append("',").append(100 + id % 9000).append(')');
            }
            s.execute(insert.toString());
        }
    }

    private void run() {
        try (PreparedStatement lookup = db.prepareStatement(
                "SELECT name, price_cents FROM " + TABLE + " WHERE id = ?")) {
            long due = System.nanoTime();
            while (running) {
                long now = System.nanoTime();
                if (now < due) {
                    LockSupport.parkNanos(due - now);
                    continue;
                }
                lookup.setInt(1, ThreadLocalRandom.current().nextInt(1, PRODUCTS + 1));
                try (ResultSet r = lookup.executeQuery()) {
                    r.next();
                }
                long micros = Math.max(1, (System.nanoTime() - due) / 1000);
                byPhase.computeIfAbsent(phase, p -> new Histogram(TimeUnit.SECONDS.toMicros(60), 3))
                        .recordValue(Math.min(micros, TimeUnit.SECONDS.toMicros(60)));
                due += intervalNanos;
            }
        } catch (SQLException e) {
            System.err.println("bench: product reads stopped: " + e.getMessage());
        }
    }

    @Override
    public void close() throws Exception {
        running = false;
        loop.join(2000);
        db.close();
    }
}
