"""Writing a valid import plan: every row or nothing (the caller holds the transaction)."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import DatabaseError
from wagtail.actions.edit_page import EditPageAction

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


def apply_plan(plan, user=None, progress=no_progress):
    """Write a valid plan: every row or nothing. Raises Rollback (inside the caller's transaction) on failure.

    `progress("saving", done, total)` is called after each row that writes something.
    """
    if plan.errors:
        raise Rollback(plan.errors)
    total = sum(1 for row in plan.rows if row.action != UNCHANGED)
    done = 0
    progress("saving", done, total)
    for row in plan.rows:
        try:
            if row.action == CREATE:
                page = TYPES[row.kind](slug=row.slug, owner=user, live=False)
                _set_values(page, row.values)
                plan.parent.add_child(instance=page)
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
        if row.action != UNCHANGED:
            done += 1
            progress("saving", done, total)
    plan.applied = True
    return plan


def _validation_reasons(exc):
    if hasattr(exc, "message_dict"):
        return [f"{name}: {' '.join(messages)}" for name, messages in exc.message_dict.items()]
    return exc.messages
