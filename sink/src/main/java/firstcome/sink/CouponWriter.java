package firstcome.sink;

import com.mysql.cj.conf.PropertyKey;
import com.mysql.cj.jdbc.JdbcConnection;
import firstcome.contract.IssuedCoupon;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import javax.sql.DataSource;

/**
 * Writes a batch of issued coupons into the {@code coupon} table in one transaction, and says
 * which of them contradict rows already there.
 *
 * <p>The strategy, in one transaction:
 * <ol>
 *   <li>One multi-row {@code INSERT … ON DUPLICATE KEY UPDATE id = id} per 500 coupons. A coupon
 *       that hits either unique key, {@code (event_id, user_id)} or {@code (event_id, coupon_no)},
 *       leaves the stored row exactly as it was (no {@code INSERT IGNORE}: that would also swallow
 *       errors that are not duplicates).</li>
 *   <li>If the insert reports as many new rows as there are coupons, every coupon is new: nothing
 *       can be a re-delivery or a contradiction, and the batch commits at once. That count means
 *       "new rows" only in the driver's affected-rows mode ({@code useAffectedRows}, set by
 *       {@link CouponDatabase}, where it overrides the URL); the mode is checked on the very
 *       connection, so a data source set up otherwise loses the shortcut, never the check.</li>
 *   <li>Otherwise read back every row sharing either key with a coupon of the batch, and compare
 *       ({@link CouponConflicts}). A coupon whose row is its own is stored: a re-delivery changes
 *       nothing. Any other is a conflict, returned to the caller for the dead-letter topic; the
 *       stored row is never overwritten.</li>
 *   <li>Commit. The read-back sees this transaction's own rows, and any row it compares against
 *       is committed: the duplicate-key path locks the row it hit.</li>
 * </ol>
 */
public final class CouponWriter {

    /** The range of a MySQL/MariaDB {@code DATETIME(3)} column holding UTC; anything outside cannot be stored. */
    public static final Instant EARLIEST_ISSUED_AT = Instant.parse("1000-01-01T00:00:00Z");
    public static final Instant LATEST_ISSUED_AT = Instant.parse("9999-12-31T23:59:59.999Z");

    /** Keeps each statement well under max_allowed_packet and the 65,535 placeholders of a prepared statement. */
    static final int ROWS_PER_STATEMENT = 500;

    private static final String COLUMNS = "event_id, user_id, coupon_no, request_id, issued_at";
    /**
     * issued_at ({@code DATETIME(3)}, UTC) crosses JDBC as text, {@code 2040-01-01 00:00:00.123} in and
     * {@code 2040-01-01 00:00:00.123000} out, never as a JDBC Timestamp: MariaDB announces itself as
     * "5.5.5-10.x" for old clients, so mysql-connector-j takes it for a server without fractional
     * seconds and drops the milliseconds of every Timestamp it sends. Text also keeps the JVM's, the
     * driver's and the session's time zones out of the way entirely (a DATETIME is never converted),
     * and unlike epoch numbers ({@code FROM_UNIXTIME}, {@code UNIX_TIMESTAMP}, which stop at 2038 on
     * MariaDB before 11.5) it covers the column's whole range.
     */
    public static final String SELECT_ISSUED_AT = "DATE_FORMAT(issued_at, '%Y-%m-%d %H:%i:%s.%f')";
    private static final DateTimeFormatter WRITTEN = DateTimeFormatter.ofPattern("uuuu-MM-dd HH:mm:ss.SSS");
    private static final DateTimeFormatter READ = DateTimeFormatter.ofPattern("uuuu-MM-dd HH:mm:ss.SSSSSS");
    private static final String READ_COLUMNS = "event_id, user_id, coupon_no, request_id, " + SELECT_ISSUED_AT;

    /**
     * @param written       rows inserted by this batch
     * @param alreadyStored coupons whose row was already there exactly as they are (re-deliveries)
     * @param conflicts     coupons that contradict a stored row, by their index in the batch
     */
    public record Result(int written, int alreadyStored, List<CouponConflicts.Conflict> conflicts) {
    }

    /** The contract's table; {@link #CouponWriter(DataSource, String)} writes a copy of it instead (a rebuild). */
    public static final String TABLE = "coupon";
    private static final Pattern TABLE_NAME = Pattern.compile("[a-z][a-z0-9_]{0,63}");

    private final DataSource dataSource;
    private final String table;

    /** {@code dataSource} must hand out connections with auto-commit off and the session time zone at UTC ({@link CouponDatabase}). */
    public CouponWriter(DataSource dataSource) {
        this(dataSource, TABLE);
    }

    /** Writes into {@code table}, a table with the columns and unique keys of {@code coupon} ({@code CREATE TABLE … LIKE coupon}). */
    public CouponWriter(DataSource dataSource, String table) {
        if (!TABLE_NAME.matcher(table).matches()) {
            throw new IllegalArgumentException("table must be 1-64 characters of [a-z0-9_], starting with a letter, was '" + table + "'");
        }
        this.dataSource = dataSource;
        this.table = table;
    }

    public static boolean fitsTheTable(Instant issuedAt) {
        return !issuedAt.isBefore(EARLIEST_ISSUED_AT) && !issuedAt.isAfter(LATEST_ISSUED_AT);
    }

    /**
     * Writes the batch as a whole or not at all. A {@link SQLException} means nothing of the batch
     * was committed (or, if the commit itself failed, possibly all of it): either way writing the
     * same batch again is safe.
     */
    public Result write(List<IssuedCoupon> coupons) throws SQLException {
        if (coupons.isEmpty()) {
            return new Result(0, 0, List.of());
        }
        try (Connection connection = dataSource.getConnection()) {
            try {
                int inserted = insert(connection, coupons);
                if (inserted == coupons.size() && countsOnlyNewRows(connection)) {
                    connection.commit();
                    return new Result(inserted, 0, List.of());
                }
                List<CouponRow> stored = readBack(connection, coupons);
                List<CouponConflicts.Conflict> conflicts = CouponConflicts.find(coupons, stored);
                connection.commit();
                int written = Math.min(inserted, coupons.size() - conflicts.size());
                return new Result(written, coupons.size() - conflicts.size() - written, conflicts);
            } catch (SQLException | RuntimeException e) {
                rollbackQuietly(connection, e);
                throw e;
            }
        }
    }

    private int insert(Connection connection, List<IssuedCoupon> coupons) throws SQLException {
        int inserted = 0;
        for (List<IssuedCoupon> chunk : chunks(coupons)) {
            String sql = "INSERT INTO " + table + " (" + COLUMNS + ") VALUES "
                    + String.join(", ", Collections.nCopies(chunk.size(), "(?, ?, ?, ?, ?)"))
                    + " ON DUPLICATE KEY UPDATE id = id";
            try (PreparedStatement statement = connection.prepareStatement(sql)) {
                int p = 1;
                for (IssuedCoupon coupon : chunk) {
                    statement.setString(p++, coupon.eventId());
                    statement.setString(p++, coupon.userId());
                    statement.setInt(p++, coupon.couponNo());
                    statement.setString(p++, coupon.requestId());
                    statement.setString(p++, issuedAtText(coupon.issuedAt()));
                }
                inserted += statement.executeUpdate();
            }
        }
        return inserted;
    }

    /** Every stored row sharing a key with a coupon of the batch: per event, by user and by number. */
    private List<CouponRow> readBack(Connection connection, List<IssuedCoupon> coupons) throws SQLException {
        Map<String, List<IssuedCoupon>> byEvent = new LinkedHashMap<>();
        for (IssuedCoupon coupon : coupons) {
            byEvent.computeIfAbsent(coupon.eventId(), id -> new ArrayList<>()).add(coupon);
        }
        List<CouponRow> rows = new ArrayList<>();
        for (Map.Entry<String, List<IssuedCoupon>> event : byEvent.entrySet()) {
            for (List<IssuedCoupon> chunk : chunks(event.getValue())) {
                String placeholders = String.join(", ", Collections.nCopies(chunk.size(), "?"));
                // Two index range reads, one per unique key, rather than an OR the optimiser may scan for.
                String sql = "SELECT " + READ_COLUMNS + " FROM " + table + " WHERE event_id = ? AND user_id IN (" + placeholders + ")"
                        + " UNION SELECT " + READ_COLUMNS + " FROM " + table + " WHERE event_id = ? AND coupon_no IN (" + placeholders + ")";
                try (PreparedStatement statement = connection.prepareStatement(sql)) {
                    int p = 1;
                    statement.setString(p++, event.getKey());
                    for (IssuedCoupon coupon : chunk) {
                        statement.setString(p++, coupon.userId());
                    }
                    statement.setString(p++, event.getKey());
                    for (IssuedCoupon coupon : chunk) {
                        statement.setInt(p++, coupon.couponNo());
                    }
                    try (ResultSet result = statement.executeQuery()) {
                        while (result.next()) {
                            rows.add(new CouponRow(result.getString(1), result.getString(2), result.getInt(3),
                                    result.getString(4), issuedAt(result.getString(5))));
                        }
                    }
                }
            }
        }
        return rows;
    }

    /** Whether an upsert that leaves a row unchanged counts 0 on this connection (else it counts the row as found). */
    private static boolean countsOnlyNewRows(Connection connection) throws SQLException {
        return connection.isWrapperFor(JdbcConnection.class)
                && connection.unwrap(JdbcConnection.class).getPropertySet().getBooleanProperty(PropertyKey.useAffectedRows).getValue();
    }

    /**
     * The value written into issued_at: the instant's UTC wall time, to the millisecond, bound as text
     * ({@link #SELECT_ISSUED_AT} says why). Public so that whatever else writes the table writes it alike.
     */
    public static String issuedAtText(Instant instant) {
        return WRITTEN.format(instant.atOffset(ZoneOffset.UTC));
    }

    /** issued_at as {@link #SELECT_ISSUED_AT} reads it back, as the instant it holds in UTC. */
    public static Instant issuedAt(String stored) {
        return LocalDateTime.parse(stored, READ).toInstant(ZoneOffset.UTC);
    }

    private static <T> List<List<T>> chunks(List<T> items) {
        List<List<T>> chunks = new ArrayList<>();
        for (int from = 0; from < items.size(); from += ROWS_PER_STATEMENT) {
            chunks.add(items.subList(from, Math.min(items.size(), from + ROWS_PER_STATEMENT)));
        }
        return chunks;
    }

    private static void rollbackQuietly(Connection connection, Exception cause) {
        try {
            connection.rollback();
        } catch (SQLException e) {
            // The connection is likely gone with the server; the pool discards it.
            cause.addSuppressed(e);
        }
    }
}
