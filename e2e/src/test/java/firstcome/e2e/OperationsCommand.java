package firstcome.e2e;

import static java.nio.charset.StandardCharsets.UTF_8;

import firstcome.contract.KafkaConnection;
import firstcome.stackkit.ChildProcess;
import firstcome.testkit.Infrastructure;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The operations commands (replay, rebuild-db, audit) run from the ops jar as child processes
 * against the test infrastructure, as {@code make replay} and friends run them: the test sees
 * their exit status and report (stdout); their progress (stderr) goes to a log file.
 */
final class OperationsCommand {

    /** {@code report} is what the command printed on stdout, {@code progress} on stderr. */
    record Result(int exitStatus, String report, String progress) {
    }

    private static final Duration DEADLINE = Duration.ofSeconds(120);
    private static final AtomicInteger RUNS = new AtomicInteger();

    private final Infrastructure infrastructure;
    private final KafkaConnection kafka;

    OperationsCommand(Infrastructure infrastructure) {
        this(infrastructure, KafkaConnection.plain(infrastructure.kafkaBootstrapServers()));
    }

    /** Against a broker of the test's own, reached through {@code kafka} (its brokers and its client file). */
    OperationsCommand(Infrastructure infrastructure, KafkaConnection kafka) {
        this.infrastructure = infrastructure;
        this.kafka = kafka;
    }

    Result replay(String... args) throws Exception {
        return run("replay", args);
    }

    Result rebuildDatabase(String... args) throws Exception {
        return run("rebuild-db", args);
    }

    Result audit(String... args) throws Exception {
        return run("audit", args);
    }

    /** The audit with {@code settings} added to its environment (e.g. {@code EVENT_RETENTION}), given up after {@code deadline}. */
    Result audit(Map<String, String> settings, Duration deadline, String... args) throws Exception {
        return run("audit", settings, deadline, args);
    }

    private Result run(String commandName, String... args) throws IOException, InterruptedException {
        return run(commandName, Map.of(), DEADLINE, args);
    }

    private Result run(String commandName, Map<String, String> settings, Duration deadline, String... args)
            throws IOException, InterruptedException {
        Path jar = Path.of(System.getProperty("firstcome.jar.ops", "ops.jar"));
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException(jar + " not found; run `mvn package` first");
        }
        Path logs = Path.of(System.getProperty("firstcome.logs", "target/service-logs"));
        Files.createDirectories(logs);
        String name = commandName + "-" + RUNS.incrementAndGet();
        Path report = logs.resolve(name + ".out");
        Path progress = logs.resolve(name + ".err");
        List<String> command = new ArrayList<>(List.of(ChildProcess.java(), "-Xmx512m", "-jar", jar.toString(), commandName));
        command.addAll(List.of(args));
        var builder = new ProcessBuilder(command)
                .redirectOutput(report.toFile())
                .redirectError(progress.toFile());
        builder.environment().put("KAFKA_BOOTSTRAP_SERVERS", kafka.bootstrapServers());
        kafka.clientConfig().ifPresent(file -> builder.environment().put("KAFKA_CLIENT_CONFIG", file.toString()));
        builder.environment().put("MYSQL_URL", infrastructure.mysqlJdbcUrl());
        builder.environment().put("REDIS_URL", infrastructure.redisUrl());
        builder.environment().put("MYSQL_USER", infrastructure.mysqlUser());
        builder.environment().put("MYSQL_PASSWORD", infrastructure.mysqlPassword());
        builder.environment().putAll(settings);
        Process process = builder.start();
        if (!process.waitFor(deadline.toSeconds(), TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            throw new IllegalStateException(name + " did not finish within " + deadline.toSeconds() + " s; see " + progress);
        }
        String output = Files.readString(report, UTF_8);
        System.out.println("---- " + name + " " + String.join(" ", args) + " -> exit " + process.exitValue() + "\n" + output);
        return new Result(process.exitValue(), output, Files.readString(progress, UTF_8));
    }
}
