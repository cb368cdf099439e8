package firstcome.sink;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.ConnectException;
import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import org.junit.jupiter.api.Test;

class CouponDatabaseTest {

    @Test
    void takesAServerThatCannotBeReachedForAPassingOutage() {
        SQLException refused = new SQLException("Communications link failure", "08S01", new ConnectException("Connection refused"));
        SQLException poolTimeout = new SQLTransientConnectionException("coupon-sink - Connection is not available", "08001", refused);

        assertThat(CouponDatabase.isUnreachable(new RuntimeException("migration failed", poolTimeout))).isTrue();
        assertThat(CouponDatabase.isUnreachable(new SQLTransientConnectionException("pool timed out"))).isTrue();
    }

    @Test
    void takesRefusedCredentialsAndBrokenSqlForFailuresARetryCannotCure() {
        SQLException denied = new SQLException("Access denied for user 'coupon'", "28000", 1045);
        SQLException poolTimeout = new SQLTransientConnectionException("coupon-sink - Connection is not available", "08001", denied);

        assertThat(CouponDatabase.isUnreachable(poolTimeout)).isFalse();
        assertThat(CouponDatabase.isUnreachable(new SQLException("You have an error in your SQL syntax", "42000", 1064))).isFalse();
        assertThat(CouponDatabase.isUnreachable(new IllegalStateException("checksum mismatch"))).isFalse();
    }
}
