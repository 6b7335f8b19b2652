"""Serving a page checks its view restrictions (BasePage.get_view_restrictions) without a query of its own when
no restricted page is it or above it, and exactly as Wagtail does otherwise: a restriction above, an alias of a
restricted page, a restriction added a moment ago."""

from django.db import connection
from django.test.utils import CaptureQueriesContext
from wagtail.models import PageViewRestriction

from home.factories import StandardPageFactory
from tests.utils import SiteTestCase


def restrict(page, kind=PageViewRestriction.LOGIN):
    return PageViewRestriction.objects.create(page=page, restriction_type=kind, password="open sesame")


class ViewRestrictionTests(SiteTestCase):
    def setUp(self):
        super().setUp()
        self.parent = StandardPageFactory(parent=self.tree.home, title="Members area")
        self.child = StandardPageFactory(parent=self.parent, title="Rota for members")

    def assert_signed_in_only(self, url):
        response = self.client.get(url)
        self.assertEqual(response.status_code, 302, url)
        self.assertIn("/login/", response["Location"])
        self.assertNotContains(response, "Rota for members", status_code=302)

    def test_an_unrestricted_page_reads_no_restrictions_of_its_own(self):
        self.client.get(self.child.url)  # the restricted paths are read once per generation
        with CaptureQueriesContext(connection) as queries:
            response = self.client.get(self.child.url)
        self.assertContains(response, "Rota for members")
        restriction_queries = [q["sql"] for q in queries.captured_queries if "pageviewrestriction" in q["sql"]]
        self.assertEqual(restriction_queries, [])

    def test_a_restriction_above_still_keeps_the_page_for_signed_in_users(self):
        restrict(self.parent)
        self.assert_signed_in_only(self.child.url)
        self.assert_signed_in_only(self.parent.url)

    def test_a_restriction_added_after_a_visit_applies_on_the_next_request(self):
        self.assertContains(self.client.get(self.child.url), "Rota for members")
        restrict(self.parent)
        self.assert_signed_in_only(self.child.url)
        PageViewRestriction.objects.filter(page=self.parent).delete()
        self.assertContains(self.client.get(self.child.url), "Rota for members")

    def test_a_password_above_asks_for_the_password(self):
        restrict(self.parent, PageViewRestriction.PASSWORD)
        response = self.client.get(self.child.url)
        self.assertContains(response, 'name="password"')
        self.assertNotContains(response, "Rota for members")

    def test_a_page_under_an_alias_of_a_restricted_page_is_restricted(self):
        # Wagtail gives an alias its source page's restrictions, and so every page below the alias: the alias's
        # own path is not under the restricted one, so the path alone would let it through.
        restrict(self.parent)
        mirror = self.parent.create_alias(parent=self.tree.home, update_slug="members-mirror")
        # Wagtail copies the source's restriction onto a new alias; without that copy the source's still holds.
        PageViewRestriction.objects.filter(page=mirror).delete()
        below_mirror = StandardPageFactory(parent=mirror, title="Rota for members")
        self.assertFalse(below_mirror.path.startswith(self.parent.path))
        self.assert_signed_in_only(below_mirror.url)
        self.assert_signed_in_only(mirror.url)
