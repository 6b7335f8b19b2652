"""Two-step verification: required for Communications and superusers, optional for Faculty, with recovery
codes and an administrator's reset. Sign-ins go through the admin's real forms."""

import base64
import io
import re
import time
from datetime import timedelta

import pytest
from django.conf import settings as django_settings
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db.models import F
from django.urls import reverse
from django_otp.oath import TOTP
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice
from wagtail.models import ModelLogEntry

from accounts.two_factor import has_two_factor
from tests.core.test_settings import BASE_URL, REAL_KEY, load_settings
from tests.security.utils import PASSWORD, make_user

pytestmark = [pytest.mark.django_db, pytest.mark.real_two_factor]

SETUP_URL = "/admin/two-factor/setup/"
VERIFY_URL = "/admin/two-factor/verify/"
# A spread of the admin: pages, images, documents, snippets, settings, users, reports, the account, the API.
ADMIN_URLS = [
    "/admin/",
    "/admin/pages/",
    "/admin/pages/2/",
    "/admin/images/",
    "/admin/images/multiple/add/",
    "/admin/documents/",
    "/admin/snippets/",
    "/admin/users/",
    "/admin/account/",
    "/admin/reports/locked/",
    "/admin/reports/content-freshness/",
    "/admin/reports/sign-in-attempts/",
    "/admin/api/main/pages/",
    "/admin/two-factor/",
    "/admin/two-factor/recovery-codes/",
]


def sign_in(client, username):
    response = client.post("/admin/login/", {"username": username, "password": PASSWORD, "next": "/admin/"})
    assert response.status_code == 302, "the password was refused"
    return response


def code_for(device, steps_ahead=0):
    """The code the person's app shows now (or `steps_ahead` periods later: a code is accepted only once)."""
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = time.time() + steps_ahead * device.step
    return f"{totp.token():0{device.digits}d}"


def enrol(client, username):
    """Sign in for the first time and set up the authenticator app, as the screens ask; returns the device."""
    sign_in(client, username)
    page = client.get(SETUP_URL).content.decode()
    assert "<svg" in page  # the QR code, drawn on the page
    key = re.search(r"<code>([A-Z2-7 ]+)</code>", page).group(1)
    device = TOTPDevice.objects.get(user__username=username, confirmed=False)
    assert key.replace(" ", "") == base64.b32encode(device.bin_key).decode().rstrip("=")
    response = client.post(SETUP_URL, {"code": code_for(device), "next": "/admin/"})
    assert response.status_code == 302 and response.url.startswith("/admin/two-factor/recovery-codes/")
    device.refresh_from_db()
    assert device.confirmed
    return device


@pytest.fixture
def comms(db):
    return make_user("casey", group="Communications")


@pytest.fixture
def faculty(db):
    return make_user("grace", group="Faculty")


def test_communications_reach_no_admin_page_with_the_password_alone(client, comms):
    sign_in(client, "casey")
    for url in ADMIN_URLS:
        response = client.get(url)
        assert response.status_code == 302, url
        assert response.url.startswith(SETUP_URL), (url, response.url)
    response = client.post("/admin/images/multiple/add/", {})
    assert response.status_code == 302 and response.url.startswith(SETUP_URL)


def test_superusers_reach_no_admin_page_with_the_password_alone(client):
    get_user_model().objects.create_superuser("root", "root@example.org", PASSWORD)
    sign_in(client, "root")
    for url in ADMIN_URLS:
        assert client.get(url).url.startswith(SETUP_URL), url


def test_enrolment_on_first_sign_in_then_the_admin_opens(client, comms):
    enrol(client, "casey")
    codes = client.get("/admin/two-factor/recovery-codes/").content.decode()
    assert len(re.findall(r"<li><code>[a-z0-9]+</code></li>", codes)) == 10
    assert client.get("/admin/").status_code == 200
    assert client.get("/admin/pages/").status_code == 200


def test_a_wrong_code_does_not_set_it_up(client, comms):
    sign_in(client, "casey")
    client.get(SETUP_URL)
    response = client.post(SETUP_URL, {"code": "000000"})
    assert response.status_code == 200
    assert "That code is not right" in response.content.decode()
    assert not has_two_factor(comms)
    assert client.get("/admin/").url.startswith(SETUP_URL)


def test_later_sign_ins_ask_for_a_code(client, comms):
    device = enrol(client, "casey")
    client.logout()

    sign_in(client, "casey")
    for url in ADMIN_URLS:
        assert client.get(url).url.startswith(VERIFY_URL), url
    # Replacing the authenticator needs the current one: the password alone is not enough.
    assert client.get(SETUP_URL).url.startswith(VERIFY_URL)

    wrong = client.post(VERIFY_URL, {"code": "123456"})
    assert "That code is not right" in wrong.content.decode()
    # Right after a wrong code, even the right one must wait (django-otp's throttle), then it works.
    throttled = client.post(VERIFY_URL, {"code": code_for(device, steps_ahead=1)})
    assert "Too many wrong codes" in throttled.content.decode()
    TOTPDevice.objects.update(throttling_failure_timestamp=F("throttling_failure_timestamp") - timedelta(seconds=2))
    response = client.post(VERIFY_URL, {"code": code_for(device, steps_ahead=1), "next": "/admin/pages/"})
    assert response.status_code == 302 and response.url == "/admin/pages/"
    assert client.get("/admin/").status_code == 200


def test_a_recovery_code_signs_in_once(client, comms):
    enrol(client, "casey")
    code = StaticDevice.objects.get(user=comms).token_set.first().token
    client.logout()

    sign_in(client, "casey")
    response = client.post(VERIFY_URL, {"code": code.upper()})
    assert response.status_code == 302
    assert client.get("/admin/").status_code == 200
    client.logout()

    sign_in(client, "casey")
    assert "That code is not right" in client.post(VERIFY_URL, {"code": code}).content.decode()


def test_verification_off_site_next_urls_are_ignored(client, comms):
    device = enrol(client, "casey")
    client.logout()
    sign_in(client, "casey")
    response = client.post(VERIFY_URL, {"code": code_for(device, 1), "next": "https://evil.example/"})
    assert response.url == "/admin/"


def test_communications_cannot_turn_it_off(client, comms):
    enrol(client, "casey")
    response = client.post("/admin/two-factor/turn-off/", {"code": "whatever"})
    assert response.status_code == 302
    assert has_two_factor(comms)


def test_faculty_use_the_admin_with_the_password_alone(client, faculty):
    sign_in(client, "grace")
    assert client.get("/admin/").status_code == 200
    assert client.get("/admin/two-factor/").status_code == 200


def test_faculty_who_set_it_up_need_a_code_and_can_turn_it_off(client, faculty):
    sign_in(client, "grace")
    overview = client.get("/admin/two-factor/").content.decode()
    assert "optional for your account" in overview
    client.get(SETUP_URL)
    device = TOTPDevice.objects.get(user=faculty, confirmed=False)
    assert client.post(SETUP_URL, {"code": code_for(device)}).status_code == 302
    client.logout()

    sign_in(client, "grace")
    assert client.get("/admin/").url.startswith(VERIFY_URL)
    client.post(VERIFY_URL, {"code": code_for(device, 1)})
    assert client.get("/admin/").status_code == 200

    response = client.post("/admin/two-factor/turn-off/", {"code": code_for(device, 2)})
    assert response.status_code == 302
    assert not has_two_factor(faculty)


def test_an_administrator_resets_a_lost_phone(client, comms):
    enrol(client, "casey")
    client.logout()
    admin = get_user_model().objects.create_superuser("root", "root@example.org", PASSWORD)
    enrol(client, "root")

    page = client.get("/admin/users/").content.decode()
    assert reverse("two_factor_reset", args=[comms.pk]) in page
    response = client.post(reverse("two_factor_reset", args=[comms.pk]))

    assert response.status_code == 302
    assert not has_two_factor(comms)
    assert ModelLogEntry.objects.filter(action="accounts.two_factor_reset", user=admin).exists()
    client.logout()
    sign_in(client, "casey")
    assert client.get("/admin/").url.startswith(SETUP_URL)  # sets it up again


def test_only_administrators_may_reset(client, comms):
    other = make_user("other", group="Communications")
    enrol(client, "casey")
    response = client.post(reverse("two_factor_reset", args=[other.pk]))
    assert response.status_code in (302, 403)
    assert client.get("/admin/users/").status_code in (302, 403)


def test_the_reset_command(comms):
    TOTPDevice.objects.create(user=comms, name="app", confirmed=True)
    out = io.StringIO()
    call_command("reset_two_factor", "casey", stdout=out)
    assert "was reset" in out.getvalue()
    assert not has_two_factor(comms)


def test_the_development_setting_makes_it_optional(client, comms, settings):
    settings.TWO_FACTOR_DEV_BYPASS = True
    sign_in(client, "casey")
    assert client.get("/admin/").status_code == 200


def test_the_development_setting_is_on_in_dev_only_and_production_refuses_it():
    assert load_settings("portal.settings.dev")["TWO_FACTOR_DEV_BYPASS"] is True
    assert django_settings.TWO_FACTOR_DEV_BYPASS is False  # the tests run with two-step verification on
    assert (
        load_settings("portal.settings.production", SECRET_KEY=REAL_KEY, WAGTAILADMIN_BASE_URL=BASE_URL)[
            "TWO_FACTOR_DEV_BYPASS"
        ]
        is False
    )
    refused = load_settings(
        "portal.settings.production", SECRET_KEY=REAL_KEY, WAGTAILADMIN_BASE_URL=BASE_URL, TWO_FACTOR_DEV_BYPASS="1"
    )
    assert refused.get("error") == "ImproperlyConfigured", refused
    assert "TWO_FACTOR_DEV_BYPASS is a development setting" in refused["message"]
