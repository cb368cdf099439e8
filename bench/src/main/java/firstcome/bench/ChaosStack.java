package firstcome.bench;

import firstcome.contract.Topics;
import firstcome.stackkit.ChildProcess;
import firstcome.stackkit.DirectoryTree;
import firstcome.stackkit.FreePorts;
import firstcome.stackkit.SingleNodeBroker;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import java.util.jar.JarFile;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.common.Uuid;

/**
 * Everything {@code make chaos} runs, as child processes on free ports under one work directory: a
 * single-node KRaft broker started from the Kafka jars (so it can be stopped and started, unlike the
 * testkit's in-JVM one), Redis without persistence, MariaDB, and the three service jars. A
 * supervisor restarts a service that dies on its own, as systemd or Kubernetes would, and counts it.
 */
final class ChaosStack implements AutoCloseable {

    static final String ADMIN_TOKEN = "chaos-admin-token";
    static final String SHOP_TOKEN = "chaos-shop-token";
    private static final int PARTITIONS = Topics.DEFAULT_PARTITIONS;
    private static final Duration READY = Duration.ofSeconds(120);
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();

    private final Path root;
    private final Path kafkaLib;
    private final Map<String, Path> jars;
    final int kafkaPort = FreePorts.next();
    private final int controllerPort = FreePorts.next();
    final int redisPort = FreePorts.next();
    final int mysqlPort = FreePorts.next();
    final int ingressPort = FreePorts.next();
    final int processorPort = FreePorts.next();
    final int sinkPort = FreePorts.next();

    final ChildProcess kafka;
    final ChildProcess redis;
    final ChildProcess mysql;
    final ChildProcess processor;
    final ChildProcess sink;
    final ChildProcess ingress;
    private final List<ChildProcess> services;
    /** Services a fault holds down on purpose: the supervisor leaves them alone. */
    private final Map<ChildProcess, Boolean> heldDown = new ConcurrentHashMap<>();
    private final Map<String, AtomicInteger> unplannedRestarts = new ConcurrentHashMap<>();
    /** Once everything has started: from then on a dead service is restarted, not a failed start. */
    private volatile boolean supervising;
    private final ScheduledExecutorService supervisor = Executors.newSingleThreadScheduledExecutor(task -> {
        Thread thread = new Thread(task, "chaos-supervisor");
        thread.setDaemon(true);
        return thread;
    });

    ChaosStack(Path root, Path kafkaLib, Map<String, Path> jars) throws IOException {
        this.root = root;
        this.kafkaLib = kafkaLib;
        this.jars = jars;
        DirectoryTree.delete(root);
        Files.createDirectories(root.resolve("logs"));
        String java = ChildProcess.java();

        kafka = new ChildProcess("kafka", List.of(java, "-Xms256m", "-Xmx512m", "-XX:+UseG1GC",
                "-Dlog4j2.configurationFile=" + root.resolve("kafka/log4j2.properties"),
                "-cp", kafkaLib.resolve("*").toString(), "kafka.Kafka", root.resolve("kafka/server.properties").toString()),
                Map.of(), log("kafka"));
        redis = new ChildProcess("redis", List.of(binary("redis-server"), "--port", Integer.toString(redisPort),
                "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--dir", root.toString()), Map.of(), log("redis"));
        Path mysqlData = root.resolve("mysql");
        mysql = new ChildProcess("mysql", List.of(binary("mariadbd"), "--no-defaults", "--datadir=" + mysqlData,
                "--socket=" + root.resolve("mysql.sock"), "--port=" + mysqlPort, "--bind-address=127.0.0.1",
                "--user=" + System.getProperty("user.name"), "--skip-log-bin", "--skip-name-resolve"), Map.of(), log("mysql"));

        Map<String, String> env = new HashMap<>();
        env.put("KAFKA_BOOTSTRAP_SERVERS", bootstrapServers());
        env.put("REDIS_URL", "redis://127.0.0.1:" + redisPort);
        env.put("MYSQL_URL", jdbcUrl());
        env.put("MYSQL_USER", "coupon");
        env.put("MYSQL_PASSWORD", "coupon");
        env.put("ADMIN_TOKEN", ADMIN_TOKEN);
        env.put("SHOP_TOKEN", SHOP_TOKEN);
        env.put("INGRESS_PORT", Integer.toString(ingressPort));
        // Every client here is 127.0.0.1: the per-address connection cap is for the world outside.
        env.put("INGRESS_MAX_CONNECTIONS_PER_CLIENT", "1000");
        env.put("PROCESSOR_PORT", Integer.toString(processorPort));
        env.put("PROCESSOR_URL", "http://127.0.0.1:" + processorPort);
        env.put("PROCESSOR_HOST", "127.0.0.1");
        env.put("PROCESSOR_STATE_DIR", root.resolve("streams").toString());
        env.put("SINK_PORT", Integer.toString(sinkPort));
        // Experiments: CHAOS_SERVICE_X=v gives every service X=v (e.g. CHAOS_SERVICE_INGRESS_RECONCILE_AFTER_MS).
        System.getenv().forEach((name, value) -> {
            if (name.startsWith("CHAOS_SERVICE_")) {
                env.put(name.substring("CHAOS_SERVICE_".length()), value);
            }
        });
        processor = service("streams-processor", java, env);
        sink = service("sink", java, env);
        ingress = service("ingress", java, env);
        services = List.of(processor, sink, ingress);
    }

    /** Runs a copy of the jar, so that a rebuild during the run cannot pull it from under a live process. */
    private ChildProcess service(String name, String java, Map<String, String> env) throws IOException {
        Path copy = Files.createDirectories(root.resolve("jars")).resolve(name + ".jar");
        Path jar = jars.get(name);
        // A build running elsewhere may be replacing it: <module>/target/<module>.jar is the runnable jar
        // the shade step writes at the end of the module's build (the plain jar keeps its versioned
        // name), so for a while it may be missing or half-written.
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        while (!runnable(jar) && System.nanoTime() < deadline) {
            Chaos.progress(jar + " is not a runnable jar yet (a build in progress?); waiting");
            Chaos.pause(Duration.ofSeconds(5));
        }
        Files.copy(jar, copy);
        return new ChildProcess(name, List.of(java, "-Xmx384m", "-XX:+UseSerialGC", "-jar", copy.toString()), env, log(name));
    }

    /** Infrastructure first (the broker boots while MariaDB installs), then the topics, then the services. */
    void start() throws Exception {
        writeKafkaConfig();
        formatKafkaStorage();
        kafka.start();
        redis.start();
        installMysql();
        mysql.start();
        awaitUp("redis", redis, this::redisAnswers);
        awaitUp("mysql", mysql, this::mysqlAnswers);
        provisionMysql();
        awaitUp("kafka", kafka, () -> portOpen(kafkaPort));
        createTopics();
        for (ChildProcess service : services) {
            service.start();
        }
        for (ChildProcess service : services) {
            awaitHealthy(service);
        }
        supervising = true;
        supervisor.scheduleWithFixedDelay(this::restartCrashedServices, 500, 500, TimeUnit.MILLISECONDS);
    }

    // ---- faults ----

    /** Keeps the supervisor off the service while a fault holds it down; {@link #release} hands it back. */
    void holdDown(ChildProcess service) {
        heldDown.put(service, true);
    }

    void release(ChildProcess service) {
        heldDown.remove(service);
    }

    /** Redis loses every key, as after a restart without persistence. */
    void flushRedis() throws IOException {
        try (Socket socket = new Socket("127.0.0.1", redisPort)) {
            socket.setSoTimeout(5000);
            socket.getOutputStream().write("*1\r\n$8\r\nFLUSHALL\r\n".getBytes(StandardCharsets.US_ASCII));
            byte[] reply = socket.getInputStream().readNBytes(5);
            if (!new String(reply, StandardCharsets.US_ASCII).startsWith("+OK")) {
                throw new IllegalStateException("FLUSHALL answered " + new String(reply, StandardCharsets.US_ASCII));
            }
        }
    }

    void awaitHealthy(ChildProcess service) {
        int port = service == processor ? processorPort : service == sink ? sinkPort : ingressPort;
        awaitUp(service.name(), service, () -> httpStatus("http://127.0.0.1:" + port + "/health") == 200);
    }

    void awaitKafka() {
        awaitUp("kafka", kafka, () -> portOpen(kafkaPort));
    }

    void awaitMysql() {
        awaitUp("mysql", mysql, this::mysqlAnswers);
    }

    Map<String, Integer> unplannedRestarts() {
        Map<String, Integer> counts = new HashMap<>();
        unplannedRestarts.forEach((name, count) -> counts.put(name, count.get()));
        return counts;
    }

    private void restartCrashedServices() {
        for (ChildProcess service : services) {
            if (!service.alive() && !heldDown.containsKey(service)) {
                unplannedRestarts.computeIfAbsent(service.name(), name -> new AtomicInteger()).incrementAndGet();
                Chaos.progress("supervisor: " + service.name() + " exited on its own; restarting it (log " + service.log() + ")");
                service.start();
            }
        }
    }

    // ---- addresses ----

    String bootstrapServers() {
        return "127.0.0.1:" + kafkaPort;
    }

    String jdbcUrl() {
        return "jdbc:mysql://127.0.0.1:" + mysqlPort + "/coupon";
    }

    String ingressUrl() {
        return "http://127.0.0.1:" + ingressPort;
    }

    Connection database() throws SQLException {
        return DriverManager.getConnection(jdbcUrl() + "?connectTimeout=2000&socketTimeout=10000", "coupon", "coupon");
    }

    // ---- set-up ----

    /** The stack's single-node broker, on this run's ports and directory. */
    private void writeKafkaConfig() throws IOException {
        Path dir = Files.createDirectories(root.resolve("kafka"));
        List<String> lines = new ArrayList<>(List.of(
                "process.roles=broker,controller",
                "node.id=1",
                "controller.quorum.bootstrap.servers=127.0.0.1:" + controllerPort,
                "listeners=PLAINTEXT://127.0.0.1:" + kafkaPort + ",CONTROLLER://127.0.0.1:" + controllerPort,
                "advertised.listeners=PLAINTEXT://127.0.0.1:" + kafkaPort,
                "controller.listener.names=CONTROLLER",
                "inter.broker.listener.name=PLAINTEXT",
                "listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT",
                "log.dirs=" + dir.resolve("data"),
                "num.partitions=" + PARTITIONS));
        SingleNodeBroker.settings().forEach((name, value) -> lines.add(name + "=" + value));
        lines.add("");
        Files.writeString(dir.resolve("server.properties"), String.join("\n", lines));
        Files.writeString(dir.resolve("log4j2.properties"), String.join("\n",
                "status = warn",
                "appender.out.type = Console",
                "appender.out.name = OUT",
                "appender.out.layout.type = PatternLayout",
                "appender.out.layout.pattern = [%d] %p %m (%c)%n",
                "rootLogger.level = WARN",
                "rootLogger.appenderRef.out.ref = OUT", ""));
    }

    private void formatKafkaStorage() {
        runToCompletion("kafka storage format", List.of(ChildProcess.java(), "-Xmx256m", "-XX:TieredStopAtLevel=1",
                "-Dlog4j2.configurationFile=" + root.resolve("kafka/log4j2.properties"),
                "-cp", kafkaLib.resolve("*").toString(), "kafka.tools.StorageTool", "format",
                "-t", Uuid.randomUuid().toString(), "-c", root.resolve("kafka/server.properties").toString(), "--standalone"));
    }

    private void installMysql() {
        runToCompletion("mariadb-install-db", List.of(binary("mariadb-install-db"), "--no-defaults",
                "--datadir=" + root.resolve("mysql"), "--auth-root-authentication-method=normal", "--skip-test-db",
                "--skip-name-resolve", "--user=" + System.getProperty("user.name")));
    }

    private void provisionMysql() throws SQLException {
        try (Connection rootUser = DriverManager.getConnection("jdbc:mysql://127.0.0.1:" + mysqlPort + "/", "root", "");
             Statement sql = rootUser.createStatement()) {
            sql.execute("CREATE DATABASE IF NOT EXISTS coupon");
            sql.execute("CREATE USER IF NOT EXISTS 'coupon'@'%' IDENTIFIED VIA mysql_native_password USING PASSWORD('coupon')");
            sql.execute("GRANT ALL ON coupon.* TO 'coupon'@'%'");
        }
    }

    private void createTopics() {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers()))) {
            Topics.standard().createAll(admin, PARTITIONS);
        }
    }

    private void runToCompletion(String what, List<String> command) {
        ChildProcess.runToCompletion(command, log(what.replace(' ', '-')), Duration.ofSeconds(120));
    }

    private void awaitUp(String what, ChildProcess process, BooleanSupplier ready) {
        long deadline = System.nanoTime() + READY.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.alive() && !(supervising && services.contains(process))) {
                throw new IllegalStateException(what + " exited during start-up; its log:\n" + process.logTail());
            }
            if (ready.getAsBoolean()) {
                return;
            }
            Chaos.pause(Duration.ofMillis(200));
        }
        throw new IllegalStateException(what + " not ready within " + READY.toSeconds() + " s; its log:\n" + process.logTail());
    }

    private boolean redisAnswers() {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", redisPort), 500);
            socket.setSoTimeout(500);
            OutputStream out = socket.getOutputStream();
            out.write("PING\r\n".getBytes(StandardCharsets.US_ASCII));
            InputStream in = socket.getInputStream();
            return new String(in.readNBytes(5), StandardCharsets.US_ASCII).equals("+PONG");
        } catch (IOException e) {
            return false;
        }
    }

    private boolean mysqlAnswers() {
        try (Connection ignored = DriverManager.getConnection("jdbc:mysql://127.0.0.1:" + mysqlPort
                + "/?connectTimeout=1000", "root", "")) {
            return true;
        } catch (SQLException e) {
            return false;
        }
    }

    static int httpStatus(String url) {
        try {
            return HTTP.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(2)).build(),
                    HttpResponse.BodyHandlers.discarding()).statusCode();
        } catch (IOException e) {
            return -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
    }

    private static boolean portOpen(int port) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", port), 500);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private Path log(String name) {
        return root.resolve("logs").resolve(name + ".log");
    }

    /** Services first, then the infrastructure; keeps the logs, deletes the data. */
    @Override
    public void close() {
        supervisor.shutdownNow();
        for (ChildProcess service : List.of(ingress, sink, processor)) {
            service.stop(Duration.ofSeconds(15));
        }
        kafka.stop(Duration.ofSeconds(30));
        mysql.stop(Duration.ofSeconds(30));
        redis.stop(Duration.ofSeconds(10));
        for (String data : List.of("kafka", "mysql", "streams")) {
            DirectoryTree.delete(root.resolve(data));
        }
    }

    private static boolean runnable(Path jar) {
        try (JarFile file = new JarFile(jar.toFile())) {
            return file.getManifest() != null && file.getManifest().getMainAttributes().getValue("Main-Class") != null;
        } catch (IOException e) {
            return false;
        }
    }

    private static String binary(String name) {
        return ChildProcess.locate(name).toString();
    }
}
