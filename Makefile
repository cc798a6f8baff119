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

# `make run` is for local use: debug on unless the caller says otherwise.
run: export DJANGO_DEBUG ?= 1

.PHONY: install run test test-fast lint format migrate load clean

install: $(VENV)/.installed node_modules/.installed

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

test: install
	@test -x /usr/bin/chromium || echo "*** WARNING: /usr/bin/chromium not found: the browser tests will be SKIPPED (apt-get install chromium). ***"
	$(BIN)/pytest $(PYTEST_ARGS)

# Everything but the browser tests.
test-fast: install
	$(BIN)/pytest -m "not browser" $(PYTEST_ARGS)

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: install
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

clean:
	rm -rf $(VENV) node_modules staticfiles .pytest_cache .ruff_cache
