# fundbook: every target installs what it needs (uv via pip when missing).
PYTHON ?= python3
UV := $(shell command -v uv 2>/dev/null)
ifeq ($(UV),)
UV := $(PYTHON) -m uv
endif
RUN := $(UV) run --frozen
DEMO_DB ?= build/demo.duckdb
DEMO_OUT ?= build/demo-reports

.PHONY: help uv sync demo test check lint typecheck bench clean

help:
	@echo "make demo   build the demo book into $(DEMO_DB) and run the month-end job end to end"
	@echo "make test   run all tests"
	@echo "make check  ruff + mypy + tests"
	@echo "make bench  run the benchmark suite (not part of make test)"
	@echo "make clean  remove build products"

uv:
	@command -v uv >/dev/null 2>&1 || $(PYTHON) -m uv --version >/dev/null 2>&1 || $(PYTHON) -m pip install --quiet uv

sync: uv
	$(UV) sync --frozen --all-groups --quiet

demo: sync
	@mkdir -p build
	$(RUN) fundbook demo --db $(DEMO_DB) --out $(DEMO_OUT)

test: sync
	$(RUN) pytest

lint: sync
	$(RUN) ruff check fundbook tests benchmarks
	$(RUN) ruff format --check fundbook tests benchmarks

typecheck: sync
	$(RUN) mypy

check: lint typecheck test

bench: sync
	$(RUN) python benchmarks/run.py

clean:
	rm -rf build .pytest_cache .mypy_cache .ruff_cache benchmarks/results/tmp
	find . -name __pycache__ -type d -prune -exec rm -rf {} +
