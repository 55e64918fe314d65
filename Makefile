# Mailhive developer commands. `make run` starts a node on ./var; `make test` runs the suite.
# The virtualenv is .venv; installs are stamped so repeated runs skip pip until pyproject.toml changes.

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
DATA   ?= ./var
PIP    := $(BIN)/python -m pip --quiet --disable-pip-version-check

.PHONY: run test bench lint clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(PIP) install -e .
	@touch $@

$(VENV)/.installed-test: pyproject.toml | $(BIN)/python
	$(PIP) install -e '.[test]'
	@touch $@ $(VENV)/.installed

run: $(VENV)/.installed
	@if [ -e "$(DATA)" ]; then $(BIN)/mailhive --data "$(DATA)" init; \
	 else $(BIN)/mailhive --data "$(DATA)" init --demo; fi
	$(BIN)/mailhive --data "$(DATA)" serve $(SERVE_ARGS)

test: $(VENV)/.installed-test
	$(BIN)/python -m pytest -q $(PYTEST_ARGS)

bench: $(VENV)/.installed-test
	$(BIN)/python bench/store.py $(BENCH_ARGS)

lint: $(VENV)/.installed-test
	$(BIN)/ruff check .
	$(BIN)/lint-imports

# Removes build and cache files; keeps .venv and the data directory (delete those by hand).
clean:
	rm -rf build dist *.egg-info .pytest_cache .ruff_cache .import_linter_cache .hypothesis bench/out
	find . -path ./$(VENV) -prune -o -type d -name __pycache__ -exec rm -rf {} +
