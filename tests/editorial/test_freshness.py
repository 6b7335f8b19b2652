"""The content freshness report: its findings, its admin page, who may see it, and its query count."""

import datetime

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.db import connection
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from core.factories import CustomImageFactory
from editorial import freshness
from editorial.roles import COMMUNICATIONS_GROUP, FACULTY_GROUP
from editorial.wagtail_hooks import register_content_freshness_menu_item
from people.factories import FacultyPageFactory, ResidentPageFactory
from people.models import FacultyPage
from programs.models import ApplyTimelineEvent, OpenHouse
from tests.utils import is_refused

REPORT_URL = "/admin/reports/content-freshness/"
TODAY = datetime.date.today()
DAY = datetime.timedelta(days=1)

pytestmark = pytest.mark.django_db


@pytest.fixture
def tree(site_tree, db):
    return site_tree


def make_user(username, group_name):
    user = get_user_model().objects.create_user(username, f"{username}@example.org", "pw")
    if group_name:
        user.groups.add(Group.objects.get(name=group_name))
    return user


@pytest.fixture
def comms_user(db):
    return make_user("comms", COMMUNICATIONS_GROUP)


@pytest.fixture
def faculty_user(db):
    return make_user("faculty", FACULTY_GROUP)


def faculty(tree, name, **fields):
    first, last = name.split()
    return FacultyPageFactory(parent=tree.faculty_index, first_name=first, last_name=last, **fields)


def titles(findings):
    return {finding.title for finding in findings}


def add_event(apply_page, title, start, end=None):
    return ApplyTimelineEvent.objects.create(page=apply_page, title=title, date=start, end_date=end, sort_order=99)


# -- Findings ----------------------------------------------------------------------------------


def test_the_standard_tree_has_no_profile_problems(tree):
    profiles = freshness.load_profiles()
    assert {p.page.pk for p in profiles} >= {tree.director.pk, tree.preceptor.pk, tree.resident.pk, tree.graduate.pk}
    for check in (
        freshness.people_without_photo,
        freshness.photos_without_alt_text,
        freshness.people_without_bio,
        freshness.stale_profiles,
    ):
        assert check(profiles) == []


def test_people_without_photo(tree):
    missing = faculty(tree, "Nora Nophoto", photo=None)
    resident = ResidentPageFactory(parent=tree.residents_index, first_name="Ray", last_name="Nophoto", photo=None)

    findings = freshness.people_without_photo()

    assert titles(findings) == {missing.title, resident.title}
    finding = next(f for f in findings if f.item == missing)
    assert finding.problem == "No photo"
    assert finding.kind == freshness.Problem.NO_PHOTO
    assert finding.edit_url == reverse("wagtailadmin_pages:edit", args=[missing.pk])
    assert finding.context == "Faculty"
    assert finding.page_type == "Faculty profile"


def test_graduates_are_included_and_marked(tree):
    graduate = ResidentPageFactory(
        parent=tree.residents_index, first_name="Gus", last_name="Graduate", graduation_year=2019, photo=None
    )
    resident = ResidentPageFactory(
        parent=tree.residents_index, first_name="Rhea", last_name="Current", graduation_year=2099, photo=None
    )

    by_title = {f.title: f for f in freshness.people_without_photo()}

    assert by_title[graduate.title].context == "Graduate, class of 2019"
    assert by_title[resident.title].context == "Resident, class of 2099"


def test_photos_without_alt_text(tree):
    empty = faculty(tree, "Alma Empty", photo=CustomImageFactory(title="Empty alt", alt_text=""))
    blank = faculty(tree, "Bea Blank", photo=CustomImageFactory(title="Blank alt", alt_text="   "))
    faculty(tree, "Dee Described", photo=CustomImageFactory(alt_text="Dee smiling in clinic"))

    findings = freshness.photos_without_alt_text()

    assert titles(findings) == {empty.title, blank.title}
    assert {f.problem for f in findings} == {"Photo has no alt text"}
    assert next(f for f in findings if f.item == empty).detail == "Image: Empty alt"


@pytest.mark.parametrize("bio", ["", "   ", "<p></p>", "<p><br/></p>", "<p> &nbsp; </p>", "<p><b> </b></p>\n<p></p>"])
def test_people_without_bio(tree, bio):
    empty = faculty(tree, "Ezra Emptybio", bio=bio)

    findings = freshness.people_without_bio()

    assert titles(findings) == {empty.title}
    assert findings[0].problem == "No bio"


def test_a_one_word_bio_is_a_bio(tree):
    faculty(tree, "Wes Word", bio="<p><i>Internist.</i></p>")
    assert freshness.people_without_bio() == []


def test_stale_profiles(tree):
    now = timezone.now()
    old = faculty(tree, "Olga Old")
    old_draft = faculty(tree, "Otto Olddraft")
    recent_edit = faculty(tree, "Rosa Recentedit")
    recent = faculty(tree, "Remy Recent")
    faculty(tree, "Nils Nodates")  # created in code: Wagtail has no date for it, so it is not reported
    FacultyPage.objects.filter(pk=old.pk).update(
        last_published_at=now - datetime.timedelta(days=400),
        latest_revision_created_at=now - datetime.timedelta(days=500),
    )
    FacultyPage.objects.filter(pk=old_draft.pk).update(latest_revision_created_at=now - datetime.timedelta(days=366))
    FacultyPage.objects.filter(pk=recent_edit.pk).update(
        last_published_at=now - datetime.timedelta(days=800),
        latest_revision_created_at=now - datetime.timedelta(days=10),
    )
    FacultyPage.objects.filter(pk=recent.pk).update(last_published_at=now - datetime.timedelta(days=364))

    findings = freshness.stale_profiles()

    assert [f.title for f in findings] == [old.title, old_draft.title]  # oldest first (400, then 366 days)
    assert findings[0].problem == "Not updated in the last 12 months"
    assert findings[1].detail.startswith("Last updated ")


def test_a_draft_is_judged_by_its_latest_revision(tree):
    """The report shows what the editor will find in the page editor."""
    loses_photo = faculty(tree, "Lou Losesphoto")
    loses_photo.photo = None
    loses_photo.bio = "<p></p>"
    loses_photo.save_revision()

    gains_photo = faculty(tree, "Gia Gainsphoto", photo=None, bio="")
    gains_photo.photo = CustomImageFactory(alt_text="")
    gains_photo.bio = "<p>Gia is a fictional internist.</p>"
    gains_photo.save_revision()

    never_live = faculty(tree, "Dana Draftonly", photo=None, live=False)

    profiles = freshness.load_profiles()
    assert titles(freshness.people_without_photo(profiles)) == {loses_photo.title, never_live.title}
    assert titles(freshness.people_without_bio(profiles)) == {loses_photo.title}
    assert titles(freshness.photos_without_alt_text(profiles)) == {gains_photo.title}
    statuses = {f.title: f.status for f in freshness.people_without_photo(profiles)}
    assert statuses == {loses_photo.title: "Live, with unpublished changes", never_live.title: "Draft"}


def test_past_timeline_events(tree):
    past = add_event(tree.apply, "Past deadline", TODAY - 30 * DAY)
    add_event(tree.apply, "Future interview day", TODAY + 30 * DAY)
    add_event(tree.apply, "Season still running", TODAY - 60 * DAY, TODAY + 5 * DAY)
    ended = add_event(tree.apply, "Season that ended", TODAY - 90 * DAY, TODAY - DAY)
    add_event(tree.apply, "Happening today", TODAY)

    findings = [f for f in freshness.past_timeline_events() if f.title.startswith(("Past", "Future", "Season", "Happ"))]

    assert [f.title for f in findings] == [past.title, ended.title]  # by the day they were over, oldest first
    assert {f.problem for f in findings} == {"Timeline date has passed"}
    finding = findings[0]
    assert finding.item == past
    assert finding.page == tree.apply
    assert finding.context == f"{tree.track.title}: {tree.apply.title}"
    assert finding.edit_url == reverse("wagtailadmin_pages:edit", args=[tree.apply.pk])
    assert finding.detail.startswith("Was on ")
    assert findings[1].detail.startswith("Ended ")


def test_timeline_events_are_judged_as_of_a_given_day(tree):
    add_event(tree.apply, "Match day", datetime.date(2030, 3, 20))
    assert "Match day" not in titles(freshness.past_timeline_events(today=datetime.date(2030, 3, 20)))
    assert "Match day" in titles(freshness.past_timeline_events(today=datetime.date(2030, 3, 21)))


def test_a_draft_timeline_is_judged_by_its_latest_revision(tree):
    apply_page = tree.apply.specific
    add_event(apply_page, "Removed in the draft", TODAY - 10 * DAY)
    apply_page.refresh_from_db()
    apply_page.timeline = [
        ApplyTimelineEvent(title="Draft past date", date=TODAY - 3 * DAY),
        ApplyTimelineEvent(title="Draft future date", date=TODAY + 3 * DAY),
    ]
    apply_page.save_revision()

    found = titles(freshness.past_timeline_events())

    assert "Draft past date" in found
    assert "Draft future date" not in found
    assert "Removed in the draft" not in found


def test_all_findings_are_grouped_in_problem_order(tree):
    faculty(tree, "Pat Problems", photo=None, bio="")
    add_event(tree.apply, "Past deadline", TODAY - DAY)

    groups = freshness.group_findings(freshness.all_findings())

    assert [g["problem"] for g in groups] == [
        "No photo",
        "Photo has no alt text",
        "No bio",
        "Not updated in the last 12 months",
        "Timeline date has passed",
        "Open house has passed",
    ]
    counts = {g["kind"]: g["count"] for g in groups}
    assert counts["no_photo"] == 1
    assert counts["no_bio"] == 1
    assert counts["past_date"] >= 1


def add_open_house(apply_page, title, day):
    return OpenHouse.objects.create(
        page=apply_page, title=title, date=day, start_time=datetime.time(17), end_time=datetime.time(18), sort_order=99
    )


def test_an_open_house_whose_day_has_passed_is_flagged(tree):
    past = add_open_house(tree.apply, "Virtual open house in August", TODAY - 10 * DAY)
    add_open_house(tree.apply, "Open house tomorrow", TODAY + DAY)
    add_open_house(tree.apply, "Open house today", TODAY)

    findings = freshness.past_open_houses()

    assert [f.title for f in findings] == ["Virtual open house in August"]
    (finding,) = findings
    assert finding.problem == "Open house has passed"
    assert finding.item == past
    assert finding.context == f"{tree.track.title}: {tree.apply.title}"
    day = TODAY - 10 * DAY
    assert finding.detail == f"Was on {day.day} {day.strftime('%B')} {day.year}"
    assert finding.edit_url == reverse("wagtailadmin_pages:edit", args=[tree.apply.pk])


def test_a_past_open_house_in_a_waiting_draft_is_flagged_from_the_draft(tree):
    apply_page = tree.apply.specific
    apply_page.refresh_from_db()
    apply_page.open_houses = [
        OpenHouse(
            title="Draft-only session that passed",
            date=TODAY - 3 * DAY,
            start_time=datetime.time(9),
            end_time=datetime.time(10),
        )
    ]
    apply_page.save_revision()

    assert [f.title for f in freshness.past_open_houses()] == ["Draft-only session that passed"]


def test_the_report_lists_past_open_houses(tree, client, comms_user):
    add_open_house(tree.apply, "Clinic tour that happened", TODAY - 5 * DAY)
    client.force_login(comms_user)
    html = client.get(reverse("editorial_content_freshness")).content.decode()
    assert "Open house has passed (1)" in html
    assert "Clinic tour that happened" in html


# -- Queries -----------------------------------------------------------------------------------


def add_people(tree, count, start=0):
    """`count` profiles covering every problem, including drafts (so every query the report can run, runs)."""
    now = timezone.now()
    for index in range(start, start + count):
        kind = (index + 4) % 5  # the first of every batch is a draft, so the draft queries run in both
        page = faculty(
            tree,
            f"Person{index} Test{index}",
            photo=None if kind == 0 else CustomImageFactory(alt_text="" if kind == 1 else "A portrait"),
            bio="" if kind == 2 else "<p>A fictional person.</p>",
        )
        if kind == 3:
            FacultyPage.objects.filter(pk=page.pk).update(latest_revision_created_at=now - datetime.timedelta(days=400))
        if kind == 4:
            page.photo = CustomImageFactory(alt_text="")
            page.save_revision()
        ResidentPageFactory(
            parent=tree.residents_index,
            first_name=f"Res{index}",
            last_name=f"Ident{index}",
            graduation_year=2019 if index % 2 else 2099,
            photo=None,
        )
        add_event(tree.apply, f"Past event {index}", TODAY - (index + 1) * DAY)


def test_findings_cost_a_constant_number_of_queries(tree):
    add_people(tree, 3)
    with CaptureQueriesContext(connection) as few:
        few_findings = freshness.all_findings()

    add_people(tree, 27, start=3)
    with CaptureQueriesContext(connection) as many:
        many_findings = freshness.all_findings()

    assert len(many_findings) > len(few_findings) * 5
    assert len(few) == len(many) <= 9


def test_report_costs_a_constant_number_of_queries(tree, client, comms_user):
    client.force_login(comms_user)

    def measure():
        client.get(REPORT_URL)  # warm per-request caches (site root paths, content types, user profile)
        with CaptureQueriesContext(connection) as queries:
            response = client.get(REPORT_URL)
        assert response.status_code == 200
        return len(queries), response.content.decode()

    add_people(tree, 3)
    few, few_html = measure()
    add_people(tree, 27, start=3)
    many, many_html = measure()

    assert "Person29 Test29" in many_html and "Person29 Test29" not in few_html
    assert few == many


# -- The admin report --------------------------------------------------------------------------


def test_report_lists_the_findings_for_communications(tree, client, comms_user):
    missing = faculty(tree, "Nora Nophoto", photo=None)
    add_event(tree.apply, "Past deadline", TODAY - DAY)
    client.force_login(comms_user)

    response = client.get(REPORT_URL)

    assert response.status_code == 200
    html = response.content.decode()
    assert "Content freshness" in html
    assert "No photo (1)" in html
    assert f'href="{reverse("wagtailadmin_pages:edit", args=[missing.pk])}"' in html
    assert missing.title in html
    assert "Past deadline" in html
    assert f'href="{reverse("wagtailadmin_pages:edit", args=[tree.apply.pk])}"' in html


def test_report_says_when_there_is_nothing_to_fix(tree, client, comms_user):
    ApplyTimelineEvent.objects.all().delete()
    client.force_login(comms_user)

    response = client.get(REPORT_URL)

    assert response.status_code == 200
    assert "Nothing to fix" in response.content.decode()


def test_report_exports_csv(tree, client, comms_user):
    missing = faculty(tree, "Nora Nophoto", photo=None)
    client.force_login(comms_user)

    response = client.get(REPORT_URL, {"export": "csv"})

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    body = b"".join(response.streaming_content).decode()
    assert body.splitlines()[0] == "Problem,Item,Where,Details,Page,Page type,Status,Edit link"
    assert f"No photo,{missing.title},Faculty" in body
    assert f"http://testserver{reverse('wagtailadmin_pages:edit', args=[missing.pk])}" in body


def test_report_exports_xlsx(tree, client, comms_user):
    client.force_login(comms_user)
    response = client.get(REPORT_URL, {"export": "xlsx"})
    assert response.status_code == 200
    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def test_faculty_get_403(tree, client, faculty_user):
    client.force_login(faculty_user)
    assert is_refused(client.get(REPORT_URL))
    assert is_refused(client.get(REPORT_URL, {"export": "csv"}))
    # The view refuses by its own check too, for an admin user who is not confined to My profile.
    other = make_user("editor", None)
    other.user_permissions.add(Permission.objects.get(codename="access_admin"))
    client.force_login(other)
    response = client.get(REPORT_URL)
    assert response.status_code == 403
    assert "permission" in response.content.decode()


def test_anonymous_users_are_sent_to_login(tree, client):
    response = client.get(REPORT_URL)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("wagtailadmin_login"))


def test_menu_item_is_shown_only_with_the_permission(tree, comms_user, faculty_user):
    item = register_content_freshness_menu_item()
    request = RequestFactory().get("/admin/")
    request.user = comms_user
    assert item.url == REPORT_URL
    assert item.is_shown(request)
    request.user = faculty_user
    assert not item.is_shown(request)


def test_reports_menu_links_the_report_for_communications_only(tree, client, comms_user, faculty_user):
    client.force_login(comms_user)
    assert REPORT_URL in client.get(reverse("wagtailadmin_home")).content.decode()
    client.force_login(faculty_user)
    assert REPORT_URL not in client.get(reverse("wagtailadmin_home")).content.decode()
