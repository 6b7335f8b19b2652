"""Signing out is whole: a GET to the sign-out URL either signs out on the server too, or changes nothing.

Wagtail 8's sign-out view answers a GET with 405 but deletes the session cookie: the browser looked signed out
while the session stayed valid on the server, for anyone who kept the cookie.
"""

import pytest
from django.conf import settings
from django.contrib.sessions.models import Session

from tests.security.utils import make_user

pytestmark = pytest.mark.django_db

LOGOUT_URL = "/admin/logout/"


@pytest.fixture
def signed_in(client):
    client.force_login(make_user("casey", group="Communications"))
    return client


def session_alive(session_key):
    return Session.objects.filter(session_key=session_key).exists()


def cookie_deleted(response):
    cookie = response.cookies.get(settings.SESSION_COOKIE_NAME)
    return cookie is not None and (cookie["max-age"] == 0 or cookie.value == "")


def test_a_get_to_sign_out_leaves_both_cookie_and_session_or_neither(signed_in):
    session_key = signed_in.cookies[settings.SESSION_COOKIE_NAME].value

    response = signed_in.get(LOGOUT_URL)

    assert cookie_deleted(response) == (not session_alive(session_key)), (response.status_code, response.cookies)
    # This site's choice: a GET changes nothing (signing out is a POST, so no other site can sign people out).
    assert response.status_code == 405
    assert session_alive(session_key)
    assert signed_in.get("/admin/").status_code == 200


def test_signing_out_with_the_menus_post_ends_the_session_on_the_server(signed_in):
    session_key = signed_in.cookies[settings.SESSION_COOKIE_NAME].value

    response = signed_in.post(LOGOUT_URL)

    assert response.status_code == 302
    assert cookie_deleted(response)
    assert not session_alive(session_key)
    signed_in.cookies[settings.SESSION_COOKIE_NAME] = session_key  # someone who kept the cookie
    assert signed_in.get("/admin/").status_code == 302
