# firstcome — developer commands. `make help` lists them.
SHELL := /bin/bash
MVN   ?= mvn -B -ntp

.PHONY: help test build clean

help: ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-12s %s\n", $$1, $$2}'

test: ## build and run every unit and integration test (what CI runs)
	$(MVN) verify

build: ## compile and package without tests
	$(MVN) -DskipTests package

clean: ## remove build output (keeps .local data)
	$(MVN) -q clean

