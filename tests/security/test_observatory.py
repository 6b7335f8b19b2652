"""Mozilla HTTP Observatory scores, computed from our real responses under the production settings.

Public pages must score at least 105 (A+), the admin at least 80, its ceiling while Wagtail needs 'unsafe-inline'
in script-src (a 20-point penalty, and no bonuses below 90). The rules themselves are in observatory.py; the
last tests here check that they punish what the Observatory punishes.
"""

import importlib
import sys

import pytest
from django.conf import settings
from django.http import HttpResponsePermanentRedirect
from django.test import Client, override_settings

from tests.security import observatory
from tests.security.utils import PASSWORD, make_user
from tests.utils import SiteTestCase

HOST = "testserver"
ATTACKER_ORIGIN = "https://evil.example"
PUBLIC_MINIMUM = 105
ADMIN_MINIMUM = 80
SCORES = {}  # printed at the end of the module, for the record


def production_security_settings():
    """The HTTPS, cookie and header settings exactly as portal.settings.production sets them.

    The settings modules are imported afresh (with a production SECRET_KEY in the environment, which they read
    at import) and the ones already loaded are put back afterwards.
    """
    names = ("portal.settings.base", "portal.settings.production")
    saved = {name: sys.modules.pop(name, None) for name in names}
    try:
        with pytest.MonkeyPatch.context() as patch:
            patch.setenv("SECRET_KEY", "k3J9-not-a-dev-key-but-long-and-random-enough-for-a-test-0123456789")
            patch.setenv("WAGTAILADMIN_BASE_URL", "https://residency.example.org")
            patch.delenv("TWO_FACTOR_DEV_BYPASS", raising=False)
            production = importlib.import_module("portal.settings.production")
    finally:
        for name, module in saved.items():
            sys.modules.pop(name, None)
            if module is not None:
                sys.modules[name] = module
    prefixes = ("SECURE_", "SESSION_COOKIE_", "CSRF_COOKIE_")
    return {name: getattr(production, name) for name in dir(production) if name.startswith(prefixes)}


class ObservatoryScoreTests(SiteTestCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.production = override_settings(**production_security_settings())
        cls.production.enable()

    @classmethod
    def tearDownClass(cls):
        cls.production.disable()
        super().tearDownClass()
        if SCORES:
            print("\nObservatory scores: " + "; ".join(f"{label} {score}" for label, score in SCORES.items()))

    def setUp(self):
        super().setUp()
        # A new client, so the middleware is built under the production settings.
        self.https = Client(HTTP_X_FORWARDED_PROTO="https", HTTP_ORIGIN=ATTACKER_ORIGIN)
        self.http = Client()

    def score(self, label, response, path):
        score = observatory.observatory_score(response, self.http.get(path), HOST, ATTACKER_ORIGIN)
        SCORES[label] = score.score
        return score

    def test_production_settings_are_applied(self):
        self.assertTrue(settings.SECURE_SSL_REDIRECT)
        self.assertTrue(settings.SESSION_COOKIE_SECURE and settings.CSRF_COOKIE_SECURE)
        self.assertGreaterEqual(settings.SECURE_HSTS_SECONDS, 31_536_000)

    def test_public_pages_score_at_least_105(self):
        tree = self.tree
        for label, path in [
            ("home", tree.home.url),
            ("program page", tree.track.url),
            ("apply page", tree.apply.url),
            ("faculty profile", tree.director.url),
            ("search results", "/search/?query=track"),
        ]:
            with self.subTest(page=label):
                response = self.https.get(path)
                self.assertEqual(response.status_code, 200)
                score = self.score(label, response, path)
                self.assertGreaterEqual(score.score, PUBLIC_MINIMUM, score.summary())

    def test_the_admin_scores_at_least_80(self):
        login = self.https.get("/admin/login/")
        self.assertEqual(login.status_code, 200)
        score = self.score("admin sign-in page", login, "/admin/login/")
        self.assertGreaterEqual(score.score, ADMIN_MINIMUM, score.summary())

        make_user("casey", group="Communications")
        signed_in = self.https.post(
            "/admin/login/",
            {"username": "casey", "password": PASSWORD, "next": "/admin/"},
            HTTP_REFERER="https://testserver/admin/login/",
        )
        self.assertEqual(signed_in.status_code, 302)
        self.assertIn("sessionid", signed_in.cookies)
        score = self.score("admin sign-in (session cookie)", signed_in, "/admin/login/")
        self.assertGreaterEqual(score.score, ADMIN_MINIMUM, score.summary())

        dashboard = self.https.get("/admin/")
        self.assertEqual(dashboard.status_code, 200)
        score = self.score("admin dashboard", dashboard, "/admin/")
        self.assertGreaterEqual(score.score, ADMIN_MINIMUM, score.summary())
        # What keeps it at 80: 'unsafe-inline' for Wagtail's inline scripts, nothing else.
        self.assertEqual(
            [(r.result, r.modifier) for r in score.results if r.modifier < 0],
            [("csp-implemented-with-unsafe-inline", -20)],
        )


class ScoringRulesTests(SiteTestCase):
    """The scoring punishes what the Observatory punishes (so a good score means something)."""

    def page(self, **headers):
        response = self.client.get(self.tree.home.url)
        for name, value in headers.items():
            if value is None:
                del response.headers[name.replace("_", "-")]
            else:
                response.headers[name.replace("_", "-")] = value
        return response

    def results(self, response):
        redirect = HttpResponsePermanentRedirect("https://testserver/")
        return {r.test: r for r in observatory.observatory_score(response, redirect, HOST, ATTACKER_ORIGIN).results}

    def test_csp_rules(self):
        for policy, expected in [
            (None, "csp-not-implemented"),
            ("default-src 'self'; script-src 'self' 'unsafe-inline'", "csp-implemented-with-unsafe-inline"),
            ("default-src 'self'; script-src 'self' https:", "csp-implemented-with-unsafe-inline"),
            ("script-src 'self'", "csp-implemented-with-unsafe-inline"),  # object-src not restricted
            ("default-src 'self'; script-src 'self' 'unsafe-eval'", "csp-implemented-with-unsafe-eval"),
            ("default-src 'self'; style-src 'unsafe-inline'", "csp-implemented-with-unsafe-inline-in-style-src-only"),
            ("default-src 'self'", "csp-implemented-with-no-unsafe"),
            ("default-src 'none'; img-src 'self'", "csp-implemented-with-no-unsafe-default-src-none"),
        ]:
            with self.subTest(policy=policy):
                response = self.page(Content_Security_Policy=policy)
                self.assertEqual(self.results(response)["content-security-policy"].result, expected)

    def test_header_rules(self):
        response = self.page(
            Strict_Transport_Security="max-age=300",
            X_Content_Type_Options=None,
            Referrer_Policy="unsafe-url",
            Access_Control_Allow_Origin=ATTACKER_ORIGIN,
            Access_Control_Allow_Credentials="true",
            Content_Security_Policy="default-src 'self'",
            X_Frame_Options=None,
            Cross_Origin_Resource_Policy="cross-origin",
        )
        results = self.results(response)
        self.assertEqual(results["strict-transport-security"].modifier, -10)
        self.assertEqual(results["x-content-type-options"].modifier, -5)
        self.assertEqual(results["referrer-policy"].modifier, -5)
        self.assertEqual(results["cors"].modifier, -50)
        self.assertEqual(results["x-frame-options"].modifier, -20)
        self.assertEqual(results["cross-origin-resource-policy"].modifier, -20)
        score = observatory.Score(list(results.values()))
        self.assertLess(score.score, 20)

    def test_cookie_and_redirect_rules(self):
        response = self.page()
        response.set_cookie("sessionid", "x", secure=False, httponly=False)
        results = self.results(response)
        self.assertEqual(results["cookies"].result, "cookies-session-without-secure-flag")
        plain = self.client.get(self.tree.home.url)
        self.assertEqual(observatory.redirection_test(plain, HOST).result, "redirection-missing")
