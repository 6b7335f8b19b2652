"""Planning an import: which profile each row is about, and whether the import creates, updates,
publishes or leaves it alone. Writes nothing.

Incoming values are compared with each profile's latest revision, so importing the same file twice
changes nothing; a profile with somebody else's pending work gets the import's update as a draft.
"""

from dataclasses import dataclass, field

from django.utils.text import slugify
from wagtail.locks import BasicLock

from editorial.importer.schema import CREATE, FACULTY, PUBLISH, RESIDENT, TEXT_FIELDS, UNCHANGED, UPDATE
from editorial.importer.validating import Lookups, bio_text, clean_row, kind_of
from people.models import FacultyPage, PersonIndexPage


@dataclass
class RowPlan:
    """What the import does with one row of the file."""

    number: int
    kind: str  # FACULTY or RESIDENT
    name: str
    action: str = CREATE  # CREATE, UPDATE, PUBLISH or UNCHANGED
    changes: list = field(default_factory=list)  # column names
    publish: bool = True
    note: str = ""
    values: dict = field(default_factory=dict)  # column -> cleaned value, for the columns in the file
    page: object = None  # the matched profile, as its latest revision
    slug: str = ""  # for new pages

    @property
    def type_label(self):
        return "Faculty" if self.kind == FACULTY else "Resident"

    @property
    def page_id(self):
        """The profile's id, once it exists (an existing one, or one this import created)."""
        return self.page.pk if self.page is not None else None

    @property
    def action_label(self):
        return {CREATE: "Create", UPDATE: "Update", PUBLISH: "Publish draft", UNCHANGED: "No change"}[self.action]

    @property
    def result_label(self):
        if self.action == UNCHANGED:
            return ""
        return "Published" if self.publish else "Draft"


@dataclass
class ImportPlan:
    rows: list = field(default_factory=list)
    errors: list = field(default_factory=list)
    parent: object = None
    publish: bool = True
    applied: bool = False

    def _with(self, action):
        return [row for row in self.rows if row.action == action]

    @property
    def to_create(self):
        return self._with(CREATE)

    @property
    def to_update(self):
        return self._with(UPDATE)

    @property
    def to_publish(self):
        return self._with(PUBLISH)

    @property
    def unchanged(self):
        return self._with(UNCHANGED)

    @property
    def summary(self):
        parts = [f"{len(self.to_create)} to create", f"{len(self.to_update)} to update"]
        if self.to_publish:
            parts.append(f"{len(self.to_publish)} drafts to publish")
        parts.append(f"{len(self.unchanged)} unchanged")
        return ", ".join(parts)


def default_parent():
    """The site's people directory: the first live people index that lists everyone."""
    return PersonIndexPage.objects.live().filter(audience=PersonIndexPage.Audience.EVERYONE).order_by("path").first()


def describe(page):
    kind = "faculty profile" if isinstance(page, FacultyPage) else "resident profile"
    return f"{page.first_name} {page.last_name}'s {kind}".strip()


def _current_values(page):
    """The comparable value of every column for a profile (its latest revision)."""
    values = {column: getattr(page, fieldname) for column, fieldname in TEXT_FIELDS.items() if hasattr(page, fieldname)}
    values["id"] = page.external_id
    values["tracks"] = {p.pk for p in page.programs.all()}
    values["bio"] = bio_text(page.bio)
    if isinstance(page, FacultyPage):
        values["leadership"] = page.is_leadership
        values["clinic_sites"] = {p.pk for p in page.clinic_sites.all()}
        values["clinical_interests"] = {tag.name for tag in page.clinical_interests.all()}
    else:
        values["class_year"] = page.graduation_year
        values["outcome"] = page.outcome_kind
    return values


def _comparable(column, value):
    if column in ("tracks", "clinic_sites"):
        return {page.pk for page in value}
    if column == "clinical_interests":
        return set(value)
    if column == "bio":
        return bio_text(value)
    return value


def _match(kind, values, lookups, error):
    """The existing profile this row is about, or None (a new person)."""
    external_id = values.get("id", "")
    email = values.get("email", "").lower()
    if external_id:
        found = lookups.by_id.get(external_id, [])
        if len(found) > 1:
            error("id", f"{len(found)} profiles have the id {external_id!r}; give them different ids first.")
            return None
        if found:
            return found[0]
        if email:
            # A person already on the site without an id gets this one; a person with another id is a conflict.
            found = lookups.by_email.get(email, [])
            adoptable = [page for page in found if not page.external_id]
            taken = [page for page in found if page.external_id]
            if taken:
                error(
                    "email",
                    f"{values['email']} is already used by {describe(taken[0])} (id {taken[0].external_id!r}).",
                )
                return None
            if len(adoptable) == 1:
                return adoptable[0]
            if adoptable:
                error(
                    "email", f"{len(adoptable)} profiles have the email {values['email']}; add ids to tell them apart."
                )
        return None
    if email:
        found = lookups.by_email.get(email, [])
        if len(found) > 1:
            error(
                "email", f"{len(found)} profiles have the email {values['email']}; add an id column to tell them apart."
            )
            return None
        return found[0] if found else None
    if kind and values.get("first_name") and values.get("last_name"):
        found = lookups.by_name.get((kind, values["first_name"].lower(), values["last_name"].lower()), [])
        if len(found) > 1:
            error(
                "last_name",
                f"{len(found)} {kind} profiles are named {values['first_name']} {values['last_name']}; "
                "add an id or email column to say which one.",
            )
            return None
        return found[0] if found else None
    return None


def _key_column(values):
    """The column a row was matched by, for error messages about the matched profile."""
    if values.get("id"):
        return "id"
    return "email" if values.get("email") else "last_name"


def _unique_slug(name, taken):
    base = (slugify(name) or slugify(name, allow_unicode=True) or "person")[:80].strip("-") or "person"
    slug, counter = base, 2
    while slug in taken:
        slug = f"{base}-{counter}"
        counter += 1
    taken.add(slug)
    return slug


def _lock_message(page, user):
    lock = page.get_lock()
    if lock is None:
        return ""
    if user is not None and lock.for_user(user):
        return f"{describe(page)} is locked; unlock it in the admin first."
    if user is None and isinstance(lock, BasicLock):
        return f"{describe(page)} is locked; unlock it in the admin first."
    return ""


def build_plan(table, *, parent=None, publish=True, user=None):
    """Validate every row of `table` and work out what importing it would do. Writes nothing.

    Rows with errors are left out of `plan.rows`; the others are planned anyway, so a
    preview can show what the rest of the file would do once the errors are fixed.
    """
    plan = ImportPlan(errors=list(table.errors), publish=publish)
    lookups = Lookups()
    plan.rows = _match_rows(table, lookups, plan.errors)
    creates = [row for row in plan.rows if row.page is None]
    plan.parent = _resolve_parent(parent, creates, publish, user, plan.errors)
    taken_slugs = set(plan.parent.get_children().values_list("slug", flat=True)) if plan.parent and creates else set()
    for row in plan.rows:
        if row.page is None:
            row.action = CREATE
            row.changes = [column for column, value in row.values.items() if value not in ("", [], None, False)]
            row.slug = _unique_slug(row.name, taken_slugs)
            row.publish = publish
        else:
            _plan_update(row, publish, user, plan.errors)
    return plan


def _match_rows(table, lookups, errors):
    """Clean every row, check it against the rest of the file, and find the profile it is about."""
    seen_ids, seen_emails, claimed = {}, {}, {}
    rows = []
    for number, raw in table.rows:
        row_errors = []

        def error(column, reason, _errors=row_errors, _number=number):
            _errors.append(f"Row {_number}: {column}: {reason}")

        kind, values = clean_row(number, raw, lookups, row_errors)
        if values.get("id"):
            if values["id"] in seen_ids:
                error("id", f"duplicate id {values['id']!r}; row {seen_ids[values['id']]} has it too.")
            seen_ids.setdefault(values["id"], number)
        if values.get("email"):
            key = values["email"].lower()
            if key in seen_emails:
                error("email", f"duplicate email {values['email']}; row {seen_emails[key]} has it too.")
            seen_emails.setdefault(key, number)

        page = _match(kind, values, lookups, error) if not row_errors else None
        if page is None and kind == RESIDENT and "class_year" not in raw:
            # Only a new resident needs one: a column left out of the file leaves an existing profile's value alone.
            error("class_year", "missing; every resident needs a class year (the year they finish residency).")
        key_column = _key_column(values)
        if page is not None:
            if kind_of(page) != kind:
                error(
                    "type",
                    f"this is {describe(page)}, not a {kind}; a profile can't change type. "
                    "Give the new profile its own id or email, and unpublish the old one.",
                )
            elif page.pk in claimed:
                error(key_column, f"row {claimed[page.pk]} is about the same person.")
            else:
                claimed[page.pk] = number
            if values.get("email") and not row_errors:
                for other in lookups.by_email.get(values["email"].lower(), []):
                    if other.pk != page.pk:
                        error("email", f"{values['email']} is already used by {describe(other)}.")
                        break
        errors.extend(row_errors)
        if not row_errors:
            name = f"{values['first_name']} {values['last_name']}"
            rows.append(RowPlan(number=number, kind=kind, name=name, values=values, page=page))
    return rows


def _resolve_parent(parent, creates, publish, user, errors):
    """The people index that new profiles go under (checked), or None."""
    if parent is None and creates:
        parent = default_parent()
        if parent is None:
            errors.append(
                "There is no people directory to add new people to: create a people index page "
                "that lists faculty, residents and graduates, or choose where to add them."
            )
            return None
    if parent is None:
        return None
    parent = parent.specific
    if not isinstance(parent, PersonIndexPage):
        errors.append(f"New people can only be added under a people index page, not under '{parent.title}'.")
        return None
    if user is not None and creates:
        permissions = parent.permissions_for_user(user)
        if not permissions.can_add_subpage():
            errors.append(f"You don't have permission to add pages under '{parent.title}'.")
        elif publish and not permissions.can_publish_subpage():
            errors.append(f"You don't have permission to publish pages under '{parent.title}'; untick 'publish'.")
    return parent


def _plan_update(row, publish, user, errors):
    """Compare the row with the profile's latest revision: update, publish a draft, or leave it alone."""
    latest = row.page.get_latest_revision_as_object()
    current = _current_values(latest)
    row.page = latest
    row.changes = [
        column
        for column, value in row.values.items()
        if not (column == "id" and not value) and _comparable(column, value) != current.get(column)
    ]
    row.action = UPDATE if row.changes else UNCHANGED
    row.publish = publish
    if publish and latest.has_unpublished_changes:
        # Never publish somebody else's pending work along with the import's changes.
        in_review = latest.workflow_in_progress
        own_draft = not in_review and _latest_revision_by(latest, user)
        if row.action == UNCHANGED and own_draft:
            row.action = PUBLISH  # e.g. the file was imported as drafts first, and is now imported to publish
        elif row.action == UPDATE and not own_draft:
            row.publish = False
            row.note = (
                "Saved as a draft: a change to this profile is waiting for review."
                if in_review
                else "Saved as a draft: this profile already has unpublished changes made by someone else."
            )
    if row.action == UNCHANGED:
        row.publish = False
        return
    column = _key_column(row.values)
    if message := _lock_message(latest, user):
        errors.append(f"Row {row.number}: {column}: {message}")
    elif user is not None:
        permissions = latest.permissions_for_user(user)
        if not permissions.can_edit():
            errors.append(f"Row {row.number}: {column}: you don't have permission to edit {describe(latest)}.")
        elif row.publish and not permissions.can_publish():
            errors.append(
                f"Row {row.number}: {column}: you don't have permission to publish {describe(latest)}; "
                "untick 'publish'."
            )


def _latest_revision_by(page, user):
    """Whether the profile's latest revision was saved by `user` (None: by a command, without a user)."""
    revision = page.get_latest_revision()
    return revision is not None and revision.user_id == (user.pk if user is not None else None)
