"""The import reads only what a real people file could hold, and a column left out of the file leaves every
type of person's value alone."""

import io
import time
import zipfile

import pytest

from editorial.importer.schema import UPDATE, ImportFileError
from editorial.importer.service import run_import
from people.models import FacultyPage, ResidentPage
from tests.editorial.importer.test_import import csv_file, good_people, tree, xlsx_file  # noqa: F401 (tree: the fixture)

pytestmark = pytest.mark.usefixtures("tree")


def with_shared_strings(workbook_bytes, count):
    """The workbook with its shared-strings part replaced by `count` one-letter entries (the probe's file)."""
    source = zipfile.ZipFile(io.BytesIO(workbook_bytes))
    body = b"<si><t>a</t></si>" * count
    strings = (
        b'<?xml version="1.0" encoding="UTF-8"?><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'
        + f' count="{count}" uniqueCount="{count}">'.encode()
        + body
        + b"</sst>"
    )
    output = io.BytesIO()
    with zipfile.ZipFile(output, "w", zipfile.ZIP_DEFLATED) as target:
        for member in source.infolist():
            if member.filename != "xl/sharedStrings.xml":
                target.writestr(member, source.read(member))
        target.writestr("xl/sharedStrings.xml", strings)
    return output.getvalue()


def test_six_million_shared_strings_are_refused_at_once():
    # 5.6 million entries: 95 MB unpacked, inside the 100 MB cap; the file itself is a few hundred KB.
    data = with_shared_strings(xlsx_file(good_people()), 5_600_000)
    assert len(data) < 1_000_000
    started = time.monotonic()
    try:
        run_import(data, "strings.xlsx", dry_run=True)
        raise AssertionError("accepted")
    except ImportFileError as error:
        message = " ".join(error.messages)
    seconds = time.monotonic() - started
    assert "holds more than 200,000 different texts" in message
    assert seconds < 10, seconds  # the request timeout is 30 s; openpyxl alone took 128 s


def test_a_workbook_within_the_bounds_still_imports():
    data = with_shared_strings(xlsx_file(good_people()), 1000)  # extra unused strings are harmless
    plan = run_import(data, "people.xlsx")
    assert plan.errors == [] and plan.applied


def test_columns_left_out_leave_faculty_and_residents_alone():
    run_import(csv_file(good_people()), "people.csv")
    resident = ResidentPage.objects.get(external_id="R-1")
    faculty = FacultyPage.objects.get(external_id="F-1")
    before = {
        "class_year": resident.graduation_year,
        "medical_school": resident.medical_school,
        "credentials": faculty.credentials,
        "bio": faculty.bio,
    }
    partial = [
        {"id": "R-1", "type": "resident", "first_name": "Jun", "last_name": "Haverbrook-Ng"},
        {"id": "F-1", "type": "faculty", "first_name": "Wren", "last_name": "Aldana"},
    ]
    plan = run_import(csv_file(partial, header=["id", "type", "first_name", "last_name"]), "names.csv")
    assert plan.errors == []
    assert [row.action for row in plan.rows] == [UPDATE, UPDATE]
    resident = ResidentPage.objects.get(external_id="R-1")
    faculty = FacultyPage.objects.get(external_id="F-1")
    assert (resident.last_name, faculty.last_name) == ("Haverbrook-Ng", "Aldana")
    after = {
        "class_year": resident.graduation_year,
        "medical_school": resident.medical_school,
        "credentials": faculty.credentials,
        "bio": faculty.bio,
    }
    assert after == before


def test_a_new_resident_still_needs_a_class_year():
    new = [{"id": "R-9", "type": "resident", "first_name": "Ada", "last_name": "Quill"}]
    plan = run_import(csv_file(new, header=["id", "type", "first_name", "last_name"]), "new.csv")
    assert plan.errors == [
        "Row 2: class_year: missing; every resident needs a class year (the year they finish residency)."
    ]
