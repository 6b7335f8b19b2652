"""The questions form: what a person's question becomes (a row, two emails), and what a bot's becomes (nothing)."""

import csv
import io
from datetime import timedelta

import pytest
from django.core import mail
from django.core.management import call_command
from django.test import override_settings
from django.utils import timezone

from admissions.models import Question
from tests.admissions.utils import question_data, solved_challenge

pytestmark = pytest.mark.django_db

ASK_URL = "/applicants/questions/"


def test_a_question_from_the_track_page_is_stored_filed_under_the_track_and_emailed(client, post, site_tree):
    track = site_tree.track
    response = post(ASK_URL, question_data(client, page=track), HTTP_ORIGIN="http://testserver")

    assert response.status_code == 303
    assert response["Location"] == f"/applicants/questions/thanks/?page={track.pk}"
    question = Question.objects.get()
    assert question.name == "Alex Rivera"
    assert question.email == "alex.rivera@example.com"
    assert question.applicant_kind == "medical_student"
    assert question.program_id == track.pk
    assert question.asked_on_id == track.pk
    assert question.answered is False

    notification, acknowledgement = mail.outbox
    assert notification.to == ["residency@example.org"]
    assert notification.reply_to == ["alex.rivera@example.com"]
    assert notification.subject == "Question from Alex Rivera (Primary Care Track)"
    assert "Do residents choose their continuity clinic, and when?" in notification.body
    assert f"/admin/applicants/questions/edit/{question.pk}/" in notification.body
    assert acknowledgement.to == ["alex.rivera@example.com"]
    assert acknowledgement.reply_to == ["residency@example.org"]
    assert acknowledgement.subject == "We have your question about the Primary Care Track"
    assert "Do residents choose their continuity clinic, and when?" in acknowledgement.body
    html = acknowledgement.alternatives[0][0]
    assert "We have your question" in html

    thanks = client.get(response["Location"])
    assert thanks.status_code == 200
    assert "Thank you: your question is on its way" in thanks.content.decode()
    assert f'href="{track.url}"' in thanks.content.decode()


def test_the_optional_choice_may_be_left_out(client, post, site_tree):
    data = question_data(client, applicant_kind="")
    response = post(ASK_URL, data)
    assert response.status_code == 303
    assert Question.objects.get().applicant_kind == ""
    assert Question.objects.get().program is None


def test_the_track_page_shows_the_form_without_a_csrf_token_so_it_stays_cacheable(client, post, site_tree):
    html = client.get(site_tree.track.url).content.decode()
    assert 'action="/applicants/questions/"' in html
    assert "<altcha-widget" in html
    assert 'challenge="/altcha/challenge/"' in html
    assert "csrfmiddlewaretoken" not in html
    # Without JavaScript the form stays hidden and the email address is offered instead.
    assert 'data-applicant-form data-fallback="question-form-fallback" hidden' in html
    assert 'To ask a question, email the program office at <a href="mailto:residency@example.org">' in html


# -- bots ------------------------------------------------------------------------------------------------------


def test_a_post_without_the_challenge_stores_nothing_and_says_why(client, post, site_tree):
    data = question_data(client, challenge="")
    response = post(ASK_URL, data)
    assert response.status_code == 400
    assert Question.objects.count() == 0
    assert mail.outbox == []
    assert "We could not confirm that a person sent this form" in response.content.decode()
    assert "mailto:residency@example.org" in response.content.decode()


@pytest.mark.parametrize(
    "payload",
    ["not base64 at all", "eyJhIjogMX0=", "eyJjaGFsbGVuZ2UiOiB7fSwgInNvbHV0aW9uIjoge319", "\x00" * 40, "A" * 20_000],
)
def test_forged_challenge_payloads_store_nothing_and_never_fail_the_server(client, post, site_tree, payload):
    response = post(ASK_URL, question_data(client, challenge=payload))
    assert response.status_code == 400
    assert Question.objects.count() == 0


def test_a_solved_challenge_is_accepted_once(client, post, site_tree):
    data = question_data(client)
    assert post(ASK_URL, data).status_code == 303
    replay = post(ASK_URL, {**data, "question": "A second question on the same proof of work."})
    assert replay.status_code == 400
    assert Question.objects.count() == 1


def test_a_filled_honeypot_stores_nothing_but_looks_like_success(client, post, site_tree):
    response = post(ASK_URL, question_data(client, website="https://spam.example"))
    assert response.status_code == 303
    assert response["Location"] == "/applicants/questions/thanks/"
    assert Question.objects.count() == 0
    assert mail.outbox == []


@override_settings(APPLICANT_FORM_LIMIT={"requests": 3, "window": 3600})
def test_one_address_over_the_limit_stores_nothing_more(client, post, site_tree):
    for number in range(3):
        data = question_data(client, question=f"Question number {number}")
        assert post(ASK_URL, data, REMOTE_ADDR="203.0.113.7").status_code == 303
    over = post(ASK_URL, question_data(client, question="One too many"), REMOTE_ADDR="203.0.113.7")
    assert over.status_code == 429
    assert "this form is paused for a while" in over.content.decode()
    assert "mailto:residency@example.org" in over.content.decode()
    other_address = post(ASK_URL, question_data(client, question="From elsewhere"), REMOTE_ADDR="198.51.100.2")
    assert other_address.status_code == 303
    assert sorted(Question.objects.values_list("question", flat=True)) == [
        "From elsewhere",
        "Question number 0",
        "Question number 1",
        "Question number 2",
    ]


def test_a_post_from_another_site_is_refused(client, post, site_tree):
    response = post(ASK_URL, question_data(client), HTTP_ORIGIN="https://evil.example")
    assert response.status_code == 403
    response = post(ASK_URL, question_data(client), HTTP_SEC_FETCH_SITE="cross-site")
    assert response.status_code == 403
    assert Question.objects.count() == 0


@pytest.mark.parametrize(
    "fields, field_in_error",
    [
        ({"name": ""}, "name"),
        ({"email": "not an email"}, "email"),
        ({"question": ""}, "question"),
        ({"question": "x" * 3001}, "question"),
        ({"name": "Nul\x00byte"}, "name"),
        ({"applicant_kind": "robot"}, "applicant_kind"),
    ],
)
def test_bad_input_gets_a_message_and_stores_nothing(client, post, site_tree, fields, field_in_error):
    response = post(ASK_URL, question_data(client, **fields))
    assert response.status_code == 400
    assert field_in_error in response.context["form"].errors
    assert Question.objects.count() == 0


def test_an_unknown_page_id_is_ignored(client, post, site_tree):
    response = post(ASK_URL, question_data(client, page="999999"))
    assert response.status_code == 303
    assert response["Location"] == "/applicants/questions/thanks/"
    assert Question.objects.get().asked_on is None


def test_the_challenge_endpoint_is_never_cached(client, post, db):
    response = client.get("/altcha/challenge/")
    assert response["Cache-Control"] == "no-store"
    assert solved_challenge(client)


# -- retention --------------------------------------------------------------------------------------------------


@override_settings(APPLICANT_DATA_RETENTION_DAYS=365)
def test_questions_older_than_the_retention_period_are_deleted(db):
    now = timezone.now()
    Question.objects.create(name="Old", email="old@example.com", question="?", received_at=now - timedelta(days=366))
    Question.objects.create(name="Recent", email="new@example.com", question="?", received_at=now - timedelta(days=364))
    out = io.StringIO()
    call_command("prune_applicant_data", stdout=out)
    assert list(Question.objects.values_list("name", flat=True)) == ["Recent"]
    assert out.getvalue() == "Deleted 1 question(s) and 0 registration(s) older than 365 days.\n"


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


def test_communications_find_a_question_mark_it_answered_and_export_safely(communications_client):
    question = Question.objects.create(
        name='=HYPERLINK("http://evil.example","Click")', email="x@example.com", question="When is the deadline?"
    )
    Question.objects.create(name="Someone Else", email="y@example.com", question="Visas?")

    listing = communications_client.get("/admin/applicants/questions/?q=deadline")
    assert listing.status_code == 200
    assert "Someone Else" not in listing.content.decode()  # searched by the question's text: only the one match
    assert "x@example.com" in listing.content.decode()

    edit_url = f"/admin/applicants/questions/edit/{question.pk}/"
    form = communications_client.get(edit_url)
    assert form.status_code == 200
    assert "When is the deadline?" in form.content.decode()
    response = communications_client.post(
        edit_url, {"name": "tampered", "question": "tampered", "answered": "on", "note": "Replied by phone."}
    )
    assert response.status_code == 302
    question.refresh_from_db()
    assert question.answered is True
    assert question.answered_at is not None
    assert question.note == "Replied by phone."
    assert question.name == '=HYPERLINK("http://evil.example","Click")'  # what the applicant sent stays as sent
    assert question.question == "When is the deadline?"

    export = communications_client.get("/admin/applicants/questions/?export=csv")
    rows = list(csv.reader(io.StringIO(b"".join(export.streaming_content).decode())))
    names = {row[1] for row in rows[1:]}
    assert '\'=HYPERLINK("http://evil.example","Click")' in names
    xlsx = communications_client.get("/admin/applicants/questions/?export=xlsx")
    assert xlsx.status_code == 200


def test_nobody_can_add_a_question_in_the_admin(communications_client):
    assert communications_client.get("/admin/applicants/questions/add/").status_code == 404
