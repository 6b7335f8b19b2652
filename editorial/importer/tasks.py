"""The people import as a background task, with its progress where every process can see it.

A 2,000-row import takes about two minutes, far past an app server's request timeout, so the
admin's Confirm step enqueues `import_people_task` and shows its progress; the task worker
(`manage.py db_worker`) runs it. The import itself is `editorial.importer.service.run_import`:
every row or nothing.

Progress is written to the "shared" cache (Redis in production, local disk otherwise), not to the
database: on SQLite a write waits its turn for the database's one write lock, and progress must not.
The outcome is the task's return value, kept by the task backend (a database row), and shown by the
result page for as long as that row exists.
"""

import base64
import time
import zlib

from django.contrib.auth import get_user_model
from django.core.cache import caches
from django_tasks import task

from editorial.importer.schema import ImportFileError
from editorial.importer.service import run_import
from people.models import PersonIndexPage

PROGRESS_CACHE = "shared"
PROGRESS_SECONDS = 24 * 60 * 60
PROGRESS_EVERY_SECONDS = 0.5  # at most this often per import, so a fast import is not slowed by writes


def progress_key(task_id):
    return f"people-import:progress:{task_id}"


def read_progress(task_id):
    """{"phase": ..., "done": n, "total": n} as last reported by the task, or None."""
    return caches[PROGRESS_CACHE].get(progress_key(task_id))


class ProgressReporter:
    """Reports `(phase, done, total)` to the shared cache, at most every PROGRESS_EVERY_SECONDS."""

    def __init__(self, task_id):
        self.key = progress_key(task_id) if task_id else None
        self.last = 0.0

    def __call__(self, phase, done, total):
        now = time.monotonic()
        if self.key is None or (now - self.last < PROGRESS_EVERY_SECONDS and 0 < done < total):
            return
        self.last = now
        caches[PROGRESS_CACHE].set(self.key, {"phase": phase, "done": done, "total": total}, PROGRESS_SECONDS)


def pack(data):
    """File bytes as a JSON-safe string for the task's arguments."""
    return base64.b64encode(zlib.compress(data)).decode("ascii")


def unpack(text):
    return zlib.decompress(base64.b64decode(text))


def summarise(plan, filename):
    """The plan as the JSON-serialisable outcome that the result page shows."""
    return {
        "filename": filename,
        "applied": plan.applied,
        "errors": plan.errors,
        "publish": plan.publish,
        "parent": {"id": plan.parent.pk, "title": plan.parent.title} if plan.parent is not None else None,
        "counts": {
            "created": len(plan.to_create),
            "updated": len(plan.to_update),
            "published": len(plan.to_publish),
            "unchanged": len(plan.unchanged),
        },
        "rows": [
            {
                "number": row.number,
                "action": row.action,
                "action_label": row.action_label,
                "type_label": row.type_label,
                "name": row.name,
                "changes": row.changes,
                "result_label": row.result_label,
                "note": row.note,
                "page_id": row.page_id,
            }
            for row in plan.rows
        ],
    }


@task(takes_context=True)
def import_people_task(context, *, data, filename, parent_id, publish, user_id):
    """Apply a previewed import file. Returns the outcome (see `summarise`); writes nothing on any error."""
    report = ProgressReporter(context.task_result.id)
    report("checking", 0, 0)
    user = get_user_model().objects.filter(pk=user_id, is_active=True).first() if user_id else None
    if user_id and user is None:
        return failure(filename, "The account that started this import no longer exists or is disabled.")
    parent = PersonIndexPage.objects.filter(pk=parent_id).first() if parent_id else None
    if parent_id and parent is None:
        return failure(filename, "The page to add new people under no longer exists. Upload the file again.")
    try:
        plan = run_import(
            unpack(data),
            filename,
            parent=parent,
            publish=publish,
            user=user,
            progress=report,
            task_id=str(context.task_result.id),
        )
    except ImportFileError as exc:
        return failure(filename, *exc.messages)
    report("done", 1, 1)
    return summarise(plan, filename)


def failure(filename, *messages):
    return {"filename": filename, "applied": False, "errors": list(messages), "rows": [], "counts": {}}
