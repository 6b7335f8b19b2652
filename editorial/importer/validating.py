"""Validating the rows of an import file: each cell cleaned into the value the profile will hold.

Errors are collected as "Row N: column: reason" lines, never raised. `Lookups` loads the tracks,
clinic sites and existing people once per import, for the cleaning here and the matching in planning.
"""

import html
import re
from datetime import date

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils.html import strip_tags

from editorial.importer.schema import (
    CLASS_YEARS_AHEAD,
    COLUMNS_BY_NAME,
    FACULTY,
    FALSE_WORDS,
    FIELD_FOR_COLUMN,
    FIRST_CLASS_YEAR,
    MAX_BIO_LENGTH,
    MAX_TAG_LENGTH,
    RESIDENT,
    TEXT_FIELDS,
    TRUE_WORDS,
    TYPES,
)
from people.models import FacultyPage, ResidentPage
from programs.models import ClinicSitePage, ProgramPage


def _max_length(column):
    model = ResidentPage if COLUMNS_BY_NAME[column].applies_to == RESIDENT else FacultyPage
    return model._meta.get_field(FIELD_FOR_COLUMN[column]).max_length


def _split_list(text):
    items = []
    for item in text.split(";"):
        item = item.strip()
        if item and item not in items:
            items.append(item)
    return items


def bio_to_html(text):
    """Plain text to rich text: blank lines separate paragraphs; single line breaks are kept."""
    text = text.replace("\r\n", "\n").replace("\r", "\n").strip()
    if not text:
        return ""
    paragraphs = []
    for block in re.split(r"\n\s*\n", text):
        lines = [html.escape(line.strip(), quote=False) for line in block.split("\n") if line.strip()]
        paragraphs.append(f"<p>{'<br/>'.join(lines)}</p>")
    return "".join(paragraphs)


def bio_text(markup):
    """Rich text reduced to its words and paragraph breaks, so formatting added in the admin isn't a 'change'."""
    markup = re.sub(r"</p\s*>|<br\s*/?>", "\n", markup or "", flags=re.I)
    text = html.unescape(strip_tags(markup)).replace("\xa0", " ")
    lines = [re.sub(r"\s+", " ", line).strip() for line in text.split("\n")]
    return "\n".join(line for line in lines if line)


class Lookups:
    """Tracks, clinic sites and existing people, loaded once per import."""

    def __init__(self):
        self.tracks = self._by_slug(ProgramPage.objects.all())
        self.sites = self._by_slug(ClinicSitePage.objects.all())
        # Prefetched, so comparing a live profile with its row costs no further queries.
        self.people = [
            *FacultyPage.objects.filter(alias_of__isnull=True)
            .prefetch_related("programs", "clinic_sites", "clinical_interests")
            .order_by("path"),
            *ResidentPage.objects.filter(alias_of__isnull=True).prefetch_related("programs").order_by("path"),
        ]
        self.by_id, self.by_email, self.by_name = {}, {}, {}
        for person in self.people:
            if person.external_id:
                self.by_id.setdefault(person.external_id.strip(), []).append(person)
            if person.email:
                self.by_email.setdefault(person.email.strip().lower(), []).append(person)
            key = (kind_of(person), person.first_name.strip().lower(), person.last_name.strip().lower())
            self.by_name.setdefault(key, []).append(person)

    @staticmethod
    def _by_slug(queryset):
        pages = {}
        for page in queryset.only("id", "slug", "title").order_by("path"):
            pages.setdefault(page.slug.lower(), []).append(page)
        return pages


def kind_of(page):
    return FACULTY if isinstance(page, FacultyPage) else RESIDENT


def clean_row(number, raw, lookups, errors):
    """Validate one row, appending its errors. Returns (kind or None, {column: cleaned value})."""

    def error(column, reason):
        errors.append(f"Row {number}: {column}: {reason}")

    kind = raw.get("type", "").lower()
    if kind in ("residents", "graduate", "graduates"):
        kind = RESIDENT
    if kind not in TYPES:
        if kind:
            error("type", f"unknown type {raw['type']!r}; use 'faculty' or 'resident'.")
        else:
            error("type", "missing; use 'faculty' or 'resident'.")
        kind = None

    values = {}
    for column in ("first_name", "last_name"):
        if not raw.get(column):
            error(column, "missing; every person needs a first and a last name.")
    for column, text in raw.items():
        if column == "type":
            continue
        spec = COLUMNS_BY_NAME[column]
        if kind is None and spec.applies_to != "all":
            continue  # can't tell whether this column applies until the type is fixed
        if spec.applies_to not in ("all", kind):
            if text and not (column == "leadership" and text.lower() in FALSE_WORDS):
                other = "faculty" if spec.applies_to == FACULTY else "residents"
                error(column, f"only {other} have this; leave it empty for a {kind}.")
            continue
        value = _clean_value(column, text, lookups, error)
        if value is not None:
            values[column] = value

    return kind, values


def _clean_value(column, text, lookups, error):
    """The cleaned value of one cell, or None after reporting an error."""
    if column in TEXT_FIELDS or column == "id":
        limit = _max_length(column)
        if len(text) > limit:
            error(column, f"too long ({len(text)} characters; the limit is {limit}).")
            return None
        if column == "email" and text:
            try:
                validate_email(text)
            except ValidationError:
                error(column, f"{text!r} is not a valid email address.")
                return None
        return text
    if column == "leadership":
        word = text.lower()
        if word in TRUE_WORDS:
            return True
        if word in FALSE_WORDS:
            return False
        error(column, f"{text!r} is not 'yes' or 'no'.")
        return None
    if column == "class_year":
        return _clean_class_year(text, error)
    if column == "outcome":
        if not text:
            return ""
        for value, label in ResidentPage.Outcome.choices:
            if text.lower() in (value, label.lower()):
                return value
        error(
            column,
            f"unknown outcome {text!r}; use one of: {', '.join(v for v, _ in ResidentPage.Outcome.choices)}.",
        )
        return None
    if column in ("tracks", "clinic_sites"):
        return _clean_slugs(column, text, lookups, error)
    if column == "clinical_interests":
        tags = _split_list(text)
        too_long = [tag for tag in tags if len(tag) > MAX_TAG_LENGTH]
        if too_long:
            error(column, f"an interest is too long ({len(too_long[0])} characters; the limit is {MAX_TAG_LENGTH}).")
            return None
        return tags
    if column == "bio":
        if len(text) > MAX_BIO_LENGTH:
            error(column, f"too long ({len(text):,} characters; the limit is {MAX_BIO_LENGTH:,}).")
            return None
        return bio_to_html(text)
    raise AssertionError(column)  # every column is handled above


def _clean_class_year(text, error):
    last = date.today().year + CLASS_YEARS_AHEAD
    if not text:
        error("class_year", "missing; every resident needs a class year (the year they finish residency).")
        return None
    try:
        number = float(text)
        year = int(number)
        valid = number == year and FIRST_CLASS_YEAR <= year <= last
    except (ValueError, OverflowError):
        valid = False
    if not valid:
        error("class_year", f"unknown class year {text!r}; use a four-digit year from {FIRST_CLASS_YEAR} to {last}.")
        return None
    return year


def _clean_slugs(column, text, lookups, error):
    pages_by_slug = lookups.tracks if column == "tracks" else lookups.sites
    noun = "track" if column == "tracks" else "clinic site"
    pages, ok = [], True
    for slug in _split_list(text):
        matches = pages_by_slug.get(slug.lower(), [])
        if not matches:
            known = ", ".join(sorted(pages_by_slug)) or "none yet"
            error(column, f"unknown {noun} {slug!r}; the {noun}s are: {known}.")
            ok = False
        elif len(matches) > 1:
            error(column, f"{len(matches)} {noun}s have the slug {slug!r}; give them different slugs first.")
            ok = False
        else:
            pages.append(matches[0])
    return pages if ok else None
