# The project's vocabulary. `make run` and `make test` are the README's contract.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PIP := $(VENV)/bin/pip
HOST ?= 127.0.0.1
PORT ?= 8000
# Links in invitation and password emails, and the logins load_demo prints, point where `make run` serves.
export WAGTAILADMIN_BASE_URL ?= http://$(HOST):$(PORT)

.PHONY: help run worker test lint format migrate demo bench screenshots clean

help:  ## list the targets
	@grep -E '^[a-z-]+:.*##' $(MAKEFILE_LIST) | sed 's/:.*## / - /'

$(VENV)/.runtime: requirements.txt
	$(PYTHON) -m venv $(VENV)
	$(PIP) install --quiet --upgrade pip
	$(PIP) install --quiet -r requirements.txt
	touch $@

$(VENV)/.dev: $(VENV)/.runtime requirements-dev.txt
	$(PIP) install --quiet -r requirements-dev.txt
	touch $@

migrate: $(VENV)/.runtime  ## apply database migrations
	$(PY) manage.py migrate --noinput

demo: migrate  ## build (or refresh) the demo site and its users
	$(PY) manage.py load_demo

# The worker is restarted whenever it exits (a crash, a kill): imports and renditions never silently stop.
run: demo  ## set up and serve the demo site on http://127.0.0.1:8000, with the task worker (restarted if it exits) and scheduled publishing beside it
	@( while sleep 60; do $(PY) manage.py publish_scheduled >/dev/null 2>&1; done ) & scheduler=$$!; \
	( trap 'kill $$child 2>/dev/null; exit 0' INT TERM; \
	  while :; do $(PY) manage.py db_worker --no-reload --interval 1 & child=$$!; wait $$child; \
	  echo "The task worker exited ($$?); starting it again in 2 s." >&2; sleep 2; done ) & worker=$$!; \
	trap 'kill $$scheduler $$worker 2>/dev/null' EXIT INT TERM; \
	$(PY) manage.py runserver $(HOST):$(PORT)

worker: migrate  ## run the task worker alone (imports, renditions of new photos, Wagtail's own tasks)
	$(PY) manage.py db_worker

bench: demo  ## print requests/s through gunicorn (cached page vs static file), render time and queries per page type, directory with 10 vs 1,000 faculty
	@command -v wrk >/dev/null || echo "wrk is not installed (apt-get install wrk): the requests/s figures will be skipped"
	$(PY) manage.py bench_pages

# A throwaway demo database, so the pictures show the demo whatever the local one holds.
SHOTS_DB := sqlite:///$(CURDIR)/.screenshots.sqlite3

screenshots: $(VENV)/.dev  ## photograph every page type and state at 360 and 1280 px into docs/screenshots/
	rm -f .screenshots.sqlite3
	DATABASE_URL=$(SHOTS_DB) $(PY) manage.py migrate --noinput -v0
	DATABASE_URL=$(SHOTS_DB) $(PY) manage.py load_demo >/dev/null
	DATABASE_URL=$(SHOTS_DB) $(PY) manage.py screenshots
	rm -f .screenshots.sqlite3

test: $(VENV)/.dev  ## install test dependencies and run the test suite
	$(VENV)/bin/pytest --create-db

lint: $(VENV)/.dev  ## ruff check, ruff format --check, djhtml --check
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	find templates */templates -name '*.html' -print0 | xargs -0 $(VENV)/bin/djhtml --check

format: $(VENV)/.dev  ## apply ruff and djhtml formatting
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .
	find templates */templates -name '*.html' -print0 | xargs -0 $(VENV)/bin/djhtml

clean:  ## remove the virtualenv, the SQLite database, media and the local shared cache
	rm -rf $(VENV) db.sqlite3 media private-media .test-media .test-private-media static_collected var
