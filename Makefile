# The two commands a newcomer needs: `make run` and `make test`.
# Both create .venv, install the pinned dependencies and bring up PostgreSQL:
# the server in DATABASE_URL when it is set, otherwise a project-local one
# whose data lives under .data/ (see tools/devdb.py).

SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
INSTALLED := $(VENV)/.installed
HOST ?= 127.0.0.1
PORT ?= 8000
DURATION ?= 120
CONNECTIONS ?= 32
TEST_WORKERS ?= auto

.DEFAULT_GOAL := help
.PHONY: help run test check lint format lock db setup editor stop-db clean backup restore loadtest topology screenshots bench bench-search vnu

help:
	@echo "make run     set everything up and serve the site with demo content on http://$(HOST):$(PORT)"
	@echo "make test    set everything up and run the whole test suite"
	@echo "make vnu    install the Nu HTML checker (vnu.jar, from npm) under .data/vnu"
	@echo "make check   lint, format check, Django system checks, no missing migrations"
	@echo "make lock    regenerate the pinned, hashed requirements files from pyproject.toml"
	@echo "make editor  create an editor login (EMAIL=you@example.com)"
	@echo "make stop-db stop the project-local PostgreSQL"
	@echo "make screenshots  phone and desktop screenshots of every page type in docs/screenshots/"
	@echo "make backup  pg_dump the database (DATABASE_URL, else the local one) to backups/"
	@echo "make restore restore a backup into that database (FILE=backups/....dump)"
	@echo "make loadtest $(CONNECTIONS) readers and mentors for $(DURATION) s against gunicorn on 127.0.0.1 (DURATION=..., CONNECTIONS=...)"
	@echo "make topology  the multi-host rehearsal on 127.0.0.1 (replica, PgBouncer, HAProxy, 2 web replicas), under load, with failures; write docs/deploy.md"
	@echo "make bench   seed 10,000 mentors if missing, measure the public pages with wrk, write docs/performance.md"
	@echo "make bench-search  score search ranking on the judged queries (nDCG@10, MRR) over the demo content, write docs/performance.md"

$(INSTALLED): requirements.txt requirements-dev.txt
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Python 3.11 or newer is needed; $(PYTHON) is " + sys.version.split()[0])'
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check --require-hashes -r requirements-dev.txt
	@touch $@

db: $(INSTALLED)
	@$(PY) -m tools.devdb ensure > /dev/null

setup: db
	@$(PY) manage.py migrate --noinput

# The site and, beside it, the worker that sends its emails (printed to this
# terminal without EMAIL_HOST) and rebuilds the dataset; Ctrl-C stops both.
run: setup
	$(PY) manage.py seed_demo --first-run
	@$(PY) manage.py worker --no-startup-delay & worker=$$!; \
	trap 'kill $$worker 2>/dev/null; wait $$worker 2>/dev/null' EXIT; \
	$(PY) manage.py runserver $(HOST):$(PORT)

# One pytest worker per core (pytest-xdist): each has its own test database
# on the same server and its own Chromium.
test: db vnu
	$(PY) -m pytest -n $(TEST_WORKERS)

# The W3C Nu HTML checker for tests/test_html.py: vnu.jar from npm, pinned in
# tools/vnu.py, installed under .data/vnu when missing; it runs on the system's Java.
vnu: $(INSTALLED)
	@$(PY) -m tools.vnu ensure > /dev/null

check: $(INSTALLED)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(PY) manage.py check --fail-level WARNING
	$(PY) manage.py makemigrations --check --dry-run

lint: check

# The exact pins, with hashes, from the ranges in pyproject.toml. Versions
# already pinned are kept unless a range excludes them; to move one, change
# its range or run with UPGRADE="--upgrade-package NAME".
LOCK := $(VENV)/bin/uv pip compile pyproject.toml --universal --python-version 3.11 \
	--generate-hashes --custom-compile-command "make lock" --quiet $(UPGRADE)

lock: $(INSTALLED)
	$(LOCK) -o requirements.txt
	$(LOCK) --extra dev -o requirements-dev.txt

format: $(INSTALLED)
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

editor: setup
	$(PY) manage.py create_editor $(if $(EMAIL),--email $(EMAIL),)

stop-db: $(INSTALLED)
	$(PY) -m tools.devdb stop

# Backups of the database in DATABASE_URL (the project-local one when unset);
# see tools/backup.py. DIR=... writes somewhere other than backups/.
backup: db
	$(PY) -m tools.backup dump $(if $(DIR),--dir "$(DIR)",)

restore: $(INSTALLED)
	@test -n "$(FILE)" || { echo "usage: make restore FILE=backups/<name>.dump"; exit 2; }
	@$(PY) -m tools.devdb ensure > /dev/null
	$(PY) -m tools.backup restore "$(FILE)"

# Not part of `make test`: it takes two minutes. See tools/loadtest.py.
loadtest: setup
	$(PY) manage.py seed_demo --first-run
	$(PY) -m tools.loadtest --duration $(DURATION) --connections $(CONNECTIONS)

# Not part of `make test`: about five minutes. Everything runs in .topology/,
# with its own databases; see tools/topology.py. The report goes to docs/deploy.md.
topology: $(INSTALLED)
	$(PY) -m tools.topology

# Not part of `make test`; see tests/browser/screenshots.py.
screenshots: db
	$(PY) -m pytest tests/browser/screenshots.py -q -p no:warnings

clean: stop-db
	rm -rf $(VENV) .data .topology staticfiles

# Not part of `make test`: seeding takes minutes the first time, the runs about
# six. See tools/bench.py; the results go to docs/performance.md.
bench: setup
	$(PY) -m tools.bench

# Not part of `make test`: about half a minute, in a throwaway database with
# the demo content only. See tools/searchbench.py and tools/search_judgements.toml.
bench-search: db
	$(PY) -m tools.searchbench
