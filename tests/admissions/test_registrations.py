"""Open-house registration: seats never oversold, the waitlist moving up, the emails with their calendar file,
the cancel link, reminders, the admin's view of each session, and retention."""

import datetime
import io
from datetime import timedelta

import pytest
from django.core import mail
from django.core.management import call_command
from django.test import override_settings
from django.utils import timezone
from icalendar import Calendar

from admissions import seats
from admissions.emails import cancel_url
from admissions.models import Registration
from admissions.tasks import queue_reminders
from programs.models import OpenHouse
from tests.admissions.utils import solved_challenge

pytestmark = pytest.mark.django_db


def future_open_house(apply_page, capacity=2, days_ahead=30, **fields):
    date = timezone.localdate() + timedelta(days=days_ahead)
    return OpenHouse.objects.create(
        page=apply_page,
        title=fields.pop("title", "Virtual open house: meet the residents"),
        date=date,
        start_time=datetime.time(17, 0),
        end_time=datetime.time(18, 30),
        time_zone="America/Los_Angeles",
        capacity=capacity,
        **fields,
    )


def register_data(client, name="Sam Okafor", email="sam@example.com", school="Example School of Medicine"):
    return {
        "name": name,
        "email": email,
        "medical_school": school,
        "website": "",
        "challenge": solved_challenge(client),
    }


def test_registering_gives_a_seat_and_emails_the_event_as_an_ics_file(client, post, site_tree):
    open_house = future_open_house(site_tree.apply, capacity=2)
    url = f"/applicants/open-houses/{open_house.pk}/register/"
    form = client.get(url)
    assert form.status_code == 200
    assert "2 seats left of 2." in form.content.decode()

    response = post(url, register_data(client), HTTP_ORIGIN="http://testserver")
    assert response.status_code == 303
    registration = Registration.objects.get()
    assert registration.status == "confirmed"
    assert registration.medical_school == "Example School of Medicine"
    page = client.get(response["Location"]).content.decode()
    assert "You have a seat" in page
    assert "Cancel my registration" in page

    (email,) = mail.outbox
    assert email.to == ["sam@example.com"]
    assert (
        email.subject
        == f"Your seat: Virtual open house: meet the residents, {open_house.date:%B} {open_house.date.day}"
    )
    assert cancel_url(registration) in email.body
    ((name, content, mimetype),) = email.attachments
    assert name == "virtual-open-house-meet-the-residents.ics"
    assert mimetype == "text/calendar"
    event = Calendar.from_ical(content).walk("VEVENT")[0]
    assert str(event["SUMMARY"]) == "Virtual open house: meet the residents (PCT)"
    assert event.decoded("DTSTART") == datetime.datetime.combine(
        open_house.date, datetime.time(17, 0), tzinfo=open_house.zone
    )


def test_a_full_session_offers_the_waitlist_and_a_cancellation_moves_it_up(client, post, site_tree):
    open_house = future_open_house(site_tree.apply, capacity=1)
    first, _ = seats.register(open_house.pk, "First Person", "first@example.com", "School A")
    second, _ = seats.register(open_house.pk, "Second Person", "second@example.com", "School B")
    third, _ = seats.register(open_house.pk, "Third Person", "third@example.com", "School C")
    assert [first.status, second.status, third.status] == ["confirmed", "waitlisted", "waitlisted"]
    assert (
        "Every seat is taken. Join the waitlist"
        in client.get(f"/applicants/open-houses/{open_house.pk}/register/").content.decode()
    )

    manage_url = cancel_url(first).removeprefix("http://localhost")
    response = post(manage_url, {"action": "cancel"})
    assert response.status_code == 303
    statuses = dict(Registration.objects.values_list("email", "status"))
    assert statuses == {
        "first@example.com": "cancelled",
        "second@example.com": "confirmed",
        "third@example.com": "waitlisted",
    }
    subjects = sorted(email.subject.split(":")[0] for email in mail.outbox)
    assert subjects == ["A seat for you", "Cancelled"]
    seat_email = next(email for email in mail.outbox if email.to == ["second@example.com"])
    assert seat_email.attachments[0][0].endswith(".ics")
    assert "Your registration is cancelled" in client.get(response["Location"]).content.decode()


def test_the_same_address_twice_gets_one_registration_and_the_page_reveals_nothing(client, post, site_tree):
    open_house = future_open_house(site_tree.apply, capacity=5)
    url = f"/applicants/open-houses/{open_house.pk}/register/"
    post(url, register_data(client))
    again = post(url, register_data(client, name="Someone Else", email="SAM@example.com"))
    assert again.status_code == 200
    assert "Check your email" in again.content.decode()
    assert Registration.objects.count() == 1
    assert [email.to for email in mail.outbox] == [["sam@example.com"], ["sam@example.com"]]


def test_no_capacity_or_a_past_session_takes_no_registration(client, post, site_tree):
    closed = future_open_house(site_tree.apply, capacity=0)
    past = future_open_house(site_tree.apply, capacity=5, days_ahead=-2, title="Past session")
    for open_house in (closed, past):
        url = f"/applicants/open-houses/{open_house.pk}/register/"
        assert client.get(url).status_code == 200
        response = post(url, register_data(client))
        assert response.status_code == 200
        assert "<form" not in response.content.decode().split('id="main-content"')[1].split("</main>")[0]
    assert Registration.objects.count() == 0
    assert client.get("/applicants/open-houses/999999/register/").status_code == 404


def test_bots_store_nothing(client, post, site_tree):
    open_house = future_open_house(site_tree.apply, capacity=5)
    url = f"/applicants/open-houses/{open_house.pk}/register/"
    no_challenge = {**register_data(client), "challenge": ""}
    assert post(url, no_challenge).status_code == 400
    honeypot = {**register_data(client), "website": "http://spam.example"}
    assert post(url, honeypot).status_code == 200
    with override_settings(APPLICANT_FORM_LIMIT={"requests": 0, "window": 3600}):
        assert post(url, register_data(client)).status_code == 429
    assert Registration.objects.count() == 0
    assert mail.outbox == []


def test_a_forged_or_unknown_cancel_link_is_not_found(client):
    assert client.get("/applicants/open-houses/registration/not-a-token/").status_code == 404


def test_reminders_go_once_the_day_before_to_confirmed_registrations(site_tree):
    open_house = future_open_house(site_tree.apply, capacity=1, days_ahead=1)
    registered = timezone.now() - timedelta(days=10)
    Registration.objects.create(
        open_house=open_house,
        name="A",
        email="a@example.com",
        medical_school="S",
        status="confirmed",
        registered_at=registered,
    )
    Registration.objects.create(
        open_house=open_house,
        name="B",
        email="b@example.com",
        medical_school="S",
        status="waitlisted",
        registered_at=registered,
    )
    the_day_before = open_house.starts_at - timedelta(hours=20)
    too_early = open_house.starts_at - timedelta(hours=30)

    assert queue_reminders(too_early) == 0
    assert queue_reminders(the_day_before) == 1
    assert queue_reminders(the_day_before) == 0  # claimed: a second run sends nothing
    (reminder,) = mail.outbox
    assert reminder.to == ["a@example.com"]
    assert reminder.subject == "Tomorrow: Virtual open house: meet the residents"
    assert reminder.attachments[0][2] == "text/calendar"


@override_settings(APPLICANT_DATA_RETENTION_DAYS=365)
def test_registrations_older_than_the_retention_period_are_deleted(site_tree):
    open_house = future_open_house(site_tree.apply)
    now = timezone.now()
    for name, age in [("Old", 366), ("Recent", 10)]:
        Registration.objects.create(
            open_house=open_house,
            name=name,
            email=f"{name}@example.com",
            medical_school="S",
            status="confirmed",
            registered_at=now - timedelta(days=age),
        )
    out = io.StringIO()
    call_command("prune_applicant_data", stdout=out)
    assert list(Registration.objects.values_list("name", flat=True)) == ["Recent"]


def test_publishing_a_larger_capacity_gives_seats_to_the_waitlist(django_capture_on_commit_callbacks, site_tree):
    open_house = future_open_house(site_tree.apply, capacity=1)
    seats.register(open_house.pk, "First", "first@example.com", "S")
    seats.register(open_house.pk, "Waiting", "waiting@example.com", "S")
    apply_page = site_tree.apply.specific
    open_house.capacity = 2
    open_house.save()
    with django_capture_on_commit_callbacks(execute=True):
        apply_page.save_revision().publish()
    assert Registration.objects.get(email="waiting@example.com").status == "confirmed"
    assert [email.to for email in mail.outbox] == [["waiting@example.com"]]


# -- the admin ---------------------------------------------------------------------------------------------------


@pytest.fixture
def communications_client(client, db):
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group

    from editorial.roles import ensure_roles

    ensure_roles()
    user = get_user_model().objects.create_user("comms-test", "comms@example.org", "a-long-password-1")
    user.groups.add(Group.objects.get(name="Communications"))
    client.force_login(user)
    return client


def test_communications_see_each_session_email_everyone_and_cancel(
    communications_client, django_capture_on_commit_callbacks, site_tree
):
    open_house = future_open_house(site_tree.apply, capacity=1)
    seated, _ = seats.register(open_house.pk, "Seated Person", "seated@example.com", "School A")
    seats.register(open_house.pk, "Waiting Person", "waiting@example.com", "School B")

    sessions = communications_client.get("/admin/applicants/open-houses/").content.decode()
    assert "Virtual open house: meet the residents" in sessions
    assert "1 of 1" in sessions

    listing = communications_client.get(f"/admin/applicants/registrations/?open_house={open_house.pk}")
    assert listing.status_code == 200
    assert "Seated Person" in listing.content.decode() and "Waiting Person" in listing.content.decode()
    export = communications_client.get(f"/admin/applicants/registrations/?open_house={open_house.pk}&export=csv")
    assert b"seated@example.com" in b"".join(export.streaming_content)

    with django_capture_on_commit_callbacks(execute=True):
        response = communications_client.post(
            f"/admin/applicants/open-houses/{open_house.pk}/email/",
            {"subject": "The link for tomorrow", "message": "Join at https://example.org/meet."},
        )
    assert response.status_code == 302
    assert [(email.to, email.subject) for email in mail.outbox] == [(["seated@example.com"], "The link for tomorrow")]
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        response = communications_client.post(f"/admin/applicants/registrations/{seated.pk}/cancel/")
    assert response.status_code == 302
    assert dict(Registration.objects.values_list("name", "status")) == {
        "Seated Person": "cancelled",
        "Waiting Person": "confirmed",
    }
    assert sorted(email.to[0] for email in mail.outbox) == ["seated@example.com", "waiting@example.com"]
    assert communications_client.get("/admin/applicants/registrations/add/").status_code == 404
