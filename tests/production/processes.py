"""Running `manage.py` in a process of its own, as the production tests' servers and workers do: a command, a line of
`manage.py shell`, waiting for a background task, and the environment those processes share."""

import os
import subprocess
import sys
import time

from django.conf import settings

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
