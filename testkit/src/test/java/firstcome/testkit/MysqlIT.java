package firstcome.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The harness database is the contract's: database coupon, user coupon, reachable with mysql-connector-j. */
@ExtendWith(InfrastructureExtension.class)
class MysqlIT {

    @Test
    void couponUserCreatesATableInsertsAndReadsBack(Infrastructure infrastructure) throws SQLException {
        try (Connection db = DriverManager.getConnection(
                infrastructure.mysqlJdbcUrl(), infrastructure.mysqlUser(), infrastructure.mysqlPassword());
             Statement sql = db.createStatement()) {
            // given
            sql.execute("CREATE TABLE IF NOT EXISTS testkit_round_trip (id INT PRIMARY KEY, note VARCHAR(64))");
            sql.execute("DELETE FROM testkit_round_trip");

            // when
            int inserted = sql.executeUpdate("INSERT INTO testkit_round_trip VALUES (1, 'first'), (2, 'second')");

            // then
            assertThat(inserted).isEqualTo(2);
            try (ResultSet rows = sql.executeQuery("SELECT note FROM testkit_round_trip ORDER BY id")) {
                assertThat(rows.next()).isTrue();
                assertThat(rows.getString(1)).isEqualTo("first");
                assertThat(rows.next()).isTrue();
                assertThat(rows.getString(1)).isEqualTo("second");
                assertThat(rows.next()).isFalse();
            }
            try (ResultSet database = sql.executeQuery("SELECT DATABASE(), CURRENT_USER()")) {
                database.next();
                assertThat(database.getString(1)).isNotNull();
                assertThat(database.getString(2)).startsWith(infrastructure.mysqlUser() + "@");
            }
        }
    }
}
