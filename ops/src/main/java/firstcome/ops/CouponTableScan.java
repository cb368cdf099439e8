package firstcome.ops;

import firstcome.sink.CouponDatabase;
import firstcome.sink.CouponWriter;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Set;

/**
 * Every row of a coupon table (the live {@code coupon} or a rebuilt copy) in
 * {@code (event_id, coupon_no)} order, streamed from the server row by row, so that a million
 * rows cost no memory. The connection serves nothing else until the scan is closed.
 */
final class CouponTableScan implements Iterator<CouponTableScan.Row>, AutoCloseable {

    /** One stored row, with its id, so that a report can name it. */
    record Row(long id, String eventId, String userId, int couponNo, String requestId, Instant issuedAt) {

        /** The same coupon, whatever the id: {@code request_id} is a {@code CHAR(36)}, so trailing spaces do not count. */
        boolean sameCouponAs(Row other) {
            return eventId.equals(other.eventId) && userId.equals(other.userId) && couponNo == other.couponNo
                    && requestId.stripTrailing().equals(other.requestId.stripTrailing()) && issuedAt.equals(other.issuedAt);
        }

        /** The row without its id (a rebuilt copy's ids mean nothing). */
        String coupon() {
            return "coupon " + couponNo + " of event " + eventId + " for user " + userId + ", request " + requestId + ", issued at " + issuedAt;
        }

        @Override
        public String toString() {
            return "row id " + id + " (" + coupon() + ")";
        }
    }

    private final PreparedStatement statement;
    private final ResultSet result;
    private Row next;
    private boolean finished;

    private CouponTableScan(PreparedStatement statement, ResultSet result) {
        this.statement = statement;
        this.result = result;
    }

    /**
     * Starts the scan of {@code table} (a name checked by the caller), limited to {@code events}
     * unless that is empty. {@code connection} must have the session time zone at UTC ({@link CouponDatabase}).
     */
    static CouponTableScan open(Connection connection, String table, Set<String> events) throws SQLException {
        List<String> ids = events.stream().sorted().toList();
        String where = ids.isEmpty() ? "" : " WHERE event_id IN (" + String.join(", ", Collections.nCopies(ids.size(), "?")) + ")";
        // issued_at as text, as CouponWriter reads it: the driver would drop MariaDB's milliseconds.
        PreparedStatement statement = connection.prepareStatement(
                "SELECT id, event_id, user_id, coupon_no, request_id, " + CouponWriter.SELECT_ISSUED_AT + " FROM " + table + where
                        + " ORDER BY event_id, coupon_no",
                ResultSet.TYPE_FORWARD_ONLY, ResultSet.CONCUR_READ_ONLY);
        try {
            for (int i = 0; i < ids.size(); i++) {
                statement.setString(i + 1, ids.get(i));
            }
            // mysql-connector-j streams a forward-only, read-only result row by row with this fetch size.
            statement.setFetchSize(Integer.MIN_VALUE);
            return new CouponTableScan(statement, statement.executeQuery());
        } catch (SQLException | RuntimeException e) {
            statement.close();
            throw e;
        }
    }

    @Override
    public boolean hasNext() {
        if (next != null) {
            return true;
        }
        if (finished) {
            return false;
        }
        try {
            if (!result.next()) {
                finished = true;
                return false;
            }
            next = new Row(result.getLong(1), result.getString(2), result.getString(3), result.getInt(4),
                    result.getString(5), CouponWriter.issuedAt(result.getString(6)));
            return true;
        } catch (SQLException e) {
            throw new IllegalStateException("reading the coupon table failed: " + e.getMessage(), e);
        }
    }

    @Override
    public Row next() {
        if (!hasNext()) {
            throw new NoSuchElementException();
        }
        Row row = next;
        next = null;
        return row;
    }

    @Override
    public void close() throws SQLException {
        try {
            result.close();
        } finally {
            statement.close();
        }
    }
}
