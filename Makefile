# `make run` serves the forum with demo content; `make test` runs the whole suite.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 5000
FLASK := $(BIN)/forum

.PHONY: run test lint browser multi translations messages clean bench bench-debate lock

# The links in e-mails the worker writes lead here, unless FLASK_PUBLIC_URL says otherwise.
run: export FLASK_PUBLIC_URL ?= http://127.0.0.1:$(PORT)
run: $(VENV)/.installed .env
	mkdir -p instance
	$(FLASK) db upgrade
	$(FLASK) seed-demo --if-empty
	@# The job queue's consumer beside the web server; Ctrl-C stops both.
	trap 'kill -INT $$worker 2>/dev/null; wait $$worker' EXIT INT TERM; \
	$(FLASK) worker & worker=$$!; \
	$(FLASK) run --host 127.0.0.1 --port $(PORT)

test: $(VENV)/.installed-dev browser
	$(BIN)/ruff check .
	$(BIN)/bandit -q -c pyproject.toml -r forum gunicorn.conf.py
	$(BIN)/pytest

# Two gunicorn servers on one PostgreSQL and Redis (TEST_DATABASE_URL, TEST_REDIS_URL).
multi: $(VENV)/.installed-dev
	$(BIN)/python scripts/multi_server.py

# Throughput and latency under gunicorn against hello-world and INSERT ceilings (bench/README.md);
# BENCH_ARGS=--scale for the million-post database.
bench: $(VENV)/.installed
	@if ! command -v wrk >/dev/null; then \
		if [ "$$(id -u)" = "0" ]; then \
			apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk; \
		else \
			echo "wrk is missing and we are not root: apt-get install wrk"; exit 1; \
		fi; \
	fi
	$(BIN)/python bench/run.py $(BENCH_ARGS)

# How well the orderings find a debate's best posts, in a simulation that drives forum/ranking.py
# (bench/README.md): two processes, about two minutes; BENCH_ARGS="--threads 200" for a glance.
bench-debate: $(VENV)/.installed
	$(BIN)/python bench/debate_quality.py $(BENCH_ARGS)

lint: $(VENV)/.installed-dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

# A secret key of this checkout's own, read by `flask` from .env (never committed).
.env:
	echo "FLASK_SECRET_KEY=$$($(PYTHON) -c 'import secrets; print(secrets.token_hex(32))')" > $@

$(VENV)/bin/python:
	$(PYTHON) -m venv $(VENV)

# Exactly the versions in the lock files (what CI tested), then the forum itself on top.
$(VENV)/.installed: requirements/base.txt pyproject.toml | $(VENV)/bin/python
	$(BIN)/pip install --quiet -r requirements/base.txt
	$(BIN)/pip install --quiet --no-deps -e .
	touch $@

$(VENV)/.installed-dev: requirements/dev.txt pyproject.toml | $(VENV)/bin/python
	$(BIN)/pip install --quiet -r requirements/dev.txt
	$(BIN)/pip install --quiet --no-deps -e .
	touch $(VENV)/.installed $@

# Recompile the lock files from pyproject.toml, keeping every pin the ranges still allow;
# LOCK_ARGS=--upgrade moves all to the newest allowed, LOCK_ARGS='--upgrade-package redis' one.
# The production lock holds the extras a site runs; the development one agrees with it.
PIP_COMPILE := $(BIN)/pip-compile --quiet --strip-extras --no-emit-index-url --no-emit-find-links
lock: $(VENV)/.installed-dev
	$(PIP_COMPILE) $(LOCK_ARGS) --extra postgres --extra redis --extra sentry \
		-o requirements/base.txt pyproject.toml
	$(PIP_COMPILE) $(LOCK_ARGS) --extra dev --extra postgres --extra redis --extra sentry \
		--constraint requirements/base.txt -o requirements/dev.txt pyproject.toml

# Browser tests drive Debian's Chromium; install it when missing and we may (root).
browser:
	@if [ ! -x /usr/bin/chromium ]; then \
		if [ "$$(id -u)" = "0" ]; then \
			apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium; \
		else \
			echo "chromium is missing and we are not root: browser tests will be skipped"; \
		fi; \
	fi

# Extract the messages and update the Danish and English catalogues.
messages: $(VENV)/.installed-dev
	$(BIN)/pybabel extract -F babel.cfg -k _l -k lazy_gettext --ignore-dirs=".venv .git instance" \
		--sort-output --project forum -o forum/translations/messages.pot .
	$(BIN)/pybabel update -i forum/translations/messages.pot -d forum/translations --no-fuzzy-matching --ignore-obsolete

translations: $(VENV)/.installed-dev
	$(BIN)/pybabel compile -d forum/translations --statistics

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache
