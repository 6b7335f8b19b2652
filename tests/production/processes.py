"""Running the production recipe's processes for the tests in tests/production: `manage.py` (a command, a line of
`manage.py shell`, waiting for a background task), gunicorn, the environment they share, and a PostgreSQL server to
make their databases on."""

import os
import subprocess
import sys
import time
from types import SimpleNamespace
from urllib.parse import urlsplit

import psycopg
import pytest
from django.conf import settings

from tests.services import BIN, free_port, wait_for_url

SECRET_KEY = "concurrency-test-key-not-for-production-0123456789-abcdefghijklmnopqrstuvwxyz"
ENQUEUE_IMPORT = """
import csv, io, sys
from editorial.importer.tasks import import_people_task, pack
from people.models import PersonIndexPage
rows = io.StringIO()
writer = csv.writer(rows)
writer.writerow(["id", "type", "first_name", "last_name", "email"])
for number in range({count}):
    writer.writerow([f"C-{{number}}", "faculty", "Conc", f"Person{{number:04d}}", f"conc{{number}}@example.org"])
parent = PersonIndexPage.objects.get(slug="people")
result = import_people_task.enqueue(
    data=pack(rows.getvalue().encode()), filename="people.csv", parent_id=parent.pk, publish=True, user_id=None
)
print(result.id)
"""
TASK_STATE = """
from django_tasks_db.models import DBTaskResult
print(DBTaskResult.objects.get(pk="{task_id}").status)
"""


def manage(env, *args, timeout=600):
    completed = subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
    assert completed.returncode == 0, (args, completed.stdout[-2000:], completed.stderr[-3000:])
    return completed.stdout


def shell(env, code):
    """The last line `code` prints, run by `manage.py shell` (which may print a line of its own first)."""
    return manage(env, "shell", "-c", code).strip().splitlines()[-1]


def wait_for_task(env, task_id, states, timeout):
    deadline = time.monotonic() + timeout
    while (state := shell(env, TASK_STATE.format(task_id=task_id))) not in states:
        assert time.monotonic() < deadline, f"the task is still {state} after {timeout} s"
        time.sleep(1)
    return state


def base_environment(work, port):
    return {
        **{k: v for k, v in os.environ.items() if not k.startswith(("PYTEST", "DJANGO_", "DATABASE_URL", "REDIS"))},
        "DJANGO_SETTINGS_MODULE": "portal.settings.production",
        "SECRET_KEY": SECRET_KEY,
        "WAGTAILADMIN_BASE_URL": f"http://127.0.0.1:{port}",
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "SECURE_SSL_REDIRECT": "off",
        "SECURE_COOKIES": "off",
        "SECURE_HSTS_SECONDS": "0",
        "TASKS_BACKEND": "database",
        "MEDIA_ROOT": str(work / "media"),
        "STATIC_ROOT": str(work / "static"),
        "SHARED_CACHE_DIR": str(work / "cache"),
        "LOG_LEVEL": "WARNING",
        "GUNICORN_ACCESS_LOG": "/dev/null",
        "PYTHONPATH": str(settings.BASE_DIR),
    }


def postgres_base():
    """Where PostgreSQL is: the suite's own DATABASE_URL when it is PostgreSQL, else the local default."""
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql://")):
        url = os.environ.get("TEST_POSTGRES_URL", "postgres://postgres@127.0.0.1:5432/postgres")
    parts = urlsplit(url)
    return SimpleNamespace(
        user=parts.username or "postgres",
        password=parts.password,
        host=parts.hostname or "127.0.0.1",
        port=parts.port or 5432,
    )


def admin_connection(pg):
    return psycopg.connect(
        host=pg.host,
        port=pg.port,
        user=pg.user,
        password=pg.password,
        dbname="postgres",
        autocommit=True,
        connect_timeout=3,
    )


def postgres_admin():
    """(where PostgreSQL is, an autocommit connection to its `postgres` database). Skips the test when none
    answers (a developer's machine); in CI (CI=true) that is a failure."""
    pg = postgres_base()
    try:
        return pg, admin_connection(pg)
    except psycopg.OperationalError as error:
        if os.environ.get("CI"):
            pytest.fail(f"PostgreSQL is not reachable at {pg.host}:{pg.port} in CI: {error}")
        pytest.skip(f"no PostgreSQL at {pg.host}:{pg.port} (CI runs these tests)")


def database_url(pg, port, name):
    credentials = pg.user + (f":{pg.password}" if pg.password else "")
    return f"postgres://{credentials}@127.0.0.1:{port}/{name}"


def start_gunicorn(env, log_path, port=None, workers=1):
    """gunicorn as the README's recipe runs it (gunicorn.conf.py), answering on 127.0.0.1:`port` (any free one by
    default). Returns .url, .port, .process, .log (its path) and .log_file (closed with the process)."""
    port = port or free_port()
    log = open(log_path, "w")  # noqa: SIM115 (closed with the process)
    command = [str(BIN / "gunicorn"), "portal.wsgi", "-c", "gunicorn.conf.py", "--bind", f"127.0.0.1:{port}"]
    process = subprocess.Popen(
        [*command, "--workers", str(workers)], cwd=settings.BASE_DIR, env=env, stdout=log, stderr=subprocess.STDOUT
    )
    url = f"http://127.0.0.1:{port}"
    wait_for_url(url + "/", timeout=180, process=process)
    return SimpleNamespace(url=url, port=port, process=process, log=log_path, log_file=log)
