# The two commands: `make run` and `make test`. Everything else is a helper.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
ADDR ?= 127.0.0.1:8000

SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

AXE_VERSION := 4.14.1
AXE := .cache/axe/node_modules/axe-core/axe.min.js

.PHONY: run test check lint typecheck format install superuser browser axe hostile bench

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(VENV)/.installed: requirements.txt requirements-dev.txt | $(BIN)/python
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -r requirements-dev.txt
	touch $@

install: $(VENV)/.installed

# The browser tests drive Debian's Chromium; install it once when it is missing.
browser:
	@command -v chromium >/dev/null || { \
	  echo "Installing Debian's chromium for the browser tests"; \
	  $(SUDO) apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq chromium; }

# The accessibility checks in the browser tests inject axe-core, from npm at test
# time (never committed); npm comes from Debian when it is missing.
$(AXE):
	@command -v npm >/dev/null || { \
	  echo "Installing Debian's npm for the accessibility checks"; \
	  $(SUDO) apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq npm; }
	npm install --silent --no-save --no-audit --no-fund --prefix .cache/axe axe-core@$(AXE_VERSION)

axe: $(AXE)

## Serve the app with the demo region on http://127.0.0.1:8000 (SQLite, DEBUG on).
run: install
	DEBUG=1 $(BIN)/python manage.py migrate --noinput
	DEBUG=1 $(BIN)/python manage.py load_places
	DEBUG=1 $(BIN)/python manage.py load_demo
	DEBUG=1 $(BIN)/python manage.py runserver $(ADDR)

superuser: install
	DEBUG=1 $(BIN)/python manage.py createsuperuser

## Lint, type-check, check migrations, run the whole test suite (DATABASE_URL picks
## the database).
test: install browser axe lint typecheck
	DEBUG=1 $(BIN)/python manage.py makemigrations --check --dry-run
	$(BIN)/python -m pytest

## The hostile-input corpus alone: bad files for every import path, property tests
## of the form and API, script-tag names (also part of `make test`).
hostile: install browser
	$(BIN)/python -m pytest trails/tests/test_hostile_files.py planner/tests/test_hostile_input.py

## The benchmarks (figures in docs/benchmarks.md); the load run needs PostgreSQL and Redis.
bench: install
	$(BIN)/python bench/import_bench.py
	$(BIN)/python bench/solver_bench.py
	$(BIN)/python bench/plan_bench.py
	$(BIN)/python bench/load/run.py

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

## mypy on the Django-free modules (the list is [tool.mypy] in pyproject.toml).
typecheck: install
	$(BIN)/mypy

format: install
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .
