"""Bulk import of faculty and resident profiles from a spreadsheet (CSV or XLSX).

The service is independent of the web: the `import_people` management command
and the admin import view both call it.

1. `read_table(data, filename)` turns the file's bytes into a `Table` of rows,
   or raises `ImportFileError` with a message a person can act on (wrong
   format, wrong encoding, too big, empty, bad header...).
2. `build_plan(table, ...)` validates every row and works out, for each
   person, whether the import creates, updates or leaves the profile
   unchanged, and which columns change. Row errors are collected, never raised.
3. `apply_plan(plan)` writes the plan inside one transaction: every row or
   nothing.

`run_import(...)` does all three, re-validating inside the transaction.

Matching: by the `id` column (`PersonPage.external_id`) when given, otherwise by
email (case-insensitive), otherwise by name within the same type; across both
faculty and resident profiles. A column left out of the file leaves that field
alone; an empty cell in a column that is present clears the field.

Incoming values are compared with each profile's latest revision, so importing
the same file twice changes nothing and saves no new revisions. Publishing
never publishes somebody else's pending work: when a profile already has
unpublished changes (a draft, or a change waiting for review) the import saves
its update as a new draft on top of them and leaves publishing to the reviewer.
"""

import csv
import html
import io
import re
import warnings
import zipfile
from dataclasses import dataclass, field
from datetime import date
from pathlib import PurePath

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import validate_email
from django.db import DatabaseError, transaction
from django.utils.html import strip_tags
from django.utils.text import slugify
from wagtail.actions.edit_page import EditPageAction
from wagtail.locks import BasicLock
from wagtail.models import Page

from people.models import FacultyPage, PersonIndexPage, ResidentPage
from programs.models import ClinicSitePage, ProgramPage

MAX_FILE_SIZE = 5 * 1024 * 1024  # bytes
MAX_ROWS = 2000  # people per file
MAX_COLUMNS = 100  # columns read from an XLSX sheet
MAX_SHEET_ROWS = 20_000  # physical rows of an XLSX sheet, blank ones included
MAX_UNPACKED_SIZE = 100 * 1024 * 1024  # bytes of an XLSX once unzipped
MAX_BIO_LENGTH = 10_000  # characters
MAX_TAG_LENGTH = 100  # taggit's Tag.name
FIRST_CLASS_YEAR = 1990
CLASS_YEARS_AHEAD = 5

FACULTY = "faculty"
RESIDENT = "resident"
TYPES = {FACULTY: FacultyPage, RESIDENT: ResidentPage}

CREATE = "create"
UPDATE = "update"
UNCHANGED = "unchanged"
PUBLISH = "publish"  # no change to the content, but a draft this import made earlier gets published


@dataclass(frozen=True)
class Column:
    name: str
    applies_to: str  # "all", FACULTY or RESIDENT
    help: str
    required: bool = False


COLUMNS = [
    Column("id", "all", "A stable ID from the program's records; matches the person on later imports."),
    Column("type", "all", "'faculty' or 'resident' (graduates are residents).", required=True),
    Column("first_name", "all", "Given name.", required=True),
    Column("last_name", "all", "Family name.", required=True),
    Column("credentials", "all", "Degrees after the name, e.g. 'MD, MPH'."),
    Column("email", "all", "Public email address; matches the person when there is no id."),
    Column("tracks", "all", "Slugs of the tracks the person belongs to, separated by semicolons."),
    Column("bio", "all", "Plain text; leave a blank line between paragraphs."),
    Column("roles", FACULTY, "Titles and roles, e.g. 'Director, Primary Care Track'."),
    Column("leadership", FACULTY, "'yes' to list the person under program leadership; 'no' or empty otherwise."),
    Column("clinical_interests", FACULTY, "Clinical interests, separated by semicolons."),
    Column("clinic_sites", FACULTY, "Slugs of the clinic sites where the person precepts, separated by semicolons."),
    Column("class_year", RESIDENT, "The year the resident finishes residency, e.g. 2028. Required for residents."),
    Column("medical_school", RESIDENT, "Where the resident studied medicine."),
    Column("interests", RESIDENT, "Interests in a phrase."),
    Column("outcome", RESIDENT, "For graduates: what they went on to (see the list of outcomes)."),
    Column("outcome_detail", RESIDENT, "For graduates, e.g. 'Geriatric medicine fellowship, Example University'."),
]
COLUMN_NAMES = [column.name for column in COLUMNS]
COLUMNS_BY_NAME = {column.name: column for column in COLUMNS}
REQUIRED_COLUMNS = [column.name for column in COLUMNS if column.required]

# Plain model fields set straight from a column of the same meaning.
TEXT_FIELDS = {
    "first_name": "first_name",
    "last_name": "last_name",
    "credentials": "credentials",
    "email": "email",
    "roles": "roles",
    "medical_school": "medical_school",
    "interests": "interests",
    "outcome_detail": "outcome_detail",
}
FIELD_FOR_COLUMN = {
    **TEXT_FIELDS,
    "id": "external_id",
    "leadership": "is_leadership",
    "class_year": "graduation_year",
    "outcome": "outcome_kind",
    "tracks": "programs",
    "clinic_sites": "clinic_sites",
    "clinical_interests": "clinical_interests",
    "bio": "bio",
}
TRUE_WORDS = {"yes", "y", "true", "1", "x"}
FALSE_WORDS = {"no", "n", "false", "0", ""}


class ImportFileError(Exception):
    """The file as a whole can't be read: wrong format or encoding, too big, empty, bad header."""

    def __init__(self, messages):
        self.messages = [messages] if isinstance(messages, str) else list(messages)
        super().__init__("\n".join(self.messages))


# -- reading the file -------------------------------------------------------------------------


@dataclass
class Table:
    """The rows of a file: `rows` holds (spreadsheet row number, {column: stripped text})."""

    columns: list
    rows: list
    errors: list = field(default_factory=list)


def read_table(data, filename):
    """Parse a CSV (UTF-8, with or without BOM) or XLSX file into a Table, or raise ImportFileError."""
    name = PurePath(filename or "").name or "the file"
    extension = PurePath(name).suffix.lower()
    if len(data) > MAX_FILE_SIZE:
        raise ImportFileError(
            f"{name} is {len(data) / 1024 / 1024:.1f} MB; the limit is {MAX_FILE_SIZE // 1024 // 1024} MB. "
            "Split it into smaller files."
        )
    if not data.strip():
        raise ImportFileError(f"{name} is empty.")
    kind = _sniff(data)
    if extension == ".csv":
        if kind != "text":
            raise ImportFileError(_wrong_content_message(name, kind, "a CSV file"))
        return _table_from_rows(_csv_rows(data, name), name)
    if extension == ".xlsx":
        if kind != "zip":
            raise ImportFileError(
                f"{name} is not a valid Excel workbook (.xlsx)"
                + (f": {_KIND_DESCRIPTIONS[kind]}" if kind in _KIND_DESCRIPTIONS else "")
                + ". Open it in Excel and save it as 'Excel Workbook (.xlsx)' or 'CSV UTF-8'."
            )
        return _table_from_rows(_xlsx_rows(data, name), name)
    if extension == ".xls":
        raise ImportFileError(
            f"{name} is an old-style Excel file (.xls), which can't be imported. "
            "Open it in Excel and save it as 'Excel Workbook (.xlsx)' or 'CSV UTF-8'."
        )
    raise ImportFileError(f"{name} is not a CSV or Excel file. Upload a .csv file (UTF-8) or an .xlsx workbook.")


_KIND_DESCRIPTIONS = {
    "pdf": "it is a PDF document",
    "ole": "it is an old-style Office file (.xls or .doc)",
    "zip": "it is a zip archive (perhaps an Excel workbook with the wrong name)",
    "utf16": "it is UTF-16 text",
    "text": "it is plain text (perhaps a CSV file with the wrong name)",
    "binary": "it contains binary data",
}


def _sniff(data):
    head = data[:8]
    if head.startswith(b"PK\x03\x04") or head.startswith(b"PK\x05\x06"):
        return "zip"
    if head.startswith(b"%PDF"):
        return "pdf"
    if head.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"):
        return "ole"
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        return "utf16"
    if b"\x00" in data[:65536]:
        return "binary"
    return "text"


def _wrong_content_message(name, kind, expected):
    if kind == "utf16":
        return (
            f"{name} is UTF-16 text, not UTF-8. In Excel use File > Save As > 'CSV UTF-8 (Comma delimited)'; "
            "in Google Sheets use File > Download > 'Comma-separated values'."
        )
    return f"{name} is not {expected}: {_KIND_DESCRIPTIONS[kind]}. Upload a .csv file (UTF-8) or an .xlsx workbook."


def _csv_rows(data, name):
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise ImportFileError(
            f"{name} is not UTF-8 text (line {line} has a character that isn't valid UTF-8). "
            "In Excel use File > Save As > 'CSV UTF-8 (Comma delimited)'; "
            "in Google Sheets use File > Download > 'Comma-separated values'."
        ) from None
    if "\x00" in text:
        raise ImportFileError(f"{name} is not a CSV file: it contains binary data.")
    first_line = text.lstrip("\r\n").split("\n", 1)[0]
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=_guess_delimiter(first_line))
    number = 0
    try:
        for number, cells in enumerate(reader, start=1):  # noqa: B007 (number is used after the loop)
            yield number, cells
    except csv.Error as exc:
        raise ImportFileError(f"{name} could not be read as CSV at row {number + 1}: {exc}.") from None


def _guess_delimiter(first_line):
    """Comma, unless the header row only makes sense split on semicolons or tabs (some Excel locales)."""
    for delimiter in (",", ";", "\t"):
        names = {_normalise_heading(cell) for cell in next(csv.reader([first_line], delimiter=delimiter), [])}
        if set(REQUIRED_COLUMNS) <= names:
            return delimiter
    return ","


def _xlsx_rows(data, name):
    damaged = (
        f"{name} could not be read as an Excel workbook; it may be damaged. "
        "Open it in Excel and save it again as 'Excel Workbook (.xlsx)', or save it as 'CSV UTF-8'."
    )
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            members = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError, EOFError):
        raise ImportFileError(damaged) from None
    if "xl/workbook.xml" not in {member.filename for member in members}:
        raise ImportFileError(f"{name} is a zip archive, not an Excel workbook.")
    if sum(member.file_size for member in members) > MAX_UNPACKED_SIZE:
        raise ImportFileError(f"{name} is too large once unpacked; split it into smaller files.")
    _check_xlsx_counts(data, members, name)

    import openpyxl  # only needed here; keeps the module cheap to import

    workbook = None
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # e.g. "Workbook contains no default style"
            workbook = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
            if not workbook.worksheets:
                raise ImportFileError(f"{name} has no worksheet.")
            sheet = workbook.worksheets[0]
            for number, cells in enumerate(sheet.iter_rows(max_col=MAX_COLUMNS, values_only=True), start=1):
                if number > MAX_SHEET_ROWS:
                    raise ImportFileError(
                        f"{name}'s first sheet has more than {MAX_SHEET_ROWS:,} rows (counting blank ones); "
                        f"an import takes at most {MAX_ROWS:,} people."
                    )
                yield number, [_cell_text(value) for value in cells]
    except ImportFileError:
        raise
    except Exception:  # openpyxl raises many kinds of errors on malformed workbooks
        raise ImportFileError(damaged) from None
    finally:
        if workbook is not None:
            workbook.close()


# openpyxl keeps every shared string in memory and parses every cell of a row, even past max_col: a 249 KB file
# of 6 million one-letter strings took 128 s and 673 MB. So both are counted first, streaming the XML in chunks
# (a fraction of a second for the 100 MB cap), and a file with more than a full import could use is refused.
MAX_SHARED_STRINGS = MAX_ROWS * MAX_COLUMNS
MAX_SHEET_CELLS = MAX_ROWS * MAX_COLUMNS
SHARED_STRING = re.compile(rb"<(?:\w+:)?si[\s/>]")
CELL = re.compile(rb"<(?:\w+:)?c[\s/>]")
COUNT_CHUNK = 1024 * 1024


def _count_elements(archive, member, pattern, limit):
    """How many times `pattern` occurs in the member, counting no further than limit + 1."""
    found, tail = 0, b""
    with archive.open(member) as stream:
        while chunk := stream.read(COUNT_CHUNK):
            window = tail + chunk
            cut = max(len(window) - 32, 0)  # an element split between chunks is counted with the next one
            found += len(pattern.findall(window, 0, cut))
            tail = window[cut:]
            if found > limit:
                return found
    return found + len(pattern.findall(tail))


def _check_xlsx_counts(data, members, name):
    too_many_texts = (
        f"{name} holds more than {MAX_SHARED_STRINGS:,} different texts, more than {MAX_ROWS:,} people could "
        "need. Copy the people's rows into a new workbook and upload that."
    )
    too_many_cells = (
        f"{name} has a sheet with more than {MAX_SHEET_CELLS:,} cells, more than {MAX_ROWS:,} people in "
        f"{MAX_COLUMNS} columns could fill. Copy the people's rows into a new workbook and upload that."
    )
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        for member in members:
            if member.filename == "xl/sharedStrings.xml":
                pattern, limit, message = SHARED_STRING, MAX_SHARED_STRINGS, too_many_texts
            elif member.filename.startswith("xl/worksheets/") and member.filename.endswith(".xml"):
                pattern, limit, message = CELL, MAX_SHEET_CELLS, too_many_cells
            else:
                continue
            if _count_elements(archive, member, pattern, limit) > limit:
                raise ImportFileError(message)


def _cell_text(value):
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, date):  # datetime is a date too
        return value.isoformat()
    return str(value)


def _normalise_heading(text):
    return re.sub(r"[\s\-]+", "_", str(text).strip().lower())


def _shorten(text, limit=40):
    return text if len(text) <= limit else f"{text[: limit - 1]}…"


def _table_from_rows(rows, name):
    rows = iter(rows)
    header = next(rows, None)
    if header is None or not any(cell.strip() for cell in header[1]):
        raise ImportFileError(
            f"{name} has no header row. Row 1 must name the columns, e.g. {', '.join(REQUIRED_COLUMNS)}."
        )
    headings = [_normalise_heading(cell) for cell in header[1]]
    errors = []
    unknown = [
        _shorten(str(cell).strip())
        for cell, heading in zip(header[1], headings, strict=True)
        if heading and heading not in COLUMNS_BY_NAME
    ]
    if unknown:
        listed = ", ".join(repr(text) for text in unknown[:10]) + (
            f" and {len(unknown) - 10} more" if len(unknown) > 10 else ""
        )
        errors.append(
            f"Row 1: unknown column{'s' if len(unknown) > 1 else ''} {listed}. "
            f"The columns are: {', '.join(COLUMN_NAMES)}."
        )
    seen = set()
    for heading in headings:
        if heading and heading in seen:
            errors.append(f"Row 1: column {heading!r} appears more than once.")
        seen.add(heading)
    missing = [column for column in REQUIRED_COLUMNS if column not in seen]
    if missing:
        errors.append(f"Row 1: missing required column{'s' if len(missing) > 1 else ''} {', '.join(missing)}.")
    if errors:
        raise ImportFileError(errors)

    table = Table(columns=[heading for heading in headings if heading], rows=[])
    for number, cells in rows:
        if not any(str(cell).strip() for cell in cells):
            continue  # blank rows are skipped (but still count for row numbers)
        if len(table.rows) >= MAX_ROWS:
            raise ImportFileError(
                f"{name} has more than {MAX_ROWS:,} people; split it into files of at most {MAX_ROWS:,} rows."
            )
        values = dict.fromkeys(table.columns, "")  # a short row leaves its last cells empty
        for index, cell in enumerate(cells):
            text = str(cell).strip()
            heading = headings[index] if index < len(headings) else ""
            if heading:
                values[heading] = text
            elif text:
                table.errors.append(f"Row {number}: column {index + 1}: has a value but no heading in row 1.")
        table.rows.append((number, values))
    if not table.rows:
        raise ImportFileError(f"{name} has a header row but no people: add one person per row below it.")
    return table


# -- validating rows ---------------------------------------------------------------------------


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


def _bio_text(markup):
    """Rich text reduced to its words and paragraph breaks, so formatting added in the admin isn't a 'change'."""
    markup = re.sub(r"</p\s*>|<br\s*/?>", "\n", markup or "", flags=re.I)
    text = html.unescape(strip_tags(markup)).replace("\xa0", " ")
    lines = [re.sub(r"\s+", " ", line).strip() for line in text.split("\n")]
    return "\n".join(line for line in lines if line)


class _Lookups:
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
            key = (_kind_of(person), person.first_name.strip().lower(), person.last_name.strip().lower())
            self.by_name.setdefault(key, []).append(person)

    @staticmethod
    def _by_slug(queryset):
        pages = {}
        for page in queryset.only("id", "slug", "title").order_by("path"):
            pages.setdefault(page.slug.lower(), []).append(page)
        return pages


def _kind_of(page):
    return FACULTY if isinstance(page, FacultyPage) else RESIDENT


def _describe(page):
    kind = "faculty profile" if isinstance(page, FacultyPage) else "resident profile"
    return f"{page.first_name} {page.last_name}'s {kind}".strip()


def _clean_row(number, raw, lookups, errors):
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


# -- planning --------------------------------------------------------------------------------


def _current_values(page):
    """The comparable value of every column for a profile (its latest revision)."""
    values = {column: getattr(page, fieldname) for column, fieldname in TEXT_FIELDS.items() if hasattr(page, fieldname)}
    values["id"] = page.external_id
    values["tracks"] = {p.pk for p in page.programs.all()}
    values["bio"] = _bio_text(page.bio)
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
        return _bio_text(value)
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
                    f"{values['email']} is already used by {_describe(taken[0])} (id {taken[0].external_id!r}).",
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
        return f"{_describe(page)} is locked; unlock it in the admin first."
    if user is None and isinstance(lock, BasicLock):
        return f"{_describe(page)} is locked; unlock it in the admin first."
    return ""


def build_plan(table, *, parent=None, publish=True, user=None):
    """Validate every row of `table` and work out what importing it would do. Writes nothing.

    Rows with errors are left out of `plan.rows`; the others are planned anyway, so a
    preview can show what the rest of the file would do once the errors are fixed.
    """
    plan = ImportPlan(errors=list(table.errors), publish=publish)
    lookups = _Lookups()
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

        kind, values = _clean_row(number, raw, lookups, row_errors)
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
            if _kind_of(page) != kind:
                error(
                    "type",
                    f"this is {_describe(page)}, not a {kind}; a profile can't change type. "
                    "Give the new profile its own id or email, and unpublish the old one.",
                )
            elif page.pk in claimed:
                error(key_column, f"row {claimed[page.pk]} is about the same person.")
            else:
                claimed[page.pk] = number
            if values.get("email") and not row_errors:
                for other in lookups.by_email.get(values["email"].lower(), []):
                    if other.pk != page.pk:
                        error("email", f"{values['email']} is already used by {_describe(other)}.")
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
            errors.append(f"Row {row.number}: {column}: you don't have permission to edit {_describe(latest)}.")
        elif row.publish and not permissions.can_publish():
            errors.append(
                f"Row {row.number}: {column}: you don't have permission to publish {_describe(latest)}; "
                "untick 'publish'."
            )


def _latest_revision_by(page, user):
    """Whether the profile's latest revision was saved by `user` (None: by a command, without a user)."""
    revision = page.get_latest_revision()
    return revision is not None and revision.user_id == (user.pk if user is not None else None)


# -- applying --------------------------------------------------------------------------------


class _Rollback(Exception):
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


def _no_progress(phase, done, total):
    pass


def apply_plan(plan, user=None, progress=_no_progress):
    """Write a valid plan: every row or nothing. Raises _Rollback (inside the caller's transaction) on failure.

    `progress("saving", done, total)` is called after each row that writes something.
    """
    if plan.errors:
        raise _Rollback(plan.errors)
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
            raise _Rollback([f"Row {row.number}: {reason}" for reason in _validation_reasons(exc)]) from exc
        except PermissionDenied as exc:
            raise _Rollback([f"Row {row.number}: {exc}"]) from exc
        except DatabaseError as exc:
            raise _Rollback([f"Row {row.number}: could not be saved ({exc}). Nothing was imported."]) from exc
        if row.action != UNCHANGED:
            done += 1
            progress("saving", done, total)
    plan.applied = True
    return plan


def _validation_reasons(exc):
    if hasattr(exc, "message_dict"):
        return [f"{name}: {' '.join(messages)}" for name, messages in exc.message_dict.items()]
    return exc.messages


def _lock_parent(parent):
    """Lock the page new people go under, so two imports of the same file (say, a double-clicked
    Confirm) run one after the other: the second then finds the people the first created."""
    parent = parent if parent is not None else default_parent()
    if parent is None:
        return None
    list(Page.objects.select_for_update().filter(pk=parent.pk).values_list("pk", flat=True))
    return parent


def run_import(data, filename, *, parent=None, publish=True, user=None, dry_run=False, progress=_no_progress):
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
                parent = _lock_parent(parent)
            plan = build_plan(table, parent=parent, publish=publish, user=user)
            if dry_run or plan.errors:
                transaction.set_rollback(True)  # a dry run never writes, whatever happens above
                return plan
            apply_plan(plan, user=user, progress=progress)
    except _Rollback as exc:
        plan.errors = list(exc.errors)
        plan.applied = False
    return plan
