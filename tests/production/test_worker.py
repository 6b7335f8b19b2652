"""The task worker in real processes, on PostgreSQL: killed in the middle of an import, and cut off from the
database and given it back.

- SIGKILL at mid-import: the import's transaction dies with the worker, so nothing is written; a worker running
  beside it notices the dead worker's heartbeat is gone (a lease of a few seconds here, 60 s in production) and
  marks the task failed; the same import runs again to the end.
- PostgreSQL unreachable for 10 s (a TCP proxy cut, as a restart or failover): the worker stays up, logs the
  outage, reconnects by itself and runs the next task.
"""

import os
import signal
import subprocess
import sys
import time

import pytest
from django.conf import settings

from tests.production.processes import (
    ENQUEUE_IMPORT,
    base_environment,
    database_url,
    manage,
    postgres_admin,
    shell,
    wait_for_task,
)
from tests.services import TcpProxy, free_port, stop

LEASE_SECONDS = 4
PEOPLE_WRITTEN = """
from people.models import FacultyPage
print(FacultyPage.objects.filter(external_id__startswith="C-").count())
"""
ENQUEUE_RENDITIONS = """
from core.tasks import generate_renditions
print(generate_renditions.enqueue(0).id)
"""


@pytest.fixture(scope="module")
def deployment(tmp_path_factory):
    pg, admin = postgres_admin()
    name = f"portal_worker_{os.getpid()}"
    admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    admin.execute(f'CREATE DATABASE "{name}"')
    work = tmp_path_factory.mktemp("worker")
    proxy = TcpProxy(pg.host, pg.port).start()
    env = {
        **base_environment(work, free_port()),
        "DATABASE_URL": database_url(pg, pg.port, name),
        "TASK_WORKER_HEARTBEAT_SECONDS": "1",
        "TASK_WORKER_LEASE_SECONDS": str(LEASE_SECONDS),
        "LOG_LEVEL": "INFO",
    }
    try:
        manage(env, "migrate", "--noinput")
        manage(env, "load_demo")
        yield env, {**env, "DATABASE_URL": database_url(pg, proxy.port, name)}, proxy, work
    finally:
        proxy.cut()
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.close()


def start_worker(env, log_path):
    return subprocess.Popen(
        [sys.executable, "manage.py", "db_worker", "--no-reload", "--interval", "0.2", "--no-startup-delay"],
        cwd=settings.BASE_DIR,
        env=env,
        stdout=open(log_path, "a"),  # noqa: SIM115 (the process holds it)
        stderr=subprocess.STDOUT,
    )


def test_a_worker_killed_mid_import_writes_nothing_is_noticed_and_the_import_runs_again(deployment):
    env, _, _, work = deployment
    doomed = start_worker(env, work / "doomed.log")
    survivor = None
    try:
        task_id = shell(env, ENQUEUE_IMPORT.format(count=300))
        wait_for_task(env, task_id, {"RUNNING"}, timeout=900)  # after the tasks load_demo queued
        time.sleep(8)  # well into the rows
        os.kill(doomed.pid, signal.SIGKILL)
        doomed.wait()
        killed_at = time.monotonic()
        survivor = start_worker(env, work / "survivor.log")
        assert wait_for_task(env, task_id, {"FAILED", "SUCCESSFUL"}, timeout=300) == "FAILED"
        noticed = time.monotonic() - killed_at
        assert shell(env, PEOPLE_WRITTEN) == "0"  # nothing written
        # Run again: the same file, enqueued anew, runs to the end on the surviving worker.
        again = shell(env, ENQUEUE_IMPORT.format(count=300))
        assert wait_for_task(env, again, {"FAILED", "SUCCESSFUL"}, timeout=600) == "SUCCESSFUL"
        assert shell(env, PEOPLE_WRITTEN) == "300"
        print(
            f"\nworker killed mid-import: marked failed {noticed:.1f} s later (lease {LEASE_SECONDS} s), 0 rows written"
        )
    finally:
        stop(doomed)
        stop(survivor)


def test_the_worker_outlives_postgresql_going_away_and_carries_on(deployment):
    _, proxied, proxy, work = deployment
    log = work / "outage.log"
    worker = start_worker(proxied, log)
    try:
        first = shell(proxied, ENQUEUE_RENDITIONS)
        assert wait_for_task(proxied, first, {"SUCCESSFUL", "FAILED"}, timeout=900) == "SUCCESSFUL"
        proxy.cut()
        time.sleep(10)
        assert worker.poll() is None, log.read_text()[-3000:]  # still running
        proxy.start()
        back_at = time.monotonic()
        task_id = shell(proxied, ENQUEUE_RENDITIONS)
        assert wait_for_task(proxied, task_id, {"SUCCESSFUL", "FAILED"}, timeout=120) == "SUCCESSFUL"
        assert worker.poll() is None
        assert "The database is unavailable" in log.read_text()
        print(
            f"\nPostgreSQL away 10 s: the worker stayed up, ran the next task {time.monotonic() - back_at:.1f} s after"
        )
    finally:
        stop(worker)
