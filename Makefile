# Tally: `make run` starts the demo site, `make test` runs every test. `make help` lists all.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
# Test processes: most of the suite is CPU in one Python process, and CI has two cores.
TEST_PROCESSES ?= 2

.PHONY: help install run test test-deps lint format clean

help: ## list the targets
	@grep -E '^[a-z-]+:.*## ' Makefile | sed 's/:.*## /\t/'

$(STAMP): requirements.lock pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -r requirements.lock
	touch $(STAMP)

install: $(STAMP) ## create .venv and install the pinned packages

run: install ## migrate, load demo data, start the web server and the worker (SQLite)
	@scripts/run-dev.sh

test-deps: install ## the browser and the Node packages the tests drive
	@scripts/test-deps.sh

test: export TALLY_SECRET_KEY ?= tally-test-only-key
test: test-deps ## the whole test suite (DATABASE_URL picks the database; SQLite if unset)
	$(PY) manage.py makemigrations --check --dry-run -v0
	$(PY) -m pytest -n $(TEST_PROCESSES) $(PYTEST_ARGS)

lint: export TALLY_SECRET_KEY ?= tally-lint-only-key
lint: install ## ruff lint and format check, mypy on config, accounts, services and selectors
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy

format: install ## apply ruff fixes and formatting
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

clean: ## remove the venv, the SQLite database and caches
	rm -rf $(VENV) db.sqlite3* .pytest_cache .ruff_cache .hypothesis staticfiles
