# The project's vocabulary. `make run` and `make test` are the README's contract.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PIP := $(VENV)/bin/pip
HOST ?= 127.0.0.1
PORT ?= 8000
# Links in invitation and password emails, and the logins load_demo prints, point where `make run` serves.
export WAGTAILADMIN_BASE_URL ?= http://$(HOST):$(PORT)

.PHONY: help run worker test lint format migrate demo bench screenshots clean lock

help:  ## list the targets
	@grep -E '^[a-z-]+:.*##' $(MAKEFILE_LIST) | sed 's/:.*## / - /'

# Installs come from the locks: every package, transitive ones included, pinned with its hashes. The .txt
# files are what we ask for; `make lock` turns them into the .lock files (see README, Dependencies).
$(VENV)/.runtime: requirements.lock requirements.txt
	@$(call lock_covers,requirements.txt,requirements.lock)
	$(PYTHON) -m venv $(VENV)
	$(PIP) install --quiet --require-hashes -r requirements.lock
	touch $@

$(VENV)/.dev: $(VENV)/.runtime requirements-dev.lock requirements-dev.txt
	@$(call lock_covers,requirements-dev.txt,requirements-dev.lock)
	$(PIP) install --quiet --require-hashes -r requirements-dev.lock
	touch $@

# Fails when a pin in the .txt file ($1) is not in its lock ($2): someone changed a requirement without `make lock`.
lock_covers = sed -nE 's/^([A-Za-z0-9._-]+)(\[[^]]*\])?==([^ ;\#]+).*/\1 \3/p' $1 | while read -r name version; do \
	name=$$(echo "$$name" | tr 'A-Z_.' 'a-z--'); \
	grep -qiE "^$$name==$$version( |$$)" $2 || { echo "$2 does not pin $$name==$$version from $1: run make lock" >&2; exit 1; }; done

# pip-tools lives in a virtualenv of its own, so the project's environment holds only what the locks list.
LOCK_VENV := .venv-lock
PIP_TOOLS := pip-tools==7.6.2
LOCK_OPTIONS := --quiet --generate-hashes --allow-unsafe --strip-extras --no-emit-index-url --no-emit-find-links --no-emit-trusted-host

$(LOCK_VENV)/bin/pip-compile:
	$(PYTHON) -m venv $(LOCK_VENV)
	$(LOCK_VENV)/bin/pip install --quiet $(PIP_TOOLS)

lock: $(LOCK_VENV)/bin/pip-compile  ## pin every package with hashes into requirements.lock and requirements-dev.lock (UPGRADE=name to update one)
	CUSTOM_COMPILE_COMMAND="make lock" $(LOCK_VENV)/bin/pip-compile $(LOCK_OPTIONS) $(UPGRADE_OPTION) \
		--output-file requirements.lock requirements.txt
	CUSTOM_COMPILE_COMMAND="make lock" $(LOCK_VENV)/bin/pip-compile $(LOCK_OPTIONS) $(UPGRADE_OPTION) \
		--constraint requirements.lock --output-file requirements-dev.lock requirements-dev.txt

# Existing pins are kept unless asked: `make lock UPGRADE=boto3` re-resolves one package (and what it needs).
UPGRADE_OPTION = $(foreach name,$(UPGRADE),--upgrade-package $(name))

migrate: $(VENV)/.runtime  ## apply database migrations
	$(PY) manage.py migrate --noinput

demo: migrate  ## build (or refresh) the demo site and its users
	$(PY) manage.py load_demo

# The worker is restarted whenever it exits (a crash, a kill): imports and renditions never silently stop.
run: demo  ## set up and serve the demo site on http://127.0.0.1:8000, with the task worker (restarted if it exits) and the scheduler (publishing, open-house reminders, deleting old applicant data) beside it
	@( while sleep 60; do $(PY) manage.py publish_scheduled >/dev/null 2>&1; \
	   $(PY) manage.py send_open_house_reminders >/dev/null 2>&1; \
	   $(PY) manage.py prune_applicant_data >/dev/null 2>&1; done ) & scheduler=$$!; \
	( trap 'kill $$child 2>/dev/null; exit 0' INT TERM; \
	  while :; do $(PY) manage.py db_worker --no-reload --interval 1 & child=$$!; wait $$child; \
	  echo "The task worker exited ($$?); starting it again in 2 s." >&2; sleep 2; done ) & worker=$$!; \
	trap 'kill $$scheduler $$worker 2>/dev/null' EXIT INT TERM; \
	$(PY) manage.py runserver $(HOST):$(PORT)

worker: migrate  ## run the task worker alone (imports, renditions of new photos, Wagtail's own tasks)
	$(PY) manage.py db_worker

# The benchmark builds faculty with the test factories (factory_boy), so it needs the dev packages. It renders with
# DEBUG off, as visitors get the site; BENCH_PORT picks gunicorn's port (default: any free one).
bench: $(VENV)/.dev demo  ## print uncached CPU ms and queries per page type, the directory vs a standard page, cached page vs static file req/s, re-warm time after a publish, first view after a 1,000-person import
	@command -v wrk >/dev/null || echo "wrk is not installed (apt-get install wrk): the requests/s figures will be skipped"
	@# The demo photos' listing renditions, as the task worker makes them for every new image (pages never do).
	$(PY) manage.py db_worker --batch --no-reload --no-startup-delay -v0
	DEBUG=off $(PY) manage.py bench_pages

# A throwaway demo database, so the pictures show the demo whatever the local one holds.
SHOTS_DB := sqlite:///$(CURDIR)/.screenshots.sqlite3

screenshots: $(VENV)/.dev  ## photograph every page type and state at 360 and 1280 px into docs/screenshots/
	rm -f .screenshots.sqlite3
	DATABASE_URL=$(SHOTS_DB) $(PY) manage.py migrate --noinput -v0
	DATABASE_URL=$(SHOTS_DB) $(PY) manage.py load_demo >/dev/null
	DATABASE_URL=$(SHOTS_DB) $(PY) manage.py db_worker --batch --no-reload --no-startup-delay -v0
	DATABASE_URL=$(SHOTS_DB) $(PY) manage.py screenshots
	rm -f .screenshots.sqlite3

test: $(VENV)/.dev  ## install test dependencies and run the test suite
	$(VENV)/bin/pytest --create-db

lint: $(VENV)/.dev  ## ruff check, ruff format --check, djhtml --check, the import contracts (lint-imports, pyproject.toml)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	find templates */templates -name '*.html' -print0 | xargs -0 $(VENV)/bin/djhtml --check
	$(VENV)/bin/lint-imports

format: $(VENV)/.dev  ## apply ruff and djhtml formatting
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .
	find templates */templates -name '*.html' -print0 | xargs -0 $(VENV)/bin/djhtml

clean:  ## remove the virtualenvs, the SQLite database, media and the local shared cache
	rm -rf $(VENV) $(LOCK_VENV) db.sqlite3 media private-media .test-media .test-private-media static_collected var
