package firstcome.sink;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import com.zaxxer.hikari.metrics.micrometer.MicrometerMetricsTrackerFactory;
import io.micrometer.core.instrument.MeterRegistry;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLRecoverableException;
import java.sql.SQLTransientException;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.output.MigrateResult;

/**
 * The {@code coupon} database as the sink uses it: a small HikariCP pool whose connections are
 * set up once for what the writer relies on, Flyway's migrations, and a reachability check for
 * {@code /health}.
 */
public final class CouponDatabase implements AutoCloseable {

    private final HikariDataSource pool;

    private CouponDatabase(HikariDataSource pool) {
        this.pool = pool;
    }

    /** Creates the pool without connecting: a database that is down at start is waited for, not fatal. */
    public static CouponDatabase connect(SinkConfig config, MeterRegistry registry) {
        HikariConfig hikari = new HikariConfig();
        hikari.setPoolName("coupon-sink");
        hikari.setJdbcUrl(config.mysqlUrl());
        hikari.setUsername(config.mysqlUser());
        hikari.setPassword(config.mysqlPassword());
        // One connection for the writer (one batch at a time) and one for the health check.
        hikari.setMaximumPoolSize(2);
        hikari.setMinimumIdle(1);
        // Fail fast while the server is down: the consumer's back-off decides when to try again,
        // and /health answers within a few seconds.
        hikari.setConnectionTimeout(2_000);
        hikari.setValidationTimeout(1_000);
        hikari.setInitializationFailTimeout(-1);
        // Every batch is one explicit transaction; READ COMMITTED takes no gap locks on the read-back.
        hikari.setAutoCommit(false);
        hikari.setTransactionIsolation("TRANSACTION_READ_COMMITTED");
        // issued_at is a DATETIME(3) holding UTC, written and read as text (see CouponWriter), which no
        // session zone converts. The zone still matters where the server converts: Flyway's V2 turned
        // the former TIMESTAMP column into UTC wall times (it sets the zone itself too), and NOW() or
        // a TIMESTAMP read through this pool is UTC ('+00:00' rather than 'UTC': MariaDB without
        // loaded zone tables knows no zone names).
        hikari.setConnectionInitSql("SET time_zone = '+00:00'");
        // An upsert that finds its row unchanged counts 0, so the insert's count is the rows written,
        // and a batch whose every row is new skips the read-back (CouponWriter checks the mode itself).
        hikari.addDataSourceProperty("useAffectedRows", "true");
        hikari.addDataSourceProperty("connectTimeout", "2000");
        // A statement the server never answers fails after this and the batch is retried.
        hikari.addDataSourceProperty("socketTimeout", "30000");
        hikari.addDataSourceProperty("tcpKeepAlive", "true");
        // Keep auto-commit, isolation and read-only state on the client instead of asking the server
        // on every borrow: nothing here changes them through SQL.
        hikari.addDataSourceProperty("useLocalSessionState", "true");
        hikari.addDataSourceProperty("cachePrepStmts", "true");
        hikari.addDataSourceProperty("prepStmtCacheSize", "64");
        hikari.addDataSourceProperty("prepStmtCacheSqlLimit", "65536");
        hikari.setMetricsTrackerFactory(new MicrometerMetricsTrackerFactory(registry));
        return new CouponDatabase(new HikariDataSource(hikari));
    }

    public DataSource dataSource() {
        return pool;
    }

    /** Creates or migrates the schema (classpath:db/migration); throws if the database cannot be reached. */
    public MigrateResult migrate() {
        return Flyway.configure()
                .dataSource(pool)
                .locations("classpath:db/migration")
                .load()
                .migrate();
    }

    /** Whether a connection can be had and answers within about three seconds. */
    public boolean isReachable() {
        try (Connection connection = pool.getConnection()) {
            return connection.isValid(1);
        } catch (SQLException e) {
            return false;
        }
    }

    /**
     * Whether a failure says the server could not be reached (down, restarting, timing out), as
     * opposed to one a retry cannot cure (bad credentials, a broken migration). Decided by the
     * innermost {@link SQLException}: the pool wraps the driver's reason for not connecting.
     */
    public static boolean isUnreachable(Throwable failure) {
        SQLException innermost = null;
        for (Throwable cause = failure; cause != null; cause = cause.getCause() == cause ? null : cause.getCause()) {
            if (cause instanceof SQLException sql) {
                innermost = sql;
            }
        }
        if (innermost == null) {
            return false;
        }
        String state = innermost.getSQLState();
        if (state != null && (state.startsWith("28") || state.startsWith("42"))) {
            return false;
        }
        return innermost instanceof SQLTransientException
                || innermost instanceof SQLRecoverableException
                || (state != null && state.startsWith("08"));
    }

    @Override
    public void close() {
        pool.close();
    }
}
