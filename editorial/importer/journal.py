"""An import written in short transactions, and undone to nothing when it fails or its worker dies.

SQLite has one write lock for the whole database: an import of 1,000 people in one transaction held it for about
a minute, and every publish, sign-in and search hit waiting behind it gave up after the busy timeout (20 s). So
the rows are written in batches of at most IMPORT_BATCH_SECONDS each, and between batches the import pauses for
IMPORT_BATCH_PAUSE_SECONDS while other writers take their turn. "Every row or nothing" still holds, by a journal
written in each batch's own transaction:

- `ImportRun` (one per parent page, so two imports into the same page run one after the other) says an import
  is in progress; `ImportChange` rows say which profiles it created, and how each changed profile was before.
- An import that fails part-way (a row the database refuses, an unexpected error) is undone at once, newest
  change first, and its run deleted.
- An import whose process died (a killed worker) leaves its run behind. It is undone by the next import, and by
  every task worker's heartbeat (`undo_abandoned_runs`, which core.worker's `task_abandoned` and
  `worker_beat` signals call): before its task is shown as failed when the worker held a task, or once the run
  has not been touched for a lease when it ran from the command line.

PostgreSQL would not need the batches, but the same code runs on both, so what the tests check on one holds on
the other.
"""

import logging
import time
from datetime import timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone
from django_tasks.base import TaskResultStatus
from django_tasks_db.models import DBTaskResult
from wagtail.models import Page, Revision

from core.signals import changed
from core.worker import is_abandoned, task_abandoned, worker_beat
from editorial.importer.schema import CREATE, ImportFileError
from editorial.models import ImportChange, ImportRun

logger = logging.getLogger("portal.importer")

WAIT_FOR_OTHER_IMPORT_SECONDS = 600
UNDO_CHUNK = 25  # changes undone per transaction


def batch_seconds():
    return settings.IMPORT_BATCH_SECONDS


def begin(parent, task_id=""):
    """Start an import into `parent`, waiting for another import into it to finish (or to be undone)."""
    deadline = time.monotonic() + WAIT_FOR_OTHER_IMPORT_SECONDS
    while True:
        undo_abandoned_runs()
        try:
            with transaction.atomic():
                return ImportRun.objects.create(parent=parent, task_id=task_id or "", touched_at=timezone.now())
        except IntegrityError:
            if time.monotonic() > deadline:
                raise ImportFileError(
                    [f"Another import into “{parent.title}” is still running. Try again when it has finished."]
                ) from None
            time.sleep(1)


def give_others_a_turn():
    """Between batches on SQLite, let the writers that waited for the lock take it: its lock is not a queue, and a
    waiting writer only retries every 100 ms or so, so one that starts again at once could starve them until
    their busy timeout ran out."""
    if transaction.get_connection().vendor == "sqlite":
        time.sleep(settings.IMPORT_BATCH_PAUSE_SECONDS)


def finish(run):
    """The import wrote every row: forget its journal (in the last batch's transaction)."""
    ImportRun.objects.filter(pk=run.pk).delete()


def touch(run):
    ImportRun.objects.filter(pk=run.pk).update(touched_at=timezone.now())


def before_writing(run, row):
    """Journal how an existing profile is before the row changes it. Call in the row's transaction."""
    if row.action == CREATE:
        return
    page = Page.objects.get(pk=row.page.pk).specific
    last_revision = Revision.page_revisions.filter(object_id=str(page.pk)).aggregate(last=Max("pk"))["last"]
    ImportChange.objects.create(
        run=run, page=page, created=False, before=page.serializable_data(), last_revision_id=last_revision
    )


def after_writing(run, row):
    """Journal a profile the row created. Call in the row's transaction."""
    if row.action == CREATE:
        ImportChange.objects.create(run=run, page_id=row.page.pk, created=True)


def undo(run, keep_alive=lambda: None):
    """Undo everything `run` wrote, newest first, a chunk per transaction (so an undo cut short carries on
    next time), then delete the run. `keep_alive()` is called after each chunk (a worker's heartbeat: undoing
    a large import takes longer than the lease)."""
    while True:
        with transaction.atomic():
            changes = list(run.changes.order_by("-pk")[:UNDO_CHUNK])
            if not changes:
                ImportRun.objects.filter(pk=run.pk).delete()
                return
            for change in changes:
                _undo_change(change)
            changed()  # the public pages showed what is now undone
            touch(run)
        keep_alive()


def _undo_change(change):
    page = Page.objects.filter(pk=change.page_id).first()
    if page is None:
        return  # deleted meanwhile, with its change row
    if change.created:
        page.specific.delete()  # its change row goes with it
        return
    restored = page.specific_class.from_serializable_data(change.before, check_fks=False, strict_fks=False)
    restored.save(clean=False)
    added = Revision.page_revisions.filter(object_id=str(page.pk))
    if change.last_revision_id is not None:
        added = added.filter(pk__gt=change.last_revision_id)
    added.delete()
    change.delete()


def undo_abandoned_runs(keep_alive=lambda: None):
    """Undo every import whose process has died. Returns how many."""
    lease = timedelta(seconds=settings.TASK_WORKER_LEASE_SECONDS)
    undone = 0
    for run in ImportRun.objects.all():
        if _is_abandoned(run, lease):
            logger.warning("Undoing the people import into page %s, whose process stopped.", run.parent_id)
            undo(run, keep_alive)
            undone += 1
    return undone


def _is_abandoned(run, lease):
    task = DBTaskResult.objects.filter(pk=run.task_id).first() if run.task_id else None
    if task is not None and task.status == TaskResultStatus.RUNNING:
        return is_abandoned(task)
    if task is not None:
        return True  # its task has ended (or was marked failed) and the run is still here: it died mid-import
    return timezone.now() - run.touched_at > lease  # the command line, or a backend that keeps no task rows


def undo_task(task_id, keep_alive=lambda: None):
    """Undo the import run by a task whose worker died (core.worker's `task_abandoned`, before the task is
    marked failed)."""
    for run in ImportRun.objects.filter(task_id=task_id):
        undo(run, keep_alive)


def pending_undo(task_id):
    """Whether the import run by this task still has changes waiting to be undone."""
    return bool(task_id) and ImportRun.objects.filter(task_id=task_id).exists()


def on_task_abandoned(sender, db_result, keep_alive=lambda: None, **kwargs):
    undo_task(str(db_result.pk), keep_alive)


def on_worker_beat(sender, keep_alive=lambda: None, **kwargs):
    undo_abandoned_runs(keep_alive)


def connect():
    task_abandoned.connect(on_task_abandoned, dispatch_uid="people_import_undo_task")
    worker_beat.connect(on_worker_beat, dispatch_uid="people_import_undo_abandoned")
