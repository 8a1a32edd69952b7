# meitong 煤通 — every target explains itself: `make help`.
SHELL := /bin/bash
PY ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
DEV_STAMP := $(VENV)/.installed-dev
PYTEST_ARGS ?=
# pytest-xdist workers: one per core, at most 4 (each has its own database and Redis DB: tests/isolation.py).
PYTEST_WORKERS ?= $(shell n=$$(nproc 2>/dev/null || echo 2); echo $$(( n < 4 ? n : 4 )))

.PHONY: help install run serve worker test lint check-migrations bench migration clean

help: ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-18s %s\n", $$1, $$2}'

# `make run` installs only what the platform needs; `make test` adds the dev tools.
$(STAMP): pyproject.toml package.json package-lock.json
	@command -v $(PY) >/dev/null || { echo "needs $(PY) (Python 3.11)"; exit 1; }
	@[ -x $(BIN)/python ] || $(PY) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e .
	npm ci --no-audit --no-fund --ignore-scripts --loglevel=error
	@touch $(STAMP)

$(DEV_STAMP): $(STAMP)
	$(BIN)/pip install -q -e '.[dev]'
	@touch $(DEV_STAMP)

install: $(DEV_STAMP) ## create .venv, install Python (with dev tools) and browser assets (node_modules)

run: $(STAMP) ## migrate, seed the demo region and start the platform on embedded defaults
	$(BIN)/meitong run

serve: $(STAMP) ## start the platform without migrating or seeding
	$(BIN)/meitong serve

worker: $(STAMP) ## run the background worker
	$(BIN)/meitong worker

lint: $(DEV_STAMP) ## ruff, mypy and the import-linter contracts of DESIGN §3
	$(BIN)/ruff check backend apps geo devices tests bench
	$(BIN)/mypy
	$(BIN)/lint-imports

check-migrations: $(DEV_STAMP) ## fail when the models and the Alembic migrations disagree
	@tmp=$$(mktemp -d) && DATABASE_URL=sqlite+aiosqlite:///$$tmp/check.db MEITONG_VAR_DIR=$$tmp \
	  bash -c '$(BIN)/meitong db upgrade >/dev/null && $(BIN)/meitong db check'; rc=$$?; rm -rf $$tmp; exit $$rc

test: $(DEV_STAMP) lint check-migrations ## the whole suite (on DATABASE_URL/REDIS_URL if set, else embedded)
	@scripts/ensure-browser
	$(BIN)/pytest -q -p no:cacheprovider -n $(PYTEST_WORKERS) --durations=25 $(PYTEST_ARGS)

bench: $(DEV_STAMP) ## run the benchmarks in bench/ (figures beside their peers)
	@for b in bench/*.py; do [ -e "$$b" ] && $(BIN)/python $$b; done; true

migration: $(STAMP) ## regenerate the initial migration from the models (until the first release)
	scripts/regen-initial-migration

clean: ## remove the virtualenv, node_modules and local data in var/
	rm -rf $(VENV) node_modules var test-artifacts
