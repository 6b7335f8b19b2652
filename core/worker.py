"""A task worker that survives database outages and says when a task's worker has died.

django-tasks-db's `db_worker` exits on the first OperationalError (PostgreSQL restarting, a failover), and a
task whose worker was killed stays RUNNING for ever. Here (`manage.py db_worker` is core's subclass of it):

- The worker loop outlives a database outage: it logs once, waits (1 s, doubling to 15 s) and carries on.
- Each worker beats (`WorkerHeartbeat.last_seen`, every HEARTBEAT_SECONDS, from a thread of its own). A
  RUNNING task whose worker has not beaten for TASK_WORKER_LEASE_SECONDS is abandoned: every worker marks
  such tasks FAILED (`reap_abandoned_tasks`), and pages that show a task (the people import's) ask
  `is_abandoned` so they tell the truth even when no worker runs at all.
- What a dead task left half-written is for its app to undo: `task_abandoned` is sent for each such task before
  it is marked failed, and `worker_beat` with every heartbeat (the people import listens to both).
"""

import logging
import threading
import time
from contextlib import suppress
from datetime import timedelta

from django.conf import settings
from django.db import DatabaseError, connections
from django.db.utils import InterfaceError, OperationalError
from django.dispatch import Signal
from django.utils import timezone
from django_tasks.base import TaskResultStatus
from django_tasks_db.management.commands.db_worker import Worker
from django_tasks_db.models import DBTaskResult

from core.models import WorkerHeartbeat

logger = logging.getLogger("portal.worker")

ABANDONED = "core.worker.WorkerDied"  # the exception path recorded on an abandoned task
ABANDONED_MESSAGE = "The task worker running this task stopped (killed, crashed or its machine restarted)."
FIRST_RETRY_SECONDS = 1.0
LAST_RETRY_SECONDS = 15.0

# A receiver that takes long should call keep_alive() now and then, so that its own worker is not taken for dead.
task_abandoned = Signal()  # db_result=, keep_alive=: a RUNNING task whose worker died, about to be marked failed
worker_beat = Signal()  # worker_id=, keep_alive=: a worker is alive; a chance to clean up after dead ones


def heartbeat_seconds():
    return settings.TASK_WORKER_HEARTBEAT_SECONDS


def lease_seconds():
    return settings.TASK_WORKER_LEASE_SECONDS


def beat(worker_id):
    WorkerHeartbeat.objects.update_or_create(worker_id=worker_id, defaults={"last_seen": timezone.now()})


def live_worker_ids():
    since = timezone.now() - timedelta(seconds=lease_seconds())
    return set(WorkerHeartbeat.objects.filter(last_seen__gte=since).values_list("worker_id", flat=True))


def is_abandoned(db_result, live_workers=None):
    """Whether a RUNNING task's worker has stopped beating for longer than the lease."""
    if db_result.status != TaskResultStatus.RUNNING:
        return False
    started = db_result.started_at or db_result.enqueued_at
    if started and timezone.now() - started < timedelta(seconds=lease_seconds()):
        return False  # its worker may not have beaten yet
    live_workers = live_worker_ids() if live_workers is None else live_workers
    worker_id = db_result.worker_ids[-1] if db_result.worker_ids else None
    return worker_id not in live_workers


def mark_abandoned(db_result):
    """Record an abandoned task as failed, unless it finished meanwhile. Returns whether it was marked."""
    return bool(
        DBTaskResult.objects.filter(pk=db_result.pk, status=TaskResultStatus.RUNNING).update(
            status=TaskResultStatus.FAILED,
            finished_at=timezone.now(),
            exception_class_path=ABANDONED,
            traceback=ABANDONED_MESSAGE,
            return_value=None,
        )
    )


def fail_if_abandoned(db_result):
    """For pages showing a task: mark it failed if its worker died. Returns the task's row as it now is."""
    if is_abandoned(db_result):
        mark_abandoned(db_result)
        db_result.refresh_from_db()
    return db_result


def keep_alive_for(worker_id):
    """What a long cleanup calls between its steps: a beat for the worker doing it (nothing without one)."""
    return (lambda: beat(worker_id)) if worker_id else (lambda: None)


def reap_abandoned_tasks(also_worker_id=None, reaper_id=None):
    """Mark FAILED every RUNNING task whose worker is gone (and those of `also_worker_id`, a worker that lost
    them to a database outage), each once `task_abandoned` has been sent for it. `reaper_id` is the worker doing
    this, kept beating meanwhile. Returns how many."""
    live_workers = live_worker_ids() - {also_worker_id}
    reaped = 0
    for db_result in DBTaskResult.objects.running():
        lost = (db_result.worker_ids or [None])[-1] == also_worker_id
        if not (lost or is_abandoned(db_result, live_workers)):
            continue
        task_abandoned.send(sender=DBTaskResult, db_result=db_result, keep_alive=keep_alive_for(reaper_id))
        if mark_abandoned(db_result):
            logger.warning(
                "Task %s (%s) was abandoned by its worker: marked failed.", db_result.pk, db_result.task_path
            )
            reaped += 1
    return reaped


class Heartbeat(threading.Thread):
    """Beats for a worker every HEARTBEAT_SECONDS until stopped, and reaps dead workers' tasks; database
    errors are logged and outlived."""

    def __init__(self, worker_id):
        super().__init__(name=f"heartbeat-{worker_id}", daemon=True)
        self.worker_id = worker_id
        self.stopped = threading.Event()

    def run(self):
        while not self.stopped.is_set():
            try:
                beat(self.worker_id)
                reap_abandoned_tasks(reaper_id=self.worker_id)
                worker_beat.send(sender=Heartbeat, worker_id=self.worker_id, keep_alive=keep_alive_for(self.worker_id))
            except DatabaseError as error:
                logger.info("Heartbeat of worker %s not written: %s", self.worker_id, error)
            finally:
                connections["default"].close()  # this thread's own connection; a fresh one next time
            self.stopped.wait(heartbeat_seconds())

    def stop(self):
        self.stopped.set()
        self.join(timeout=heartbeat_seconds() + settings.SQLITE_BUSY_TIMEOUT)
        with suppress(DatabaseError):  # else the lease runs out by itself
            WorkerHeartbeat.objects.filter(worker_id=self.worker_id).delete()


class ResilientWorker(Worker):
    """django-tasks-db's worker loop, started again after a database error instead of exiting."""

    def run(self):
        heartbeat = Heartbeat(self.worker_id)
        heartbeat.start()
        retry_in = FIRST_RETRY_SECONDS
        lost_tasks = False
        try:
            while self.running:
                try:
                    connections["default"].ensure_connection()
                    if lost_tasks:
                        reap_abandoned_tasks(also_worker_id=self.worker_id, reaper_id=self.worker_id)
                        lost_tasks = False
                    retry_in = FIRST_RETRY_SECONDS
                    super().run()
                    return  # --batch or --max-tasks: done
                except (OperationalError, InterfaceError) as error:
                    logger.error("The database is unavailable (%s); the worker tries again in %g s.", error, retry_in)
                    lost_tasks = True  # a task it was running lost its outcome: marked failed once back
                    self.running_task = False
                    for connection in connections.all():
                        connection.close()
                    time.sleep(retry_in)
                    retry_in = min(retry_in * 2, LAST_RETRY_SECONDS)
        finally:
            heartbeat.stop()
