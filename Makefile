# Repair Portal — `make run` starts the shop's app, `make test` runs the whole suite.
# Both set everything up on a fresh machine; repeated runs skip finished steps.

SHELL := /bin/bash
PYTHON ?= python3.11
VENV := .venv
PY := $(VENV)/bin/python
TOOLS := .tools
BUN_VERSION := 1.4.5
BUN := $(TOOLS)/node_modules/.bin/bun
AXE_VERSION := 4.14.1
AXE := $(TOOLS)/node_modules/axe-core/axe.min.js
PORT ?= 3000
# The address customers and staff use; printed links, QR codes and the websocket origin check follow it.
PUBLIC_URL ?= http://localhost:$(PORT)
export PUBLIC_URL

export PATH := $(abspath $(TOOLS)/node_modules/.bin):$(abspath $(VENV)/bin):$(PATH)
export REFLEX_USE_SYSTEM_BUN := 1
export REFLEX_TELEMETRY_ENABLED := false
export REFLEX_CHECK_LATEST_VERSION := false
export PYTHONUNBUFFERED := 1

.PHONY: bench setup setup-dev run run-scaled dev test test-fast lint migrate test-tools clean

$(VENV)/.runtime: requirements.txt constraints.txt
	@$(PY) -m pip --version >/dev/null 2>&1 || { rm -rf $(VENV); $(PYTHON) -m venv $(VENV) || { rm -rf $(VENV); \
	  echo "Could not create a virtualenv with $(PYTHON); on Debian/Ubuntu: apt-get install python3.11-venv"; exit 1; }; }
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements.txt -c constraints.txt
	@touch $@

$(VENV)/.dev: requirements-dev.txt $(VENV)/.runtime
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements-dev.txt -c constraints.txt
	@touch $@

$(BUN):
	npm install --prefix $(TOOLS) --no-audit --no-fund --loglevel=error bun@$(BUN_VERSION)
	@$(BUN) --version >/dev/null

setup: $(VENV)/.runtime $(BUN)

# axe-core, injected into pages by the browser tests' accessibility checks.
$(AXE): | $(BUN)
	npm install --prefix $(TOOLS) --no-audit --no-fund --loglevel=error axe-core@$(AXE_VERSION) bun@$(BUN_VERSION)
	@test -f $(AXE)

setup-dev: setup $(VENV)/.dev test-tools $(AXE)

# Debian's Chromium for the browser tests (Playwright can't download its own here) and
# poppler-utils (pdftoppm) to render PDFs for the QR-scan tests.
test-tools:
	@if ! command -v chromium >/dev/null || ! command -v pdftoppm >/dev/null; then \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  if [ -n "$$SUDO" ] && ! command -v sudo >/dev/null; then \
	    echo "As root, run: apt-get install chromium poppler-utils"; exit 1; fi; \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq chromium poppler-utils >/dev/null; \
	fi

migrate: setup
	$(PY) -m repair_portal migrate

# What a shop runs: migrations, demo data on an empty database (DEMO_MODE=false to skip), one port.
run: export DEMO_MODE ?= true
run: setup
	$(PY) -m repair_portal bootstrap
	$(VENV)/bin/reflex run --env prod --frontend-port $(PORT)

# Several workers on PostgreSQL + Redis (README "Scale-out"): DATABASE_URL and REDIS_URL must be set.
# A worker that dies is started again (repair_portal/supervision.py); run this under systemd or similar.
WORKERS ?= 4
run-scaled: export DEMO_MODE ?= false
run-scaled: setup
	@case "$$DATABASE_URL" in postgresql*) ;; *) echo "Set DATABASE_URL to a PostgreSQL database (README: Scale-out)"; exit 1;; esac
	@test -n "$$REDIS_URL" || { echo "Set REDIS_URL, e.g. redis://127.0.0.1:6379/0 (README: Scale-out)"; exit 1; }
	$(PY) -m repair_portal bootstrap
	GRANIAN_WORKERS=$(WORKERS) $(VENV)/bin/reflex run --env prod --frontend-port $(PORT)

# Hot reload for development (frontend :3000, backend :8000).
dev: export DEMO_MODE ?= true
dev: setup
	$(PY) -m repair_portal bootstrap
	$(VENV)/bin/reflex run --env dev

# Services and handlers on two workers (pytest-xdist; every test has its own database), then the
# browser tests in one process (they share one running app).
test: setup-dev
	$(PY) -m pytest -n 2 -m "not e2e"
	$(PY) -m pytest -m e2e --durations=12

test-fast: setup-dev
	$(PY) -m pytest -n 2 -m "not e2e"

lint: setup-dev
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

bench: setup
	$(PY) bench/orders_100k.py $(BENCH_ARGS)
	$(PY) bench/upload_loop_lag.py
	$(PY) bench/account_lists.py
	$(PY) bench/webhooks.py
	$(PY) bench/pdf_first_byte.py
	$(PY) bench/live_fanout.py
	$(PY) bench/blank_compare.py
	$(PY) bench/idle_connections.py
	$(PY) bench/scale_out.py

clean:
	rm -rf .web .states $(VENV) $(TOOLS)
