"""The bulk import of people from a spreadsheet: the service, the command and the admin screens."""

import csv
import io
import os
import zipfile
from datetime import date

import openpyxl
import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse
from wagtail.models import Page, Revision

from editorial.importer.schema import PUBLISH, UNCHANGED, UPDATE, ImportFileError
from editorial.importer.service import run_import
from editorial.roles import COMMUNICATIONS_GROUP, FACULTY_GROUP, assign_review_workflow
from people.factories import FacultyPageFactory, PersonIndexPageFactory
from people.models import FacultyPage, PersonIndexPage, ResidentPage
from programs.factories import ClinicSitePageFactory
from tests.utils import is_refused, visible_text

User = get_user_model()

HEADER = [
    "id", "type", "first_name", "last_name", "credentials", "email", "tracks", "roles", "leadership",
    "clinical_interests", "clinic_sites", "class_year", "medical_school", "interests", "outcome",
    "outcome_detail", "bio",
]  # fmt: skip
CLASS_YEAR = date.today().year + 1
LAST_YEAR = date.today().year + 5  # the last class year an import accepts
SITE = "pct-community-health-center"  # from tests.utils.build_track
TRACK = "primary-care-track"


def person(**values):
    return {column: values.get(column, "") for column in HEADER}


def good_people():
    return [
        person(
            id="F-1",
            type="faculty",
            first_name="Wren",
            last_name="Aldana-Pike",
            credentials="MD, MPH",
            email="Wren.Aldana@example.org",
            tracks=TRACK,
            roles="Associate Director",
            leadership="yes",
            clinical_interests="HIV primary care; Addiction medicine",
            clinic_sites=f"{SITE}; pct-street-medicine-clinic",
            bio="First paragraph <b>with</b> a tag & an ampersand.\n\nSecond paragraph.",
        ),
        person(
            id="F-2",
            type="Faculty",
            first_name="Tobias",
            last_name="Marchetti-Lowe",
            credentials="MD",
            tracks=TRACK,
            clinical_interests="Geriatrics",
            clinic_sites=SITE,
        ),
        person(
            id="R-1",
            type="resident",
            first_name="Jun",
            last_name="Haverbrook",
            email="jun.haverbrook@example.org",
            tracks=TRACK,
            class_year=str(CLASS_YEAR),
            leadership="no",  # a faculty-only column, but "no" says nothing
            medical_school="University of Example School of Medicine",
            interests="Street medicine",
        ),
        person(
            id="G-1",
            type="resident",
            first_name="Oskar",
            last_name="Penhallow",
            tracks=TRACK,
            class_year="2020",
            outcome="Primary care practice",
            outcome_detail="Community health center, Exampleville",
        ),
    ]


def csv_file(rows, header=HEADER, encoding="utf-8"):
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer)
    writer.writerow(header)
    for row in rows:
        writer.writerow([row.get(column, "") for column in header] if isinstance(row, dict) else row)
    return buffer.getvalue().encode(encoding)


def xlsx_file(rows, header=HEADER):
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(header)
    for row in rows:
        sheet.append([row.get(column, "") or None for column in header])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def counts():
    return Page.objects.count(), Revision.objects.count()


def profiles():
    return [*FacultyPage.objects.all(), *ResidentPage.objects.all()]


def imported():
    """The profiles of good_people()."""
    ids = ["F-1", "F-2", "R-1", "G-1"]
    return [*FacultyPage.objects.filter(external_id__in=ids), *ResidentPage.objects.filter(external_id__in=ids)]


@pytest.fixture
def tree(site_tree, db):
    """The standard site tree plus the site-wide People directory that new people go under."""
    site_tree.people = PersonIndexPageFactory(
        parent=site_tree.home, title="People", slug="people", audience=PersonIndexPage.Audience.EVERYONE
    )
    return site_tree


def make_user(username, group):
    user = User.objects.create_user(username, f"{username}@example.org", "pw")
    user.groups.add(Group.objects.get(name=group))
    return user


# -- a good file ------------------------------------------------------------------------------


def test_good_file_creates_faculty_and_residents(tree):
    pages_before = Page.objects.count()
    plan = run_import(csv_file(good_people()), "people.csv")

    assert plan.errors == []
    assert plan.applied
    assert len(plan.to_create) == 4
    assert Page.objects.count() == pages_before + 4

    wren = FacultyPage.objects.get(external_id="F-1")
    assert wren.get_parent().pk == tree.people.pk
    assert wren.live and not wren.has_unpublished_changes
    assert wren.title == "Wren Aldana-Pike"
    assert wren.slug == "wren-aldana-pike"
    assert wren.credentials == "MD, MPH"
    assert wren.email == "Wren.Aldana@example.org"
    assert wren.roles == "Associate Director"
    assert wren.is_leadership
    assert list(wren.programs.all()) == [tree.track]
    assert set(wren.clinic_sites.all()) == {tree.continuity_site, tree.elective_site}
    assert {tag.name for tag in wren.clinical_interests.all()} == {"HIV primary care", "Addiction medicine"}
    assert wren.bio == (
        "<p>First paragraph &lt;b&gt;with&lt;/b&gt; a tag &amp; an ampersand.</p><p>Second paragraph.</p>"
    )
    assert wren.revisions.count() == 1

    tobias = FacultyPage.objects.get(external_id="F-2")
    assert not tobias.is_leadership
    assert tobias.email == ""

    jun = ResidentPage.objects.get(external_id="R-1")
    assert jun.graduation_year == CLASS_YEAR
    assert jun.medical_school == "University of Example School of Medicine"
    assert list(jun.programs.all()) == [tree.track]
    assert jun.live

    oskar = ResidentPage.objects.get(external_id="G-1")
    assert oskar.graduation_year == 2020
    assert oskar.outcome_kind == ResidentPage.Outcome.PRIMARY_CARE
    assert oskar.outcome_detail == "Community health center, Exampleville"
    assert oskar.is_graduate


def test_slugs_are_unique_among_siblings(tree):
    FacultyPageFactory(parent=tree.people, first_name="Wren", last_name="Aldana-Pike", photo=None)
    twins = [
        person(type="faculty", first_name="Wren", last_name="Aldana-Pike", email="wren.one@example.org"),
        person(type="faculty", first_name="Wren", last_name="Aldana-Pike", email="wren.two@example.org"),
    ]
    plan = run_import(csv_file(twins), "people.csv")
    assert plan.errors == []
    slugs = set(FacultyPage.objects.child_of(tree.people).values_list("slug", flat=True))
    assert slugs == {"wren-aldana-pike", "wren-aldana-pike-2", "wren-aldana-pike-3"}


def test_the_example_file_imports_into_the_demo_sites(tree):
    for title in [
        "Alder Park Community Health Center",
        "Sorrel Court Medical Associates",
        "Marigold Health Center",
        "Tern Avenue Street Medicine Program",
    ]:
        ClinicSitePageFactory(parent=tree.sites_index, title=title, programs=[tree.track])
    example = os.path.join(
        os.path.dirname(__file__), "..", "..", "..", "editorial", "importer", "example", "people.csv"
    )
    with open(example, "rb") as handle:
        plan = run_import(handle.read(), "people.csv")
    assert plan.errors == []
    assert len(plan.to_create) == 6


# -- bad rows write nothing -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("bad_row", "expected"),
    [
        (
            person(id="X", type="faculty", first_name="", last_name="Nameless"),
            "Row 6: first_name: missing; every person needs a first and a last name.",
        ),
        (
            person(id="X", type="faculty", first_name="Bad", last_name="Email", email="not-an-email"),
            "Row 6: email: 'not-an-email' is not a valid email address.",
        ),
        (
            person(id="X", type="resident", first_name="Bad", last_name="Year", class_year="next year"),
            f"Row 6: class_year: unknown class year 'next year'; use a four-digit year from 1990 to {LAST_YEAR}.",
        ),
        (
            person(id="X", type="resident", first_name="Far", last_name="Future", class_year="2999"),
            f"Row 6: class_year: unknown class year '2999'; use a four-digit year from 1990 to {LAST_YEAR}.",
        ),
        (
            person(id="X", type="resident", first_name="No", last_name="Year"),
            "Row 6: class_year: missing; every resident needs a class year (the year they finish residency).",
        ),
        (
            person(id="F-2", type="faculty", first_name="Same", last_name="Id"),
            "Row 6: id: duplicate id 'F-2'; row 3 has it too.",
        ),
        (
            person(
                id="X",
                type="resident",
                first_name="Same",
                last_name="Email",
                email="JUN.haverbrook@example.org",
                class_year="2027",
            ),
            "Row 6: email: duplicate email JUN.haverbrook@example.org; row 4 has it too.",
        ),
        (
            person(id="X", type="faculty", first_name="Lost", last_name="Track", tracks=f"{TRACK}; cardiology-track"),
            "Row 6: tracks: unknown track 'cardiology-track'; the tracks are: primary-care-track.",
        ),
        (
            person(id="X", type="faculty", first_name="Lost", last_name="Site", clinic_sites="nowhere-clinic"),
            "Row 6: clinic_sites: unknown clinic site 'nowhere-clinic'; the clinic sites are: "
            "pct-community-health-center, pct-street-medicine-clinic.",
        ),
        (
            person(id="X", type="fellow", first_name="Odd", last_name="Type"),
            "Row 6: type: unknown type 'fellow'; use 'faculty' or 'resident'.",
        ),
        (
            person(id="X", type="faculty", first_name="Long", last_name="Name" * 20),
            "Row 6: last_name: too long (80 characters; the limit is 60).",
        ),
        (
            person(id="X", type="faculty", first_name="Has", last_name="Year", class_year="2027"),
            "Row 6: class_year: only residents have this; leave it empty for a faculty.",
        ),
        (
            person(id="X", type="faculty", first_name="Maybe", last_name="Leader", leadership="perhaps"),
            "Row 6: leadership: 'perhaps' is not 'yes' or 'no'.",
        ),
        (
            person(
                id="X", type="resident", first_name="Odd", last_name="Outcome", class_year="2020", outcome="retired"
            ),
            "Row 6: outcome: unknown outcome 'retired'; use one of: fellowship, primary_care, academic, chief, "
            "hospital_medicine, leadership, other.",
        ),
    ],
    ids=[
        "missing-name",
        "bad-email",
        "class-year-not-a-year",
        "class-year-out-of-range",
        "class-year-missing",
        "duplicate-id",
        "duplicate-email",
        "unknown-track",
        "unknown-site",
        "unknown-type",
        "too-long",
        "class-year-on-faculty",
        "bad-leadership",
        "unknown-outcome",
    ],
)
def test_a_bad_row_writes_nothing_and_names_its_row(tree, bad_row, expected):
    before = counts()
    plan = run_import(csv_file([*good_people(), bad_row]), "people.csv")
    assert plan.errors == [expected]
    assert not plan.applied
    assert counts() == before
    assert not FacultyPage.objects.filter(external_id__in=["F-1", "F-2"]).exists()


def test_every_bad_row_is_reported(tree):
    rows = [
        person(type="faculty", first_name="", last_name=""),
        person(type="faculty", first_name="Bad", last_name="Email", email="nope@"),
        person(type="resident", first_name="Bad", last_name="Year", class_year="20x7"),
    ]
    plan = run_import(csv_file(rows), "people.csv")
    assert plan.errors == [
        "Row 2: first_name: missing; every person needs a first and a last name.",
        "Row 2: last_name: missing; every person needs a first and a last name.",
        "Row 3: email: 'nope@' is not a valid email address.",
        f"Row 4: class_year: unknown class year '20x7'; use a four-digit year from 1990 to {LAST_YEAR}.",
    ]


def test_an_email_of_another_profile_is_an_error(tree):
    run_import(csv_file(good_people()), "people.csv")
    before = counts()
    clash = person(
        id="F-2", type="faculty", first_name="Tobias", last_name="Marchetti-Lowe", email="jun.haverbrook@example.org"
    )
    plan = run_import(csv_file([clash]), "people.csv")
    assert plan.errors == [
        "Row 2: email: jun.haverbrook@example.org is already used by Jun Haverbrook's resident profile."
    ]
    assert counts() == before


def test_a_profile_cannot_change_type(tree):
    run_import(csv_file(good_people()), "people.csv")
    before = counts()
    row = person(id="R-1", type="faculty", first_name="Jun", last_name="Haverbrook")
    plan = run_import(csv_file([row]), "people.csv")
    assert plan.errors == [
        "Row 2: type: this is Jun Haverbrook's resident profile, not a faculty; a profile can't change type. "
        "Give the new profile its own id or email, and unpublish the old one."
    ]
    assert counts() == before


# -- re-importing and updating -----------------------------------------------------------------


def test_importing_the_same_file_twice_changes_nothing(tree):
    data = csv_file(good_people())
    run_import(data, "people.csv")
    before = counts()

    plan = run_import(data, "people.csv")

    assert plan.errors == []
    assert [row.action for row in plan.rows] == [UNCHANGED] * 4
    assert counts() == before


def test_the_same_people_as_xlsx_change_nothing_either(tree):
    run_import(csv_file(good_people()), "people.csv")
    before = counts()
    plan = run_import(xlsx_file(good_people()), "people.xlsx")
    assert [row.action for row in plan.rows] == [UNCHANGED] * 4
    assert counts() == before


def test_updating_one_cell_updates_just_that_person(tree):
    run_import(csv_file(good_people()), "people.csv")
    revisions = {page.pk: page.revisions.count() for page in profiles()}
    pages_before = Page.objects.count()

    rows = good_people()
    rows[1]["credentials"] = "MD, PhD"
    plan = run_import(csv_file(rows), "people.csv")

    assert [(row.number, row.action, row.changes) for row in plan.rows if row.action != UNCHANGED] == [
        (3, UPDATE, ["credentials"])
    ]
    assert Page.objects.count() == pages_before
    tobias = FacultyPage.objects.get(external_id="F-2")
    assert tobias.credentials == "MD, PhD"
    assert tobias.live and not tobias.has_unpublished_changes
    for page in profiles():
        expected = revisions[page.pk] + (1 if page.pk == tobias.pk else 0)
        assert page.revisions.count() == expected, page.title


def test_m2m_and_tag_changes_are_detected(tree):
    run_import(csv_file(good_people()), "people.csv")
    rows = good_people()
    rows[0]["clinic_sites"] = SITE
    rows[0]["clinical_interests"] = "HIV primary care"
    rows[0]["tracks"] = ""
    plan = run_import(csv_file(rows), "people.csv")
    assert plan.to_update[0].changes == ["tracks", "clinical_interests", "clinic_sites"]
    wren = FacultyPage.objects.get(external_id="F-1")
    assert list(wren.clinic_sites.all()) == [tree.continuity_site]
    assert [tag.name for tag in wren.clinical_interests.all()] == ["HIV primary care"]
    assert list(wren.programs.all()) == []


def test_columns_left_out_are_left_alone(tree):
    run_import(csv_file(good_people()), "people.csv")
    header = ["id", "type", "first_name", "last_name", "credentials"]
    plan = run_import(csv_file([["F-1", "faculty", "Wren", "Aldana-Pike", "MD"]], header=header), "people.csv")
    assert plan.to_update[0].changes == ["credentials"]
    wren = FacultyPage.objects.get(external_id="F-1")
    assert wren.credentials == "MD"
    assert wren.roles == "Associate Director"
    assert wren.clinic_sites.count() == 2


def test_people_are_matched_by_email_then_by_name(tree):
    existing = FacultyPageFactory(
        parent=tree.faculty_index, first_name="Maya", last_name="Okafor-Test", email="maya@example.org", photo=None
    )
    existing.save_revision().publish()
    named = FacultyPageFactory(parent=tree.faculty_index, first_name="Nameonly", last_name="Person", photo=None)
    named.save_revision().publish()
    rows = [
        person(
            id="F-9",
            type="faculty",
            first_name="Maya",
            last_name="Okafor-Test",
            email="MAYA@example.org",
            credentials="MD",
        ),
        person(type="faculty", first_name="nameonly", last_name="person", credentials="DO"),
    ]
    pages_before = Page.objects.count()
    plan = run_import(csv_file(rows), "people.csv")
    assert plan.errors == []
    assert Page.objects.count() == pages_before
    existing.refresh_from_db()
    assert existing.external_id == "F-9"  # the id is adopted by the person matched by email
    assert existing.email == "MAYA@example.org"
    named.refresh_from_db()
    assert named.credentials == "DO"
    assert named.get_parent().pk == tree.faculty_index.pk  # existing profiles stay where they are


def test_bio_formatting_added_in_the_admin_is_kept(tree):
    run_import(csv_file(good_people()), "people.csv")
    wren = FacultyPage.objects.get(external_id="F-1")
    wren.bio = (
        '<p data-block-key="a1">First paragraph &lt;b&gt;with&lt;/b&gt; a tag &amp; an <i>ampersand</i>.</p>'
        '<p data-block-key="b2">Second paragraph.</p>'
    )
    wren.save_revision().publish()
    before = counts()
    plan = run_import(csv_file(good_people()), "people.csv")
    assert [row.action for row in plan.rows] == [UNCHANGED] * 4
    assert counts() == before


# -- drafts -------------------------------------------------------------------------------------


def test_a_draft_import_then_a_publishing_import(tree):
    plan = run_import(csv_file(good_people()), "people.csv", publish=False)
    assert plan.errors == []
    assert len(imported()) == 4
    assert not any(page.live for page in imported())

    rows = good_people()
    before = counts()
    plan = run_import(csv_file(rows), "people.csv", publish=False)
    assert [row.action for row in plan.rows] == [UNCHANGED] * 4
    assert counts() == before

    plan = run_import(csv_file(rows), "people.csv")
    assert [row.action for row in plan.rows] == [PUBLISH] * 4
    assert counts() == before  # publishing the drafts adds no revisions
    assert all(page.live and not page.has_unpublished_changes for page in imported())


def test_a_draft_update_leaves_the_live_page_alone(tree):
    run_import(csv_file(good_people()), "people.csv")
    rows = good_people()
    rows[2]["medical_school"] = "Example State College of Medicine"
    plan = run_import(csv_file(rows), "people.csv", publish=False)
    assert plan.to_update[0].publish is False
    jun = ResidentPage.objects.get(external_id="R-1")
    assert jun.live and jun.has_unpublished_changes
    assert jun.medical_school == "University of Example School of Medicine"
    assert jun.get_latest_revision_as_object().medical_school == "Example State College of Medicine"


def test_someone_elses_pending_change_is_not_published(tree):
    run_import(csv_file(good_people()), "people.csv")
    editor = make_user("editor", FACULTY_GROUP)
    wren = FacultyPage.objects.get(external_id="F-1")
    wren.bio = "<p>A pending bio, not yet approved.</p>"
    wren.save_revision(user=editor)

    rows = good_people()
    rows[0]["credentials"] = "MD"
    rows[0].pop("bio")
    header = [column for column in HEADER if column != "bio"]
    plan = run_import(csv_file(rows, header=header), "people.csv")

    row = plan.to_update[0]
    assert row.publish is False
    assert row.note == "Saved as a draft: this profile already has unpublished changes made by someone else."
    wren.refresh_from_db()
    assert wren.credentials == "MD, MPH"  # the live page is untouched
    latest = wren.get_latest_revision_as_object()
    assert latest.credentials == "MD"
    assert latest.bio == "<p>A pending bio, not yet approved.</p>"  # the pending change is kept


def test_a_change_in_review_is_not_published_but_kept(tree):
    run_import(csv_file(good_people()), "people.csv")
    editor = make_user("editor", FACULTY_GROUP)
    wren = FacultyPage.objects.get(external_id="F-1")
    assign_review_workflow(tree.people)
    wren.bio = "<p>A bio waiting for review.</p>"
    wren.save_revision(user=editor)
    wren.get_workflow().start(wren, editor)

    rows = good_people()
    rows[0]["roles"] = "Director"
    rows[0]["bio"] = "A bio waiting for review."
    plan = run_import(csv_file(rows), "people.csv")

    row = plan.to_update[0]
    assert (row.changes, row.publish) == (["roles"], False)
    assert row.note == "Saved as a draft: a change to this profile is waiting for review."
    wren.refresh_from_db()
    assert wren.roles == "Associate Director" and wren.workflow_in_progress
    assert wren.get_latest_revision_as_object().roles == "Director"


def test_a_locked_profile_is_an_error(tree):
    run_import(csv_file(good_people()), "people.csv")
    FacultyPage.objects.filter(external_id="F-1").update(locked=True)
    rows = good_people()
    rows[0]["roles"] = "Director"
    before = counts()
    plan = run_import(csv_file(rows), "people.csv")
    assert plan.errors == ["Row 2: id: Wren Aldana-Pike's faculty profile is locked; unlock it in the admin first."]
    assert counts() == before
    # An unchanged locked profile is no obstacle.
    assert run_import(csv_file(good_people()), "people.csv").errors == []


# -- malformed files ------------------------------------------------------------------------------


def latin1_csv():
    rows = [person(type="faculty", first_name="José", last_name="Muñoz")]
    return csv_file(rows, encoding="latin-1")


def zip_that_is_not_a_workbook():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("notes.txt", "hello")
    return buffer.getvalue()


def damaged_workbook():
    data = bytearray(xlsx_file(good_people()))
    data[len(data) // 3 : len(data) // 3 + 400] = b"\x00" * 400
    return bytes(data)


@pytest.mark.parametrize(
    ("filename", "data", "expected"),
    [
        (
            "people.csv",
            latin1_csv(),
            "people.csv is not UTF-8 text (line 2 has a character that isn't valid UTF-8). In Excel use File > "
            "Save As > 'CSV UTF-8 (Comma delimited)'; in Google Sheets use File > Download > 'Comma-separated values'.",
        ),
        (
            "people.csv",
            bytes(range(256)) * 40,
            "people.csv is not a CSV file: it contains binary data. Upload a .csv file (UTF-8) or an .xlsx workbook.",
        ),
        ("people.csv", b"", "people.csv is empty."),
        ("people.csv", b"  \r\n\r\n", "people.csv is empty."),
        (
            "people.csv",
            ",".join(HEADER).encode() + b"\r\n,,,\r\n",
            "people.csv has a header row but no people: add one person per row below it.",
        ),
        (
            "people.csv",
            os.urandom(10 * 1024 * 1024),
            "people.csv is 10.0 MB; the limit is 5 MB. Split it into smaller files.",
        ),
        (
            "people.xlsx",
            csv_file(good_people()),
            "people.xlsx is not a valid Excel workbook (.xlsx): it is plain text (perhaps a CSV file with the wrong "
            "name). Open it in Excel and save it as 'Excel Workbook (.xlsx)' or 'CSV UTF-8'.",
        ),
        (
            "people.csv",
            b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Type /Catalog >>\nendobj\n",
            "people.csv is not a CSV file: it is a PDF document. Upload a .csv file (UTF-8) or an .xlsx workbook.",
        ),
        ("people.xlsx", zip_that_is_not_a_workbook(), "people.xlsx is a zip archive, not an Excel workbook."),
        (
            "people.xlsx",
            damaged_workbook(),
            "people.xlsx could not be read as an Excel workbook; it may be damaged. Open it in Excel and save it "
            "again as 'Excel Workbook (.xlsx)', or save it as 'CSV UTF-8'.",
        ),
        (
            "people.pdf",
            b"%PDF-1.7\n",
            "people.pdf is not a CSV or Excel file. Upload a .csv file (UTF-8) or an .xlsx workbook.",
        ),
        (
            "people.xls",
            b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100,
            "people.xls is an old-style Excel file (.xls), which can't be imported. Open it in Excel and save it as "
            "'Excel Workbook (.xlsx)' or 'CSV UTF-8'.",
        ),
        (
            "people.csv",
            "\ufeffname,type,first_name\r\nx,faculty,y\r\n".encode("utf-16"),
            "people.csv is UTF-16 text, not UTF-8. In Excel use File > Save As > 'CSV UTF-8 (Comma delimited)'; "
            "in Google Sheets use File > Download > 'Comma-separated values'.",
        ),
        (
            "people.csv",
            b"type,first_name,last_name,phone,Type\r\nfaculty,A,B,555,faculty\r\n",
            "Row 1: unknown column 'phone'. The columns are: id, type, first_name, last_name, credentials, email, "
            "tracks, bio, roles, leadership, clinical_interests, clinic_sites, class_year, medical_school, "
            "interests, outcome, outcome_detail.",
        ),
        (
            "people.csv",
            b"id,email\r\nF-1,a@example.org\r\n",
            "Row 1: missing required columns type, first_name, last_name.",
        ),
    ],
    ids=[
        "latin-1",
        "binary-junk",
        "empty",
        "blank",
        "header-only",
        "10MB-random",
        "xlsx-that-is-text",
        "renamed-pdf",
        "zip-not-xlsx",
        "damaged-xlsx",
        "wrong-extension",
        "old-xls",
        "utf-16",
        "unknown-column",
        "missing-columns",
    ],
)
def test_a_malformed_file_gets_a_clear_message(tree, filename, data, expected):
    before = counts()
    with pytest.raises(ImportFileError) as caught:
        run_import(data, filename)
    assert caught.value.messages[0] == expected
    assert counts() == before


def test_too_many_rows(tree):
    rows = [person(type="faculty", first_name="Many", last_name=f"People{n}") for n in range(2001)]
    with pytest.raises(ImportFileError) as caught:
        run_import(csv_file(rows), "people.csv")
    assert caught.value.messages == [
        "people.csv has more than 2,000 people; split it into files of at most 2,000 rows."
    ]


def test_utf8_with_bom_semicolons_and_blank_rows(tree):
    data = (
        "\ufeffType ; First Name;LAST_NAME;email\r\n"
        "faculty;José;Muñoz-Test;jose@example.org\r\n"
        ";;;\r\n"
        "resident;Zoë;Ñandú;zoe@example.org\r\n"
    ).encode()
    plan = run_import(data, "people.csv")
    assert plan.errors == [
        "Row 4: class_year: missing; every resident needs a class year (the year they finish residency)."
    ]
    data = data.replace(b"email\r\n", b"email;class_year\r\n").replace(b"zoe@example.org", b"zoe@example.org;2027")
    plan = run_import(data, "people.csv")
    assert plan.errors == []
    assert FacultyPage.objects.get(email="jose@example.org").slug == "jose-munoz-test"
    assert ResidentPage.objects.get(email="zoe@example.org").title == "Zoë Ñandú"


# -- XLSX ---------------------------------------------------------------------------------------------


def test_an_xlsx_file_creates_people(tree):
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(["ID", " Type ", "First_Name", "Last_Name", "Class_Year", "Leadership", "Tracks"])
    sheet.append(["R-7", "resident", "Ines", "Calloway-Reyes", CLASS_YEAR, None, TRACK])
    sheet.append([None] * 7)
    sheet.append([42, "faculty", "Amara", "Quillfeather", None, True, TRACK])
    sheet.append(["R-8", "resident", "Kit", "Floatyear", float(CLASS_YEAR), None, None])
    buffer = io.BytesIO()
    workbook.save(buffer)

    plan = run_import(buffer.getvalue(), "people.xlsx")

    assert plan.errors == []
    assert [row.number for row in plan.to_create] == [2, 4, 5]
    ines = ResidentPage.objects.get(external_id="R-7")
    assert ines.graduation_year == CLASS_YEAR
    assert list(ines.programs.all()) == [tree.track]
    amara = FacultyPage.objects.get(external_id="42")
    assert amara.is_leadership
    assert ResidentPage.objects.get(external_id="R-8").graduation_year == CLASS_YEAR


def test_xlsx_row_errors_name_the_sheet_row(tree):
    rows = good_people()
    rows.append(person(type="resident", first_name="Bad", last_name="Year", class_year="1901"))
    plan = run_import(xlsx_file(rows), "people.xlsx")
    assert plan.errors == [
        f"Row 6: class_year: unknown class year '1901'; use a four-digit year from 1990 to {LAST_YEAR}."
    ]


# -- the management command ---------------------------------------------------------------------


def write(tmp_path, data, name="people.csv"):
    path = tmp_path / name
    path.write_bytes(data)
    return str(path)


def test_command_dry_run_writes_nothing(tree, tmp_path, capsys):
    path = write(tmp_path, csv_file(good_people()))
    before = counts()
    call_command("import_people", path, "--dry-run")
    out = capsys.readouterr().out
    assert counts() == before
    assert "Row 2: create faculty Wren Aldana-Pike (published)" in out
    assert "Dry run: 4 to create, 0 to update, 0 unchanged under 'People'. Nothing was written." in out


def test_command_imports_and_reports_updates(tree, tmp_path, capsys):
    call_command("import_people", write(tmp_path, csv_file(good_people())), "--draft", "--parent", "faculty")
    assert not FacultyPage.objects.get(external_id="F-1").live
    assert FacultyPage.objects.get(external_id="F-1").get_parent().pk == tree.faculty_index.pk
    capsys.readouterr()

    rows = good_people()
    rows[3]["outcome_detail"] = "Academic hospitalist"
    call_command("import_people", write(tmp_path, csv_file(rows)), "--dry-run", "--draft")
    out = capsys.readouterr().out
    assert "Row 5: update resident Oskar Penhallow: outcome_detail (draft)" in out
    assert "Dry run: 0 to create, 1 to update, 3 unchanged. Nothing was written." in out


def test_command_errors_go_to_stderr_and_write_nothing(tree, tmp_path, capsys):
    rows = [
        *good_people(),
        person(type="faculty", first_name="", last_name="X"),
        person(id="F-1", type="faculty", first_name="A", last_name="B"),
    ]
    before = counts()
    with pytest.raises(CommandError, match="2 errors; nothing was written."):
        call_command("import_people", write(tmp_path, csv_file(rows)))
    err = capsys.readouterr().err.splitlines()
    assert err == [
        "Row 6: first_name: missing; every person needs a first and a last name.",
        "Row 7: id: duplicate id 'F-1'; row 2 has it too.",
    ]
    assert counts() == before


def test_command_rejects_a_bad_file(tree, tmp_path, capsys):
    with pytest.raises(CommandError, match="nothing was written"):
        call_command("import_people", write(tmp_path, latin1_csv()))
    assert "is not UTF-8 text" in capsys.readouterr().err
    with pytest.raises(CommandError, match="no people index page with the slug 'nowhere'"):
        call_command("import_people", write(tmp_path, csv_file(good_people())), "--parent", "nowhere")
    with pytest.raises(CommandError, match="Can't read"):
        call_command("import_people", str(tmp_path / "missing.csv"))


# -- the admin screens ---------------------------------------------------------------------------


@pytest.fixture
def communications_client(client, tree):
    client.force_login(make_user("comms", COMMUNICATIONS_GROUP))
    return client


def upload(client, data, name="people.csv", publish=True, parent=None):
    form = {"file": SimpleUploadedFile(name, data), "parent": str(parent.pk)}
    if publish:
        form["publish"] = "on"
    return client.post(reverse("people_import"), form)


def test_anonymous_users_are_sent_to_log_in(client, tree):
    for response in [client.get(reverse("people_import")), client.post(reverse("people_import_confirm"))]:
        assert response.status_code == 302
        assert response.url.startswith(reverse("wagtailadmin_login"))


def test_faculty_users_are_forbidden(client, tree):
    client.force_login(make_user("prof", FACULTY_GROUP))
    before = counts()
    assert is_refused(client.get(reverse("people_import")))
    assert is_refused(client.get(reverse("people_import_example")))
    response = upload(client, csv_file(good_people()), parent=tree.people)
    assert is_refused(response)
    assert is_refused(client.post(reverse("people_import_confirm"), {"token": "x"}))
    assert counts() == before
    assert "Import people" not in client.get(reverse("wagtailadmin_home")).content.decode()


def test_upload_preview_confirm(communications_client, tree):
    client = communications_client
    assert "Import people" in client.get(reverse("wagtailadmin_home")).content.decode()
    form = client.get(reverse("people_import"))
    assert form.status_code == 200
    html = form.content.decode()
    assert 'enctype="multipart/form-data"' in html
    assert f'<option value="{tree.people.pk}" selected>People (under {tree.home.title})</option>' in html
    assert "class_year" in html  # the columns are documented on the page

    rows = good_people()
    before = counts()
    preview = upload(client, csv_file(rows), parent=tree.people)
    assert preview.status_code == 200
    assert counts() == before
    html = preview.content.decode()
    assert "4 to create, 0 to update, 0 unchanged" in html
    assert "Confirm import" in html
    assert html.count('data-import-action="create"') == 4
    assert "Wren Aldana-Pike" in html and "Oskar Penhallow" in html
    token = preview.context["token"]

    # Test settings run tasks at once (TASKS_BACKEND=immediate), so the outcome comes straight back;
    # the task worker's path (progress, then the outcome) is in test_import_task.py.
    response = client.post(reverse("people_import_confirm"), {"token": token})
    assert response.status_code == 200
    assert FacultyPage.objects.child_of(tree.people).count() == 2
    assert ResidentPage.objects.child_of(tree.people).count() == 2
    wren = FacultyPage.objects.get(external_id="F-1")
    assert wren.live and wren.owner.username == "comms"
    assert wren.get_latest_revision().user.username == "comms"
    summary = visible_text(response.content.decode())
    assert "Imported people.csv: 4 created, 0 updated, 0 unchanged." in summary
    assert f'href="{reverse("wagtailadmin_explore", args=[tree.people.pk])}"' in response.content.decode()

    # The token is single-use: confirming again imports nothing more.
    after = counts()
    response = client.post(reverse("people_import_confirm"), {"token": token})
    assert response.status_code == 302 and response.url == reverse("people_import")
    assert counts() == after

    # A second upload with one change previews an update, with the changed column.
    rows[2]["interests"] = "Street medicine, health policy"
    html = upload(client, csv_file(rows), parent=tree.people, publish=False).content.decode()
    assert "0 to create, 1 to update, 3 unchanged" in html
    assert html.count('data-import-action="update"') == 1
    assert "<td>interests</td>" in html
    assert "will be saved as drafts" in html


def test_a_bad_file_shows_the_message_in_the_form(communications_client, tree):
    before = counts()
    response = upload(communications_client, latin1_csv(), parent=tree.people)
    assert response.status_code == 200
    html = response.content.decode()
    assert "people.csv is not UTF-8 text" in html
    assert "Confirm import" not in html

    response = upload(communications_client, os.urandom(10 * 1024 * 1024), name="junk.xlsx", parent=tree.people)
    assert response.status_code == 200
    assert "junk.xlsx is 10.0 MB; the limit is 5 MB." in response.content.decode()

    response = upload(communications_client, csv_file(good_people()), name="people.xlsx", parent=tree.people)
    assert response.status_code == 200
    assert "people.xlsx is not a valid Excel workbook (.xlsx): it is plain text" in response.content.decode()

    response = upload(
        communications_client, b"\x89PNG\r\n\x1a\n" + os.urandom(2048), name="photo.csv", parent=tree.people
    )
    assert response.status_code == 200
    assert "photo.csv is not a CSV file: it contains binary data." in response.content.decode()
    assert counts() == before


def test_an_xlsx_upload_previews_and_imports(communications_client, tree):
    preview = upload(communications_client, xlsx_file(good_people()), name="people.xlsx", parent=tree.people)
    assert preview.status_code == 200
    assert "4 to create, 0 to update, 0 unchanged" in preview.content.decode()
    response = communications_client.post(reverse("people_import_confirm"), {"token": preview.context["token"]})
    assert response.status_code == 200
    assert len(imported()) == 4


def test_row_errors_are_listed_in_the_preview_without_a_confirm_button(communications_client, tree):
    rows = [*good_people(), person(type="resident", first_name="Bad", last_name="Year", class_year="soon")]
    response = upload(communications_client, csv_file(rows), parent=tree.people)
    assert response.status_code == 200
    html = response.content.decode()
    assert "1 problem found: nothing has been imported" in html
    assert "Row 6: class_year: unknown class year &#x27;soon&#x27;" in html
    assert "Confirm import" not in html
    assert response.context["token"] is None
    response = communications_client.post(reverse("people_import_confirm"), {"token": "guess"})
    assert response.status_code == 302
    assert not FacultyPage.objects.filter(external_id="F-1").exists()


def test_confirm_revalidates_against_the_database(communications_client, tree):
    client = communications_client
    preview = upload(client, csv_file(good_people()), parent=tree.people)
    token = preview.context["token"]
    # Meanwhile, someone else gives another profile Jun's email.
    tree.preceptor.email = "jun.haverbrook@example.org"
    tree.preceptor.external_id = "P-1"
    tree.preceptor.save()
    before = counts()
    response = client.post(reverse("people_import_confirm"), {"token": token})
    assert response.status_code == 200
    assert "Row 4: email: jun.haverbrook@example.org is already used by" in response.content.decode()
    assert counts() == before


def test_the_example_file_can_be_downloaded(communications_client):
    response = communications_client.get(reverse("people_import_example"))
    assert response.status_code == 200
    assert b"".join(response.streaming_content).startswith(b"id,type,first_name,last_name")
