"""The whole import in one transaction: read, validate and plan, then (unless a dry run) write."""

from django.db import transaction
from wagtail.models import Page

from editorial.importer.planning import build_plan, default_parent
from editorial.importer.reading import read_table
from editorial.importer.writing import Rollback, apply_plan, no_progress


def lock_parent(parent):
    """Lock the page new people go under, so two imports of the same file (say, a double-clicked
    Confirm) run one after the other: the second then finds the people the first created."""
    parent = parent if parent is not None else default_parent()
    if parent is None:
        return None
    list(Page.objects.select_for_update().filter(pk=parent.pk).values_list("pk", flat=True))
    return parent


def run_import(data, filename, *, parent=None, publish=True, user=None, dry_run=False, progress=no_progress):
    """Read, validate and (unless `dry_run` or there are errors) apply an import, all in one transaction.

    Raises ImportFileError when the file can't be read; otherwise returns the ImportPlan, whose
    `errors` list says why nothing was written, and whose `applied` flag says whether it was.
    `progress(phase, done, total)` hears how far it has got ("checking" the rows, then "saving").
    """
    table = read_table(data, filename)
    progress("checking", 0, len(table.rows))
    plan = None
    try:
        with transaction.atomic():
            if not dry_run:
                parent = lock_parent(parent)
            plan = build_plan(table, parent=parent, publish=publish, user=user)
            if dry_run or plan.errors:
                transaction.set_rollback(True)  # a dry run never writes, whatever happens above
                return plan
            apply_plan(plan, user=user, progress=progress)
    except Rollback as exc:
        plan.errors = list(exc.errors)
        plan.applied = False
    return plan
