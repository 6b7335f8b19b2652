"""Sign-in throttling (django-axes), its audit trail, the password reset throttle and the password length.

Every sign-in here goes through the admin's real sign-in form, as an attacker's would.
"""

import csv
import io
from datetime import timedelta

import pytest
from axes.models import AccessAttempt, AccessFailureLog
from django.contrib.auth.password_validation import validate_password
from django.core import mail
from django.core.exceptions import ValidationError
from django.db.models import F
from django.test import RequestFactory

from core.client_address import check_trusted_proxy_count, client_ip_address
from tests.core.test_settings import BASE_URL, REAL_KEY, load_settings
from tests.security.utils import PASSWORD, make_user

pytestmark = pytest.mark.django_db

LOGIN_URL = "/admin/login/"
ATTACKER = "203.0.113.7"
ELSEWHERE = "198.51.100.20"
PAUSED = "Too many failed sign-in attempts"


@pytest.fixture(autouse=True)
def axes_on(settings):
    settings.AXES_ENABLED = True


@pytest.fixture
def comms(db):
    return make_user("casey", group="Communications")


def sign_in(client, username, password, address=ATTACKER):
    return client.post(LOGIN_URL, {"username": username, "password": password, "next": "/admin/"}, REMOTE_ADDR=address)


def signed_in(response):
    return response.status_code == 302 and "_auth_user_id" in response.client.session


def fail(client, username, times, address=ATTACKER):
    return [sign_in(client, username, "wrong password", address) for _ in range(times)]


def test_wrong_passwords_are_told_apart_from_a_pause(client, comms):
    response = fail(client, "casey", 1)[0]
    assert response.status_code == 200
    assert PAUSED not in response.content.decode()


def test_after_five_wrong_passwords_the_right_one_is_refused_for_the_cool_off(client, comms):
    responses = fail(client, "casey", 5)
    assert [r.status_code for r in responses] == [200, 200, 200, 200, 429]

    response = sign_in(client, "casey", PASSWORD)

    assert response.status_code == 429
    assert not signed_in(response)
    page = response.content.decode()
    assert "Too many failed sign-in attempts for this account from your network" in page
    assert "paused for 15 minutes" in page
    assert 'class="login-form"' in page  # the admin's own sign-in page, not a bare error


def test_the_pause_ends_after_the_cool_off(client, comms):
    fail(client, "casey", 5)
    AccessAttempt.objects.update(attempt_time=F("attempt_time") - timedelta(minutes=16))
    assert signed_in(sign_in(client, "casey", PASSWORD))


def test_tries_during_the_pause_do_not_extend_it(client, comms):
    fail(client, "casey", 5)
    before = AccessAttempt.objects.get()
    fail(client, "casey", 3)
    after = AccessAttempt.objects.get()
    assert (after.failures_since_start, after.attempt_time) == (before.failures_since_start, before.attempt_time)


def test_another_account_from_the_same_address_is_unaffected(client, comms):
    make_user("grace", group="Faculty")
    fail(client, "casey", 5)
    assert signed_in(sign_in(client, "grace", PASSWORD))


def test_the_same_account_from_another_address_is_unaffected(client, comms):
    """Someone guessing from elsewhere cannot lock the real person out."""
    fail(client, "casey", 5, address=ATTACKER)
    assert signed_in(sign_in(client, "casey", PASSWORD, address=ELSEWHERE))


def test_one_address_guessing_across_accounts_is_paused_for_every_account(client, comms):
    for number in range(20):
        fail(client, f"someone{number}", 1)
    response = sign_in(client, "casey", PASSWORD)
    assert response.status_code == 429
    assert "Too many failed sign-in attempts from your network" in response.content.decode()
    assert signed_in(sign_in(client, "casey", PASSWORD, address=ELSEWHERE))


def test_signing_in_clears_that_accounts_failures_only(client, comms):
    fail(client, "casey", 4)
    fail(client, "someone", 2)
    assert signed_in(sign_in(client, "casey", PASSWORD))
    client.logout()
    assert list(AccessAttempt.objects.values_list("username", flat=True)) == ["someone"]
    assert [r.status_code for r in fail(client, "casey", 4)] == [200] * 4


@pytest.mark.parametrize("module", ["portal.settings.production", "portal.settings.dev", "portal.settings.test"])
def test_no_proxy_is_trusted_unless_the_deployment_says_so(module):
    assert load_settings(module, SECRET_KEY=REAL_KEY, WAGTAILADMIN_BASE_URL=BASE_URL)["TRUSTED_PROXY_COUNT"] == 0
    production = load_settings(
        "portal.settings.production", SECRET_KEY=REAL_KEY, WAGTAILADMIN_BASE_URL=BASE_URL, TRUSTED_PROXY_COUNT="2"
    )
    assert production["TRUSTED_PROXY_COUNT"] == 2


def test_rotating_x_forwarded_for_does_not_escape_the_pause_under_production_defaults(client, comms, settings):
    """A client that reaches gunicorn directly writes its own X-Forwarded-For: under the production defaults
    30 wrong guesses, each with a new forged address, still pause the account and the address."""
    production = load_settings("portal.settings.production", SECRET_KEY=REAL_KEY, WAGTAILADMIN_BASE_URL=BASE_URL)
    settings.TRUSTED_PROXY_COUNT = production["TRUSTED_PROXY_COUNT"]

    for number in range(30):
        client.post(
            LOGIN_URL,
            {"username": "casey", "password": f"guess {number}", "next": "/admin/"},
            REMOTE_ADDR=ATTACKER,
            HTTP_X_FORWARDED_FOR=f"10.{number}.{number}.{number}",
        )
    response = client.post(
        LOGIN_URL,
        {"username": "casey", "password": PASSWORD, "next": "/admin/"},
        REMOTE_ADDR=ATTACKER,
        HTTP_X_FORWARDED_FOR="10.99.99.99",
    )

    assert response.status_code == 429
    assert not signed_in(response)


def test_the_deploy_check_warns_when_requests_disagree_with_the_proxy_count(settings):
    factory = RequestFactory()
    settings.TRUSTED_PROXY_COUNT = 0
    assert check_trusted_proxy_count() == []
    client_ip_address(factory.get("/", REMOTE_ADDR="10.0.0.1"))
    assert check_trusted_proxy_count() == []  # no header, no proxy: as configured

    client_ip_address(factory.get("/", REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="203.0.113.7"))
    warnings = check_trusted_proxy_count()
    assert [warning.id for warning in warnings] == ["core.W001"]
    assert "X-Forwarded-For but TRUSTED_PROXY_COUNT is 0" in warnings[0].msg

    settings.TRUSTED_PROXY_COUNT = 1  # the count was fixed: the old observation no longer applies
    assert check_trusted_proxy_count() == []
    client_ip_address(factory.get("/", REMOTE_ADDR="203.0.113.7"))  # straight to the app, past the proxy
    assert [warning.id for warning in check_trusted_proxy_count()] == ["core.W002"]


def test_the_client_address_trusts_only_the_configured_proxies(settings):
    request = RequestFactory().get("/", REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="6.6.6.6, 203.0.113.7")
    settings.TRUSTED_PROXY_COUNT = 0
    assert client_ip_address(request) == "10.0.0.1"  # no proxy: a forged header is ignored
    settings.TRUSTED_PROXY_COUNT = 1
    assert client_ip_address(request) == "203.0.113.7"  # what our proxy saw, not what the client wrote


# -- The audit trail ------------------------------------------------------------------------------------


def test_communications_sees_the_failed_sign_ins_and_the_pauses(client, comms):
    fail(client, "casey", 5)
    fail(client, "nobody", 1, address=ELSEWHERE)
    assert AccessFailureLog.objects.count() == 6
    client.force_login(comms)

    response = client.get("/admin/reports/sign-in-attempts/")

    assert response.status_code == 200
    page = response.content.decode()
    assert "Paused now" in page and "Account from one address" in page
    assert ATTACKER in page and ELSEWHERE in page and "nobody" in page
    menu = client.get("/admin/").content.decode()
    assert "/admin/reports/sign-in-attempts/" in menu


def test_the_audit_trail_exports_as_safe_csv(client, comms):
    fail(client, "=HYPERLINK(1)", 1)
    client.force_login(comms)
    response = client.get("/admin/reports/sign-in-attempts/", {"export": "csv"})
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert rows[0][:3] == ["Time", "Username tried", "Network address"]
    assert rows[1][1] == "'=HYPERLINK(1)"


def test_faculty_cannot_see_the_audit_trail(client):
    client.force_login(make_user("grace", group="Faculty"))
    response = client.get("/admin/reports/sign-in-attempts/")
    assert response.status_code in (302, 403)
    assert "Sign-in attempts" not in client.get("/admin/").content.decode()


# -- Password reset and password length ----------------------------------------------------------------


def request_reset(client, email, address=ATTACKER):
    return client.post("/admin/password_reset/", {"email": email}, REMOTE_ADDR=address)


def test_password_reset_emails_are_limited_per_address_and_account(client, comms):
    responses = [request_reset(client, "casey@example.org") for _ in range(4)]
    assert len(mail.outbox) == 3
    assert [r.status_code for r in responses] == [302] * 3 + [429]
    assert "Too many password reset requests" in responses[-1].content.decode()


def test_strangers_cannot_stop_the_owners_own_reset_email(client, comms):
    """Strangers asking for casey's reset, from several addresses and as often as they may, do not stop the
    email casey asks for from her own address."""
    for number in range(6):
        for _ in range(4):
            request_reset(client, "casey@example.org", address=f"192.0.2.{number}")
    sent_to_strangers = len(mail.outbox)

    response = request_reset(client, "casey@example.org", address=ELSEWHERE)

    assert response.status_code == 302
    assert len(mail.outbox) == sent_to_strangers + 1
    assert mail.outbox[-1].to == ["casey@example.org"]


def test_password_reset_requests_are_limited_per_address(client, comms):
    responses = [request_reset(client, f"person{n}@example.org") for n in range(6)]
    assert [r.status_code for r in responses] == [302] * 5 + [429]
    # The address is paused for everyone's email, including a real one.
    assert request_reset(client, "casey@example.org").status_code == 429
    assert mail.outbox == []
    assert request_reset(client, "casey@example.org", address=ELSEWHERE).status_code == 302
    assert len(mail.outbox) == 1


def test_passwords_need_twelve_characters():
    with pytest.raises(ValidationError, match="at least 12 characters"):
        validate_password("Shorter#9pw")
    validate_password("twelve chars of passphrase")
