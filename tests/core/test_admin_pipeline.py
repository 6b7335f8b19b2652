"""The request pipeline: the middlewares in the order they must run, and one admin URL resolution per request.

The expected order is written out here, with why each must sit where it does; it is not read from the settings.
"""

import pytest
from django.conf import settings
from django.test import override_settings
from django.urls import include, path, reverse
from wagtail.admin import urls as wagtailadmin_urls

import core.admin_utils
from core.page_cache import STATUS_HEADER
from portal import urls as portal_urls
from tests.security.utils import make_user

pytestmark = pytest.mark.django_db

EXPECTED_MIDDLEWARE = [
    # HTTPS redirect and HSTS first, then the header every response carries (static files too).
    "django.middleware.security.SecurityMiddleware",
    "core.security.CrossOriginResourcePolicyMiddleware",
    # Static files before anything that touches the session, the database or the page cache.
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # The page cache answers before sessions or the database; what is below it is part of what it stores.
    "core.page_cache.PageCacheMiddleware",
    # Everything below renders pages, whose listings read the privacy rules through the request it makes known.
    "core.current_request.CurrentRequestMiddleware",
    "core.page_cache.AnonymousGZipMiddleware",
    # A database outage becomes the designed 503 for everything that needs the database below.
    "core.faults.DatabaseUnavailableMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Right after authentication: no session cookie means an anonymous visitor, without reading the session.
    "core.page_cache.CookielessVisitorMiddleware",
    # django-otp marks the session verified; the second step needs that; the confinement comes after the
    # second step, so a faculty member who owes a code is sent to it before anything else.
    "django_otp.middleware.OTPMiddleware",
    "accounts.two_factor.TwoFactorMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "editorial.confinement.SelfServiceConfinementMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "core.security.ContentSecurityPolicyMiddleware",
    "wagtail.contrib.redirects.middleware.RedirectMiddleware",
    # Around the views only: marks an admin POST so an image uploaded there gets its listing renditions in that
    # request (after the upload commits); it must not wrap the page cache or the sign-in lockout.
    "core.tasks.UploadRenditionsMiddleware",
    # Last, as django-axes asks: it turns a refused sign-in into the lockout page.
    "axes.middleware.AxesMiddleware",
]


def test_the_middlewares_run_in_the_order_they_must():
    assert settings.MIDDLEWARE == EXPECTED_MIDDLEWARE


@pytest.fixture
def resolutions(monkeypatch):
    """Counts the admin URL resolutions made by the middlewares (Django's own, for the view, is not counted)."""
    calls = []
    real_resolve = core.admin_utils.resolve

    def counting_resolve(path_info, *args, **kwargs):
        calls.append(path_info)
        return real_resolve(path_info, *args, **kwargs)

    monkeypatch.setattr(core.admin_utils, "resolve", counting_resolve)
    return calls


def test_an_admin_request_is_resolved_once_for_the_second_step_and_the_confinement(client, resolutions):
    """A faculty member (confined, and unverified since two-step verification is optional for them) meets both."""
    client.force_login(make_user("grace", group="Faculty"))

    assert client.get("/admin/pages/").status_code == 302  # confined: sent to My profile
    assert resolutions == ["/admin/pages/"]


def test_public_requests_are_never_resolved_as_admin_urls(client, site_tree, resolutions):
    client.force_login(make_user("grace", group="Faculty"))
    assert client.get(site_tree.home.url).status_code == 200
    assert resolutions == []


# The site's URLs with the admin under /office/ instead of /admin/.
urlpatterns = [
    path("office/", include(wagtailadmin_urls)),
    *[pattern for pattern in portal_urls.urlpatterns if not str(pattern.pattern).startswith("admin/")],
]


@override_settings(ROOT_URLCONF=__name__, PAGE_CACHE_ENABLED=True)
def test_the_page_cache_uses_the_one_admin_path_check(client, site_tree):
    """The admin mounted elsewhere: the page cache and the compression know it from core.admin_utils alone."""
    # The admin's translations: no cookie, large enough to compress, so only the admin-path check keeps the
    # admin's responses uncompressed (BREACH) and out of the page cache.
    response = client.get(reverse("wagtailadmin_javascript_catalog"), HTTP_ACCEPT_ENCODING="gzip")
    assert response.status_code == 200 and response.wsgi_request.path.startswith("/office/")
    assert len(response.content) > 1000
    assert STATUS_HEADER not in response
    assert "Content-Encoding" not in response
    assert core.admin_utils.is_admin_path("/office/pages/")
    assert not core.admin_utils.is_admin_path("/admin/pages/")
