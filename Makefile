# The whole set-up on a fresh machine with Python 3 and make:
#   make run    start legis on http://127.0.0.1:8000 with the sample drafts
#   make test   run the whole test suite
#   make check  the fast part only (no servers, browsers or builds)
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: run test check install lint lock clean browser-deps

# Tests run in parallel, one worker per CPU (pytest-xdist); PYTEST_ARGS adds or overrides
# options, e.g. PYTEST_ARGS="-n 0 tests/test_accounts.py" runs one file in one process.
PYTEST := $(BIN)/python -m pytest -n auto

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

# The pinned versions the suite last passed with, then legis itself (anything new in
# pyproject.toml that the lock does not have yet is installed at its newest allowed version).
$(STAMP): pyproject.toml requirements.lock | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements.lock
	$(BIN)/pip install --quiet -e '.[postgres,test,browser,dev]'
	touch $(STAMP)

install: $(STAMP)

run: $(STAMP)
	$(BIN)/legis serve --host $${LEGIS_HOST:-127.0.0.1} --port $${LEGIS_PORT:-8000}

test: $(STAMP) browser-deps
	$(PYTEST) $(PYTEST_ARGS)

check: $(STAMP)
	$(PYTEST) -m "not slow" $(PYTEST_ARGS)

# The browser tests (tests/browser) check accessibility with axe-core from npm.
# Fetched only when npm is there; without it they use their own rules alone, and
# without Chromium or playwright they skip. Never needs root, never fails the build.
browser-deps:
	@if [ ! -f node_modules/axe-core/axe.min.js ]; then \
	  if command -v npm >/dev/null 2>&1; then \
	    npm install --no-save --no-audit --no-fund --loglevel=error --prefix . axe-core \
	      || echo "axe-core could not be installed: browser tests use their own accessibility rules only"; \
	  else \
	    echo "npm not found: browser tests use their own accessibility rules only"; \
	  fi; \
	fi

lint: $(STAMP)
	$(BIN)/python -m ruff check legis tests benchmarks
	$(BIN)/python -m mypy

# Re-pin every dependency (after changing pyproject.toml's dependencies).
lock: $(STAMP)
	$(BIN)/pip-compile --quiet --strip-extras --extra postgres --extra test --extra browser \
	  --extra dev --no-header --no-emit-index-url --no-emit-find-links --annotation-style=line \
	  -o requirements.lock pyproject.toml

clean:
	rm -rf $(VENV) build dist *.egg-info
