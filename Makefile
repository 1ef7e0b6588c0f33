# fundbook: every target installs what it needs (uv via pip when missing).
PYTHON ?= python3
UV := $(shell command -v uv 2>/dev/null)
ifeq ($(UV),)
UV := $(PYTHON) -m uv
endif
RUN := $(UV) run --frozen
DEMO_DB ?= build/demo.duckdb
DEMO_OUT ?= build/demo-reports

.PHONY: help uv sync sysdeps demo test check lint typecheck bench clean catalogue

help:
	@echo "make demo   build the demo book into $(DEMO_DB) and run the month-end job end to end (replaces an earlier demo and its outputs)"
	@echo "make test   run all tests"
	@echo "make check  ruff + mypy + tests"
	@echo "make bench  run the benchmark suite (not part of make test)"
	@echo "make clean  remove build products"
	@echo "make catalogue  extract the reports' messages into messages.pot and merge them into each language's .po"

uv:
	@command -v uv >/dev/null 2>&1 || $(PYTHON) -m uv --version >/dev/null 2>&1 || $(PYTHON) -m pip install --quiet uv

sync: uv
	$(UV) sync --frozen --all-groups --quiet

# System tools of the reports and their tests: chromium (headless checks), pdftoppm, CJK fonts.
# Installed with apt-get only when one is missing and we are root; otherwise a hint is printed.
sysdeps:
	@missing=""; \
	command -v chromium >/dev/null 2>&1 || missing="$$missing chromium"; \
	command -v pdftoppm >/dev/null 2>&1 || missing="$$missing poppler-utils"; \
	fc-list 2>/dev/null | grep -q "Noto Sans CJK" || missing="$$missing fonts-noto-cjk"; \
	if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing; \
	  else \
	    echo "sysdeps: missing$$missing; install with: sudo apt-get install$$missing"; \
	  fi; \
	fi

demo: sync sysdeps
	@mkdir -p build
	rm -rf $(DEMO_OUT)
	$(RUN) fundbook demo --db $(DEMO_DB) --out $(DEMO_OUT) --force

# the tests in two processes (a file's tests together, sharing its fixtures); PYTEST_WORKERS=0
# runs them in one
PYTEST_WORKERS ?= 2
test: sync sysdeps
	$(RUN) pytest -n $(PYTEST_WORKERS) --dist loadfile

lint: sync
	$(RUN) ruff check fundbook tests benchmarks
	$(RUN) ruff format --check fundbook tests benchmarks

typecheck: sync
	$(RUN) mypy

check: lint typecheck test

bench: sync
	$(RUN) python benchmarks/run.py $(BENCH_ARGS)

# The reports' message catalogue: extract every msgid (templates and N_() labels) into
# messages.pot, then merge it into each language's .po (new msgids arrive untranslated, and
# tests/report/test_report_i18n.py fails until they are translated).
LOCALE := fundbook/report/locale
catalogue: sync
	$(RUN) pybabel extract -F $(LOCALE)/babel.cfg --ignore-dirs ".* node_modules" --no-location --sort-output \
	  --project fundbook --copyright-holder "fundbook contributors" -o $(LOCALE)/messages.pot .
	$(RUN) pybabel update --no-fuzzy-matching --ignore-obsolete -i $(LOCALE)/messages.pot \
	  -d $(LOCALE) -l zh_Hant

clean:
	rm -rf build .pytest_cache .mypy_cache .ruff_cache benchmarks/results/tmp
	find . -name __pycache__ -type d -prune -exec rm -rf {} +
