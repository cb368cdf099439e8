# firstcome — developer commands. `make help` lists them.
SHELL := /bin/bash
MVN   ?= mvn -B -ntp

.PHONY: help test build clean

help: ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-14s %s\n", $$1, $$2}'

test: deps compose-check ## build and run every unit and integration test (what CI runs)
	$(MVN) verify

build: ## compile and package without tests
	$(MVN) -DskipTests package

clean: ## remove build output (keeps .local data)
	$(MVN) -q clean

# --- local stack (scripts/stack.sh; see docs/local-stack.md) ---------------------------------
.PHONY: deps up down status infra-up infra-down compose-check demo bench

deps: ## install what is missing (redis, mariadb); checks Java 17+ and Maven
	@MVN="$(MVN)" scripts/stack.sh deps

up: build ## build, start Kafka, Redis, MySQL and the three services in the background, wait until healthy
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

demo: ## against the running stack: limit 100, 1000 users, 32 at a time; prints what happened
	@ls bench/target/bench-*.jar >/dev/null 2>&1 || $(MVN) -q -pl bench -am -DskipTests package
	@java -jar $$(ls bench/target/bench-*.jar | grep -v original | head -n 1)

bench: deps ## the benchmarks (needs wrk); figures and commands in BENCHMARKS.md
	@command -v wrk >/dev/null || scripts/deps.sh wrk
	$(MVN) -q -DskipTests install
	SKIP_BUILD=1 ingress/bench/apply-bench.sh
	sink/bench.sh 20000
