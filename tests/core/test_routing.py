"""The site's root finds the page at an address in one query (core.routing), and routes exactly as Wagtail does."""

import re

from django.db import connection
from django.test.utils import CaptureQueriesContext

from core.routing import DirectRoutingMixin, routes_inside_the_tree
from home.factories import StandardPageFactory
from people.factories import PersonIndexPageFactory
from tests.utils import SiteTestCase


class DirectRoutingTests(SiteTestCase):
    def page_queries(self, url):
        with CaptureQueriesContext(connection) as queries:
            response = self.client.get(url)
        return response, [query["sql"] for query in queries.captured_queries if '"wagtailcore_page"' in query["sql"]]

    def test_no_page_type_with_children_routes_paths_itself(self):
        # Were one added (a RoutablePageMixin with subpages), the root would walk the tree as Wagtail does.
        self.assertFalse(routes_inside_the_tree())

    def test_a_deep_page_costs_the_same_routing_queries_as_a_shallow_one(self):
        shallow = StandardPageFactory(parent=self.tree.home, title="Shallow")
        deep = shallow
        for level in range(4):
            deep = StandardPageFactory(parent=deep, title=f"Level {level}")
        for page in (shallow, deep):
            self.assertEqual(self.client.get(page.url).status_code, 200)  # warm: renditions, settings
        shallow_response, shallow_queries = self.page_queries(shallow.url)
        deep_response, deep_queries = self.page_queries(deep.url)
        self.assertContains(deep_response, "Level 3")
        self.assertEqual(shallow_response.status_code, 200)
        # The breadcrumbs come from the rows the routing read: every level, in order, linked.
        trail = re.search(r'<nav[^>]*aria-label="Breadcrumb".*?</nav>', deep_response.content.decode(), re.S).group(0)
        titles = re.findall(r">([^<>]+)</(?:a|span)>", trail)
        expected = [self.tree.home.title, "Shallow", "Level 0", "Level 1", "Level 2", "Level 3"]
        self.assertEqual([title.strip() for title in titles if title.strip()], expected)
        # The breadcrumbs come from the routing's rows, and the privacy check from the restricted paths: no level
        # costs a query more.
        self.assertEqual(len(deep_queries), len(shallow_queries))

    def test_what_is_not_there_is_a_404_as_before(self):
        for url in (f"{self.tree.track.url}no-such-page/", "/no/such/path/", f"{self.tree.benefits.url}extra/"):
            self.assertEqual(self.client.get(url).status_code, 404, url)

    def test_a_draft_is_a_404_and_a_live_page_under_a_draft_is_served_as_wagtail_serves_it(self):
        parent = StandardPageFactory(parent=self.tree.home, title="Parent page")
        child = StandardPageFactory(parent=parent, title="Child page")
        parent.unpublish()
        self.assertEqual(self.client.get(f"/{parent.slug}/").status_code, 404)
        self.assertEqual(self.client.get(f"/{parent.slug}/{child.slug}/").status_code, 200)

    def test_a_moved_page_is_found_at_its_new_address_only(self):
        page = StandardPageFactory(parent=self.tree.home, title="Wanderer")
        old = f"/{page.slug}/"
        page.move(self.tree.track, pos="last-child")
        page.refresh_from_db()
        new = f"{self.tree.track.url}{page.slug}/"
        self.assertEqual(self.client.get(new).status_code, 200)
        moved = self.client.get(old)  # Wagtail's redirects app made a redirect from the old address
        self.assertEqual((moved.status_code, moved["Location"]), (301, new))

    def test_a_routable_pages_own_sub_paths_still_reach_it(self):
        calendar = self.client.get(f"{self.tree.apply.url}calendar/")
        self.assertEqual(calendar.status_code, 200)
        self.assertEqual(calendar["Content-Type"].split(";")[0], "text/calendar")

    def test_the_home_page_routes_directly(self):
        self.assertIsInstance(self.tree.home, DirectRoutingMixin)


class TrackFromRoutingTests(SiteTestCase):
    """A page inside a track names its track (ProgramChildMixin.program); for the page a request routed to, the
    track comes from the rows the routing read, so only the track itself is read, and nothing for a page outside
    every track."""

    def track_queries(self, url):
        with CaptureQueriesContext(connection) as queries:
            response = self.client.get(url)
        self.assertEqual(response.status_code, 200)
        return response, [query["sql"] for query in queries.captured_queries if "programs_programpage" in query["sql"]]

    def test_a_page_in_a_track_reads_its_track_by_key(self):
        response, queries = self.track_queries(self.tree.sites_index.url)
        self.assertIn(self.tree.track.title, response.content.decode().split("</title>")[0])
        self.assertTrue(queries)
        self.assertTrue(all('"wagtailcore_page"."path" IN' not in sql for sql in queries), queries)

    def test_a_directory_outside_every_track_reads_no_track_above_it(self):
        everyone = PersonIndexPageFactory(parent=self.tree.home, title="Our people", audience="everyone")
        response, queries = self.track_queries(everyone.url)
        self.assertNotIn(self.tree.track.title, response.content.decode().split("</title>")[0])
        # Its track filter's choices still read the tracks its people are in; nothing looks above the page.
        self.assertTrue(all('ORDER BY "wagtailcore_page"."depth" DESC' not in sql for sql in queries), queries)
