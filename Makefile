# The whole set-up on a fresh machine with Python 3 and make:
#   make run    start legis on http://127.0.0.1:8000 with the sample drafts
#   make test   run the whole test suite
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: run test install lint clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e '.[test]'
	touch $(STAMP)

install: $(STAMP)

run: $(STAMP)
	$(BIN)/legis serve --host $${LEGIS_HOST:-127.0.0.1} --port $${LEGIS_PORT:-8000}

test: $(STAMP)
	$(BIN)/python -m pytest $(PYTEST_ARGS)

lint: $(STAMP)
	$(BIN)/python -m ruff check legis exporters tests benchmarks

clean:
	rm -rf $(VENV) build dist *.egg-info
