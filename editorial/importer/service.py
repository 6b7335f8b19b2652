"""An import: read, validate and plan (one transaction), then, unless a dry run, write every row or nothing
(short transactions journalled by editorial.importer.journal, undone on any failure)."""

from django.db import transaction
from wagtail.models import Page

from editorial.importer import journal
from editorial.importer.planning import build_plan, default_parent
from editorial.importer.reading import read_table
from editorial.importer.writing import Rollback, apply_plan, no_progress


def page_to_lock(parent):
    """The page whose import run makes two imports of it (say, a double-clicked Confirm) run one after the other:
    the second then finds the people the first created."""
    return parent or default_parent() or Page.get_first_root_node()


def run_import(
    data, filename, *, parent=None, publish=True, user=None, dry_run=False, progress=no_progress, task_id=""
):
    """Read, validate and (unless `dry_run` or there are errors) apply an import: every row or nothing.

    Raises ImportFileError when the file can't be read; otherwise returns the ImportPlan, whose
    `errors` list says why nothing was written, and whose `applied` flag says whether it was.
    `progress(phase, done, total)` hears how far it has got ("checking" the rows, then "saving").
    `task_id` names the background task running it, so that a dead worker's import is undone.
    """
    table = read_table(data, filename)
    progress("checking", 0, len(table.rows))
    if dry_run:
        with transaction.atomic():
            plan = build_plan(table, parent=parent, publish=publish, user=user)
            transaction.set_rollback(True)  # a dry run never writes, whatever happens above
        return plan
    run = journal.begin(page_to_lock(parent), task_id)
    try:
        with transaction.atomic():
            plan = build_plan(table, parent=parent, publish=publish, user=user)
        if plan.errors:
            journal.finish(run)
            return plan
        apply_plan(plan, run, user=user, progress=progress)
    except Rollback as exc:
        journal.undo(run)
        plan.errors = list(exc.errors)
        plan.applied = False
    except BaseException:
        journal.undo(run)  # an unexpected error, or the worker asked to stop: nothing stays written
        raise
    return plan
