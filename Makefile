# Repair Portal — `make run` starts the shop's app, `make test` runs the whole suite.
# Both set everything up on a fresh machine; repeated runs skip finished steps.

SHELL := /bin/bash
PYTHON ?= python3.11
VENV := .venv
PY := $(VENV)/bin/python
TOOLS := .tools
BUN_VERSION := 1.4.5
BUN := $(TOOLS)/node_modules/.bin/bun
PORT ?= 3000
# The address customers and staff use; printed links, QR codes and the websocket origin check follow it.
PUBLIC_URL ?= http://localhost:$(PORT)
export PUBLIC_URL

export PATH := $(abspath $(TOOLS)/node_modules/.bin):$(abspath $(VENV)/bin):$(PATH)
export REFLEX_USE_SYSTEM_BUN := 1
export REFLEX_TELEMETRY_ENABLED := false
export REFLEX_CHECK_LATEST_VERSION := false
export PYTHONUNBUFFERED := 1

.PHONY: setup setup-dev run dev test test-fast bench lint migrate chromium clean

$(VENV)/.runtime: requirements.txt constraints.txt
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements.txt -c constraints.txt
	@touch $@

$(VENV)/.dev: requirements-dev.txt $(VENV)/.runtime
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements-dev.txt -c constraints.txt
	@touch $@

$(BUN):
	npm install --prefix $(TOOLS) --no-audit --no-fund --loglevel=error bun@$(BUN_VERSION)
	@$(BUN) --version >/dev/null

setup: $(VENV)/.runtime $(BUN)

setup-dev: setup $(VENV)/.dev chromium

# Debian's Chromium for the browser tests (Playwright can't download its own here).
chromium:
	@command -v chromium >/dev/null || { \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq chromium >/dev/null; }

migrate: setup
	$(PY) -m repair_portal migrate

# What a shop runs: migrations, demo data on an empty database, one port.
run: setup
	$(PY) -m repair_portal bootstrap
	$(VENV)/bin/reflex run --env prod --frontend-port $(PORT)

# Hot reload for development (frontend :3000, backend :8000).
dev: setup
	$(PY) -m repair_portal bootstrap
	$(VENV)/bin/reflex run --env dev

test: setup-dev
	$(PY) -m pytest

test-fast: setup-dev
	$(PY) -m pytest -m "not e2e"

bench: setup
	$(PY) bench/run_all.py

lint: setup-dev
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

clean:
	rm -rf .web .states $(VENV) $(TOOLS)
