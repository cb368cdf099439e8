package firstcome.processor;

import firstcome.contract.Ids;
import firstcome.contract.Topics;
import io.javalin.Javalin;
import io.micrometer.core.instrument.binder.kafka.KafkaStreamsMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.util.Map;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse;
import org.apache.kafka.streams.state.HostInfo;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The streams-processor process: runs the issuing topology under exactly-once and serves
 * {@code /health}, {@code /metrics} and status look-ups from its state. {@code main} only wires.
 */
public final class App implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(App.class);

    private final KafkaStreams streams;
    private final PrometheusMeterRegistry registry;
    private final KafkaStreamsMetrics streamsMetrics;
    private final StatusQueries statusQueries;
    private final TallyQueries tallyQueries;
    private final Javalin http;

    App(ProcessorConfig config, Topics topics) {
        streams = new KafkaStreams(IssuingTopology.build(topics), StreamsSettings.of(config, topics));
        registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        streamsMetrics = new KafkaStreamsMetrics(streams);
        streamsMetrics.bindTo(registry);
        statusQueries = new StatusQueries(streams, new HostInfo(config.advertisedHost(), config.port()));
        tallyQueries = new TallyQueries(streams, new HostInfo(config.advertisedHost(), config.port()));
        http = Javalin.create(cfg -> {
            cfg.startup.showJavalinBanner = false;
            cfg.jetty.port = config.port();
            cfg.routes.get("/health", ctx -> {
                KafkaStreams.State state = streams.state();
                boolean up = state == KafkaStreams.State.RUNNING || state == KafkaStreams.State.REBALANCING;
                ctx.status(up ? 200 : 503).json(Map.of("status", up ? "UP" : "DOWN", "streams", state.name()));
            });
            cfg.routes.get("/metrics", ctx -> ctx.contentType("text/plain; version=0.0.4").result(registry.scrape()));
            cfg.routes.get("/events/{eventId}/applications/{userId}", ctx -> {
                String eventId = ctx.pathParam("eventId");
                String userId = ctx.pathParam("userId");
                if (!Ids.isValid(eventId) || !Ids.isValid(userId)) {
                    ctx.status(400).json(Map.of("outcome", "INVALID_REQUEST",
                            "message", "eventId and userId must be 1-64 characters of [A-Za-z0-9_.:@-]"));
                    return;
                }
                boolean forwarded = ctx.header(StatusQueries.FORWARDED_HEADER) != null;
                statusQueries.statusOf(eventId, userId, forwarded).ifPresentOrElse(
                        answer -> ctx.status(answer.status()).contentType("application/json").result(answer.json()),
                        () -> ctx.status(503).header("Retry-After", "1").json(Map.of("outcome", "UNAVAILABLE",
                                "message", "The decisions are being restored; try again in a moment.")));
            });
            cfg.routes.get("/events/{eventId}/tally", ctx -> {
                String eventId = ctx.pathParam("eventId");
                if (!Ids.isValid(eventId)) {
                    ctx.status(400).json(Map.of("outcome", "INVALID_REQUEST",
                            "message", "eventId must be 1-64 characters of [A-Za-z0-9_.:@-]"));
                    return;
                }
                boolean forwarded = ctx.header(StatusQueries.FORWARDED_HEADER) != null;
                tallyQueries.tallyOf(eventId, forwarded).ifPresentOrElse(
                        json -> ctx.status(200).contentType("application/json").result(json),
                        () -> ctx.status(503).header("Retry-After", "1").json(Map.of("outcome", "UNAVAILABLE",
                                "message", "The tallies are being restored; try again in a moment.")));
            });
        });
    }

    void start() {
        // An uncaught error means the task's state can no longer be trusted: stop this client
        // and exit non-zero, so the supervisor restarts it and it resumes from the last commit.
        streams.setUncaughtExceptionHandler(e -> {
            log.error("stream thread failed; shutting down so that a restart recovers from the last commit", e);
            return StreamThreadExceptionResponse.SHUTDOWN_CLIENT;
        });
        streams.setStateListener((now, before) -> {
            log.info("streams state {} -> {}", before, now);
            if (now == KafkaStreams.State.ERROR) {
                Thread exit = new Thread(() -> {
                    close();
                    System.exit(1);
                }, "exit-on-error");
                exit.start();
            }
        });
        streams.start();
        http.start();
        log.info("streams-processor listening on port {}", http.port());
    }

    @Override
    public void close() {
        http.stop();
        streams.close();
        streamsMetrics.close();
        registry.close();
    }

    public static void main(String[] args) {
        var config = ProcessorConfig.fromEnv(System.getenv());
        var app = new App(config, Topics.standard().withIssued(config.issuedTopic()));
        Runtime.getRuntime().addShutdownHook(new Thread(app::close, "shutdown"));
        app.start();
    }
}
