"""Reading an import file: a CSV (UTF-8, with or without BOM) or XLSX file's bytes become a `Table` of rows.

Anything that makes the file as a whole unreadable (wrong format or encoding, too big, empty, bad
header) raises `ImportFileError` with a message a person can act on.
"""

import csv
import io
import re
import warnings
import zipfile
import zlib
from dataclasses import dataclass, field
from datetime import date
from pathlib import PurePath

from editorial.importer.schema import (
    COLUMN_NAMES,
    COLUMNS_BY_NAME,
    MAX_COLUMNS,
    MAX_FILE_SIZE,
    MAX_ROWS,
    MAX_SHEET_ROWS,
    MAX_UNPACKED_SIZE,
    REQUIRED_COLUMNS,
    ImportFileError,
)


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
    try:
        _check_xlsx_counts(data, members, name)
    except (zipfile.BadZipFile, zlib.error, OSError, EOFError, ValueError, NotImplementedError):
        raise ImportFileError(damaged) from None

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
