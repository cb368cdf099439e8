package firstcome.testkit;

import firstcome.contract.Topics;
import firstcome.stackkit.DirectoryTree;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The servers an integration test talks to: a Kafka broker, Redis (and a Redis Cluster) and MySQL (MariaDB), each
 * started on first use on a free port, or taken from the contract's environment variables
 * ({@code KAFKA_BOOTSTRAP_SERVERS}, {@code REDIS_URL}, {@code MYSQL_URL}, {@code MYSQL_USER},
 * {@code MYSQL_PASSWORD}) when they are set. Closing it stops what it started and deletes its files.
 *
 * <p>Tests get the one shared instance from {@link InfrastructureExtension}; code outside JUnit can
 * build and close its own with {@link #fromEnvironment(Map)}.
 */
public final class Infrastructure implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(Infrastructure.class);
    private static final int DEFAULT_REDIS_PORT = 6379;

    private final Optional<String> externalKafka;
    private final Optional<URI> externalRedis;
    private final Optional<String> externalMysqlUrl;
    private final String externalMysqlUser;
    private final String externalMysqlPassword;

    private final Path workDir;
    private final Thread shutdownHook;

    private KafkaBroker kafka;
    private Admin admin;
    private RedisServer redis;
    private RedisCluster redisCluster;
    private MariaDbServer mysql;
    private boolean closed;

    private Infrastructure(Map<String, String> env) {
        this.externalKafka = setting(env, "KAFKA_BOOTSTRAP_SERVERS");
        this.externalRedis = setting(env, "REDIS_URL").map(URI::create);
        this.externalMysqlUrl = setting(env, "MYSQL_URL");
        this.externalMysqlUser = setting(env, "MYSQL_USER").orElse(MariaDbServer.USER);
        this.externalMysqlPassword = setting(env, "MYSQL_PASSWORD").orElse(MariaDbServer.PASSWORD);
        try {
            this.workDir = Files.createTempDirectory("firstcome-testkit-");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        // Safety net: a test run that dies without closing must not leave redis-server or mariadbd running.
        this.shutdownHook = new Thread(this::stopEverything, "firstcome-testkit-shutdown");
        Runtime.getRuntime().addShutdownHook(shutdownHook);
    }

    /** Uses the servers the environment names, and starts local ones (lazily) for the rest. */
    public static Infrastructure fromEnvironment(Map<String, String> env) {
        return new Infrastructure(env);
    }

    // ---- Kafka ----

    /** Starts the in-JVM broker on first call (about 3-7 s). */
    public synchronized String kafkaBootstrapServers() {
        if (externalKafka.isPresent()) {
            return externalKafka.get();
        }
        ensureOpen();
        if (kafka == null) {
            long started = System.nanoTime();
            try {
                kafka = KafkaBroker.start(workDir.resolve("kafka"));
            } catch (Exception e) {
                throw new IllegalStateException("the in-JVM Kafka broker did not start", e);
            }
            log.info("Kafka broker at {} ready in {} ms", kafka.bootstrapServers(), millisSince(started));
        }
        return kafka.bootstrapServers();
    }

    /** One admin client for the whole run; owned by this object, so callers must not close it. */
    public synchronized Admin adminClient() {
        if (admin == null) {
            admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafkaBootstrapServers()));
        }
        return admin;
    }

    public void createTopic(String name, int partitions) {
        createTopic(name, partitions, Map.of());
    }

    /**
     * Creates the topic unless it exists (whatever its settings), then waits until the broker
     * serves its metadata, so a producer's first send does not race the creation. For a test's own
     * topics; firstcome's come from {@link #createTopics(Topics, int)}.
     */
    public void createTopic(String name, int partitions, Map<String, String> configs) {
        // No replication factor: the broker's default, 1 on the local node and whatever an external cluster wants.
        Topics.create(adminClient(), List.of(new NewTopic(name, Optional.of(partitions), Optional.empty()).configs(configs)));
    }

    /**
     * Creates every one of {@code topics} that does not exist yet, with its declared settings
     * ({@code coupon-events} compacted, ...), {@code partitions} each, and waits until the broker serves them.
     */
    public void createTopics(Topics topics, int partitions) {
        topics.createAll(adminClient(), partitions);
    }

    // ---- Redis ----

    /** {@code redis://host:port}, starting the local Redis on first call. */
    public String redisUrl() {
        return externalRedis.map(URI::toString).orElseGet(() -> "redis://" + redisHost() + ":" + redisPort());
    }

    public String redisHost() {
        return externalRedis.map(URI::getHost).orElse(RedisServer.HOST);
    }

    public synchronized int redisPort() {
        return externalRedis.map(url -> url.getPort() == -1 ? DEFAULT_REDIS_PORT : url.getPort())
                .orElseGet(() -> localRedis().port());
    }

    /** False when Redis is external ({@code REDIS_URL}): tests of an outage should then be skipped. */
    public boolean canStopRedis() {
        return externalRedis.isEmpty();
    }

    /** Ends the local Redis; its port stays reserved for {@link #startRedis()}, its data is gone. */
    public synchronized void stopRedis() {
        requireLocal(canStopRedis(), "Redis", "REDIS_URL", "canStopRedis");
        localRedis().stop();
        log.info("Redis on port {} stopped", redis.port());
    }

    /** Starts Redis again on the same port (empty: it never persists). */
    public synchronized void startRedis() {
        requireLocal(canStopRedis(), "Redis", "REDIS_URL", "canStopRedis");
        localRedis().start();
    }

    private RedisServer localRedis() {
        ensureOpen();
        if (redis == null) {
            long started = System.nanoTime();
            redis = new RedisServer(directory("redis"));
            redis.start();
            log.info("Redis on port {} ready in {} ms", redis.port(), millisSince(started));
        }
        return redis;
    }

    /**
     * A Redis Cluster of three masters on free ports, started and joined on first call (a couple of
     * seconds). Always local: {@code REDIS_URL} names the single Redis only.
     */
    public synchronized RedisCluster redisCluster() {
        ensureOpen();
        if (redisCluster == null) {
            long started = System.nanoTime();
            redisCluster = new RedisCluster(directory("redis-cluster"));
            try {
                redisCluster.start();
            } catch (RuntimeException e) {
                redisCluster.close();
                redisCluster = null;
                throw e;
            }
            log.info("Redis Cluster at {} ready in {} ms", redisCluster.url(), millisSince(started));
        }
        return redisCluster;
    }

    // ---- MySQL ----

    /** The JDBC URL of database {@code coupon}, starting the local MariaDB on first call. */
    public synchronized String mysqlJdbcUrl() {
        return externalMysqlUrl.orElseGet(() -> localMysql().jdbcUrl());
    }

    public String mysqlUser() {
        return externalMysqlUrl.isPresent() ? externalMysqlUser : MariaDbServer.USER;
    }

    public String mysqlPassword() {
        return externalMysqlUrl.isPresent() ? externalMysqlPassword : MariaDbServer.PASSWORD;
    }

    /** False when MySQL is external ({@code MYSQL_URL}): tests of an outage should then be skipped. */
    public boolean canStopMysql() {
        return externalMysqlUrl.isEmpty();
    }

    /** Shuts MariaDB down cleanly; the data directory and port are kept for {@link #startMysql()}. */
    public synchronized void stopMysql() {
        requireLocal(canStopMysql(), "MySQL", "MYSQL_URL", "canStopMysql");
        localMysql().stop();
        log.info("MariaDB stopped");
    }

    /** Starts MariaDB again on the same port with the same data. */
    public synchronized void startMysql() {
        requireLocal(canStopMysql(), "MySQL", "MYSQL_URL", "canStopMysql");
        localMysql().start();
    }

    private MariaDbServer localMysql() {
        ensureOpen();
        if (mysql == null) {
            long started = System.nanoTime();
            mysql = new MariaDbServer(directory("mysql"));
            mysql.start();
            log.info("MariaDB at {} ready in {} ms", mysql.jdbcUrl(), millisSince(started));
        }
        return mysql;
    }

    // ---- lifecycle ----

    @Override
    public synchronized void close() throws Exception {
        if (closed) {
            return;
        }
        try {
            Runtime.getRuntime().removeShutdownHook(shutdownHook);
        } catch (IllegalStateException jvmAlreadyExiting) {
            // The hook is running or about to; stopping twice is harmless.
        }
        List<Exception> failures = stopEverything();
        if (!failures.isEmpty()) {
            Exception first = failures.get(0);
            failures.subList(1, failures.size()).forEach(first::addSuppressed);
            throw first;
        }
    }

    /** Stops in reverse order of dependence and deletes every file; keeps going past failures. */
    private synchronized List<Exception> stopEverything() {
        List<Exception> failures = new ArrayList<>();
        if (closed) {
            return failures;
        }
        closed = true;
        for (AutoCloseable resource : new AutoCloseable[] {admin, kafka, redis, redisCluster, mysql}) {
            if (resource == null) {
                continue;
            }
            try {
                resource.close();
            } catch (Exception e) {
                failures.add(e);
            }
        }
        DirectoryTree.delete(workDir);
        return failures;
    }

    /** Where the local servers keep their files; visible for the fixture's own tests. */
    Path workDirectory() {
        return workDir;
    }

    private Path directory(String name) {
        try {
            return Files.createDirectories(workDir.resolve(name));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void ensureOpen() {
        if (closed) {
            throw new IllegalStateException("this Infrastructure is closed");
        }
    }

    private static void requireLocal(boolean local, String what, String variable, String guard) {
        if (!local) {
            throw new IllegalStateException(what + " is external (" + variable + " is set); the testkit cannot stop or start it."
                    + " Guard the test with assumeTrue(infrastructure." + guard + "()).");
        }
    }

    private static Optional<String> setting(Map<String, String> env, String name) {
        return Optional.ofNullable(env.get(name)).map(String::strip).filter(value -> !value.isEmpty());
    }

    private static long millisSince(long nanoTime) {
        return (System.nanoTime() - nanoTime) / 1_000_000;
    }
}
