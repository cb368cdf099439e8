package firstcome.bench;

import firstcome.contract.Topics;
import firstcome.testkit.Infrastructure;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;

/**
 * The standalone mode of the wrk benchmarks ({@code bench/apply-bench.sh}, {@code bench/page-bench.sh}):
 * starts a Kafka broker and Redis with the testkit (or uses the ones {@code KAFKA_BOOTSTRAP_SERVERS} /
 * {@code REDIS_URL} name), creates the topics, writes their addresses to the file given as argument,
 * and runs until the process is ended. Test scope, like the testkit: never in the bench jar.
 */
public final class BenchInfrastructure {

    private BenchInfrastructure() {
    }

    public static void main(String[] args) throws Exception {
        Path out = Path.of(args[0]);
        Infrastructure infrastructure = Infrastructure.fromEnvironment(System.getenv());
        CountDownLatch done = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                infrastructure.close();
            } catch (Exception e) {
                e.printStackTrace();
            }
            done.countDown();
        }, "bench-infrastructure-stop"));

        infrastructure.createTopics(Topics.standard(), Topics.DEFAULT_PARTITIONS);
        Path partial = out.resolveSibling(out.getFileName() + ".tmp");
        Files.writeString(partial, "KAFKA_BOOTSTRAP_SERVERS=" + infrastructure.kafkaBootstrapServers() + "\n"
                + "REDIS_URL=" + infrastructure.redisUrl() + "\n");
        Files.move(partial, out);
        done.await();
    }
}
