# Recap Explorer: `make run` serves the explorer, `make test` runs every test.
# Both install what they need first (Python packages from requirements.lock into
# .venv, front-end packages from package-lock.json into node_modules).

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
MANAGE := $(BIN)/python manage.py
BUNDLED_RECAP := explorer/data/djangocon-us-2024.json
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: install run test test-fast lint format migrate load clean serve bench bench-smoke wrk

install: $(VENV)/.installed node_modules/.installed .env

# Development settings for `make run` and `python manage.py ...`, written once and
# never overwritten (git-ignored: edit it freely). Variables set in the environment
# win over it; the tests ignore it; deployments set real variables instead.
.env:
	@printf '%s\n' \
		'# Local development settings, read by config/settings.py (written once by make;' \
		'# git-ignored). Variables set in the environment win over these.' \
		'DJANGO_DEBUG=1' > $@
	@echo "Wrote $@ (DJANGO_DEBUG=1) for local development."

$(VENV)/.installed: requirements.lock
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements.lock
	touch $@

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund
	touch $@

migrate: install
	$(MANAGE) migrate --no-input

load: migrate
	$(MANAGE) import_recap $(BUNDLED_RECAP)

run: load
	@echo "Recap Explorer: http://$(HOST):$(PORT)/"
	$(MANAGE) runserver $(HOST):$(PORT)

# The tests run in PYTEST_WORKERS processes (pytest-xdist): auto is one per CPU, a
# number that many, 0 this one process (to see print output with -s, or for --pdb).
# Each worker has its own test database; tests are handed out one at a time, except
# that the heavy smoke runs (tests/test_*_smoke.py) all go to one worker, so that no
# two of them run at once (loadgroup, as tests/conftest.py defines it).
PYTEST_WORKERS ?= auto
PYTEST_PARALLEL = -n $(PYTEST_WORKERS) --dist loadgroup

test: install
	@test -x /usr/bin/chromium || echo "*** WARNING: /usr/bin/chromium not found: the browser tests will be SKIPPED (apt-get install chromium). ***"
	$(BIN)/pytest $(PYTEST_PARALLEL) $(PYTEST_ARGS)

# Everything but the browser tests.
test-fast: install
	$(BIN)/pytest $(PYTEST_PARALLEL) -m "not browser" $(PYTEST_ARGS)

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: install
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

# Production-like: debug off, gunicorn, static files collected and served by
# WhiteNoise (hashed names, compressed, cached for good). Needs DJANGO_SECRET_KEY
# (and, without a TLS proxy in front, DJANGO_SECURE_SSL_REDIRECT=0 DJANGO_SECURE_COOKIES=0).
WORKERS ?= $(shell nproc 2>/dev/null || echo 2)
serve: export DJANGO_DEBUG = 0
serve: migrate
	@test -n "$$DJANGO_SECRET_KEY" || { echo "make serve: set DJANGO_SECRET_KEY (debug is off)"; exit 1; }
	$(MANAGE) collectstatic --no-input -v0
	@echo "Recap Explorer (gunicorn, $(WORKERS) workers): http://$(HOST):$(PORT)/"
	$(BIN)/gunicorn config.wsgi:application --bind $(HOST):$(PORT) --workers $(WORKERS) \
		--access-logfile - --forwarded-allow-ips "$${FORWARDED_ALLOW_IPS:-127.0.0.1}"

# wrk, the HTTP load generator, from Debian's packages.
wrk:
	@command -v wrk >/dev/null || { apt-get install -y -qq wrk || \
		{ echo "make bench: install wrk (apt-get install wrk)"; exit 1; }; }

# Load-test the production-like server at the bundled size and with BENCH_ENTRIES
# (default 100000) generated entries; BENCH_DATABASE_URL adds PostgreSQL.
bench: install wrk
	$(BIN)/python scripts/bench.py

# The same, tiny: 500 entries, 1 s per URL.
bench-smoke: install wrk
	BENCH_ENTRIES=500 BENCH_SECONDS=1 BENCH_WARMUP=0 $(BIN)/python scripts/bench.py

# Readers and racing curators against gunicorn on PostgreSQL, then a check that no
# acknowledged edit was lost (needs PostgreSQL running, see README). Variables:
# LOADTEST_DATABASE_URL (default postgres://recap:recap@127.0.0.1:5432/recap_loadtest,
# created if missing), LOADTEST_SECONDS (20), LOADTEST_READERS (16),
# LOADTEST_CURATORS (4), LOADTEST_WORKERS (2 per CPU), LOADTEST_DIR (.bench/).
.PHONY: loadtest
loadtest: install
	$(BIN)/python scripts/loadtest.py

# Faults injected while readers and curators work (PostgreSQL restarted, a worker
# killed mid-save, two app servers on one database, clients dropped halfway, SQLite
# under concurrent writers), then the data checked. It starts a PostgreSQL cluster of
# its own (needs PostgreSQL's server programs: apt-get install postgresql). Variables:
# FAULTTEST_SECONDS (20 per fault), FAULTTEST_OUTAGE (3), FAULTTEST_READERS (8),
# FAULTTEST_CURATORS (4), FAULTTEST_WORKERS (4), FAULTTEST_FAULTS (all), FAULTTEST_DIR.
.PHONY: faulttest
faulttest: install
	$(BIN)/python scripts/faulttest.py

clean:
	rm -rf $(VENV) node_modules staticfiles .bench .pytest_cache .ruff_cache
