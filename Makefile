# firstcome — developer commands. `make help` lists them.
SHELL := /bin/bash
MVN   ?= mvn -B -ntp

.PHONY: help test build clean

help: ## list the targets
	@grep -E '^[a-z0-9-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-14s %s\n", $$1, $$2}'

test: deps deps-browser compose-check image-check stack-check alerts-check ## build and run every unit and integration test and the pipeline end to end (CI runs it, then test-e2e and test-scale)
	$(MVN) verify

build: ## compile and package without tests
	$(MVN) -DskipTests package

clean: ## remove build output (keeps .local data)
	$(MVN) -q clean

# --- local stack (scripts/stack.sh; see docs/local-stack.md) ---------------------------------
.PHONY: deps deps-browser up down status infra-up infra-down compose-check image-check stack-check stack-brokers-check demo bench

deps: ## install what is missing (redis, mariadb); checks Java 17+ and Maven
	@MVN="$(MVN)" scripts/stack.sh deps

deps-browser: ## install headless Chromium + chromedriver when missing (the browser test; make test runs it)
	@scripts/deps.sh browser

up: build ## build, start Kafka, Redis, MySQL and the three services in the background, wait until healthy (BROKERS=3: a Kafka cluster of three)
	@MVN="$(MVN)" scripts/stack.sh up

down: ## stop what `make up` started (data stays under .local/)
	@scripts/stack.sh down

status: ## show what runs
	@scripts/stack.sh status

infra-up: ## start Kafka (KRaft), Redis, MySQL/MariaDB and create the topics
	@MVN="$(MVN)" scripts/stack.sh infra-up

infra-down: ## stop Kafka, Redis and MySQL/MariaDB if `make up` started them
	@scripts/stack.sh infra-down

compose-check: ## validate docker-compose.yml (needs docker-compose, not a Docker engine)
	@command -v docker-compose >/dev/null || scripts/deps.sh docker-compose
	docker-compose -f docker-compose.yml config -q && echo "docker-compose.yml: ok"

.PHONY: alerts-check
alerts-check: ## check ops/prometheus: the scrape config, the alert rules (promtool) and their unit tests; installs promtool when missing
	@command -v promtool >/dev/null || scripts/deps.sh promtool
	promtool check rules ops/prometheus/alerts.yml
	promtool check config ops/prometheus/prometheus.yml
	promtool test rules ops/prometheus/alerts.test.yml

image-check: ## build the Dockerfile's build stage as docker build would, without a Docker engine; check what compose builds (~2 min)
	@scripts/image-check.sh

stack-check: ## make up on a systemd host (a fake systemctl): the distribution's Redis/MariaDB on the ports is stopped, anything else refused
	@scripts/test-stack-systemd.sh

stack-brokers-check: ## make up BROKERS=3's Kafka on free ports in a temporary folder: three nodes, production topics, status, down (1-2 min)
	@MVN="$(MVN)" scripts/test-stack-brokers.sh

demo: ## against the running stack: limit 100, waitlist 10, 1000 users, 32 at a time, then returns and redemptions; prints what happened
	@[ -f bench/target/bench.jar ] || $(MVN) -q -pl bench -am -DskipTests package
	@java -jar bench/target/bench.jar

bench: up ## the benchmarks on the local stack (starts it); ARGS=--quick for a ~3 min run, ARGS=--baseline to compare with bench/baseline-rev's jars. Figures: BENCHMARKS.md
	@# wrk: the accept phases' generator (bench/accept-n.lua) and the page benchmark's
	@command -v wrk >/dev/null || scripts/deps.sh wrk
	@# run from a copy: a build in the same tree must not swap the jar under a running JVM
	@cp bench/target/bench.jar bench/target/bench-run.jar
	@# the stack's addresses as make up derives them from the *_PORT shortcuts, unless given in full
	@MVN="$(MVN)" BENCH_COMMAND="make bench$(if $(ARGS), ARGS=$(ARGS))" \
		KAFKA_BOOTSTRAP_SERVERS="$${KAFKA_BOOTSTRAP_SERVERS:-localhost:$${KAFKA_PORT:-9092}}" \
		REDIS_URL="$${REDIS_URL:-redis://localhost:$${REDIS_PORT:-6379}}" \
		MYSQL_URL="$${MYSQL_URL:-jdbc:mysql://localhost:$${MYSQL_PORT:-3306}/coupon}" \
		java -Xmx1g -cp bench/target/bench-run.jar firstcome.bench.Bench $(ARGS)
	@# The wrk benchmark of the ingress alone (~4.5 min, its own JVMs) stays a separate script:
	@#   bench/apply-bench.sh        (see BENCHMARKS.md)
	@# A drop right after the services start, under two JIT settings (~6 min, against this stack):
	@#   bench/jit-bench.sh          (see BENCHMARKS.md)
	@# Where the running JVMs spend their CPU while a command runs (async-profiler, against this stack):
	@#   bench/profile.sh ingress kafka -- RESTART=no PHASES=1 bench/jit-bench.sh
	@# The event page's p99 at rest and while wrk hammers the apply route (~2 min, 2 rounds; ~1 with --quick):
	INGRESS_URL=http://localhost:$${INGRESS_PORT:-8080} $(if $(findstring --quick,$(ARGS)),ROUNDS=1 DURATION=5s WARMUP=5s,ROUNDS=$${ROUNDS:-2}) bench/page-bench.sh

# --- replay and audit (docs/operations.md) ---------------------------------------------------
# Against the running stack (`make up`), configured by the contract's variables with their
# defaults. Each runs from a copy of the ops jar (ops/target/ops.jar) under .local/ops, built if
# missing: a build in the same tree must not swap the jar under a running JVM. The commands exit 0 =
# identical / consistent, 1 = differences listed, 2 = could not compare (make shows that as
# "Error 1" / "Error 2" and itself exits 2). Options go in ARGS, e.g.
# `make audit ARGS="--event spring-sale"`.
.PHONY: replay rebuild-db audit

OPS_DIR     := .local/ops
OPS_JAVA    ?= java -Xmx1g

# $(call ops,command [options]): build the ops jar if missing, copy it (one copy per command, so
# that starting one command never rewrites the jar of another still running), run it with ARGS
define ops
	@[ -f ops/target/ops.jar ] || $(MVN) -q -pl ops -am -DskipTests package
	@mkdir -p $(OPS_DIR) && cp ops/target/ops.jar $(OPS_DIR)/$(firstword $(1)).jar
	@$(OPS_JAVA) -jar $(OPS_DIR)/$(firstword $(1)).jar $(1) $(ARGS)
endef

replay: ## decide coupon-events + coupon-requests + coupon-actions again from the start into side topics; compare with coupon-issued, coupon-changes and coupon-decisions
	$(call ops,replay --state-dir $(OPS_DIR)/replay)

rebuild-db: ## write coupon-issued and coupon-changes from the start into an empty copy of the coupon table; compare with the live table
	$(call ops,rebuild-db)

audit: ## per event: were the coupons given to the first comers, was the lifecycle kept? requests + actions vs decisions vs coupon-issued + coupon-changes vs table vs the Redis gate; non-zero on any discrepancy
	$(call ops,audit)

# What the sink and the streams-processor set aside (docs/operations.md, "Dead letters"): lists them,
# exit 0 (ARGS=--fail-if-any: 1 when there are any); ARGS="redrive --dead-letter T/P/O" puts one back
# once its cause is fixed, at most once (a second re-drive sends nothing unless --force).
.PHONY: dead-letters
dead-letters: ## list coupon-requests-dlq and coupon-issued-dlq (why, where from, the original record); ARGS="redrive --dead-letter T/P/O" puts one back, once
	$(call ops,dead-letters)

# A shopper token for `make up SHOPPER_AUTH=on` (docs/identities.md): HS256 with SHOPPER_JWT_SECRET
# (default local-shopper-secret), sub = USER, valid one hour, plus CLAIMS' members and iss / aud from
# SHOPPER_JWT_ISSUER / SHOPPER_JWT_AUDIENCE when set. USER only counts when given on the command line
# (make's USER is otherwise the login name). `make -s token USER=alice` prints the token alone.
.PHONY: token
token: ## print a shopper token for SHOPPER_AUTH=on: make token USER=alice CLAIMS='{"tier":"gold"}'
	$(call ops,token $(if $(filter command line,$(origin USER)),--user '$(subst ','\'',$(USER))') $(if $(CLAIMS),--claims '$(subst ','\'',$(CLAIMS))'))

# --- chaos -----------------------------------------------------------------------------------
# Its own stack on free ports (a KRaft broker from the Kafka jars, Redis, MariaDB, the three
# jars): runs the nine faults of docs/faults.md one after another, prints the matrix and writes it
# into docs/faults.md; exits non-zero if a promise broke. ~4-10 minutes on 2 cores. CHAOS_LIMIT,
# CHAOS_RATE, CHAOS_FAULTS (e.g. ingress-killed,redis-flushed), CHAOS_OUTAGE_SECONDS tune it.
.PHONY: chaos

chaos: deps ## kill, flush and cut off each part under a spike; prints the fault matrix (docs/faults.md)
	@mkdir -p .local/logs
	@MVN="$(MVN)" bash -c 'source scripts/stack.sh && ensure_kafka_lib'
	$(MVN) -q -DskipTests package
	@# a copy: a build elsewhere during the run must not pull classes from under it
	@cp bench/target/bench.jar .local/chaos-runner.jar
	java -cp .local/chaos-runner.jar firstcome.bench.Chaos

# --- end-to-end proofs -----------------------------------------------------------------------
# The end-to-end proofs over the three service jars and the test servers that do not fit in make
# test's 20 minutes (CI runs them after it, .ci/run): the pages in headless Chromium (event,
# admin, identity), the dashboard's metrics, the draw, the coupon lifecycle, the faults (kill -9,
# Redis flush, MySQL stop, a paused broker), replay and audit byte for byte, a SASL_SSL broker.
# make test keeps the pipeline's own end-to-end test (PipelineIT). About 10 minutes on 2 cores.
E2E_PROOFS := AdminPageIT,DashboardMetricsIT,DrawIT,EventPageIT,FaultsIT,IdentityPageIT,LifecycleIT,PausedBrokerIT,ReplayAndAuditIT,SecuredKafkaIT
.PHONY: test-e2e test-faults

test-e2e: deps deps-browser ## the end-to-end proofs too long for make test: pages, draw, lifecycle, faults, replay and audit, SASL_SSL (~10 min)
	$(MVN) -pl e2e -am verify -Dit.test='$(E2E_PROOFS)' -Dtest=none -Dsurefire.failIfNoSpecifiedTests=false \
		-Dfailsafe.failIfNoSpecifiedTests=false $(ARGS)

test-faults: ## the fault ITs over the three service jars (kill -9, Redis flush, MySQL stop); ~2 min
	$(MVN) -pl e2e -am verify -Dit.test=FaultsIT -Dtest=none -Dsurefire.failIfNoSpecifiedTests=false \
		-Dfailsafe.failIfNoSpecifiedTests=false

# --- scale out ------------------------------------------------------------------------------
# The scale-out proofs, too long for make test (CI runs them after it, .ci/run): make up
# BROKERS=3's Kafka on free ports (stack-brokers-check); the testkit's three-broker cluster with
# the production topic settings, its partition leader killed -9 (testkit KafkaClusterIT); two
# instances of each service over the test servers (e2e GracefulShutdownIT, FailoverIT): each
# service stopped with SIGTERM mid-stream (exit 0 within its bound, nothing lost), and the
# failover time of a streams-processor instance stopped or killed, with and without standby
# replicas; the whole scale-out under a spike (e2e ScaleOutIT: three brokers, a Redis Cluster,
# two of each service, the hot partition's leader killed -9, every service rolled); the same
# spike behind one ingress and behind two, interleaved (e2e IngressSpikeIT). Prints the figures
# of docs/scaling.md and BENCHMARKS.md. About 15 minutes on 2 cores.
# ARGS=-Dfailover.requests=20000 gives the failover more state; ARGS="-Dspike.applications=5000
# -Dspike.rounds=1" a shorter comparison of the ingresses.
.PHONY: test-scale

test-scale: deps stack-brokers-check ## the scale-out proofs: BROKERS=3, a three-broker cluster losing its leader, graceful stops, processor failover, the scale-out under a spike, one vs two ingresses (docs/scaling.md)
	$(MVN) -pl testkit,e2e -am verify -Dit.test='KafkaClusterIT,GracefulShutdownIT,FailoverIT,ScaleOutIT,IngressSpikeIT' -Dtest=none \
		-Dsurefire.failIfNoSpecifiedTests=false -Dfailsafe.failIfNoSpecifiedTests=false $(ARGS)

# --- soak ------------------------------------------------------------------------------------
# Events come, sell out, close and retire through the three service jars (e2e SoakIT, its own
# servers on free ports) with EVENT_RETENTION=PT1M (the least the services take), batches pipelined
# so that a batch is sold while the ones before wait for their retirement; the ingress heap after a
# full GC and Redis's used_memory are recorded after every batch, with the same number of batches
# unretired each time, and must stay flat. The full run (200 events x 10,000
# users) takes a while; scale it with ARGS, e.g. make soak ARGS="-Dsoak.events=20 -Dsoak.users=1000".
# The figures line goes to e2e/target/soak-figures.txt (see BENCHMARKS.md, "Soak").
.PHONY: soak

soak: deps ## events sell out and retire for a while; the ingress heap and Redis memory must stay flat (BENCHMARKS.md)
	$(MVN) -pl e2e -am verify -Dit.test=SoakIT -Dtest=none -Dsurefire.failIfNoSpecifiedTests=false \
		-Dfailsafe.failIfNoSpecifiedTests=false $(ARGS)
