package firstcome.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import firstcome.stackkit.ChildProcess;
import firstcome.testkit.Infrastructure;
import firstcome.testkit.InfrastructureExtension;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The dashboard and the alert rules read only what the services export: after a sale with a waitlist,
 * a redemption and a status look-up through the three service jars, every metric named in
 * {@code ops/grafana/firstcome.json} and {@code ops/prometheus/alerts.yml} (by {@link PromQlNames}) is
 * in some service's {@code /metrics}, with every label its matchers name; and the JVM's meters are in
 * each of the three.
 *
 * <p>How names and labels are matched: {@link ExportedSeries}.
 */
@ExtendWith(InfrastructureExtension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class DashboardMetricsIT {

    private static final Duration DEADLINE = Duration.ofSeconds(90);

    @AutoClose
    private Pipeline pipeline;
    private Shoppers shoppers;

    @BeforeAll
    void startPipeline(Infrastructure infrastructure) throws Exception {
        pipeline = new Pipeline(infrastructure);
        shoppers = pipeline.shoppers();
    }

    @Test
    void everySeriesTheDashboardAndTheAlertsReadIsExportedByARunningService() throws Exception {
        String event = "metrics-" + System.nanoTime();
        assertThat(shoppers.defineEvent(event, "{\"limit\":5,\"waitlist\":2}").statusCode()).isEqualTo(200);
        List<String[]> applications = IntStream.rangeClosed(1, 40).mapToObj(i -> new String[] {event, "u-" + i}).toList();
        List<Shoppers.Answer> answers = shoppers.apply(applications, 8);
        assertThat(answers).extracting(Shoppers.Answer::status).contains(202, 410);
        String holder = answers.stream().filter(a -> a.status() == 202).findFirst().orElseThrow().userId();
        await("the first accepted user's coupon").atMost(DEADLINE).pollInterval(Duration.ofMillis(200))
                .until(() -> shoppers.get("/events/" + event + "/applications/" + holder).body().contains("ISSUED"));
        assertThat(shoppers.shop(event, holder, "redeem", "{\"orderId\":\"o-1\"}").statusCode()).isEqualTo(200);
        // A GC in each service, so that its pause series exist (they appear at the first collection).
        for (ServiceProcess service : services().values()) {
            fullGc(service);
        }

        List<OpsFiles.Expression> expressions = new ArrayList<>(OpsFiles.dashboardExpressions());
        expressions.addAll(OpsFiles.alertExpressions());
        assertThat(expressions).as("expressions in the dashboard and the alerts").hasSizeGreaterThan(20);

        await("every series the dashboard and the alerts read, in some service's /metrics").atMost(DEADLINE)
                .pollInterval(Duration.ofSeconds(1))
                .untilAsserted(() -> {
                    Map<String, String> scrapes = scrapeAll();
                    assertThat(ExportedSeries.of(scrapes.values()).missing(expressions)).isEmpty();
                    for (var service : scrapes.entrySet()) {
                        assertThat(ExportedSeries.of(List.of(service.getValue())).byName())
                                .as("the JVM's meters of the %s", service.getKey())
                                .containsKeys("jvm_memory_used_bytes", "jvm_memory_max_bytes", "jvm_gc_pause_seconds_count",
                                        "jvm_gc_pause_seconds_sum", "jvm_gc_overhead", "jvm_memory_usage_after_gc",
                                        "jvm_threads_live_threads", "process_cpu_usage");
                    }
                });

        String processor = scrape(pipeline.processor);
        assertThat(processor).contains("processor_streams_state{state=\"RUNNING\"} 1.0");
        assertThat(value(processor, "processor_decisions_total{kind=\"request\",outcome=\"ISSUED\"}")).isGreaterThanOrEqualTo(5);
        assertThat(value(processor, "processor_decisions_total{kind=\"request\",outcome=\"WAITLISTED\"}")).isGreaterThanOrEqualTo(2);
        assertThat(value(processor, "processor_decisions_total{kind=\"action\",outcome=\"REDEEMED\"}")).isGreaterThanOrEqualTo(1);
    }

    private Map<String, ServiceProcess> services() {
        Map<String, ServiceProcess> services = new LinkedHashMap<>();
        services.put("ingress", pipeline.ingress);
        services.put("streams-processor", pipeline.processor);
        services.put("sink", pipeline.sink);
        return services;
    }

    /** Per service, its {@code /metrics}; each is kept beside the services' logs for a look. */
    private Map<String, String> scrapeAll() throws Exception {
        Map<String, String> scrapes = new TreeMap<>();
        for (var service : services().entrySet()) {
            String text = scrape(service.getValue());
            Path copy = Path.of(System.getProperty("firstcome.logs", "target/service-logs")).resolve(service.getKey() + "-metrics.txt");
            Files.createDirectories(copy.getParent());
            Files.writeString(copy, text);
            scrapes.put(service.getKey(), text);
        }
        return scrapes;
    }

    private static String scrape(ServiceProcess service) throws Exception {
        HttpResponse<String> response = new Shoppers(service.url()).get("/metrics");
        assertThat(response.statusCode()).as("GET %s/metrics", service.url()).isEqualTo(200);
        return response.body();
    }

    private static double value(String scrape, String series) {
        return scrape.lines().filter(line -> line.startsWith(series + " ")).findFirst()
                .map(line -> Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1)))
                .orElseThrow(() -> new AssertionError("no " + series + " in /metrics"));
    }

    private static void fullGc(ServiceProcess service) throws IOException, InterruptedException {
        String jcmd = Path.of(ChildProcess.java()).resolveSibling("jcmd").toString();
        Process gc = new ProcessBuilder(jcmd, Long.toString(service.pid()), "GC.run").redirectErrorStream(true).start();
        String output = new String(gc.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(gc.waitFor(60, TimeUnit.SECONDS) && gc.exitValue() == 0).as("jcmd GC.run: %s", output).isTrue();
    }
}
