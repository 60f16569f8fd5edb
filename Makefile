# Museum Webinars: `make run` serves the site, `make test` runs every check.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
PORT   ?= 8000
# Links in e-mails and feeds point at the address being served, unless SITE_URL says otherwise.
SITE_URL ?= http://127.0.0.1:$(PORT)
export SITE_URL
WORKERS ?= 2
PG_TEST_URL ?= postgres://postgres@127.0.0.1:5432/test
REDIS_TEST_URL ?= redis://127.0.0.1:6379/15
TOPOLOGY_PG_URL ?= postgres://postgres@127.0.0.1:5432/postgres
# The browser job's own test database (test_postgres) and Redis database, beside test-postgres's.
PG_BROWSER_URL ?= postgres://postgres@127.0.0.1:5432/postgres
REDIS_BROWSER_URL ?= redis://127.0.0.1:6379/14
PG_REACHABLE = $(BIN)/python -c "import psycopg; psycopg.connect('$(PG_TEST_URL)', connect_timeout=3).close()" 2>/dev/null
# The browser tests run once, in their own job (see `suites`).
NOT_BROWSER = --ignore=tests/e2e

.PHONY: run test suites test-sqlite test-postgres test-browser topology-test topology-deps lint typecheck bench bench-deps browser-deps messages clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip

$(VENV)/.runtime: requirements.txt | $(BIN)/python
	$(BIN)/pip install -q -r requirements.txt
	touch $@

$(VENV)/.dev: requirements.txt requirements-dev.txt | $(BIN)/python
	$(BIN)/pip install -q -r requirements-dev.txt
	touch $(VENV)/.runtime $@

## run: install, migrate, load the demo programme when empty, serve on 127.0.0.1:$(PORT)
run: $(VENV)/.runtime
	$(BIN)/python manage.py migrate --noinput -v0
	$(BIN)/python manage.py createcachetable
	$(BIN)/python manage.py collectstatic --noinput -v0
	$(BIN)/python manage.py load_demo_programme
	$(BIN)/python manage.py load_demo_library
	$(BIN)/python manage.py rebuild_search_index --if-empty
	@echo "Serving on http://127.0.0.1:$(PORT)/ (with a background worker for e-mail; Ctrl-C stops both)"
	$(BIN)/python manage.py run_worker & worker=$$!; trap 'kill $$worker 2>/dev/null' EXIT INT TERM; \
	  $(BIN)/gunicorn config.wsgi:application --bind 127.0.0.1:$(PORT) --workers $(WORKERS) --access-logfile - --logger-class config.gunicorn_logging.RedactingLogger --forwarded-allow-ips=127.0.0.1

## browser-deps: Debian's chromium for the real-browser tests (never a downloaded browser)
browser-deps:
	@command -v chromium >/dev/null 2>&1 || { \
	  echo "Installing Debian's chromium for the browser tests..."; \
	  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null) || \
	  { echo "Could not install chromium (apt-get as root is needed)"; exit 1; }; }

lint: $(VENV)/.dev typecheck
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/python manage.py makemigrations --check --dry-run -v0
	DJANGO_SETTINGS_MODULE=config.settings.production SECRET_KEY=check-deploy-$$(date +%s)-a-long-random-secret-value-for-the-check \
	  PSEUDONYM_KEY=check-deploy-$$(date +%s)-another-long-random-secret-value-for-the-check \
	  PLATFORM_SECRETS_KEY=$$($(BIN)/python -c 'from cryptography.fernet import Fernet; print(Fernet.generate_key().decode())') \
	  ALLOWED_HOSTS=webinars.example.org $(BIN)/python manage.py check --deploy --fail-level WARNING

## typecheck: mypy with django-stubs on every app's services, selectors and rules ([tool.mypy] in pyproject.toml)
typecheck: $(VENV)/.dev
	$(BIN)/mypy

## test: lint, then the suite on SQLite and, when reachable, on PostgreSQL + Redis (browser tests once), then the topology
test: $(VENV)/.dev browser-deps lint suites topology-test

## suites: three jobs side by side (two cores), each with its own VAR_DIR, their output printed when
## all are done; fails if any fails: the suite without the browser tests on SQLite, the same on
## PostgreSQL + Redis, and the browser tests once (PostgreSQL + Redis when reachable, else SQLite)
suites: $(VENV)/.dev
	@mkdir -p var
	@echo "== SQLite, PostgreSQL + Redis, and browser suites, side by side (logs: var/suite-*.log) =="
	@VAR_DIR=$(CURDIR)/var/suite-sqlite $(MAKE) --no-print-directory test-sqlite PYTEST_ARGS="$(NOT_BROWSER)" > var/suite-sqlite.log 2>&1 & sqlite=$$!; \
	  VAR_DIR=$(CURDIR)/var/suite-postgres $(MAKE) --no-print-directory test-postgres PYTEST_ARGS="$(NOT_BROWSER)" > var/suite-postgres.log 2>&1 & postgres=$$!; \
	  VAR_DIR=$(CURDIR)/var/suite-browser $(MAKE) --no-print-directory test-browser > var/suite-browser.log 2>&1 & browser=$$!; \
	  wait $$sqlite; sqlite_status=$$?; wait $$postgres; postgres_status=$$?; wait $$browser; browser_status=$$?; \
	  echo "== SQLite (exit $$sqlite_status) =="; cat var/suite-sqlite.log; \
	  echo "== PostgreSQL + Redis (exit $$postgres_status) =="; cat var/suite-postgres.log; \
	  echo "== Browser tests (exit $$browser_status) =="; cat var/suite-browser.log; \
	  test $$sqlite_status -eq 0 -a $$postgres_status -eq 0 -a $$browser_status -eq 0

## test-sqlite, test-postgres: the whole suite on one database (PYTEST_ARGS narrows it)
test-sqlite: $(VENV)/.dev
	$(BIN)/pytest $(PYTEST_ARGS)

test-postgres: $(VENV)/.dev
	@if $(PG_REACHABLE); then \
	  echo "== PostgreSQL + Redis =="; \
	  DATABASE_URL=$(PG_TEST_URL) REDIS_URL=$(REDIS_TEST_URL) $(BIN)/pytest $(PYTEST_ARGS); \
	else echo "PostgreSQL not reachable at $(PG_TEST_URL): skipping the PostgreSQL run"; fi

## test-browser: the real-browser tests (Debian's chromium), on PostgreSQL + Redis when reachable (a
## test database of its own, beside test-postgres's), else on SQLite
test-browser: $(VENV)/.dev browser-deps
	@if $(PG_REACHABLE); then \
	  echo "== Browser tests on PostgreSQL + Redis =="; \
	  DATABASE_URL=$(PG_BROWSER_URL) REDIS_URL=$(REDIS_BROWSER_URL) $(BIN)/pytest tests/e2e; \
	else echo "== Browser tests on SQLite (PostgreSQL not reachable at $(PG_TEST_URL)) =="; $(BIN)/pytest tests/e2e; fi

## topology-deps: Debian's nginx and openssl for the topology test (the same nginx the deployment guide uses)
topology-deps:
	@command -v nginx >/dev/null 2>&1 || [ -x /usr/sbin/nginx ] || { \
	  echo "Installing Debian's nginx for the topology test..."; \
	  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nginx openssl >/dev/null) || \
	  { echo "Could not install nginx (apt-get as root is needed)"; exit 1; }; }

## topology-test: deploy/ on 127.0.0.1 (nginx → 2 gunicorn → PostgreSQL + Redis, 2 workers, S3, SMTP), checked end to end
topology-test: $(VENV)/.dev topology-deps
	@if $(BIN)/python -c "import psycopg,redis; psycopg.connect('$(TOPOLOGY_PG_URL)', connect_timeout=3).close(); redis.Redis.from_url('redis://127.0.0.1:6379/0', socket_connect_timeout=3).ping()" 2>/dev/null; then \
	  PATH="$$PATH:/usr/sbin" TOPOLOGY_PG_URL=$(TOPOLOGY_PG_URL) timeout 600 $(BIN)/python -m tests.topology.run; \
	else echo "PostgreSQL ($(TOPOLOGY_PG_URL)) or Redis (127.0.0.1:6379) not reachable: skipping the topology test"; fi

## bench-deps: Debian's wrk, the load generator of the page and registration benchmarks
bench-deps:
	@command -v wrk >/dev/null 2>&1 || { \
	  echo "Installing Debian's wrk for the benchmarks..."; \
	  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk >/dev/null) || \
	  { echo "Could not install wrk (apt-get as root is needed)"; exit 1; }; }

## bench: speed targets, each printed beside a baseline measured in the same run
bench: $(VENV)/.dev bench-deps
	$(BIN)/python bench/run.py

## messages: refresh the gettext catalogues (English source, Russian translation)
messages: $(VENV)/.dev
	$(BIN)/python manage.py makemessages -l ru --no-obsolete --ignore=.venv --ignore=staticfiles
	$(BIN)/python manage.py compilemessages --ignore=.venv

clean:
	rm -rf $(VENV) var staticfiles
