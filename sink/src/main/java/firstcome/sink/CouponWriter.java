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
 * Writes a batch of rows, from {@code coupon-issued} (version 0) and {@code coupon-changes} (version
 * 1, 2, ...), into the {@code coupon} table in one transaction, and says which of them contradict
 * rows already there. The rule: a row is inserted when neither of its unique keys is taken; a stored
 * row of the same coupon is replaced (state, order, update time, version) only by a higher version;
 * nothing else ever changes a stored row. So re-delivering anything, in any order across the two
 * topics, ends in the same table.
 *
 * <p>The strategy, in one transaction:
 * <ol>
 *   <li>Insert: one multi-row {@code INSERT … ON DUPLICATE KEY UPDATE id = id} per 500 rows, the
 *       issues' rows and the changes' rows in statements of their own (so that each topic's new rows
 *       are counted). A row that hits either unique key, {@code (event_id, user_id)} or
 *       {@code (event_id, coupon_no)}, leaves the stored row exactly as it was (no
 *       {@code INSERT IGNORE}: that would also swallow errors that are not duplicates).</li>
 *   <li>If the inserts report as many new rows as there are rows, every row is new: nothing can be
 *       a re-delivery, an older change or a contradiction, and the batch commits at once. That count
 *       means "new rows" only in the driver's affected-rows mode ({@code useAffectedRows}, set by
 *       {@link CouponDatabase}, where it overrides the URL); the mode is checked on the very
 *       connection, so a data source set up otherwise loses the shortcut, never the check.</li>
 *   <li>Otherwise apply the changes: the same rows again, {@code ON DUPLICATE KEY UPDATE} the four
 *       state columns, each {@code IF(}newer{@code , new, old)} where newer = a higher version of the
 *       same coupon ({@link #NEWER}). {@code version} is assigned last, because MySQL and MariaDB
 *       evaluate the assignments left to right and each later one sees the columns already updated.
 *       A row of another coupon (a conflict) is never touched.</li>
 *   <li>Read back every row sharing either key with a row of the batch, and compare
 *       ({@link CouponConflicts}). A row whose stored row is the same coupon is stored (now, earlier,
 *       or superseded by a later change). Any other is a conflict, returned to the caller for the
 *       dead-letter topic.</li>
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

    private static final String COLUMNS =
            "event_id, user_id, coupon_no, request_id, issued_at, valid_until, state, order_id, updated_at, version";
    private static final String PLACEHOLDERS = "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";
    /**
     * The row in the statement is a higher version of the stored row's coupon. {@code VALUES(col)}
     * (the value the statement tried to insert) works on both servers: MariaDB has no row alias,
     * and MySQL 8.0.20+ only deprecates {@code VALUES()} here.
     */
    static final String NEWER = "(VALUES(version) > version AND user_id = VALUES(user_id) AND coupon_no = VALUES(coupon_no)"
            + " AND request_id = VALUES(request_id) AND issued_at = VALUES(issued_at) AND valid_until <=> VALUES(valid_until))";
    /** Every assignment reads the old {@code version} in {@link #NEWER}, so {@code version} comes last. */
    static final String APPLY_NEWER = " ON DUPLICATE KEY UPDATE"
            + " state = IF(" + NEWER + ", VALUES(state), state),"
            + " order_id = IF(" + NEWER + ", VALUES(order_id), order_id),"
            + " updated_at = IF(" + NEWER + ", VALUES(updated_at), updated_at),"
            + " version = IF(" + NEWER + ", VALUES(version), version)";
    private static final String KEEP_STORED = " ON DUPLICATE KEY UPDATE id = id";
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
    /** Every column but the id, as {@link #readRow} reads them. */
    public static final String READ_COLUMNS = "event_id, user_id, coupon_no, request_id, " + SELECT_ISSUED_AT
            + ", " + selectDatetime("valid_until") + ", state, order_id, " + selectDatetime("updated_at") + ", version";

    /**
     * What the records of one topic did.
     *
     * @param written       rows inserted, or (changes) stored rows replaced by a higher version
     * @param alreadyStored records whose row the table held already as they ask, or at a later version
     *                      (re-deliveries, out-of-date changes)
     */
    public record Counts(int written, int alreadyStored) {
        public static final Counts NONE = new Counts(0, 0);
    }

    /**
     * @param issues    what the {@code coupon-issued} rows (version 0) did
     * @param changes   what the {@code coupon-changes} rows (version 1 or more) did
     * @param conflicts rows that contradict a stored row, by their index in the batch
     */
    public record Result(Counts issues, Counts changes, List<CouponConflicts.Conflict> conflicts) {

        public int written() {
            return issues.written + changes.written;
        }

        public int alreadyStored() {
            return issues.alreadyStored + changes.alreadyStored;
        }
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

    /** Writes issued coupons (their rows at version 0); see {@link #writeRows}. */
    public Result write(List<IssuedCoupon> coupons) throws SQLException {
        return writeRows(coupons.stream().map(CouponRow::of).toList());
    }

    /**
     * Writes the batch as a whole or not at all. A {@link SQLException} means nothing of the batch
     * was committed (or, if the commit itself failed, possibly all of it): either way writing the
     * same batch again is safe.
     */
    public Result writeRows(List<CouponRow> rows) throws SQLException {
        if (rows.isEmpty()) {
            return new Result(Counts.NONE, Counts.NONE, List.of());
        }
        List<CouponRow> issues = rows.stream().filter(row -> row.version() == 0).toList();
        List<CouponRow> changes = rows.stream().filter(row -> row.version() != 0).toList();
        try (Connection connection = dataSource.getConnection()) {
            try {
                if (issues.isEmpty() && countsOnlyNewRows(connection)) {
                    // Changes only (a redemption, its cancellation, a return): one statement when each
                    // row is a newer version of its stored coupon, which updates it (affected rows 2
                    // each, and only such a row can count 2). Anything else (a row not stored yet, one
                    // as new or newer already, a conflict) is undone and goes the whole way below.
                    if (insert(connection, changes, APPLY_NEWER) == 2 * changes.size()) {
                        connection.commit();
                        return new Result(Counts.NONE, new Counts(changes.size(), 0), List.of());
                    }
                    connection.rollback();
                }
                int insertedIssues = insert(connection, issues, KEEP_STORED);
                int insertedChanges = insert(connection, changes, KEEP_STORED);
                boolean affectedRows = countsOnlyNewRows(connection);
                if (affectedRows && insertedIssues == issues.size() && insertedChanges == changes.size()) {
                    connection.commit();
                    return new Result(new Counts(insertedIssues, 0), new Counts(insertedChanges, 0), List.of());
                }
                // Affected rows count 2 for a row updated, 0 for one left as it was (and nothing is inserted now).
                int replaced = changes.isEmpty() ? 0 : insert(connection, changes, APPLY_NEWER) / 2;
                List<CouponRow> stored = readBack(connection, rows);
                List<CouponConflicts.Conflict> conflicts = CouponConflicts.find(rows, stored);
                connection.commit();
                int conflictingIssues = (int) conflicts.stream().filter(c -> rows.get(c.index()).version() == 0).count();
                int conflictingChanges = conflicts.size() - conflictingIssues;
                return new Result(counts(issues.size() - conflictingIssues, insertedIssues),
                        counts(changes.size() - conflictingChanges, insertedChanges + replaced), conflicts);
            } catch (SQLException | RuntimeException e) {
                rollbackQuietly(connection, e);
                throw e;
            }
        }
    }

    /** Of {@code stored} rows in the table as asked, {@code written} by this batch (a count that outside affected-rows mode may run over). */
    private static Counts counts(int stored, int written) {
        int now = Math.min(stored, written);
        return new Counts(now, stored - now);
    }

    /** Runs {@code INSERT … VALUES (rows)} + {@code onDuplicate} per chunk; returns the summed update counts. */
    private int insert(Connection connection, List<CouponRow> rows, String onDuplicate) throws SQLException {
        int count = 0;
        for (List<CouponRow> chunk : chunks(rows)) {
            String sql = "INSERT INTO " + table + " (" + COLUMNS + ") VALUES "
                    + String.join(", ", Collections.nCopies(chunk.size(), PLACEHOLDERS)) + onDuplicate;
            try (PreparedStatement statement = connection.prepareStatement(sql)) {
                int p = 1;
                for (CouponRow row : chunk) {
                    statement.setString(p++, row.eventId());
                    statement.setString(p++, row.userId());
                    statement.setInt(p++, row.couponNo());
                    statement.setString(p++, row.requestId());
                    statement.setString(p++, issuedAtText(row.issuedAt()));
                    statement.setString(p++, row.validUntil() == null ? null : issuedAtText(row.validUntil()));
                    statement.setString(p++, row.state());
                    statement.setString(p++, row.orderId());
                    statement.setString(p++, issuedAtText(row.updatedAt()));
                    statement.setInt(p++, row.version());
                }
                count += statement.executeUpdate();
            }
        }
        return count;
    }

    /** Every stored row sharing a key with a coupon of the batch: per event, by user and by number. */
    private List<CouponRow> readBack(Connection connection, List<CouponRow> batch) throws SQLException {
        Map<String, List<CouponRow>> byEvent = new LinkedHashMap<>();
        for (CouponRow row : batch) {
            byEvent.computeIfAbsent(row.eventId(), id -> new ArrayList<>()).add(row);
        }
        List<CouponRow> rows = new ArrayList<>();
        for (Map.Entry<String, List<CouponRow>> event : byEvent.entrySet()) {
            for (List<CouponRow> chunk : chunks(event.getValue())) {
                String placeholders = String.join(", ", Collections.nCopies(chunk.size(), "?"));
                // Two index range reads, one per unique key, rather than an OR the optimiser may scan for.
                String sql = "SELECT " + READ_COLUMNS + " FROM " + table + " WHERE event_id = ? AND user_id IN (" + placeholders + ")"
                        + " UNION SELECT " + READ_COLUMNS + " FROM " + table + " WHERE event_id = ? AND coupon_no IN (" + placeholders + ")";
                try (PreparedStatement statement = connection.prepareStatement(sql)) {
                    int p = 1;
                    statement.setString(p++, event.getKey());
                    for (CouponRow row : chunk) {
                        statement.setString(p++, row.userId());
                    }
                    statement.setString(p++, event.getKey());
                    for (CouponRow row : chunk) {
                        statement.setInt(p++, row.couponNo());
                    }
                    try (ResultSet result = statement.executeQuery()) {
                        while (result.next()) {
                            rows.add(readRow(result, 1));
                        }
                    }
                }
            }
        }
        return rows;
    }

    /**
     * The row in the columns {@link #READ_COLUMNS} starting at {@code first}: for whatever else reads
     * the table ({@code SELECT … READ_COLUMNS …}), so that it reads it alike.
     */
    public static CouponRow readRow(ResultSet result, int first) throws SQLException {
        String validUntil = result.getString(first + 5);
        return new CouponRow(result.getString(first), result.getString(first + 1), result.getInt(first + 2),
                result.getString(first + 3), issuedAt(result.getString(first + 4)), validUntil == null ? null : issuedAt(validUntil),
                result.getString(first + 6), result.getString(first + 7), issuedAt(result.getString(first + 8)), result.getInt(first + 9));
    }

    /** A {@code DATETIME(3)} column as text, as {@link #issuedAt(String)} parses it. */
    public static String selectDatetime(String column) {
        return "DATE_FORMAT(" + column + ", '%Y-%m-%d %H:%i:%s.%f')";
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
