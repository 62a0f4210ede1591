# tipboard: `make run` (demo on SQLite) and `make test` (the whole suite, SQLite then PostgreSQL).
# Each target sets up .venv itself on a new machine with Python 3.11.

PYTHON ?= python3.11
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
PORT   ?= 5000
# pytest-xdist: one worker per core; tests that share a resource stay together (tests/conftest.py).
XDIST  ?= -n auto --dist loadgroup
export FLASK_APP := wsgi

.PHONY: install run serve scheduler test test-fast security-lint chromium test-sqlite test-postgresql bench lint translations clean

$(STAMP): requirements.txt requirements-dev.txt
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements-dev.txt
	@touch $(STAMP)

install: $(STAMP)
	$(BIN)/flask tipboard i18n compile

run: install
	$(BIN)/flask db upgrade
	$(BIN)/flask tipboard demo
	@echo "tipboard on http://127.0.0.1:$(PORT)  (scheduler running beside it; Ctrl-C stops both)"
	@export TIPBOARD_BASE_URL=$${TIPBOARD_BASE_URL:-http://127.0.0.1:$(PORT)}; trap 'kill 0' INT TERM EXIT; \
	  $(BIN)/flask tipboard scheduler & \
	  $(BIN)/flask run --host 127.0.0.1 --port $(PORT)

# Production: PostgreSQL (TIPBOARD_DATABASE_URL), Redis (TIPBOARD_REDIS_URL), TIPBOARD_SECRET_KEY and
# TIPBOARD_BASE_URL (the public address links are built on) set.
# Runs the migrations, then gunicorn and exactly one scheduler process.
serve: install
	TIPBOARD_CONFIG=production $(BIN)/flask db upgrade
	@trap 'kill 0' INT TERM EXIT; \
	  TIPBOARD_CONFIG=production $(BIN)/flask tipboard scheduler & \
	  TIPBOARD_CONFIG=production $(BIN)/gunicorn -c gunicorn.conf.py wsgi:app

scheduler: install
	$(BIN)/flask tipboard scheduler

# Benchmarks rewrite their sections of bench/RESULTS.md (wrk comes from Debian: apt-get install wrk).
bench: install
	cd bench && ../$(BIN)/python moderation_queue.py && ../$(BIN)/python roster.py
	$(BIN)/python bench/http_load.py

test: install lint chromium test-sqlite test-postgresql

# A quick local loop: SQLite only, in parallel.
test-fast: install
	$(BIN)/python -m pytest -q -p no:cacheprovider $(XDIST)

# Static security checks: no medium or high findings (each `# nosec` says why).
security-lint: install
	$(BIN)/bandit -q -ll -c pyproject.toml -r tipboard config.py wsgi.py gunicorn.conf.py

test-sqlite: install
	$(BIN)/python -m pytest -q -p no:cacheprovider $(XDIST)

test-postgresql: install
	TIPBOARD_TEST_DB=postgresql $(BIN)/python -m pytest -q -p no:cacheprovider $(XDIST)

# Style (ruff) and static security checks; part of `make test`.
lint: install security-lint
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

# The end-to-end tests drive Debian's chromium; install it when we may, else say why and fail.
chromium:
	@if command -v /usr/bin/chromium >/dev/null 2>&1; then :; \
	elif [ "$$(id -u)" = 0 ]; then apt-get update -qq && apt-get install -y chromium; \
	elif sudo -n true 2>/dev/null; then sudo apt-get update -qq && sudo apt-get install -y chromium; \
	else echo "chromium is missing: run 'apt-get install -y chromium' as root (needed by tests/e2e)"; \
	  if [ -n "$$CI" ]; then exit 1; fi; fi

translations: install
	$(BIN)/flask tipboard i18n update
	$(BIN)/flask tipboard i18n compile

clean:
	rm -rf $(VENV) instance/*.sqlite3* .pytest_cache
