"""Writers side by side, in real processes, on the database the suite runs on (SQLite, then PostgreSQL in CI).

A gunicorn server, the task worker importing 1,000 people, a second process publishing 10 pages, and anonymous
visitors reading pages and searching, all at once. Expected: 0 errors of any kind (no 5xx, no refused
connection, no "database is locked"), and every publish reported as saved is live. On SQLite the import writes in
batches of at most IMPORT_BATCH_SECONDS (editorial.importer.journal), so a publish waits for one batch, never for
the whole import. Meanwhile `manage.py backup` takes an archive; it restores into an empty database and media
folder, and once the writers have stopped a second backup, restored, renders every live page with the same HTML
as the original site.
"""

import json
import os
import subprocess
import sys
import threading
import time
from pathlib import Path
from types import SimpleNamespace

import pytest
import requests
from django.conf import settings
from django.db import connection

from tests.production.processes import (
    ENQUEUE_IMPORT,
    TASK_STATE,
    base_environment,
    database_url,
    manage,
    postgres_admin,
    shell,
    start_gunicorn,
    wait_for_task,
)
from tests.services import free_port, stop

PEOPLE = 1000
PUBLISHES = 10
VISITORS = 3
LIVE_PAGES = """
import json
from wagtail.models import Page
pages = Page.objects.live().public().filter(depth__gt=1).order_by("path")
print(json.dumps([page.relative_url(page.get_site()) for page in pages]))
"""


def start_server(env, port, log_path):
    return start_gunicorn(env, log_path, port=port, workers=2).process


class Visitors:
    """Anonymous visitors reading pages and searching until stopped; every answer is counted."""

    def __init__(self, base, paths):
        self.base, self.paths = base, paths
        self.requests, self.errors = 0, []
        self.stopped = threading.Event()
        self.threads = [threading.Thread(target=self.visit, args=(offset,), daemon=True) for offset in range(VISITORS)]

    def visit(self, offset):
        session = requests.Session()
        number = offset
        while not self.stopped.is_set():
            path = self.paths[number % len(self.paths)] if number % 3 else f"/search/?query=clinic&n={number}"
            number += 1
            try:
                response = session.get(self.base + path, timeout=30)
                if response.status_code >= 500 or "could not handle" in response.text:
                    self.errors.append(f"{path}: {response.status_code}")
            except requests.RequestException as error:
                self.errors.append(f"{path}: {error}")
            self.requests += 1
            time.sleep(0.05)

    def __enter__(self):
        for thread in self.threads:
            thread.start()
        return self

    def __exit__(self, *exc):
        self.stopped.set()
        for thread in self.threads:
            thread.join(timeout=40)


def sqlite_database(work, name):
    return f"sqlite:///{work / name}"


@pytest.fixture
def backend(tmp_path):
    """(make a database URL by name, drop them all) on the suite's own kind of database: CI runs the suite on
    SQLite and again on PostgreSQL, so each runs this once."""
    if connection.vendor == "sqlite":
        yield SimpleNamespace(name="sqlite", url=lambda label: sqlite_database(tmp_path, f"{label}.sqlite3"))
        return
    pg, admin = postgres_admin()
    created = []

    def url(label):
        name = f"portal_concurrency_{label}_{os.getpid()}"
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.execute(f'CREATE DATABASE "{name}"')
        created.append(name)
        return database_url(pg, pg.port, name)

    try:
        yield SimpleNamespace(name="postgresql", url=url)
    finally:
        for name in created:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.close()


def live_pages(env):
    return json.loads(shell(env, LIVE_PAGES))


def rendered(base, paths):
    pages = {}
    for path in paths:
        response = requests.get(base + path, timeout=30)
        pages[path] = (response.status_code, response.text)
    return pages


def restore_into_empty_install(backend, work, archive, label):
    env = {
        **base_environment(work / label, 0),
        "DATABASE_URL": backend.url(label),
        "MEDIA_ROOT": str(work / label / "media"),
        "STATIC_ROOT": str(work / "static"),  # static files come with the code (collectstatic), not the backup
    }
    started = time.monotonic()
    manage(env, "restore", str(archive))
    return env, time.monotonic() - started


def test_writers_side_by_side(backend, tmp_path):
    port = free_port()
    env = {**base_environment(tmp_path, port), "DATABASE_URL": backend.url("site")}
    manage(env, "migrate", "--noinput")
    manage(env, "collectstatic", "--noinput", "-v0")
    manage(env, "load_demo")
    paths = live_pages(env)
    processes = []
    try:
        processes.append(start_server(env, port, tmp_path / "server.log"))
        base = f"http://127.0.0.1:{port}"
        worker_log = open(tmp_path / "worker.log", "w")  # noqa: SIM115
        processes.append(
            subprocess.Popen(
                [sys.executable, "manage.py", "db_worker", "--no-reload", "--interval", "0.2", "--no-startup-delay"],
                cwd=settings.BASE_DIR,
                env=env,
                stdout=worker_log,
                stderr=subprocess.STDOUT,
            )
        )
        started = time.monotonic()
        with Visitors(base, paths) as visitors:
            task_id = shell(env, ENQUEUE_IMPORT.format(count=PEOPLE))
            # The worker first works through the search-index tasks load_demo queued, then starts the import.
            wait_for_task(env, task_id, {"RUNNING"}, timeout=900)
            import_started = time.monotonic()
            publisher = subprocess.Popen(
                [sys.executable, str(Path(__file__).with_name("publisher.py")), str(PUBLISHES), backend.name],
                cwd=settings.BASE_DIR,
                env=env,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                text=True,
            )
            backup_started = time.monotonic()
            manage(env, "backup", str(tmp_path / "during.tar.gz"))
            backup_seconds = time.monotonic() - backup_started
            out, err = publisher.communicate(timeout=600)
            publishes = [json.loads(line) for line in out.splitlines() if line.startswith("{")]
            still_importing = shell(env, TASK_STATE.format(task_id=task_id)) == "RUNNING"
            print(
                f"\n{backend.name}, during the import: {visitors.requests} visitor requests, "
                f"{len(visitors.errors)} errors; {sum(r['saved'] for r in publishes)}/{len(publishes)} publishes "
                "saved; "
                f"backup {backup_seconds:.1f} s",
                flush=True,
            )
            state = wait_for_task(env, task_id, {"SUCCESSFUL", "FAILED"}, timeout=900)
            import_seconds = time.monotonic() - import_started
        elapsed = time.monotonic() - started
        saved = [reply for reply in publishes if reply["saved"]]
        print(
            f"\n{backend.name}: {visitors.requests} visitor requests, {len(visitors.errors)} errors; "
            f"{len(saved)}/{len(publishes)} publishes saved (slowest {max(r['seconds'] for r in publishes):.2f} s); "
            f"import of {PEOPLE} {state} in {import_seconds:.0f} s; backup during writes {backup_seconds:.1f} s; "
            f"{elapsed:.0f} s in all"
        )
        assert visitors.errors == [], visitors.errors[:20]
        assert len(publishes) == PUBLISHES, err[-3000:]
        assert [reply for reply in publishes if not reply["saved"]] == []
        assert still_importing  # every publish happened while the import was writing
        assert state == "SUCCESSFUL", (tmp_path / "worker.log").read_text()[-3000:]
        for reply in saved:
            page = requests.get(base + reply["url"], timeout=30)
            assert page.status_code == 200 and reply["title"] in page.text, reply
        assert "Traceback" not in (tmp_path / "server.log").read_text()

        # The backup taken during the writes restores into an empty install, and every page it holds is served.
        during_env, during_seconds = restore_into_empty_install(backend, tmp_path, tmp_path / "during.tar.gz", "during")
        during_port = free_port()
        during_env["WAGTAILADMIN_BASE_URL"] = f"http://127.0.0.1:{during_port}"
        processes.append(start_server(during_env, during_port, tmp_path / "during.log"))
        during_paths = live_pages(during_env)
        for path, (status, _) in rendered(f"http://127.0.0.1:{during_port}", during_paths).items():
            assert status == 200, path

        # Writers stopped: a backup restores to a site whose every live page renders the same HTML.
        after_started = time.monotonic()
        manage(env, "backup", str(tmp_path / "after.tar.gz"))
        after_backup_seconds = time.monotonic() - after_started
        after_env, after_restore_seconds = restore_into_empty_install(
            backend, tmp_path, tmp_path / "after.tar.gz", "after"
        )
        after_port = free_port()
        after_env["WAGTAILADMIN_BASE_URL"] = env["WAGTAILADMIN_BASE_URL"]
        processes.append(start_server(after_env, after_port, tmp_path / "after.log"))
        final_paths = live_pages(env)
        assert live_pages(after_env) == final_paths
        original = rendered(base, final_paths)
        restored = rendered(f"http://127.0.0.1:{after_port}", final_paths)
        differing = [path for path in final_paths if original[path] != restored[path]]
        assert differing == [], differing[:10]
        print(
            f"{backend.name}: restore of the backup taken during writes {during_seconds:.1f} s "
            f"({len(during_paths)} live pages, all 200); after: backup {after_backup_seconds:.1f} s, "
            f"restore {after_restore_seconds:.1f} s, {len(final_paths)} live pages with identical HTML"
        )
    finally:
        for process in processes:
            stop(process)
