package firstcome.bench;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * Watches the {@code coupon} table for one event while a spike runs: polls every few
 * milliseconds for rows newer than the last one seen and notes when each user's row first showed
 * up. With the 202 times from the load generator this gives each accepted user's 202 → row latency,
 * exact to one poll interval (the figure says how long a shopper waits to see the coupon in
 * "my coupons", a page that reads MySQL).
 */
final class CouponRows implements AutoCloseable {

    static final long POLL_MILLIS = 10;

    private final Connection db;
    private final String eventId;
    private final Map<String, Long> seenAt = new ConcurrentHashMap<>();
    private volatile long lastRowNanos = -1;
    private volatile boolean running = true;
    private final Thread loop;

    CouponRows(String jdbcUrl, String user, String password, String eventId) throws SQLException {
        this.db = DriverManager.getConnection(jdbcUrl, user, password);
        this.eventId = eventId;
        this.loop = new Thread(this::run, "coupon-rows");
        loop.setDaemon(true);
        loop.start();
    }

    private void run() {
        try (PreparedStatement newer = db.prepareStatement(
                "SELECT id, user_id FROM coupon WHERE event_id = ? AND id > ? ORDER BY id")) {
            long lastId = 0;
            while (running) {
                newer.setString(1, eventId);
                newer.setLong(2, lastId);
                try (ResultSet r = newer.executeQuery()) {
                    long now = System.nanoTime();
                    while (r.next()) {
                        lastId = Math.max(lastId, r.getLong(1));
                        seenAt.putIfAbsent(r.getString(2), now);
                        lastRowNanos = now;
                    }
                }
                TimeUnit.MILLISECONDS.sleep(POLL_MILLIS); // a poll, not a wait for a result
            }
        } catch (SQLException e) {
            System.err.println("bench: watching coupon rows stopped: " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    int rows() {
        return seenAt.size();
    }

    Long seenAt(String userId) {
        return seenAt.get(userId);
    }

    long lastRowNanos() {
        return lastRowNanos;
    }

    /** How many rows the event has in the table now. */
    static long count(Connection db, String eventId) throws SQLException {
        try (PreparedStatement query = db.prepareStatement("SELECT COUNT(*) FROM coupon WHERE event_id = ?")) {
            query.setString(1, eventId);
            try (ResultSet result = query.executeQuery()) {
                result.next();
                return result.getLong(1);
            }
        }
    }

    /** Waits until {@code expected} rows are seen or the deadline passes; true if they were. */
    boolean awaitRows(int expected, long timeoutMillis) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
        while (seenAt.size() < expected && System.nanoTime() < deadline) {
            TimeUnit.MILLISECONDS.sleep(POLL_MILLIS);
        }
        return seenAt.size() >= expected;
    }

    @Override
    public void close() throws Exception {
        running = false;
        loop.join(2000);
        db.close();
    }
}
