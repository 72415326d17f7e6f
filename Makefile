# Holdline's plain entry points. `make run` and `make test` are the two commands in the README.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 5000
LOCAL := FLASK_DEBUG=1 $(BIN)/flask --app wsgi
# The PostgreSQL server the tests use when one is running here (they skip, saying why, when it is not).
HOLDLINE_TEST_POSTGRES_URL ?= postgresql://postgres@127.0.0.1:5432/test
export HOLDLINE_TEST_POSTGRES_URL

.PHONY: run serve chat test lint install install-dev soak bench bench-segments

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(VENV)/.installed: requirements.txt | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements.txt
	touch $@

$(VENV)/.installed-dev: requirements.txt requirements-dev.txt | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements-dev.txt
	touch $(VENV)/.installed $@

install: $(VENV)/.installed
install-dev: $(VENV)/.installed-dev

## run: install, migrate the local SQLite database, start the web server, the dashboard and the outbox
## worker (texts go to a local Twilio stand-in, printed in instance/worker.log), and text the bot here
run: install
	@$(LOCAL) translate compile >/dev/null
	@$(LOCAL) db upgrade
	@mkdir -p instance
	@$(LOCAL) staff demo --url http://$(HOST):$(PORT)/staff/
	@echo "Starting the hotline on http://$(HOST):$(PORT) (logs: instance/server.log, instance/worker.log)"
	@$(LOCAL) run --host $(HOST) --port $(PORT) --no-reload >instance/server.log 2>&1 & server=$$!; \
	  $(LOCAL) outbox work --stub >instance/worker.log 2>&1 & worker=$$!; \
	  trap 'kill $$server $$worker 2>/dev/null' EXIT INT TERM; \
	  $(LOCAL) chat --url http://$(HOST):$(PORT) --wait 30

## serve: only the web server (webhook and dashboard), in the foreground
serve: install
	@$(LOCAL) translate compile >/dev/null
	@$(LOCAL) db upgrade
	$(LOCAL) run --host $(HOST) --port $(PORT)

## chat: text the bot from this terminal (in process; no server needed)
chat: install
	@$(LOCAL) db upgrade
	$(LOCAL) chat

## test: install the test dependencies and run every test
test: install-dev
	$(LOCAL) translate compile
	$(BIN)/ruff check .
	$(BIN)/pytest

lint: install-dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

## soak: load and faults against a real gunicorn: 200 texters x a full report, 32 at a time, on SQLite and on a
## private PostgreSQL cluster stopped for 30 s and frozen for 20 s mid-run (as root: initdb runs as user postgres)
SOAK_ARGS ?= --texters 200 --concurrency 32 --stop-seconds 30 --freeze-seconds 20
soak: install-dev
	$(BIN)/python bench/soak.py $(SOAK_ARGS)


## bench-segments: SMS segments of a clean and a messy report per locale and of each rights topic (issue 15 targets);
## writes docs/segments.md for docs/PERFORMANCE.md. SEGMENTS_ARGS=--check fails when a target is missed
SEGMENTS_MD ?= docs/segments.md
SEGMENTS_ARGS ?=
bench-segments: install
	$(BIN)/python bench/segments.py --markdown $(SEGMENTS_MD) $(SEGMENTS_ARGS)

## bench: the webhook under load vs a bare Flask floor (Procfile's gunicorn, SQLite and PostgreSQL, 16 and 64
## texters, distinct and repeated names), worker memory, and the staff queue at 1k/10k/100k; writes
## docs/PERFORMANCE.md (1k and 100k stored reports). Bigger runs: BENCH_ARGS="--conversations 128 --same-person 3000"
BENCH_ARGS ?=
bench: install-dev
	$(BIN)/python bench/load.py $(BENCH_ARGS)
