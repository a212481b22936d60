# NIR Governance Assurance. `make help` lists the targets.
SHELL := /bin/bash
# Settings from a local .env file, if there is one (see .env.example): each `NAME=value` line sets
# NAME only where neither the environment nor the command line has set it, so `PORT=8601 make run`
# wins over the file. Values are taken literally (no quotes). Django itself never reads .env.
ifneq ($(wildcard .env),)
$(foreach name,$(shell sed -nE 's/^([A-Za-z_][A-Za-z0-9_]*)=.*/\1/p' .env),\
  $(if $(filter undefined default,$(origin $(name))),\
    $(eval $(name) := $$(shell sed -nE 's/^$(name)=//p' .env | tail -n 1))))
endif
export
.DEFAULT_GOAL := help
# An empty PORT, as in a .env copied from .env.example with the value cleared, means the default.
PORT := $(or $(PORT),8000)
# uv: the one on PATH, else the project's own in .tools/uv, which `make uv` installs there.
UV_VERSION := 0.13.9
UV := $(shell command -v uv 2>/dev/null || echo "$(CURDIR)/.tools/uv/bin/uv")
RUN := $(UV) run --frozen
FRONTEND := node_modules/nhsuk-frontend/dist/nhsuk

.PHONY: help install uv python-deps frontend browser clamav wrk run serve backup test test-system lint format migrate seed check-migrations bench bench-load bench-calls mutation

help: ## List the targets
	@grep -E '^[a-zA-Z_-]+:.*## ' $(MAKEFILE_LIST) | awk 'BEGIN {FS = ":.*## "}; {printf "  make %-18s %s\n", $$1, $$2}'

uv: ## Install uv, if it is not on PATH, into a virtual environment in .tools/uv
	@[ -x "$(UV)" ] || scripts/install-uv "$(CURDIR)/.tools/uv" "$(UV_VERSION)"

python-deps: uv
	$(UV) sync --frozen --quiet

frontend: ## Install the NHS.UK frontend from npm and copy its CSS, JS and assets into build/
	@[ -d node_modules/nhsuk-frontend ] && [ package-lock.json -ot node_modules/.package-lock.json ] || npm ci --no-audit --no-fund --silent
	@rm -rf build/nhsuk build/webroot && mkdir -p build/nhsuk build/webroot
	@# The source maps too: the minified files name them, and production's collectstatic
	@# (WhiteNoise's manifest storage) refuses a file that refers to one it cannot find.
	@cp $(FRONTEND)/nhsuk-frontend.min.css $(FRONTEND)/nhsuk-frontend.min.css.map \
	  $(FRONTEND)/nhsuk-frontend.min.js $(FRONTEND)/nhsuk-frontend.min.js.map build/nhsuk/
	@cp -r $(FRONTEND)/assets build/webroot/assets

install: python-deps frontend ## Install everything the service needs

browser: ## Install Debian's Chromium for the system tests, where this machine can install packages
	@if [ ! -x /usr/bin/chromium ]; then \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium; \
	  else \
	    echo "Chromium is missing: install Debian's chromium package (sudo apt-get install chromium)"; \
	  fi; \
	fi

clamav: ## Install Debian's clamd for the malware-scanning tests, where this machine can install packages
	@if [ ! -x /usr/sbin/clamd ]; then \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq clamav-daemon; \
	  else \
	    echo "clamd is missing: install Debian's clamav-daemon package (sudo apt-get install clamav-daemon)"; \
	  fi; \
	fi

wrk: ## Install Debian's wrk (the HTTP load generator of make bench-load), where this machine can install packages
	@if ! command -v wrk >/dev/null; then \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk; \
	  else \
	    echo "wrk is missing: install Debian's wrk package (sudo apt-get install wrk)"; \
	  fi; \
	fi

migrate: install
	$(RUN) python manage.py migrate --noinput

seed: migrate ## Create the development demo data (idempotent; only when DJANGO_ENV is development)
	@if [ "$${DJANGO_ENV:-development}" = development ]; then \
	  $(RUN) python manage.py seed_demo; \
	else \
	  echo "Not creating demo data: DJANGO_ENV is $$DJANGO_ENV"; \
	fi

# The task worker (which sends the notifications) runs in the background beside the web server;
# the trap stops it when the server stops, Ctrl-C included. No autoreload for the worker: its
# reloader would leave a child running when it is stopped.
run: seed ## Install, migrate, seed the demo data and serve on http://127.0.0.1:$(PORT), with the task worker
	@$(RUN) python manage.py db_worker --no-reload & worker=$$!; \
	trap 'kill $$worker 2>/dev/null; wait $$worker 2>/dev/null' EXIT INT TERM; \
	$(RUN) python manage.py runserver 127.0.0.1:$(PORT)

# gunicorn with the repository's configuration (config/gunicorn.conf.py), as production serves,
# on 127.0.0.1:$(PORT), with the task worker beside it. Whatever DJANGO_ENV says: in production
# the static files are collected first (WhiteNoise serves them from build/staticfiles); elsewhere
# WhiteNoise finds them in place. No demo data: `make run` seeds it.
serve: migrate ## Serve with gunicorn (config/gunicorn.conf.py, WEB_CONCURRENCY workers) on http://127.0.0.1:$(PORT), with the task worker
	@if [ "$${DJANGO_ENV:-development}" = production ]; then \
	  $(RUN) python manage.py collectstatic --noinput --verbosity 0; \
	fi
	@$(RUN) python manage.py db_worker --no-reload & worker=$$!; \
	trap 'kill $$worker 2>/dev/null; wait $$worker 2>/dev/null' EXIT INT TERM; \
	$(RUN) gunicorn --config config/gunicorn.conf.py --bind 127.0.0.1:$(PORT)

# A backup (ADR 0041, README "Backups") into a new folder: BACKUP_DIR, else one named for the
# time under var/backups. PostgreSQL only: pg_dump must be on PATH (Debian's postgresql-client).
BACKUP_DIR := $(or $(BACKUP_DIR),var/backups/$(shell date -u +%Y%m%dT%H%M%SZ))
backup: python-deps ## Back up the database (pg_dump) and the evidence storage, with a manifest of SHA-256s, into BACKUP_DIR
	$(RUN) python manage.py backup_create "$(BACKUP_DIR)"

# Without CLAMD_ADDRESS the tests start their own clamd (scripts/clamd-test) for the session.
# pytest-xdist runs the suite in TEST_WORKERS processes (one per core by default), a test file
# at a time per process; each has its own test database, browser and live server. PYTEST_ARGS
# is passed on, e.g. PYTEST_ARGS='-m "not system"' (CI's SQLite run: the browser runs once, on
# PostgreSQL).
TEST_WORKERS := $(or $(TEST_WORKERS),auto)
test: install browser clamav ## Install everything and run the whole suite (system tests included), in parallel
	DJANGO_ENV=test $(RUN) pytest -n $(TEST_WORKERS) --dist loadfile $(PYTEST_ARGS)

test-system: install browser ## Run only the browser and accessibility tests (screenshots in test-artifacts/)
	DJANGO_ENV=test $(RUN) pytest -m system

lint: python-deps ## ruff check, ruff format --check, mypy on the engine, import-linter contracts
	$(RUN) ruff check .
	$(RUN) ruff format --check .
	$(RUN) mypy
	$(RUN) lint-imports

check-migrations: python-deps ## Fail if a model change has no migration
	$(RUN) python manage.py makemigrations --check --dry-run

bench: install ## Print benchmark figures (engine, pages, reviewer pages and the daily DSPT re-check over 10,000 applications, an ODS full file of 250,000 organisations, a 250MB upload, a zip of documents at the zip limits, a million NHS numbers checked); record them in docs/benchmarks.md
	DJANGO_ENV=test $(RUN) python bench/run.py
	DJANGO_ENV=test $(RUN) python bench/review_pages.py
	DJANGO_ENV=test $(RUN) python bench/dspt_recheck.py
	DJANGO_ENV=test $(RUN) python bench/ods_import.py
	$(RUN) python bench/upload.py
	DJANGO_ENV=test $(RUN) python bench/nested_zip.py
	$(RUN) python bench/nhs_numbers.py

# The question pages under load beside a bare Django hello (issue 12, bench/load/run.py): gunicorn
# with config/gunicorn.conf.py and one sync worker a core, DJANGO_ENV=production, PostgreSQL, wrk
# with 32 clients each signed in to its own application. A database of its own, dropped and
# created (BENCH_DATABASE_URL, default postgres://postgres@127.0.0.1:5432/bench_load). Not a test.
bench-load: install wrk ## Load-test the question pages (gunicorn, PostgreSQL, wrk, 32 signed-in clients) beside a bare Django hello; record them in docs/benchmarks.md
	$(RUN) python bench/load/run.py

bench-calls: install ## The bench-load endpoints in process: Python calls and CPU a request (BENCH_CALLS_PROFILE=question for where)
	$(RUN) python bench/load/calls.py

mutation: python-deps ## Mutation-test the modules that guard people and records against their own tests (MODULE=audit/chain.py for one; figures in docs/testing.md; not in CI)
	DJANGO_ENV=test MODULE=$(MODULE) FUNCTIONS=$(FUNCTIONS) $(RUN) python scripts/mutation.py

format: python-deps ## Format the code
	$(RUN) ruff format .
	$(RUN) ruff check --fix .
