package firstcome.processor;

import firstcome.contract.BoundedCheck;
import firstcome.contract.Ids;
import firstcome.contract.Json;
import firstcome.contract.Resources;
import firstcome.contract.ServiceMain;
import firstcome.contract.Topics;
import firstcome.contract.query.ApplicationStatus;
import firstcome.contract.query.QueryRoutes;
import io.javalin.Javalin;
import io.javalin.http.Context;
import io.javalin.http.Handler;
import io.javalin.json.JavalinJackson;
import io.micrometer.core.instrument.binder.kafka.KafkaStreamsMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.streams.CloseOptions;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse;
import org.apache.kafka.streams.state.HostInfo;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The streams-processor process: runs the issuing topology under exactly-once and serves
 * {@code /health} (with {@code /health/live} and {@code /health/ready}), {@code /metrics} and the queries of its state (an application's status, an event's
 * tally, its coupon holders; {@link InteractiveQueries}). {@link #start} opens everything in order and {@link #close}
 * stops it gracefully (readiness down, the streams client closed leaving its group, then the rest in reverse);
 * {@code main} only calls {@link ServiceMain}.
 */
public final class App implements ServiceMain.Service {

    private static final Logger log = LoggerFactory.getLogger(App.class);
    private static final Duration BROKER_CHECK_TIMEOUT = Duration.ofSeconds(2);

    private final Resources resources;
    private final KafkaStreams streams;
    private final AtomicBoolean stopping;
    private final Duration stopTimeout;

    private App(Resources resources, KafkaStreams streams, AtomicBoolean stopping, Duration stopTimeout) {
        this.resources = resources;
        this.streams = streams;
        this.stopping = stopping;
        this.stopTimeout = stopTimeout;
    }

    /** Starts the topology and the HTTP server; returns the running process. */
    public static App start(ProcessorConfig config, Topics topics) {
        // Kafka refusing the credentials ends the start here, in one line, before any client retries.
        config.kafka().checkAtStart();
        Resources resources = new Resources();
        try {
            var registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
            resources.onClose(registry::close);
            var metrics = resources.open(new StreamsProcessorMetrics(registry));
            var streams = resources.open(new KafkaStreams(IssuingTopology.build(topics, config.eventRetention(), metrics.observer()),
                    StreamsSettings.of(config, topics)));
            resources.open(new KafkaStreamsMetrics(streams)).bindTo(registry);
            metrics.watch(streams);
            // The streams client stays RUNNING for a while with its broker gone: the health asks the broker itself.
            // The holders query asks it too, for the consumer group's committed offsets.
            var admin = resources.open(Admin.create(config.kafka().settings(Map.of(
                    AdminClientConfig.CLIENT_ID_CONFIG, config.applicationId() + "-admin"))));
            var queries = new InteractiveQueries(streams, new HostInfo(config.advertisedHost(), config.port()),
                    topics.requests().name(), topics.actions().name(), admin, config.applicationId(), Clock.systemUTC(),
                    config.queryToken());
            var brokerCheck = resources.open(new BoundedCheck("broker", () -> BoundedCheck.brokerAnswers(admin, BROKER_CHECK_TIMEOUT)));
            var stopping = new AtomicBoolean();
            Javalin http = http(config, streams, brokerCheck, registry, queries, stopping);

            // An uncaught error means the task's state can no longer be trusted: stop this client
            // and exit non-zero, so the supervisor restarts it and it resumes from the last commit;
            // but a transaction the brokers aborted under a failover costs only the thread.
            StreamThreadFailures failures = new StreamThreadFailures();
            streams.setUncaughtExceptionHandler(e -> {
                StreamThreadExceptionResponse response = failures.handle(e);
                if (response == StreamThreadExceptionResponse.REPLACE_THREAD) {
                    log.warn("stream thread failed on a transaction the brokers aborted; a new thread resumes from the last commit", e);
                } else {
                    log.error("stream thread failed; shutting down so that a restart recovers from the last commit", e);
                }
                return response;
            });
            streams.setStateListener((now, before) -> {
                log.info("streams state {} -> {}", before, now);
                if (now == KafkaStreams.State.ERROR) {
                    // The shutdown hook closes what is open; the exit status says it failed.
                    new Thread(ServiceMain::exitOnFailure, "exit-on-error").start();
                }
            });
            streams.start();
            resources.onClose(http::stop);
            http.start();
            log.info("streams-processor listening on {}:{}", config.httpHost(), http.port());
            if (!config.queryToken().required()) {
                log.warn("the query routes (status, tally, holders) are open to anyone who reaches port {}: SHOP_TOKEN is unset",
                        http.port());
            }
            return new App(resources, streams, stopping, config.shutdownTimeout());
        } catch (RuntimeException e) {
            resources.close();
            throw e;
        }
    }

    /**
     * The graceful stop: readiness answers 503 at once (a balancer in front of the queries stops
     * sending), then the streams client commits what it processed and leaves the group, so that the
     * other instances take its tasks in the rebalance this starts, not after the session timeout
     * (static membership would otherwise keep them waiting for this instance to come back); then the
     * HTTP server and the rest close in reverse order. A second call (the shutdown hook after
     * {@link ServiceMain#exitOnFailure}) closes nothing twice.
     */
    @Override
    public void close() {
        if (stopping.compareAndSet(false, true)) {
            long started = System.nanoTime();
            // What is left of the bound after the streams client is for the HTTP server and the clients.
            Duration streamsBound = stopTimeout.minus(Duration.ofMillis(Math.min(1_000, stopTimeout.toMillis() / 4)));
            log.info("stopping: readiness down, closing the streams client and leaving the group (at most {} ms)",
                    streamsBound.toMillis());
            boolean closed = streams.close(CloseOptions.timeout(streamsBound)
                    .withGroupMembershipOperation(CloseOptions.GroupMembershipOperation.LEAVE_GROUP));
            if (closed) {
                log.info("streams client closed and left the group in {} ms",
                        TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started));
            } else {
                log.warn("the streams client did not close within {} ms; its tasks move after the session timeout",
                        streamsBound.toMillis());
            }
        }
        resources.close();
    }

    @Override
    public Duration stopTimeout() {
        return stopTimeout;
    }

    private static Javalin http(ProcessorConfig config, KafkaStreams streams, BoundedCheck brokerCheck,
            PrometheusMeterRegistry registry, InteractiveQueries queries, AtomicBoolean stopping) {
        return Javalin.create(cfg -> {
            cfg.startup.showJavalinBanner = false;
            cfg.jetty.host = config.httpHost();
            cfg.jetty.port = config.port();
            cfg.jsonMapper(new JavalinJackson(Json.mapper(), false));
            // Live asks nothing (an ERROR state already exits the process); ready and the summary ask the
            // same things, the processor's job needing both: the streams client and the broker (README, "Health probes").
            cfg.routes.get("/health/live", ctx -> ctx.json(Map.of("status", "UP")));
            Handler health = ctx -> {
                Map<String, Object> answer = health(streams, brokerCheck, stopping.get());
                ctx.status("UP".equals(answer.get("status")) ? 200 : 503).json(answer);
            };
            cfg.routes.get("/health/ready", health);
            cfg.routes.get("/health", health);
            cfg.routes.get("/metrics", ctx -> ctx.contentType("text/plain; version=0.0.4").result(registry.scrape()));
            // The look-ups answer with shoppers' results: with SHOP_TOKEN set, only its holders (the ingress,
            // another instance forwarding) may ask. The health and the metrics stay open for probes and scrapers.
            QueryToken token = config.queryToken();
            cfg.routes.get(QueryRoutes.STATUS, guarded(token, ctx -> {
                String eventId = ctx.pathParam("eventId");
                String userId = ctx.pathParam("userId");
                if (!Ids.isValid(eventId) || !Ids.isValid(userId)) {
                    invalid(ctx, "eventId and userId must be " + Ids.RULE);
                    return;
                }
                answer(ctx, queries.status(eventId, userId, forwarded(ctx)),
                        status -> ctx.status(status.outcome() == ApplicationStatus.State.NOT_APPLIED ? 404 : 200).json(status),
                        "The decisions are being restored; try again in a moment.");
            }));
            cfg.routes.get(QueryRoutes.TALLY, guarded(token, ctx -> {
                String eventId = ctx.pathParam("eventId");
                if (!Ids.isValid(eventId)) {
                    invalid(ctx, "eventId must be " + Ids.RULE);
                    return;
                }
                answer(ctx, queries.tally(eventId, forwarded(ctx)),
                        tally -> ctx.status(200).json(tally),
                        "The tallies are being restored; try again in a moment.");
            }));
            cfg.routes.get(QueryRoutes.HOLDERS, guarded(token, ctx -> {
                String eventId = ctx.pathParam("eventId");
                Long requestsEnd = offset(ctx.queryParam(QueryRoutes.REQUESTS_END));
                String actionsEndText = ctx.queryParam(QueryRoutes.ACTIONS_END);
                Long actionsEnd = actionsEndText == null ? Long.valueOf(0) : offset(actionsEndText);
                if (!Ids.isValid(eventId) || requestsEnd == null || actionsEnd == null) {
                    invalid(ctx, "eventId must be " + Ids.RULE + ", " + QueryRoutes.REQUESTS_END
                            + " an offset (0 or more) and " + QueryRoutes.ACTIONS_END + ", if given, an offset (0 or more)");
                    return;
                }
                answer(ctx, queries.holders(eventId, requestsEnd, actionsEnd, forwarded(ctx)),
                        holders -> ctx.status(200).json(holders),
                        "The decisions up to that offset are not committed yet; try again in a moment.");
            }));
        });
    }

    /** {@code route} behind the token: 401 {@code UNAUTHORIZED} for a look-up without it, before anything is read. */
    private static Handler guarded(QueryToken token, Handler route) {
        return ctx -> {
            Optional<String> refusal = token.refusal(ctx.header("Authorization"));
            if (refusal.isPresent()) {
                Map<String, String> problem = new LinkedHashMap<>();
                problem.put("outcome", "UNAUTHORIZED");
                problem.put("message", refusal.get());
                ctx.status(401).header("WWW-Authenticate", "Bearer").json(problem);
                return;
            }
            route.handle(ctx);
        };
    }

    /**
     * Up while the client runs or rebalances and the broker answers. REBALANCING counts: a rebalance
     * moves every member of the group at once, so leaving it out would take every instance out of
     * service together on each join or leave, while the queries already answer 503 for what they
     * cannot answer yet.
     */
    private static Map<String, Object> health(KafkaStreams streams, BoundedCheck brokerCheck, boolean stopping) {
        boolean broker = BoundedCheck.passedBy(brokerCheck.start(), BoundedCheck.healthDeadline());
        KafkaStreams.State state = streams.state();
        boolean running = state == KafkaStreams.State.RUNNING || state == KafkaStreams.State.REBALANCING;
        Map<String, Object> health = new LinkedHashMap<>();
        health.put("status", running && broker && !stopping ? "UP" : "DOWN");
        if (stopping) {
            health.put("stopping", true);
        }
        health.put("streams", state.name());
        health.put("broker", broker ? "UP" : "DOWN");
        return health;
    }

    /**
     * Answers a look-up: {@code found} with its answer; 410 {@code RETIRED} when the event retired;
     * 503 with {@code unavailableMessage} while the state cannot be read.
     */
    private static <T> void answer(Context ctx, Optional<InteractiveQueries.Answer<T>> answer, Consumer<T> found,
            String unavailableMessage) {
        answer.ifPresentOrElse(
                a -> {
                    if (a.gone() != null) {
                        ctx.status(410).json(a.gone());
                    } else {
                        found.accept(a.found());
                    }
                },
                () -> unavailable(ctx, unavailableMessage));
    }

    /** A non-negative offset, or null for anything else. */
    private static Long offset(String text) {
        if (text == null || text.isEmpty() || text.length() > 19 || !text.chars().allMatch(c -> c >= '0' && c <= '9')) {
            return null;
        }
        try {
            return Long.parseLong(text);
        } catch (NumberFormatException e) {
            return null;
        }
    }

    private static boolean forwarded(Context ctx) {
        return ctx.header(InteractiveQueries.FORWARDED_HEADER) != null;
    }

    private static void invalid(Context ctx, String message) {
        ctx.status(400).json(Map.of("outcome", "INVALID_REQUEST", "message", message));
    }

    private static void unavailable(Context ctx, String message) {
        ctx.status(503).header("Retry-After", "1").json(Map.of("outcome", "UNAVAILABLE", "message", message));
    }

    public static void main(String[] args) {
        ServiceMain.run(args, ProcessorSettings.DESCRIPTION, ProcessorConfig::fromEnv,
                config -> start(config, Topics.standard().withIssued(config.issuedTopic()).withDecisions(config.decisionsTopic())));
    }
}
