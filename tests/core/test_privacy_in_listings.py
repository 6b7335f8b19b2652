"""Listings leave out private pages (core.models.live_public), however the privacy rules reach them: read once per
request, remembered per page-cache generation for visitors, or checked in the query itself."""

from unittest import mock

from django.db import connection, transaction
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from wagtail.models import PageViewRestriction

from core.current_request import _current
from core.models import MAX_LISTED_RESTRICTIONS, live_public, restricted_paths
from core.page_cache import invalidate_now
from home.factories import StandardPageFactory
from people.models import FacultyPage
from tests.utils import SiteTestCase, visible_text


class PrivacyInListingsTests(SiteTestCase):
    def setUp(self):
        super().setUp()
        self.drop_pending_invalidations()

    def drop_pending_invalidations(self):
        """A TestCase never commits: an invalidation queued earlier would make a later change look covered."""
        pending = transaction.get_connection().run_on_commit
        pending[:] = [entry for entry in pending if entry[1] is not invalidate_now]

    def restrict(self, page):
        return PageViewRestriction.objects.create(
            page=page, restriction_type=PageViewRestriction.PASSWORD, password="secret"
        )

    def listed_faculty(self):
        return set(live_public(FacultyPage.objects.all()).values_list("last_name", flat=True))

    def test_outside_a_request_the_query_itself_leaves_private_pages_out(self):
        self.restrict(self.tree.preceptor)
        self.assertEqual(self.listed_faculty(), {self.tree.director.last_name})

    def test_a_restriction_on_an_ancestor_hides_everyone_under_it(self):
        self.restrict(self.tree.faculty_index)
        token = _current.set(RequestFactory().get("/"))
        try:
            self.assertEqual(self.listed_faculty(), set())
        finally:
            _current.reset(token)

    def test_with_many_restrictions_the_query_checks_them(self):
        for number in range(MAX_LISTED_RESTRICTIONS):
            self.restrict(StandardPageFactory(parent=self.tree.home, title=f"Private page {number}"))
        self.restrict(self.tree.preceptor)
        request = RequestFactory().get("/")
        self.assertIsNone(restricted_paths(request))  # too many to list: the query checks them itself
        token = _current.set(request)
        try:
            self.assertEqual(self.listed_faculty(), {self.tree.director.last_name})
        finally:
            _current.reset(token)

    def test_a_page_made_private_leaves_the_directory_at_once(self):
        """As another app server sees it: a visitor's directory was rendered under the old generation, then the
        page is made private; the next view leaves the person out."""
        directory = self.tree.faculty_index
        self.assertIn(self.tree.preceptor.full_name, visible_text(self.get_html(directory)))
        with mock.patch("core.signals.generation_memo.forget"), self.captureOnCommitCallbacks(execute=True):
            self.restrict(self.tree.preceptor)
        self.assertNotIn(self.tree.preceptor.full_name, visible_text(self.get_html(directory)))
        self.assertIn(self.tree.director.full_name, visible_text(self.get_html(directory)))

    def test_a_restriction_lifted_brings_the_page_back(self):
        restriction = self.restrict(self.tree.preceptor)
        directory = self.tree.faculty_index
        self.assertNotIn(self.tree.preceptor.full_name, visible_text(self.get_html(directory)))
        self.drop_pending_invalidations()
        with mock.patch("core.signals.generation_memo.forget"), self.captureOnCommitCallbacks(execute=True):
            restriction.delete()
        self.assertIn(self.tree.preceptor.full_name, visible_text(self.get_html(directory)))

    def test_a_signed_in_editor_reads_the_rules_once_per_request(self):
        """Nothing is remembered for a signed-in user, but the rules are still read once, not once per listing."""
        self.restrict(self.tree.preceptor)
        self.client.force_login(self.login())
        with CaptureQueriesContext(connection) as queries:
            html = self.client.get(self.tree.faculty_index.url).content.decode()
        self.assertNotIn(self.tree.preceptor.full_name, visible_text(html))
        sql = [query["sql"] for query in queries.captured_queries]
        rule_reads = [each for each in sql if 'SELECT DISTINCT "wagtailcore_page"."path"' in each]
        self.assertEqual(len(rule_reads), 1)
        self.assertFalse(
            [each for each in sql if 'EXISTS(SELECT 1 AS "a" FROM "wagtailcore_pageviewrestriction"' in each]
        )
