"""Writing a valid import plan in short transactions, each journalled so that a failure undoes them all
(editorial.importer.journal)."""

import time

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import DatabaseError, transaction
from wagtail.actions.edit_page import EditPageAction

from editorial.importer import journal
from editorial.importer.schema import CREATE, FIELD_FOR_COLUMN, PUBLISH, TYPES, UNCHANGED, UPDATE


class Rollback(Exception):
    def __init__(self, errors):
        self.errors = errors


def _set_values(page, values):
    for column, value in values.items():
        fieldname = FIELD_FOR_COLUMN[column]
        if column == "id" and not value:
            continue  # an empty id never removes the one a profile has
        if column in ("tracks", "clinic_sites"):
            getattr(page, fieldname).set(value)
        elif column == "clinical_interests":
            page.clinical_interests.set(value)
        else:
            setattr(page, fieldname, value)
    page.title = page.full_name


def no_progress(phase, done, total):
    pass


def apply_plan(plan, run, user=None, progress=no_progress):
    """Write a valid plan, a batch of rows per transaction of at most IMPORT_BATCH_SECONDS, journalled in `run`.

    Raises Rollback on a row that fails; the caller undoes the batches already committed (`journal.undo`).
    `progress("saving", done, total)` is called after each row.
    """
    if plan.errors:
        raise Rollback(plan.errors)
    rows = [row for row in plan.rows if row.action != UNCHANGED]
    done = 0
    progress("saving", done, len(rows))
    if not rows:
        journal.finish(run)  # nothing to write; the run must not keep the next import waiting
    while done < len(rows):
        deadline = time.monotonic() + journal.batch_seconds()
        with transaction.atomic():
            while True:  # at least one row a batch, however slow
                row = rows[done]
                journal.before_writing(run, row)
                _write_row(row, plan.parent, user)
                journal.after_writing(run, row)
                done += 1
                progress("saving", done, len(rows))
                if done == len(rows) or time.monotonic() >= deadline:
                    break
            if done == len(rows):
                journal.finish(run)
            else:
                journal.touch(run)
        if done < len(rows):
            journal.give_others_a_turn()
    plan.applied = True
    return plan


def _write_row(row, parent, user):
    try:
        if row.action == CREATE:
            page = TYPES[row.kind](slug=row.slug, owner=user, live=False)
            _set_values(page, row.values)
            parent.add_child(instance=page)
            revision = page.save_revision(user=user, log_action=True, clean=False)  # add_child validated it
            if row.publish:
                revision.publish(user=user)
            row.page = page
        elif row.action == UPDATE:
            page = row.page
            old_name, old_title = (page.first_name, page.last_name), page.title
            _set_values(page, row.values)
            if (page.first_name, page.last_name) == old_name:
                page.title = old_title  # keep a title an editor has customised
            EditPageAction(page, user=user, publish=row.publish, clean=True).execute(
                skip_permission_checks=user is None
            )
        elif row.action == PUBLISH:
            row.page.get_latest_revision().publish(user=user, skip_permission_checks=user is None)
    except ValidationError as exc:
        raise Rollback([f"Row {row.number}: {reason}" for reason in _validation_reasons(exc)]) from exc
    except PermissionDenied as exc:
        raise Rollback([f"Row {row.number}: {exc}"]) from exc
    except DatabaseError as exc:
        raise Rollback([f"Row {row.number}: could not be saved ({exc}). Nothing was imported."]) from exc


def _validation_reasons(exc):
    if hasattr(exc, "message_dict"):
        return [f"{name}: {' '.join(messages)}" for name, messages in exc.message_dict.items()]
    return exc.messages
