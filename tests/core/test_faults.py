"""While the database is unavailable, pages get a designed 503 with Retry-After, never a raw 500.

Here the failure is simulated inside one process; tests/production/test_servers.py takes PostgreSQL away
from real app servers with a TCP proxy.
"""

from contextlib import ExitStack
from unittest import mock

from django.db import transaction
from django.db.utils import InterfaceError, OperationalError
from django.test import TestCase, override_settings
from wagtail.contrib.search_promotions.models import Query
from wagtail.models import Site

from core.faults import DatabaseUnavailableMiddleware
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
        # SQLite's answer while another process writes: the database is there, so never "Back in a moment".
        self.assertFalse(database_is_unavailable(OperationalError("database is locked")))


def run_through_middleware(view):
    """The request as Django's handler runs it: the view inside the middleware, its exception handed back."""
    from django.test import RequestFactory

    request = RequestFactory().post("/admin/pages/1/edit/")

    def get_response(request):
        try:
            return view()
        except OperationalError as error:
            return middleware.process_exception(request, error) or "no answer: Django's 500 page"

    middleware = DatabaseUnavailableMiddleware(get_response)
    return middleware(request)


class CommittedWorkTests(TestCase):
    """What the editor is told matches what was saved. A TestCase never commits, so the commit of the
    request's transaction is played by running its on-commit callbacks, as Django does after a commit."""

    def test_an_error_after_the_request_committed_its_work_is_never_a_503(self):
        def publish_then_fail():
            with self.captureOnCommitCallbacks(execute=True):
                Query.get("clinic")  # the editor's work, committed
            raise OperationalError("server closed the connection unexpectedly")

        with mock.patch("core.faults.database_is_unavailable", return_value=True), self.assertLogs("portal.faults"):
            self.assertEqual(run_through_middleware(publish_then_fail), "no answer: Django's 500 page")
        self.assertTrue(Query.objects.filter(query_string="clinic").exists())

    def test_an_error_after_a_transaction_rolled_back_is_still_a_503(self):
        def fail_inside_a_transaction():
            with self.captureOnCommitCallbacks(execute=True), transaction.atomic():
                Query.get("clinic")
                raise OperationalError("server closed the connection unexpectedly")

        with (
            mock.patch("core.faults.database_is_unavailable", return_value=True),
            mock.patch("core.faults._last_logged", 0.0),  # logged once a minute per process
            self.assertLogs("portal.faults"),
        ):
            response = run_through_middleware(fail_inside_a_transaction)
        self.assertEqual(response.status_code, 503)
        self.assertFalse(Query.objects.filter(query_string="clinic").exists())
