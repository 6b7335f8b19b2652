"""CSV exports never hand a spreadsheet a formula: our freshness report and Wagtail's own reports alike."""

import csv
import datetime
import io

import pytest
from django.contrib.auth import get_user_model

from core.exports import FormulaSafeWriter, neutralise_cell
from home.factories import StandardPageFactory
from people.factories import FacultyPageFactory
from programs.models import ApplyTimelineEvent
from tests.security.utils import make_user

pytestmark = pytest.mark.django_db

DANGEROUS_STARTS = ("=", "+", "-", "@", "\t", "\r")
LINK_FORMULA = '=HYPERLINK("http://evil.example/x","Click")'


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (LINK_FORMULA, "'" + LINK_FORMULA),
        ("+1 555 0100", "'+1 555 0100"),
        ("-2+3+cmd|' /C calc'!A0", "'-2+3+cmd|' /C calc'!A0"),
        ("@SUM(A1:A9)", "'@SUM(A1:A9)"),
        ("\t=1+1", "'\t=1+1"),
        ("\r=1+1", "'\r=1+1"),
        ("Dr. Grace Lindqvist", "Dr. Grace Lindqvist"),
        ("a=b", "a=b"),
        ("-3", "-3"),
        ("+1.5", "+1.5"),
        ("", ""),
        (42, 42),
        (None, None),
    ],
)
def test_formula_like_cells_are_neutralised_and_data_is_kept(value, expected):
    assert neutralise_cell(value) == expected


def test_the_safe_writer_protects_list_and_dict_rows():
    buffer = io.StringIO()
    FormulaSafeWriter(csv.writer(buffer)).writerow(["=1+1", "ok"])
    dict_writer = csv.DictWriter(buffer, fieldnames=["a"])
    FormulaSafeWriter(dict_writer).writerows([{"a": "@x"}])
    assert list(csv.reader(io.StringIO(buffer.getvalue()))) == [["'=1+1", "ok"], ["'@x"]]


def csv_cells(response):
    body = b"".join(response.streaming_content).decode()
    return body, [cell for row in csv.reader(io.StringIO(body)) for cell in row]


def assert_no_formula(cells):
    formulas = [cell for cell in cells if cell.startswith(DANGEROUS_STARTS)]
    assert formulas == []


def test_the_freshness_csv_has_no_formula(site_tree, client):
    tree = site_tree
    FacultyPageFactory(parent=tree.faculty_index, first_name=LINK_FORMULA, last_name="+Evil", photo=None)
    FacultyPageFactory(parent=tree.faculty_index, first_name="@Mention", last_name="-Minus", photo=None)
    ApplyTimelineEvent.objects.create(
        page=tree.apply, title="=1+2", date=datetime.date.today() - datetime.timedelta(days=3), sort_order=99
    )
    client.force_login(make_user("casey", group="Communications"))

    response = client.get("/admin/reports/content-freshness/", {"export": "csv"})

    assert response.status_code == 200
    _, cells = csv_cells(response)
    assert_no_formula(cells)
    # The values are all there, as text.
    assert "'" + LINK_FORMULA + " +Evil" in cells
    assert "'@Mention -Minus" in cells
    assert "'=1+2" in cells


def test_wagtails_own_report_csv_has_no_formula(site_tree, client):
    """Wagtail's "Aging pages" report (any SpreadsheetExportMixin view) writes through the same safe writer."""
    page = StandardPageFactory(parent=site_tree.home, title="=cmd|' /C calc'!A0", slug="formula")
    page.save_revision().publish()
    admin = get_user_model().objects.create_superuser("root", "root@example.org", "a-long-enough-passphrase")
    client.force_login(admin)

    response = client.get("/admin/reports/aging-pages/", {"export": "csv"})

    assert response.status_code == 200
    _, cells = csv_cells(response)
    assert_no_formula(cells)
    assert "'=cmd|' /C calc'!A0" in cells
