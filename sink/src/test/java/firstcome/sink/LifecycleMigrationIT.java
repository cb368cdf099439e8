package firstcome.sink;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assumptions.assumeThat;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import firstcome.contract.CouponChange;
import firstcome.contract.CouponState;
import firstcome.contract.IssuedCoupon;
import firstcome.testkit.Infrastructure;
import firstcome.testkit.InfrastructureExtension;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * V3 on a populated table: the lifecycle's columns are added, every row written under V2 survives
 * with its own values and reads as an issued coupon at version 0 updated when issued, and the sink
 * then applies changes to those rows.
 *
 * <p>It needs the schema as it was before V3, so it moves the run's {@code coupon} table and
 * Flyway's history aside, works on fresh ones, and puts the originals back: only on the test's
 * own MariaDB, never on a server named by {@code MYSQL_URL}.
 */
@ExtendWith(InfrastructureExtension.class)
class LifecycleMigrationIT {

    private static final List<String> TABLES = List.of("coupon", "flyway_schema_history");
    private static final String ASIDE = "_before_lifecycle_it";

    private Infrastructure infrastructure;
    private SinkFixture fixture;
    private final List<String> setAside = new ArrayList<>();

    @BeforeEach
    void setAsideTheRunsTables(Infrastructure infrastructure) throws SQLException {
        assumeThat(infrastructure.canStopMysql()).as("works on the test's own MariaDB only (MYSQL_URL is set)").isTrue();
        this.infrastructure = infrastructure;
        fixture = new SinkFixture(infrastructure);
        try (HikariDataSource db = pool(); Connection connection = db.getConnection(); Statement sql = connection.createStatement()) {
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
        try (HikariDataSource db = pool(); Connection connection = db.getConnection(); Statement sql = connection.createStatement()) {
            for (String table : TABLES) {
                sql.execute("DROP TABLE IF EXISTS " + table);
            }
            for (String table : setAside) {
                sql.execute("RENAME TABLE " + table + ASIDE + " TO " + table);
            }
        }
    }

    @Test
    void keepsEveryRowOfAPopulatedTableAndMakesItAnIssuedCouponAtVersionZero() throws Exception {
        String event = fixture.event("lifecycle");
        List<IssuedCoupon> before = new ArrayList<>(List.of(
                new IssuedCoupon(event, "u1", 1, "r1", Instant.parse("1970-01-01T00:00:01Z")),
                new IssuedCoupon(event, "u2", 2, "r2", Instant.parse("2040-06-01T12:00:00.042Z")),
                new IssuedCoupon(event, "u3", 3, "r3", CouponWriter.LATEST_ISSUED_AT)));
        before.addAll(SinkFixture.coupons(event, 4, 997));
        Map<String, Long> ids;

        try (HikariDataSource db = pool()) {
            // given the table as V2 left it, filled the way the sink wrote it then
            flyway(db).target("2").load().migrate();
            insertAsBeforeV3(db, before);
            ids = fixture.rowIds(event);

            // when V3 runs
            var result = flyway(db).load().migrate();

            // then every row is still there, with its id and values, as an issued coupon at version 0
            assertThat(result.migrationsExecuted).isEqualTo(1);
            assertThat(result.targetSchemaVersion).isEqualTo("3");
            assertThat(columnTypes(db)).containsExactly(
                    Map.entry("state", "varchar(16) NOT NULL"), Map.entry("order_id", "varchar(64) NULL"),
                    Map.entry("valid_until", "datetime(3) NULL"), Map.entry("updated_at", "datetime(3) NOT NULL"),
                    Map.entry("version", "int NOT NULL"));
            assertThat(fixture.rows(event)).hasSize(1000).containsExactlyElementsOf(SinkFixture.asRows(before));
            assertThat(fixture.rows(event)).allSatisfy(row -> {
                assertThat(row.state()).isEqualTo("ISSUED");
                assertThat(row.orderId()).isNull();
                assertThat(row.validUntil()).isNull();
                assertThat(row.updatedAt()).isEqualTo(row.issuedAt());
                assertThat(row.version()).isZero();
            });
            assertThat(fixture.rowIds(event)).isEqualTo(ids);
            assertThatThrownBy(() -> execute(db, "UPDATE coupon SET state = 'LOST' WHERE event_id = '" + event + "' AND coupon_no = 1"))
                    .as("the state is one of the three").isInstanceOf(SQLException.class);

            // and a row inserted as the previous release's sink inserts it reads as an issued coupon at version 0
            IssuedCoupon late = new IssuedCoupon(event, "u1001", 1001, "r1001", Instant.parse("2041-01-01T00:00:00.007Z"));
            insertAsBeforeV3(db, List.of(late));
            before.add(late);
            assertThat(fixture.rows(event)).hasSize(1001).containsExactlyElementsOf(SinkFixture.asRows(before));
        }

        // and the sink changes migrated rows and re-reads their issues without a conflict
        try (CouponDatabase database = CouponDatabase.connect(fixture.config("writer"), new SimpleMeterRegistry())) {
            CouponWriter writer = new CouponWriter(database.dataSource());
            IssuedCoupon second = before.get(1);
            CouponChange redeemed = new CouponChange(event, second.userId(), second.couponNo(), second.requestId(), second.issuedAt(),
                    null, CouponState.REDEEMED, "o-1", 1, Instant.parse("2040-06-02T00:00:00Z"));

            CouponWriter.Result result = writer.writeRows(List.of(CouponRow.of(redeemed)));

            assertThat(result.changes()).isEqualTo(new CouponWriter.Counts(1, 0));
            assertThat(writer.write(before).conflicts()).as("every migrated row reads back as its coupon").isEmpty();
            List<CouponRow> expected = new ArrayList<>(SinkFixture.asRows(before));
            expected.set(1, CouponRow.of(redeemed));
            assertThat(fixture.rows(event)).containsExactlyElementsOf(expected);
        }
    }

    /**
     * Flyway as the sink configures it ({@link CouponDatabase#migrate()}), on {@code dataSource}; the
     * tables set aside keep the schema from being empty, so a baseline at version 0 marks it as
     * Flyway's without skipping any migration.
     */
    private static org.flywaydb.core.api.configuration.FluentConfiguration flyway(DataSource dataSource) {
        return Flyway.configure().dataSource(dataSource).locations("classpath:db/migration").baselineOnMigrate(true).baselineVersion("0");
    }

    /** The V2 sink's statement: the five columns, issued_at as its UTC wall time in text. */
    private static void insertAsBeforeV3(DataSource db, List<IssuedCoupon> coupons) throws SQLException {
        try (Connection connection = db.getConnection();
             PreparedStatement insert = connection.prepareStatement(
                     "INSERT INTO coupon (event_id, user_id, coupon_no, request_id, issued_at) VALUES (?, ?, ?, ?, ?)")) {
            for (IssuedCoupon coupon : coupons) {
                insert.setString(1, coupon.eventId());
                insert.setString(2, coupon.userId());
                insert.setInt(3, coupon.couponNo());
                insert.setString(4, coupon.requestId());
                insert.setString(5, CouponWriter.issuedAtText(coupon.issuedAt()));
                insert.addBatch();
            }
            insert.executeBatch();
            connection.commit();
        }
    }

    private static void execute(DataSource db, String sql) throws SQLException {
        try (Connection connection = db.getConnection(); Statement statement = connection.createStatement()) {
            statement.execute(sql);
            connection.commit();
        }
    }

    /** The lifecycle's columns, in table order, with their types and nullability (MariaDB's int(11) read as MySQL 8's int). */
    private static Map<String, String> columnTypes(DataSource db) throws SQLException {
        try (Connection connection = db.getConnection();
             PreparedStatement query = connection.prepareStatement("SELECT COLUMN_NAME, REPLACE(COLUMN_TYPE, 'int(11)', 'int'), IS_NULLABLE FROM information_schema.COLUMNS"
                     + " WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = 'coupon'"
                     + " AND COLUMN_NAME IN ('state', 'order_id', 'valid_until', 'updated_at', 'version') ORDER BY ORDINAL_POSITION");
             ResultSet result = query.executeQuery()) {
            Map<String, String> types = new LinkedHashMap<>();
            while (result.next()) {
                types.put(result.getString(1), result.getString(2) + ("YES".equals(result.getString(3)) ? " NULL" : " NOT NULL"));
            }
            connection.commit();
            return types;
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

    /** Connections at UTC with auto-commit off, as the sink's. */
    private HikariDataSource pool() {
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl(infrastructure.mysqlJdbcUrl());
        config.setUsername(infrastructure.mysqlUser());
        config.setPassword(infrastructure.mysqlPassword());
        config.setMaximumPoolSize(2);
        config.setAutoCommit(false);
        config.setConnectionInitSql("SET time_zone = '+00:00'");
        return new HikariDataSource(config);
    }
}
