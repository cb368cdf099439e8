package firstcome.ingress;

import firstcome.contract.BoundedCheck;
import firstcome.contract.EventDefinition;
import firstcome.contract.Json;
import firstcome.contract.Resources;
import firstcome.contract.ServiceMain;
import firstcome.contract.StartupFailure;
import firstcome.contract.Topics;
import firstcome.ingress.api.AdminController;
import firstcome.ingress.api.ActionWaiters;
import firstcome.ingress.api.ApiException;
import firstcome.ingress.api.ApplyAnswerCounts;
import firstcome.ingress.api.ApplyController;
import firstcome.ingress.api.BearerToken;
import firstcome.ingress.api.EventId;
import firstcome.ingress.api.EventStatsController;
import firstcome.ingress.api.Failures;
import firstcome.ingress.api.IngressMetrics;
import firstcome.ingress.api.JsonErrorHandler;
import firstcome.ingress.api.ShopController;
import firstcome.ingress.api.Shoppers;
import firstcome.ingress.catalog.CatalogFollower;
import firstcome.ingress.catalog.EventCatalog;
import firstcome.ingress.catalog.Retirement;
import firstcome.ingress.catalog.RetirementTimer;
import firstcome.ingress.draw.DrawResults;
import firstcome.ingress.draw.DrawTicker;
import firstcome.ingress.draw.Scheduler;
import firstcome.ingress.edge.ClientRateLimit;
import firstcome.ingress.edge.ConnectionBounds;
import firstcome.ingress.edge.GracefulStop;
import firstcome.ingress.gate.AuthorityProgress;
import firstcome.ingress.gate.DecisionFollower;
import firstcome.ingress.gate.Gate;
import firstcome.ingress.gate.GateRebuild;
import firstcome.ingress.gate.GateReconciler;
import firstcome.ingress.gate.GateUnavailableException;
import firstcome.ingress.gate.OwnRequests;
import firstcome.ingress.gate.RedisGate;
import firstcome.ingress.gate.SoldOutShortcut;
import firstcome.ingress.identity.ShopperIdentityConfig;
import firstcome.ingress.identity.ShopperVerifier;
import firstcome.ingress.kafka.KafkaProbe;
import firstcome.ingress.kafka.Probe;
import firstcome.ingress.kafka.Publisher;
import firstcome.ingress.kafka.RequestPublisher;
import firstcome.ingress.kafka.RequestsLogEnd;
import firstcome.ingress.pages.PageController;
import firstcome.ingress.processor.ProcessorClient;
import firstcome.ingress.processor.StatusLookup;
import firstcome.ingress.processor.TallyLookup;
import io.javalin.Javalin;
import io.javalin.http.HttpResponseException;
import io.javalin.json.JavalinJackson;
import io.javalin.router.Endpoint;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The ingress process: the contract's HTTP API in front of the Redis gate and the Kafka hand-off.
 * {@link #create} builds the (unstarted) HTTP app from its dependencies, so tests run it with
 * fakes; {@link #start} opens the real ones in order and {@link #close} stops gracefully (readiness down,
 * a drain, the requests in flight answered) and closes them in reverse; {@code main} only calls {@link ServiceMain}.
 */
public final class App implements ServiceMain.Service {

    private static final Logger log = LoggerFactory.getLogger(App.class);
    private static final RateLimitedLog outageLog = new RateLimitedLog(log, Duration.ofSeconds(5));
    /**
     * How far back in coupon-decisions a starting ingress reads: an ordinary restart misses nothing,
     * and anything older is healed by the reconciler (see ingress/README.md, "Following the decisions").
     */
    private static final Duration DECISIONS_LOOKBACK = Duration.ofMinutes(1);
    /** How long a rebuild after a Redis data loss asks the streams-processor for an event's holders. */
    private static final Duration REBUILD_HOLDERS_DEADLINE = Duration.ofSeconds(5);
    /** How often the catalog is asked which events retired: what the ingress holds for one goes within this. */
    private static final Duration RETIREMENT_CHECK = Duration.ofSeconds(1);

    /**
     * What the HTTP app talks to. {@code background} runs blocking follow-ups (slot releases, priming);
     * {@code actions} holds the shop calls waiting for their decisions, which the decision follower hands it.
     */
    public record Dependencies(
            EventCatalog catalog,
            Gate gate,
            Publisher publisher,
            StatusLookup statuses,
            Probe kafka,
            PrometheusMeterRegistry registry,
            Clock clock,
            Executor background,
            TallyLookup tallies,
            OwnRequests own,
            GateRebuild rebuild,
            ActionWaiters actions) {
    }

    private final Javalin http;
    /** Closed in reverse order of opening. */
    private final Resources resources;
    private final GracefulStop stop;
    private final IngressConfig config;

    private App(Javalin http, Resources resources, GracefulStop stop, IngressConfig config) {
        this.http = http;
        this.resources = resources;
        this.stop = stop;
        this.config = config;
    }

    /** The HTTP app, with the shopper verifier of the configuration (by the dependencies' clock). */
    public static Javalin create(IngressConfig config, Dependencies deps) {
        return create(config, deps, shopperVerifier(config, deps.clock()));
    }

    /** The HTTP app; {@code verifier} present turns shopper identities on (docs/identities.md). */
    public static Javalin create(IngressConfig config, Dependencies deps, Optional<ShopperVerifier> verifier) {
        return create(config, deps, verifier, new GracefulStop());
    }

    /** The HTTP app, whose readiness and routes follow {@code stop} (the graceful stop of {@link #close}). */
    public static Javalin create(IngressConfig config, Dependencies deps, Optional<ShopperVerifier> verifier,
            GracefulStop stop) {
        var metrics = new IngressMetrics(deps.registry());
        var shortcut = SoldOutShortcut.from(config, deps.gate(), deps.background());
        deps.catalog().onChange(shortcut::forget);
        deps.catalog().onRetired(shortcut::retire);
        Gauge.builder("ingress.soldout.shortcut.users", shortcut, SoldOutShortcut::heldUsers)
                .description("Users the sold-out short-cut holds (or reserved for copies being made), across events")
                .strongReference(true)
                .register(deps.registry());
        var answers = new ApplyAnswerCounts(deps.catalog(), deps.clock());
        deps.catalog().onRetired(answers::retire);
        var draws = new DrawResults(deps.tallies(), deps.clock());
        deps.catalog().onChange(draws::changed);
        deps.catalog().onRetired(draws::retire);
        var shoppers = new Shoppers(verifier, BearerToken.shop(config.shopToken()));
        var apply = new ApplyController(deps.catalog(), deps.gate(), deps.publisher(), deps.own(), deps.rebuild(), shortcut, deps.statuses(),
                metrics, answers, deps.clock(), deps.background(), draws, shoppers);
        var adminToken = BearerToken.admin(config.adminToken());
        var admin = new AdminController(adminToken, deps.catalog(), deps.gate(), deps.publisher(),
                deps.clock(), deps.background());
        var shop = new ShopController(BearerToken.shop(config.shopToken()), deps.catalog(), deps.publisher(), deps.actions(),
                config.actionTimeout(), deps.clock(), deps.background());
        Gauge.builder("ingress.shop.waiting", deps.actions(), ActionWaiters::size)
                .description("Shop calls waiting for the decision of their action")
                .strongReference(true)
                .register(deps.registry());
        var pages = new PageController(deps.catalog(), deps.clock());
        var stats = new EventStatsController(adminToken, deps.catalog(), deps.gate(),
                deps.tallies(), answers, deps.clock());
        // Each dependency check with a deadline and at most one run in flight, however often it is probed.
        var redisCheck = new BoundedCheck("redis", deps.gate()::ping);
        var kafkaCheck = new BoundedCheck("kafka", deps.kafka()::up);

        return Javalin.create(cfg -> {
            cfg.startup.showJavalinBanner = false;
            cfg.jetty.host = config.httpHost();
            cfg.jetty.port = config.port();
            cfg.jetty.timeoutStatus = 503;
            cfg.jetty.modifyServer(server -> server.setErrorHandler(new JsonErrorHandler()));
            // Abuse bounds (EdgeLimits): header size (431 beyond), bodies read without a thread, a minimum
            // request data rate, connection caps (ConnectionBounds), per-client rate.
            cfg.jetty.modifyHttpConfiguration(http -> http.setRequestHeaderSize(config.edge().maxHeaderBytes()));
            cfg.jetty.modifyServer(server -> ConnectionBounds.install(server, config.edge()));
            // Counts the requests in flight, which Jetty's stop waits for; the drain is over by then, and a
            // second of the bound is left for closing the clients.
            cfg.jetty.modifyServer(server -> stop.install(server,
                    config.shutdownTimeout().minus(config.shutdownDrain()).minusSeconds(1)));
            cfg.routes.before(stop::check);
            if (config.edge().rateLimited()) {
                cfg.routes.before(ClientRateLimit.of(config.edge())::check);
            }
            cfg.jsonMapper(new JavalinJackson(Json.mapper(), false));
            cfg.http.prefer405over404 = true;
            // A safety net only: every hand-off future ends within the delivery timeout, and a shop call's
            // within the action timeout or, when its send takes longer, once the send ended.
            cfg.http.asyncTimeout = Math.max(config.deliveryTimeout().plus(config.maxBlock()).toMillis(),
                    config.actionTimeout().toMillis()) + 5_000;

            cfg.routes.get("/events/{eventId}", apply::event);
            cfg.routes.post("/events/{eventId}/applications", apply::apply);
            cfg.routes.get("/events/{eventId}/applications/{userId}", apply::status);
            // Who the request's token says the shopper is (docs/identities.md); 404 with identities off.
            cfg.routes.get("/shopper", shoppers::shopper);
            cfg.routes.put("/admin/events/{eventId}", admin::define);
            // The shop's backend (docs/lifecycle.md): each answers from the streams-processor's decision.
            cfg.routes.post("/shop/events/{eventId}/coupons/{userId}/redeem", shop::redeem);
            cfg.routes.post("/shop/events/{eventId}/coupons/{userId}/unredeem", shop::unredeem);
            cfg.routes.post("/shop/events/{eventId}/coupons/{userId}/return", shop::giveBack);
            // The pages and the organiser's live view (see PageController, EventStatsController).
            cfg.routes.get("/", pages::eventPage);
            cfg.routes.get("/e/{eventId}", pages::eventPage);
            cfg.routes.get("/admin", pages::adminPage);
            cfg.routes.get("/assets/{file}", pages::asset);
            cfg.routes.get("/featured-event", pages::featuredEvent);
            cfg.routes.get("/openapi.json", pages::openApi);
            cfg.routes.get("/admin/events", stats::events);
            cfg.routes.get("/admin/events/{eventId}/stats", stats::stats);
            // The probes (README, "Health probes"): live asks nothing; ready leaves Redis out, since an
            // ingress with Redis down still answers from memory (sold out, unknown events, pages) and
            // turns applications away at once with the contract's 503; the summary asks everything.
            cfg.routes.get("/health/live", ctx -> ctx.json(Map.of("status", "UP")));
            cfg.routes.get("/health/ready", ctx -> {
                Map<String, Object> ready = ready(deps.catalog(), kafkaCheck, stop.stopping());
                ctx.status("UP".equals(ready.get("status")) ? 200 : 503).json(ready);
            });
            cfg.routes.get("/health", ctx -> {
                Map<String, Object> health = health(deps.catalog(), redisCheck, kafkaCheck, stop.stopping());
                ctx.status("UP".equals(health.get("status")) ? 200 : 503).json(health);
            });
            cfg.events.serverStopped(() -> {
                redisCheck.close();
                kafkaCheck.close();
            });
            cfg.routes.get("/metrics", ctx -> ctx.contentType("text/plain; version=0.0.4").result(deps.registry().scrape()));

            // One place turns every failure into the contract's {"outcome","message"} body (Failures);
            // Javalin's own refusals (no such route, wrong method, ...) arrive as HttpResponseException.
            cfg.routes.exception(ApiException.class, (e, ctx) -> Failures.answer(e).writeTo(ctx));
            cfg.routes.exception(GateUnavailableException.class, (e, ctx) -> {
                outageLog.warn("Redis unavailable: {}", e.getMessage());
                Failures.answer(e).writeTo(ctx);
            });
            cfg.routes.exception(HttpResponseException.class, (e, ctx) -> Failures.answer(e).writeTo(ctx));
            cfg.routes.exception(Exception.class, (e, ctx) -> {
                log.error("unexpected failure on {} {}", ctx.method(), ctx.path(), e);
                Failures.answer(e).writeTo(ctx);
            });

            // Every request by route and status; the apply route counts its own answers by outcome.
            cfg.requestLogger.http((ctx, millis) -> {
                Endpoint endpoint = ctx.endpoints().lastHttpEndpoint();
                metrics.request(ctx.method().name(), endpoint == null ? "unmatched" : endpoint.path, ctx.statusCode(),
                        (long) (millis * 1_000_000));
            });
        });
    }

    private static Map<String, Object> health(EventCatalog catalog, BoundedCheck redisCheck, BoundedCheck kafkaCheck,
            boolean stopping) {
        // Both checks side by side, one deadline: the answer comes within BoundedCheck.HEALTH_BOUND.
        long deadline = BoundedCheck.healthDeadline();
        var redisRun = redisCheck.start();
        var kafkaRun = kafkaCheck.start();
        boolean redis = BoundedCheck.passedBy(redisRun, deadline);
        boolean kafka = BoundedCheck.passedBy(kafkaRun, deadline);
        boolean loaded = catalog.isLoaded();
        Map<String, Object> health = new LinkedHashMap<>();
        health.put("status", redis && kafka && loaded && !stopping ? "UP" : "DOWN");
        health.put("redis", redis ? "UP" : "DOWN");
        health.put("kafka", kafka ? "UP" : "DOWN");
        health.put("catalog", loaded ? "LOADED" : "LOADING");
        health.put("events", catalog.size());
        if (stopping) {
            health.put("stopping", true);
        }
        return health;
    }

    private static Map<String, Object> ready(EventCatalog catalog, BoundedCheck kafkaCheck, boolean stopping) {
        Map<String, Object> ready = new LinkedHashMap<>();
        if (stopping) {
            // A load balancer stops sending; nothing else is asked.
            ready.put("status", "DOWN");
            ready.put("stopping", true);
            return ready;
        }
        boolean kafka = BoundedCheck.passedBy(kafkaCheck.start(), BoundedCheck.healthDeadline());
        boolean loaded = catalog.isLoaded();
        ready.put("status", kafka && loaded ? "UP" : "DOWN");
        ready.put("kafka", kafka ? "UP" : "DOWN");
        ready.put("catalog", loaded ? "LOADED" : "LOADING");
        return ready;
    }

    /** Wires the real dependencies, starts reading the catalog and listening; returns the running app. */
    public static App start(IngressConfig config) {
        log.info("starting the ingress with {}", config);
        // Kafka refusing the credentials ends the start here, in one line, before any client retries.
        config.kafka().checkAtStart();
        // A JWKS file that cannot be used ends the start here, in one line, like any other bad setting.
        Optional<ShopperVerifier> verifier = shopperVerifier(config, Clock.systemUTC());
        log.info("shopper identities: {}", shopperIdentities(config.shopperIdentity()));
        Topics topics = Topics.standard();
        Resources resources = new Resources();
        try {
            var registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
            resources.onClose(registry::close);
            resources.onClose(IngressMetrics.bindJvm(registry));

            ExecutorService background = Executors.newFixedThreadPool(4, daemonThreads("ingress-background-"));
            resources.onClose(background::shutdown);
            var catalog = new EventCatalog(new Retirement(config.eventRetention()));
            var gate = resources.open(RedisGate.connect(config).expireBy(catalog::retiresAt));
            var publisher = resources.open(new RequestPublisher(config, topics));
            publisher.bindTo(registry);
            publisher.warmUp();
            var probe = resources.open(new KafkaProbe(config.kafka()));
            // Another ingress moved an event's closing: its keys' expiry moves with it.
            catalog.onRetirementMoved(definition -> background.execute(() -> moveExpiry(gate, definition)));
            var follower = resources.open(new CatalogFollower(config.kafka(), topics.events(), catalog));
            follower.start();
            var own = new OwnRequests();
            catalog.onRetired(own::retire);
            var retirements = resources.open(new RetirementTimer(catalog, Clock.systemUTC(), RETIREMENT_CHECK));
            retirements.start();
            var actions = new ActionWaiters(ActionWaiters.DEFAULT_MAX, background);
            // How far the authority's decisions have come: the reconciler holds back what they have not reached yet.
            var progress = new AuthorityProgress(topics.decisions(), System::nanoTime);
            var decisions = resources.open(new DecisionFollower(config.kafka(), topics.decisions(), gate, own,
                    event -> catalog.retiredAt(event, Instant.now()).isPresent(), DECISIONS_LOOKBACK, Clock.systemUTC(), registry,
                    actions::decided, progress));
            decisions.start();
            var processor = resources.open(new ProcessorClient(config.processorUrl(), gate, config.shopToken()));
            var requestsEnd = resources.open(new RequestsLogEnd(config.kafka(), topics.requests()));
            var actionsEnd = resources.open(new RequestsLogEnd(config.kafka(), topics.actions()));
            var rebuild = new GateRebuild(gate, own, requestsEnd::endOffset, actionsEnd::endOffset, processor,
                    config.deliveryTimeout().plus(config.maxBlock()), REBUILD_HOLDERS_DEADLINE, background);
            var reconciler = resources.open(new GateReconciler(catalog, gate, publisher, own, rebuild::rebuild,
                    config.reconcileAfter(), registry, System::nanoTime, Clock.systemUTC(), progress));
            reconciler.start();
            // The draws' ticks (docs/fair-opening.md): into coupon-requests at each window's end, until drawn.
            var ticks = resources.open(new DrawTicker(catalog, publisher, processor, Clock.systemUTC(),
                    Scheduler.singleThread("ingress-draw-ticks"), registry, own::sendsEnded));
            ticks.start();
            var deps = new Dependencies(catalog, gate, publisher,
                    processor, probe, registry, Clock.systemUTC(), background, processor, own, rebuild, actions);
            var stop = new GracefulStop();
            Javalin http = create(config, deps, verifier, stop);
            // Jetty's graceful stop: no new connection, the requests in flight answered (their sends acknowledged).
            resources.onClose(http::stop);
            http.start();
            log.info("ingress listening on {}:{}", config.httpHost(), http.port());
            return new App(http, resources, stop, config);
        } catch (RuntimeException e) {
            resources.close();
            throw e;
        }
    }

    /** The verifier of {@code SHOPPER_JWT_*}, empty when identities are off; a file or setting it cannot use is a {@link StartupFailure}. */
    static Optional<ShopperVerifier> shopperVerifier(IngressConfig config, Clock clock) {
        try {
            return ShopperVerifier.create(config.shopperIdentity(), clock);
        } catch (IllegalArgumentException e) {
            throw new StartupFailure(e.getMessage(), e);
        }
    }

    /** Whether and how shoppers sign in, for the start's log: never the secret. */
    static String shopperIdentities(ShopperIdentityConfig identity) {
        String kind = identity.secret().isPresent() ? "on, HS256 with SHOPPER_JWT_SECRET"
                : identity.jwks().isPresent() ? "on, RS256/ES256 with the JWKS file " + identity.jwks().get()
                : "off (applications name their userId; set SHOPPER_JWT_SECRET or SHOPPER_JWT_JWKS to turn them on)";
        return kind + identity.issuer().map(issuer -> ", issuer " + issuer).orElse("")
                + identity.audience().map(audience -> ", audience " + audience).orElse("");
    }

    private static void moveExpiry(Gate gate, EventDefinition definition) {
        try {
            gate.expire(new EventId(definition.eventId()));
        } catch (GateUnavailableException e) {
            // The next write to the event's keys sets the expiry from the catalog again.
            log.warn("could not move the expiry of event {}'s gate keys: {}", definition.eventId(), e.getMessage());
        }
    }

    public int port() {
        return http.port();
    }

    /**
     * The graceful stop (docs/scaling.md, "Graceful shutdown"): readiness down, every route still serving
     * for {@code INGRESS_SHUTDOWN_DRAIN_MS}; then new requests refused with 503 and {@code Retry-After},
     * the ones in flight answered (Jetty's graceful stop), and the clients closed, the producer flushing
     * what it holds. All within {@code INGRESS_SHUTDOWN_TIMEOUT_MS}.
     */
    @Override
    public void close() {
        if (stop.drain()) {
            log.info("stopping: readiness down, serving {} ms more for the load balancer to notice",
                    config.shutdownDrain().toMillis());
            try {
                Thread.sleep(config.shutdownDrain().toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            stop.refuse();
            log.info("refusing new requests (503, Retry-After); answering the {} in flight", Math.max(0, stop.inFlight()));
        }
        resources.close();
    }

    @Override
    public Duration stopTimeout() {
        return config.shutdownTimeout();
    }

    private static java.util.concurrent.ThreadFactory daemonThreads(String prefix) {
        AtomicInteger count = new AtomicInteger();
        return task -> {
            Thread thread = new Thread(task, prefix + count.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        };
    }

    public static void main(String[] args) {
        ServiceMain.run(args, IngressSettings.DESCRIPTION, IngressConfig::fromEnv, App::start);
    }
}
