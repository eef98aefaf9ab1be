# Two commands on a fresh Debian 12 / Ubuntu 24.04: `make run` and `make test`.
# Each installs what is missing first and is quick when nothing is.

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.podplayer-installed

.PHONY: run test lint bench system-deps system-deps-test venv clean

run: system-deps $(STAMP)
	$(BIN)/podplayer $(ARGS)

test: system-deps-test $(STAMP)
	$(BIN)/python -m pytest $(PYTEST_ARGS)

lint: $(STAMP)
	$(BIN)/ruff check src tests bench
	$(BIN)/ruff format --check src tests bench
	$(BIN)/mypy

bench: $(STAMP)
	$(BIN)/python bench/bench_pages.py

system-deps:
	@sh packaging/system-deps.sh run

system-deps-test:
	@sh packaging/system-deps.sh test

venv: $(STAMP)

# A fresh Debian's python3 can't create a venv until python3-venv is installed (system-deps does).
$(STAMP): pyproject.toml
	@test -x $(BIN)/python || { rm -rf $(VENV); $(PYTHON) -m venv $(VENV); }
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	@touch $@

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache
