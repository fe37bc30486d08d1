# Build, run and test the optics-industry news portal.
#
#   make run     set up, load the demo content and serve http://127.0.0.1:$(PORT)
#   make test    the whole test suite (SQLite, or PostgreSQL through DATABASE_URL)
#
# Everything runs from the virtual environment in .venv, made on first use.

SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help

PORT ?= 8000
VENV := .venv
PY := $(VENV)/bin/python
MANAGE := $(PY) manage.py
PYTEST_ARGS ?=

# Settings used by `make test`: DEBUG stays off as in production, a throwaway
# secret key, no collectstatic manifest needed, and Playwright's live-server
# tests may touch the database from their event loop.
TEST_ENV := env -u DJANGO_DEBUG \
	DJANGO_SECRET_KEY=test-only-secret-key-not-for-production \
	DJANGO_PLAIN_STATIC=1 \
	DJANGO_ALLOW_ASYNC_UNSAFE=true

.PHONY: help venv run test lint fmt serve clean backup restore

# help: list the targets.
help:
	@echo "make run     set up, load demo content, serve on 127.0.0.1:\$$PORT (default 8000)"
	@echo "make test    run the whole test suite (PYTEST_ARGS='...' to pass options)"
	@echo "make lint    ruff check and format check"
	@echo "make fmt     ruff format and fix"
	@echo "make serve   production-like: collectstatic + gunicorn (needs DJANGO_SECRET_KEY)"
	@echo "make clean   remove .venv, node_modules and staticfiles (keeps var/)"
	@echo "make backup  database and media into \$$BACKUP_DIR/portal-<time>.tar.gz (default var/backups)"
	@echo "make restore FILE=<archive>  restore a backup (asks first; YES=1 does not ask)"

# venv: the Python 3.11 environment; rebuilt only when a requirements file changes.
venv: $(VENV)/.installed

$(VENV)/.installed: requirements.txt requirements-dev.txt
	@python=""; \
	if python3.11 --version >/dev/null 2>&1; then \
		python=python3.11; \
	elif python3 -c 'import sys; sys.exit(sys.version_info[:2] != (3, 11))' 2>/dev/null; then \
		python=python3; \
	else \
		echo "Python 3.11 is needed (python3.11, or python3 being 3.11)." >&2; exit 1; \
	fi; \
	echo "Creating $(VENV) with $$python"; \
	"$$python" -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements-dev.txt
	@touch $@

# node_modules: the Nu Html Checker (vnu.jar) for the HTML validity tests.
# --ignore-scripts: vnu-jar's postinstall would download a Java runtime; the
# system's Java runs the jar.
node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --ignore-scripts
	@touch $@

# run: development server with demo content; the SQLite database in var/ is kept
# between runs (migrate and load_demo are idempotent).
run: export DJANGO_DEBUG := 1
run: venv
	$(MANAGE) migrate --noinput
	$(MANAGE) load_demo
	$(MANAGE) demo_editor --port $(PORT)
	$(MANAGE) runserver 127.0.0.1:$(PORT)

# test: migrations up to date, then the whole pytest suite.
test: venv node_modules/.installed
	DJANGO_DEBUG=1 $(MANAGE) makemigrations --check --dry-run
	$(TEST_ENV) $(PY) -m pytest $(PYTEST_ARGS)

# lint: ruff's checks and formatting, without changing files.
lint: venv
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

# fmt: format and autofix with ruff.
fmt: venv
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

# serve: production-like, whitenoise static files and gunicorn; set
# DJANGO_SECRET_KEY (and DJANGO_ALLOWED_HOSTS beyond 127.0.0.1 and localhost).
serve: export DJANGO_ALLOWED_HOSTS ?= 127.0.0.1,localhost
serve: venv
	@test -n "$${DJANGO_SECRET_KEY:-}" || { echo "make serve needs DJANGO_SECRET_KEY." >&2; exit 1; }
	$(MANAGE) collectstatic --noinput
	$(VENV)/bin/gunicorn portal.wsgi -b 127.0.0.1:$(PORT) -w 2

# backup, restore: with whatever environment is exported (DATABASE_URL, DJANGO_MEDIA_ROOT,
# DJANGO_SECRET_KEY), like `make serve`; without a secret key they run in debug mode, as
# `make run` does, on the development database. See docs/operations.md.
BACKUP_DIR ?= var/backups
DEBUG_UNLESS_KEYED := $(if $(DJANGO_SECRET_KEY),,DJANGO_DEBUG=1)

backup: venv
	$(DEBUG_UNLESS_KEYED) $(MANAGE) backup --output "$(BACKUP_DIR)/"

# restore: asks for confirmation unless YES=1.
restore: venv
	@test -n "$(FILE)" || { echo "Usage: make restore FILE=var/backups/portal-….tar.gz [YES=1]" >&2; exit 1; }
	$(DEBUG_UNLESS_KEYED) $(MANAGE) restore "$(FILE)" $(if $(filter 1,$(YES)),--yes)

# clean: remove what the build made; var/ (demo database, media) stays.
clean:
	rm -rf $(VENV) node_modules staticfiles
