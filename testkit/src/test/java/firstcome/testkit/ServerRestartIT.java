package firstcome.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.net.URI;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import redis.clients.jedis.RedisClient;
import redis.clients.jedis.exceptions.JedisConnectionException;

/**
 * Outage tests stop and start the servers: MariaDB keeps its rows, Redis comes back (empty) on the
 * port the application under test was configured with.
 */
@ExtendWith(InfrastructureExtension.class)
class ServerRestartIT {

    @Test
    void mysqlKeepsItsDataAcrossAStopAndStart(Infrastructure infrastructure) throws SQLException {
        assumeTrue(infrastructure.canStopMysql(), "MySQL is external");
        // given
        try (Connection db = connect(infrastructure); Statement sql = db.createStatement()) {
            sql.execute("CREATE TABLE IF NOT EXISTS testkit_restart (id INT PRIMARY KEY)");
            sql.execute("REPLACE INTO testkit_restart VALUES (42)");
        }

        // when
        infrastructure.stopMysql();

        // then
        assertThatThrownBy(() -> connect(infrastructure).close()).isInstanceOf(SQLException.class);

        // when
        infrastructure.startMysql();

        // then
        try (Connection db = connect(infrastructure); Statement sql = db.createStatement();
             ResultSet rows = sql.executeQuery("SELECT id FROM testkit_restart")) {
            assertThat(rows.next()).isTrue();
            assertThat(rows.getInt(1)).isEqualTo(42);
        }
    }

    @Test
    void redisComesBackOnTheSamePortAfterAStop(Infrastructure infrastructure) {
        assumeTrue(infrastructure.canStopRedis(), "Redis is external");
        // given
        URI url = URI.create(infrastructure.redisUrl());
        try (RedisClient redis = RedisClient.create(url)) {
            redis.set("testkit:restart", "before");
        }

        // when
        infrastructure.stopRedis();

        // then
        try (RedisClient redis = RedisClient.create(url)) {
            assertThatThrownBy(() -> redis.ping()).isInstanceOf(JedisConnectionException.class);
        }

        // when
        infrastructure.startRedis();

        // then
        assertThat(infrastructure.redisUrl()).isEqualTo(url.toString());
        try (RedisClient redis = RedisClient.create(url)) {
            assertThat(redis.ping()).isEqualTo("PONG");
            assertThat(redis.get("testkit:restart")).as("Redis never persists").isNull();
        }
    }

    private static Connection connect(Infrastructure infrastructure) throws SQLException {
        return DriverManager.getConnection(
                infrastructure.mysqlJdbcUrl() + "?connectTimeout=2000",
                infrastructure.mysqlUser(), infrastructure.mysqlPassword());
    }
}
