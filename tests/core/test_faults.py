"""While the database is unavailable, pages get a designed 503 with Retry-After, never a raw 500.

Here the failure is simulated inside one process; tests/production/test_servers.py takes PostgreSQL away
from real app servers with a TCP proxy.
"""

from contextlib import ExitStack

from django.db.utils import InterfaceError, OperationalError
from django.test import override_settings
from wagtail.models import Site

from core.page_cache import STATUS_HEADER
from tests.utils import SiteTestCase, parse_tags, visible_text


def database_down(*args, **kwargs):
    raise OperationalError('connection to server at "127.0.0.1", port 5432 failed: Connection refused')


class DatabaseOutageTests(SiteTestCase):
    """`database_is_unavailable` (which asks the real database) is forced here; test_servers.py runs it for real."""

    def assert_designed_503(self, response):
        self.assertEqual(response.status_code, 503)
        self.assertEqual(response["Retry-After"], "30")
        self.assertIn("no-store", response["Cache-Control"])
        html = response.content.decode()
        self.assertIn("Back in a moment", visible_text(html))
        # The strict CSP holds on this page too: no inline script or style.
        for tag in parse_tags(html):
            self.assertNotIn("style", tag["attrs"])
            self.assertFalse(tag["tag"] == "script" and tag["text"].strip())

    def test_a_page_that_needs_the_database_gets_a_503(self):
        with self.assertLogs("portal.faults", "ERROR") as logs, self.patch_site_lookup(OperationalError):
            self.assert_designed_503(self.client.get(self.tree.track.url))
            self.assert_designed_503(self.client.get(self.tree.home.url))
        self.assertEqual(len(logs.records), 1)  # once per outage, not once per request

    def test_a_dropped_connection_is_a_503_too(self):
        with self.patch_site_lookup(InterfaceError):
            self.assert_designed_503(self.client.get(self.tree.track.url))

    @override_settings(PAGE_CACHE_ENABLED=True)
    def test_cached_pages_are_still_served(self):
        self.client.get(self.tree.track.url)
        with self.patch_site_lookup(OperationalError):
            response = self.client.get(self.tree.track.url)
            self.assertEqual(response.status_code, 200)
            self.assertEqual(response[STATUS_HEADER], "hit")
            self.assert_designed_503(self.client.get(self.tree.apply.url))

    def test_a_failing_query_on_a_working_database_is_still_an_error(self):
        # On SQLite, OperationalError is also what a query too large to run raises: a bug, not an outage.
        with self.patch_site_lookup(OperationalError, database_answers=True):
            self.client.raise_request_exception = False
            self.assertEqual(self.client.get(self.tree.track.url).status_code, 500)

    def patch_site_lookup(self, error, database_answers=False):
        from unittest import mock

        import core.faults

        core.faults._last_logged = 0.0

        def fail(*args, **kwargs):
            raise error("server closed the connection unexpectedly")

        stack = ExitStack()
        stack.enter_context(mock.patch.object(Site, "find_for_request", side_effect=fail))
        stack.enter_context(mock.patch("core.faults.database_is_unavailable", return_value=not database_answers))
        return stack


class DatabaseCheckTests(SiteTestCase):
    def test_a_database_that_answers_is_not_unavailable(self):
        from core.faults import database_is_unavailable

        self.assertFalse(database_is_unavailable(OperationalError("Expression tree is too large (maximum depth 1000)")))
        self.assertTrue(database_is_unavailable(OperationalError("database is locked")))
