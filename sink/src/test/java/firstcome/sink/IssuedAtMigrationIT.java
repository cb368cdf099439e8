package firstcome.sink;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;
import static org.awaitility.Awaitility.await;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import firstcome.contract.IssuedCoupon;
import firstcome.testkit.Infrastructure;
import firstcome.testkit.InfrastructureExtension;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * V2 on a populated table: {@code issued_at} goes from {@code TIMESTAMP(3)} to {@code DATETIME(3)}
 * holding UTC without moving any value, and a coupon issued after 2038 is then stored.
 *
 * <p>It needs the schema as it was before V2, so it moves the run's {@code coupon} table and
 * Flyway's history aside, works on fresh ones, and puts the originals back: only on the test's
 * own MariaDB, never on a server named by {@code MYSQL_URL}.
 */
@ExtendWith(InfrastructureExtension.class)
class IssuedAtMigrationIT {

    private static final List<String> TABLES = List.of("coupon", "flyway_schema_history");
    private static final String ASIDE = "_before_migration_it";
    /** A session zone with an offset: were the migration to convert in it, every value would move by five hours. */
    private static final String OTHER_SESSION_ZONE = "-05:00";

    private Infrastructure infrastructure;
    private SinkFixture fixture;
    private final List<String> setAside = new ArrayList<>();

    @BeforeEach
    void setAsideTheRunsTables(Infrastructure infrastructure) throws SQLException {
        assumeThat(infrastructure.canStopMysql()).as("works on the test's own MariaDB only (MYSQL_URL is set)").isTrue();
        this.infrastructure = infrastructure;
        fixture = new SinkFixture(infrastructure);
        try (HikariDataSource db = pool("+00:00"); Connection connection = db.getConnection(); Statement sql = connection.createStatement()) {
            for (String table : TABLES) {
                if (exists(connection, table)) {
                    sql.execute("RENAME TABLE " + table + " TO " + table + ASIDE);
                    setAside.add(table);
                }
            }
        }
    }

    @AfterEach
    void putTheRunsTablesBack() throws SQLException {
        if (fixture == null) {
            return;
        }
        fixture.close();
        try (HikariDataSource db = pool("+00:00"); Connection connection = db.getConnection(); Statement sql = connection.createStatement()) {
            for (String table : TABLES) {
                sql.execute("DROP TABLE IF EXISTS " + table);
            }
            for (String table : setAside) {
                sql.execute("RENAME TABLE " + table + ASIDE + " TO " + table);
            }
        }
    }

    @Test
    void turnsAPopulatedTimestampColumnIntoUtcDatetimesAndThenStoresCouponsIssuedAfter2038() throws Exception {
        String event = fixture.event("migrated");
        List<IssuedCoupon> before = new ArrayList<>(List.of(
                coupon(event, 1, "1970-01-01T00:00:01Z"),
                // the hours that European and American zones skip or repeat
                coupon(event, 2, "2026-03-29T01:30:00.001Z"),
                coupon(event, 3, "2026-10-25T00:30:00.999Z"),
                coupon(event, 4, "2026-11-01T06:30:00.500Z"),
                coupon(event, 5, "2038-01-19T03:14:07.999Z")));
        before.addAll(SinkFixture.coupons(event, 6, 300));

        try (HikariDataSource otherZone = pool(OTHER_SESSION_ZONE); HikariDataSource utc = pool("+00:00")) {
            // given the table as V1 made it, filled the way the sink wrote it before V2
            flyway(otherZone).target("1").load().migrate();
            assertThat(columnType(utc)).isEqualTo("timestamp(3)");
            insertAsBeforeV2(utc, before);
            assertThat(readAsBeforeV2(utc, event)).as("the rows as V1 held them").containsExactlyElementsOf(SinkFixture.asRows(before));

            // when V2 runs, even on a connection whose session zone is not UTC
            var result = flyway(otherZone).target("2").load().migrate();

            // then the column is a DATETIME(3) and every row holds its instant as UTC
            assertThat(result.migrationsExecuted).isEqualTo(1);
            assertThat(result.targetSchemaVersion).isEqualTo("2");
            assertThat(columnType(utc)).isEqualTo("datetime(3)");
            assertThat(fixture.couponsAsBeforeV3(event)).containsExactlyElementsOf(SinkFixture.asRows(before));
        }

        // and the sink stores a coupon issued in 2040 instead of dead-lettering it
        List<IssuedCoupon> after = List.of(
                coupon(event, 306, "2038-01-19T03:14:08.000Z"),
                coupon(event, 307, "2040-06-01T12:00:00.042Z"));
        App sink = fixture.startSink("after-migration");
        fixture.send(after);

        List<IssuedCoupon> all = new ArrayList<>(before);
        all.addAll(after);
        await().atMost(Duration.ofSeconds(30)).until(() -> fixture.rows(event).size() == all.size());
        assertThat(fixture.rows(event)).containsExactlyElementsOf(SinkFixture.asRows(all));
        assertThat(fixture.deadLetters()).isEmpty();
        assertThat(fixture.metric(sink, "sink_dead_letters_total{reason=\"ISSUED_AT_OUT_OF_RANGE\"}")).isZero();
        try (CouponDatabase database = CouponDatabase.connect(fixture.config("writer"), new SimpleMeterRegistry())) {
            assertThat(new CouponWriter(database.dataSource()).write(all).conflicts())
                    .as("written again, every row reads back as the same coupon").isEmpty();
        }
    }

    private static IssuedCoupon coupon(String event, int n, String issuedAt) {
        return new IssuedCoupon(event, "u" + n, n, "r" + n, Instant.parse(issuedAt));
    }

    /**
     * Flyway as the sink configures it ({@link CouponDatabase#migrate()}), on {@code dataSource}; the
     * tables set aside keep the schema from being empty, so a baseline at version 0 marks it as
     * Flyway's without skipping any migration.
     */
    private static org.flywaydb.core.api.configuration.FluentConfiguration flyway(DataSource dataSource) {
        return Flyway.configure().dataSource(dataSource).locations("classpath:db/migration").baselineOnMigrate(true).baselineVersion("0");
    }

    /** The V1 sink's statement: epoch seconds with milliseconds, converted by the server in a UTC session. */
    private static void insertAsBeforeV2(DataSource db, List<IssuedCoupon> coupons) throws SQLException {
        try (Connection connection = db.getConnection();
             PreparedStatement insert = connection.prepareStatement("INSERT INTO coupon (event_id, user_id, coupon_no, request_id, issued_at)"
                     + " VALUES (?, ?, ?, ?, FROM_UNIXTIME(?))")) {
            for (IssuedCoupon coupon : coupons) {
                insert.setString(1, coupon.eventId());
                insert.setString(2, coupon.userId());
                insert.setInt(3, coupon.couponNo());
                insert.setString(4, coupon.requestId());
                insert.setBigDecimal(5, BigDecimal.valueOf(coupon.issuedAt().toEpochMilli(), 3));
                insert.addBatch();
            }
            insert.executeBatch();
            connection.commit();
        }
    }

    private static List<CouponRow> readAsBeforeV2(DataSource db, String event) throws SQLException {
        try (Connection connection = db.getConnection();
             PreparedStatement query = connection.prepareStatement("SELECT event_id, user_id, coupon_no, request_id,"
                     + " CAST(UNIX_TIMESTAMP(issued_at) * 1000 AS SIGNED) FROM coupon WHERE event_id = ? ORDER BY coupon_no")) {
            query.setString(1, event);
            List<CouponRow> rows = new ArrayList<>();
            try (ResultSet result = query.executeQuery()) {
                while (result.next()) {
                    rows.add(new CouponRow(result.getString(1), result.getString(2), result.getInt(3), result.getString(4),
                            Instant.ofEpochMilli(result.getLong(5))));
                }
            }
            connection.commit();
            return rows;
        }
    }

    private static String columnType(DataSource db) throws SQLException {
        try (Connection connection = db.getConnection();
             PreparedStatement query = connection.prepareStatement("SELECT COLUMN_TYPE FROM information_schema.COLUMNS"
                     + " WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = 'coupon' AND COLUMN_NAME = 'issued_at'");
             ResultSet result = query.executeQuery()) {
            String type = result.next() ? result.getString(1) : null;
            connection.commit();
            return type;
        }
    }

    private static boolean exists(Connection connection, String table) throws SQLException {
        try (PreparedStatement query = connection.prepareStatement(
                "SELECT 1 FROM information_schema.TABLES WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = ?")) {
            query.setString(1, table);
            try (ResultSet result = query.executeQuery()) {
                return result.next();
            }
        }
    }

    /** Connections whose session zone is {@code zone}, with auto-commit off as the sink's. */
    private HikariDataSource pool(String zone) {
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl(infrastructure.mysqlJdbcUrl());
        config.setUsername(infrastructure.mysqlUser());
        config.setPassword(infrastructure.mysqlPassword());
        config.setMaximumPoolSize(2);
        config.setAutoCommit(false);
        config.setConnectionInitSql("SET time_zone = '" + zone + "'");
        return new HikariDataSource(config);
    }
}
