"""The full-page cache, in one process: what is stored, who gets it, and what invalidates it.

The same rules across two app servers sharing Redis and PostgreSQL: tests/production/test_servers.py.
"""

import gzip
import uuid

from django.conf import settings
from django.core.cache import caches
from django.db import transaction
from django.test import override_settings
from django.urls import reverse
from wagtail.contrib.frontend_cache.backends.base import BaseBackend
from wagtail.models import PageViewRestriction

from core.factories import CustomImageFactory
from core.models import ContactSettings
from core.page_cache import GENERATION_KEY, STATUS_HEADER, invalidate_now
from home.factories import StandardPageFactory
from tests.utils import SiteTestCase, preview_post_data


@override_settings(PAGE_CACHE_ENABLED=True)
class PageCacheTestCase(SiteTestCase):
    def setUp(self):
        super().setUp()
        caches["shared"].clear()
        # Building the tree in setUpTestData queued an invalidation for a commit that never comes in a
        # TestCase; it would make the tests' own (captured) commits look already covered.
        connection = transaction.get_connection()
        connection.run_on_commit = [entry for entry in connection.run_on_commit if entry[1] is not invalidate_now]

    def get(self, url, client=None, **extra):
        return (client or self.client).get(url, **extra)

    def assert_cached_after_one_render(self, url):
        first = self.get(url)
        self.assertEqual(first.status_code, 200)
        self.assertEqual(first[STATUS_HEADER], "miss")
        second = self.get(url)
        self.assertEqual(second[STATUS_HEADER], "hit")
        self.assertEqual(second.content, first.content)
        return second


class StoredPagesTests(PageCacheTestCase):
    def test_anonymous_pages_are_served_from_the_cache_without_queries(self):
        for page in (self.tree.home, self.tree.track, self.tree.faculty_index, self.tree.director):
            with self.subTest(page=page.title):
                self.get(page.url)
                with self.assertNumQueries(0):
                    response = self.get(page.url)
                self.assertEqual(response[STATUS_HEADER], "hit")
                self.assertEqual(response.status_code, 200)

    def test_cache_control_suits_a_cdn(self):
        response = self.assert_cached_after_one_render(self.tree.home.url)
        cache_control = {part.strip() for part in response["Cache-Control"].split(",")}
        self.assertTrue({"public", "max-age=60", "s-maxage=300"} <= cache_control, cache_control)
        # The headers of the layers below the cache are stored with the page.
        self.assertIn("Content-Security-Policy", response)
        self.assertIn("X-Frame-Options", response)

    def test_head_is_answered_from_the_stored_get(self):
        self.get(self.tree.home.url)
        response = self.client.head(self.tree.home.url)
        self.assertEqual(response[STATUS_HEADER], "hit")
        self.assertEqual(response.content, b"")
        self.assertGreater(int(response["Content-Length"]), 1000)

    def test_campaign_parameters_and_parameters_the_page_does_not_read_share_one_copy(self):
        url = self.tree.faculty_index.url
        self.get(url)
        self.assertEqual(self.get(url + "?utm_source=newsletter&fbclid=x")[STATUS_HEADER], "hit")
        self.assertEqual(self.get(url + "?b=2&a=1")[STATUS_HEADER], "hit")
        self.assertEqual(self.get(url + "?a=1&b=2")[STATUS_HEADER], "hit")

    def test_html_is_compressed_for_anonymous_visitors(self):
        url = self.tree.track.url
        for attempt in ("miss", "hit"):
            response = self.get(url, HTTP_ACCEPT_ENCODING="gzip, deflate, br")
            self.assertEqual(response[STATUS_HEADER], attempt)
            self.assertEqual(response["Content-Encoding"], "gzip")
            self.assertIn("Accept-Encoding", response["Vary"])
            self.assertIn(self.tree.track.title, gzip.decompress(response.content).decode())
        plain = self.get(url)
        self.assertNotIn("Content-Encoding", plain)
        self.assertIn(self.tree.track.title, plain.content.decode())

    def test_search_results_and_404s_are_not_stored(self):
        for url in (reverse("search") + "?query=clinic", "/no-such-page/"):
            with self.subTest(url=url):
                self.get(url)
                self.assertNotEqual(self.get(url).get(STATUS_HEADER), "hit")


class PrivateResponsesTests(PageCacheTestCase):
    def test_signed_in_users_never_get_a_cached_page_and_never_fill_the_cache(self):
        url = self.tree.home.url
        self.get(url)  # an anonymous copy is stored
        self.login()
        response = self.get(url)
        self.assertEqual(response[STATUS_HEADER], "bypass")
        self.assertIn("private", response["Cache-Control"])
        self.assertIn("wagtail-userbar", response.content.decode())
        self.assertNotIn("Content-Encoding", self.get(url, HTTP_ACCEPT_ENCODING="gzip"))  # BREACH

        self.client.logout()
        self.client.cookies.clear()
        anonymous = self.get(url)
        self.assertEqual(anonymous[STATUS_HEADER], "hit")
        self.assertNotIn("wagtail-userbar", anonymous.content.decode())

    def test_previews_are_never_cached(self):
        self.login()
        page = self.tree.benefits
        preview_url = reverse("wagtailadmin_pages:preview_on_edit", args=[page.pk])
        data = preview_post_data(self.client, page)
        data["title"] = "Benefits, draft title"
        self.client.post(preview_url, data)
        for _ in range(2):
            response = self.client.get(preview_url)
            self.assertContains(response, "Benefits, draft title")
            self.assertNotEqual(response.get(STATUS_HEADER), "hit")
        self.client.logout()
        self.client.cookies.clear()
        self.assertNotContains(self.get(page.url), "draft title")

    def test_responses_with_a_csrf_token_are_never_cached(self):
        page = StandardPageFactory(parent=self.tree.home, title="Members only", slug="members-only")
        PageViewRestriction.objects.create(page=page, restriction_type=PageViewRestriction.PASSWORD, password="s3cret")
        for _ in range(2):
            response = self.get(page.url)
            self.assertEqual(response.status_code, 200)
            self.assertContains(response, "csrfmiddlewaretoken")
            self.assertEqual(response[STATUS_HEADER], "bypass")
            self.assertIn("Cookie", response["Vary"])
            self.assertNotIn("Content-Encoding", self.get(page.url, HTTP_ACCEPT_ENCODING="gzip"))

    def test_a_session_cookie_bypasses_the_cache(self):
        self.get(self.tree.home.url)
        self.client.cookies["sessionid"] = "anything"
        self.assertEqual(self.get(self.tree.home.url)[STATUS_HEADER], "bypass")


class InvalidationTests(PageCacheTestCase):
    def setUp(self):
        super().setUp()
        self.pages = [self.tree.home, self.tree.track, self.tree.faculty_index]
        for page in self.pages:
            self.get(page.url)

    def assert_all_stale(self):
        for page in self.pages:
            self.assertEqual(self.get(page.url)[STATUS_HEADER], "miss", page.url)

    def test_publishing_a_change_is_seen_on_the_next_request(self):
        director = self.tree.director
        self.get(director.url)
        with self.captureOnCommitCallbacks(execute=True):
            director.first_name = "Renamed"
            director.save_revision().publish()
        self.assert_all_stale()
        self.assertContains(self.get(self.tree.faculty_index.url), f"Renamed {director.last_name}")

    def test_a_draft_invalidates_nothing(self):
        with self.captureOnCommitCallbacks(execute=True):
            self.tree.director.title = "Draft title"
            self.tree.director.save_revision()
        for page in self.pages:
            self.assertEqual(self.get(page.url)[STATUS_HEADER], "hit")

    def test_unpublishing(self):
        with self.captureOnCommitCallbacks(execute=True):
            self.tree.wellness.unpublish()
        self.assert_all_stale()
        self.assertNotContains(self.get(self.tree.track.url), self.tree.wellness.title)

    def test_moving(self):
        with self.captureOnCommitCallbacks(execute=True):
            self.tree.benefits.move(self.tree.track, pos="last-child")
        self.assert_all_stale()

    def test_deleting(self):
        with self.captureOnCommitCallbacks(execute=True):
            self.tree.benefits.delete()
        self.assert_all_stale()

    def test_settings(self):
        with self.captureOnCommitCallbacks(execute=True):
            contact = ContactSettings.load()
            contact.phone = "(310) 555-0199"
            contact.save()
        self.assert_all_stale()
        self.assertContains(self.get(self.tree.home.url), "555-0199")

    def test_navigation(self):
        with self.captureOnCommitCallbacks(execute=True):
            self.tree.benefits.show_in_menus = not self.tree.benefits.show_in_menus
            self.tree.benefits.save_revision().publish()
        self.assert_all_stale()

    def test_page_privacy(self):
        with self.captureOnCommitCallbacks(execute=True):
            PageViewRestriction.objects.create(page=self.tree.benefits, restriction_type=PageViewRestriction.LOGIN)
        self.assert_all_stale()

    def test_images(self):
        with self.captureOnCommitCallbacks(execute=True):
            CustomImageFactory()
        self.assert_all_stale()

    def test_many_changes_in_one_transaction_invalidate_once(self):
        with self.captureOnCommitCallbacks(execute=False) as callbacks:
            self.tree.wellness.unpublish()
            self.tree.benefits.save_revision().publish()
        self.assertEqual(len([c for c in callbacks if c.__name__ == "invalidate_now"]), 1)

    def test_a_lost_generation_key_is_a_miss_not_an_old_page(self):
        caches["shared"].delete(GENERATION_KEY)
        self.assert_all_stale()


class RecordingBackend(BaseBackend):
    """A frontend cache backend (CDN, Varnish) that records what it is asked to purge."""

    purged = []

    def purge(self, url):
        self.purged.append(url)


@override_settings(WAGTAILFRONTENDCACHE={"cdn": {"BACKEND": f"{__name__}.RecordingBackend"}})
class FrontendCachePurgeTests(PageCacheTestCase):
    def test_a_change_purges_every_live_page_from_the_cdn(self):
        RecordingBackend.purged = []
        with self.captureOnCommitCallbacks(execute=True):
            self.tree.wellness.unpublish()
        purged = {url.removeprefix("http://localhost") for url in RecordingBackend.purged}
        self.assertIn(self.tree.home.url, purged)
        self.assertIn(self.tree.faculty_index.url, purged)
        self.assertIn(self.tree.director.url, purged)
        self.assertIn(self.tree.wellness.url, purged)  # the page just unpublished: its old copy must go too


def stored_pages():
    """The page entries in the shared cache (locmem in the tests), the generation key left out."""
    return [key for key in caches["shared"]._cache if "page-cache:slot:" in key]


class BoundedKeysTests(PageCacheTestCase):
    """Junk query strings, and junk Accept-Encoding headers, cannot fill or poison the page cache."""

    def test_random_parameters_against_one_page_add_at_most_a_handful_of_entries(self):
        url = self.tree.curriculum.url
        statuses = []
        for number in range(200):
            junk = f"?q={uuid.uuid4().hex}" if number % 2 else f"?{uuid.uuid4().hex[:8]}={number}"
            response = self.get(url + junk)
            self.assertEqual(response.status_code, 200)
            self.assertContains(response, self.tree.curriculum.title)
            statuses.append(response[STATUS_HEADER])
        self.assertLessEqual(len(stored_pages()), 3)
        # After the first render, junk is answered from the page's one copy.
        self.assertEqual(statuses.count("hit"), 199, statuses[:5])

    def test_junk_values_of_the_parameters_a_page_reads_are_not_stored(self):
        url = self.tree.faculty_index.url
        for number in range(50):
            for junk in (f"?page={uuid.uuid4().hex}", f"?interest={uuid.uuid4().hex}", f"?page={number + 2}"):
                response = self.get(url + junk)
                self.assertEqual(response.status_code, 200)
                self.assertEqual(response[STATUS_HEADER], "bypass", junk)
                self.assertIn("private", response["Cache-Control"])
        self.assertEqual(stored_pages(), [])

    def test_the_values_a_directory_reads_are_stored_one_copy_each(self):
        interest = self.tree.director.clinical_interests.first()
        self.assertIsNotNone(interest)
        self.get(self.tree.faculty_index.url)  # the canonical copy says which parameters the page reads
        url = f"{self.tree.faculty_index.url}?interest={interest.slug}"
        self.assertEqual(self.get(url)[STATUS_HEADER], "miss")
        self.assertEqual(self.get(url + "&utm_source=x&junk=1")[STATUS_HEADER], "hit")
        self.assertEqual(self.get(url)[STATUS_HEADER], "hit")

    def test_a_malformed_accept_encoding_does_not_poison_the_gzip_copy(self):
        url = self.tree.track.url
        poisoned = self.get(url, HTTP_ACCEPT_ENCODING="xgzip")
        self.assertNotIn("Content-Encoding", poisoned)

        response = self.get(url, HTTP_ACCEPT_ENCODING="gzip")

        self.assertEqual(response["Content-Encoding"], "gzip")
        self.assertIn(self.tree.track.title, gzip.decompress(response.content).decode())

    def test_accept_encoding_is_read_as_django_reads_it(self):
        url = self.tree.track.url
        for header, compressed in [("gzip;q=1.0, br", True), ("deflate, x-gzip", True), ("xgzip", False), ("", False)]:
            response = self.get(url + "?utm_source=" + header, HTTP_ACCEPT_ENCODING=header)
            self.assertEqual(response.get("Content-Encoding") == "gzip", compressed, header)

    @override_settings(PAGE_CACHE_MAX_ENTRIES=8)
    def test_the_number_of_stored_pages_is_capped(self):
        for number in range(30):
            StandardPageFactory(parent=self.tree.home, title=f"Page {number}", slug=f"page-{number}")
        for number in range(30):
            self.assertEqual(self.get(f"/page-{number}/").status_code, 200)
        self.assertLessEqual(len(stored_pages()), 8)
        self.assertEqual(self.get("/page-29/")[STATUS_HEADER], "hit")  # the newest page took a slot

    @override_settings(PAGE_CACHE_MAX_ENTRY_BYTES=1000)
    def test_a_page_larger_than_the_entry_cap_is_not_stored(self):
        response = self.get(self.tree.home.url)
        self.assertEqual(response[STATUS_HEADER], "bypass")
        self.assertEqual(stored_pages(), [])

    def test_throttle_counters_and_the_generation_are_apart_from_page_entries(self):
        self.get(self.tree.home.url)
        self.assertIn(GENERATION_KEY, "".join(caches["shared"]._cache))
        self.assertIsNot(caches["shared"], caches[settings.SECURITY_CACHE_ALIAS])
        self.assertEqual(settings.SECURITY_CACHE_ALIAS, "security")
