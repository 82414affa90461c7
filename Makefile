# AI Runway task runner. `make help` lists every target.
# The README's two commands are `make run` and `make test`; each sets itself up first.

SHELL := /usr/bin/env bash
.SHELLFLAGS := -euo pipefail -c
.DEFAULT_GOAL := help

VENV := .venv/bin
PYTEST_WORKERS ?= 2

##@ The two commands

run: ## Set up everything and run the playground (control plane with simulated GPU nodes) until Ctrl-C
	@scripts/bootstrap.sh
	@$(VENV)/airunway dev playground

test: ## Set up everything and run every check and test (this is what CI runs)
	@scripts/bootstrap.sh
	@$(MAKE) --no-print-directory check

##@ Checks (need `make setup` once)

check: lint typecheck imports generated pytest web ## Lint, type checks, import contracts, generated files, all tests

lint: ## ruff lint and format check
	$(VENV)/ruff check src tests bench
	$(VENV)/ruff format --check src tests bench

typecheck: ## mypy --strict
	$(VENV)/mypy

imports: ## import-linter layer contracts
	$(VENV)/lint-imports

generated: ## Fail when a generated file (CRDs) differs from what its generator writes
	$(VENV)/python -m airunway.api.crdgen --check
	$(VENV)/python -m airunway.deploygen --check
	$(VENV)/python -m airunway.backend.openapi --check
	npm run --silent check:generated

pytest: ## All tests; pytest's exit 5 (no tests collected) is a failure, not a pass
	@rc=0; $(VENV)/pytest -n $(PYTEST_WORKERS) --dist loadfile || rc=$$?; \
	if [ $$rc -eq 5 ]; then echo "make: pytest collected no tests: failing on purpose" >&2; exit 1; fi; \
	exit $$rc

web: ## Web UI: build (client drift check, type checks), Vitest, browser tests on the real stack
	npm run --silent build >/dev/null
	npm run --silent typecheck
	npm run --silent test
	npm run --silent e2e

test-unit: ## Unit tests only (no control plane)
	$(VENV)/pytest tests/unit

test-cluster: ## Tests on the real control plane only
	$(VENV)/pytest -n $(PYTEST_WORKERS) --dist loadfile tests/cluster

##@ Development

setup: ## Python environment and control-plane binaries, as `make test` does first
	@scripts/bootstrap.sh

format: ## Apply ruff's fixes and formatting
	$(VENV)/ruff check --fix src tests bench
	$(VENV)/ruff format src tests bench

generate: ## Regenerate deploy/ (CRDs from the pydantic models, RBAC and manifests) and clients/openapi.json
	$(VENV)/python -m airunway.api.crdgen
	$(VENV)/python -m airunway.deploygen
	$(VENV)/python -m airunway.backend.openapi
	npm run --silent generate

lock: ## Re-resolve uv.lock after changing dependencies in pyproject.toml
	$(HOME)/.cache/airunway/uv-venv/bin/uv lock

cluster-up: ## Start the dev cluster in the background (airunway dev cluster up)
	$(VENV)/airunway dev cluster up

cluster-down: ## Stop the dev cluster
	$(VENV)/airunway dev cluster down

##@ Benchmarks (on demand, print figures)

bench-devcluster: ## Warm start time and memory of the control plane (COLD=1 also times a from-scratch build)
	$(VENV)/python -m bench.devcluster.bench $(if $(COLD),--cold,)

bench-controller: ## Selection time for N ModelDeployments, admission latency, controller RSS (ARGS="--n 5000")
	$(VENV)/python -m bench.controller.bench $(ARGS)

bench-e2e: ## N vLLM ModelDeployments to Running vs a bare client, upstream status latency (ARGS="--n 200")
	$(VENV)/python -m bench.e2e.bench $(ARGS)

bench-backend: ## Deployment list under 50 concurrent clients over N ModelDeployments: p50/p99, req/s, RSS (ARGS="--n 1000")
	$(VENV)/python -m bench.backend.bench $(ARGS)

bench-web: ## Initial JS gzipped and the Deployments page with N ModelDeployments in Chromium (ARGS="--n 1000")
	npm run --silent bench -- $(ARGS)

##@ Help

help: ## Show this help
	@awk 'BEGIN {FS = ":.*##"; printf "Usage: make \033[36m<target>\033[0m\n"} \
	/^[a-zA-Z_-]+:.*?##/ { printf "  \033[36m%-18s\033[0m %s\n", $$1, $$2 } \
	/^##@/ { printf "\n\033[1m%s\033[0m\n", substr($$0, 5) }' $(MAKEFILE_LIST)

.PHONY: run test check lint typecheck imports generated pytest web bench-web test-unit test-cluster setup format generate lock cluster-up cluster-down bench-devcluster bench-controller bench-e2e bench-backend help
