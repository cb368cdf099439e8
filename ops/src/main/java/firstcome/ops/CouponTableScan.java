package firstcome.ops;

import firstcome.contract.CouponState;
import firstcome.sink.CouponDatabase;
import firstcome.sink.CouponRow;
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
import java.util.Objects;
import java.util.Set;

/**
 * Every row of a coupon table (the live {@code coupon} or a rebuilt copy) in
 * {@code (event_id, coupon_no)} order, streamed from the server row by row, so that a million
 * rows cost no memory. The connection serves nothing else until the scan is closed.
 */
final class CouponTableScan implements Iterator<CouponTableScan.Row>, AutoCloseable {

    /** One stored row, with its id, so that a report can name it. */
    record Row(long id, String eventId, String userId, int couponNo, String requestId, Instant issuedAt,
            Instant validUntil, String state, String orderId, Instant updatedAt, int version) {

        /** A coupon as issued, never changed since: {@code ISSUED} at version 0, updated when issued, no expiry. */
        Row(long id, String eventId, String userId, int couponNo, String requestId, Instant issuedAt) {
            this(id, eventId, userId, couponNo, requestId, issuedAt, null, CouponState.ISSUED.name(), null, issuedAt, 0);
        }

        private static Row of(long id, CouponRow row) {
            return new Row(id, row.eventId(), row.userId(), row.couponNo(), row.requestId(), row.issuedAt(), row.validUntil(),
                    row.state(), row.orderId(), row.updatedAt(), row.version());
        }

        /**
         * The same row, whatever the id: every other column equal, the coupon's state and version
         * included. {@code request_id} is a {@code CHAR(36)}, so trailing spaces do not count.
         */
        boolean sameCouponAs(Row other) {
            return eventId.equals(other.eventId) && userId.equals(other.userId) && couponNo == other.couponNo
                    && requestId.stripTrailing().equals(other.requestId.stripTrailing()) && issuedAt.equals(other.issuedAt)
                    && Objects.equals(validUntil, other.validUntil) && Objects.equals(state, other.state)
                    && Objects.equals(orderId, other.orderId) && Objects.equals(updatedAt, other.updatedAt) && version == other.version;
        }

        /** The row without its id (a rebuilt copy's ids mean nothing). */
        String coupon() {
            return "coupon " + couponNo + " of event " + eventId + " for user " + userId + ", request " + requestId + ", issued at " + issuedAt
                    + (validUntil == null ? "" : ", valid until " + validUntil)
                    + ", " + state + (orderId == null ? "" : " by order " + orderId) + " at " + updatedAt + ", version " + version;
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
        // Times as text, as CouponWriter reads them: the driver would drop MariaDB's milliseconds.
        PreparedStatement statement = connection.prepareStatement(
                "SELECT id, " + CouponWriter.READ_COLUMNS + " FROM " + table + where
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
            next = Row.of(result.getLong(1), CouponWriter.readRow(result, 2));
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
