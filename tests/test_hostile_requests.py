"""Every public address answers hostile query strings with a page, never a server error: NUL bytes, quotes,
2,000-character values, odd and invalid Unicode, impossible page numbers and junk filter values. (CI runs this
on SQLite and on PostgreSQL, whose errors differ.)"""

from urllib.parse import quote

from people.factories import PersonIndexPageFactory
from tests.utils import SiteTestCase

LONG = "a" * 2000
# Each is sent as it is, percent-encoding and all.
JUNK_VALUES = [
    "%00",
    "x%00y",
    "%22",
    "%22unbalanced",
    "x%22y%22%22",
    "%27%3B--",
    "%3Cscript%3Ealert(1)%3C%2Fscript%3E",
    LONG,
    quote("😀‮\u200b\ufeff日本語"),
    "%ED%A0%80",  # a lone surrogate in UTF-8: invalid
    "%FF%FE",  # not UTF-8 at all
    "-1",
    "0",
    "abc",
    "1e10",
    "9" * 5000,
    "NEAR(a%20b)%20OR%20*",
]
FILTERS = ["query", "page", "interest", "site", "role", "year", "outcome", "group"]


class HostileQueryStringTests(SiteTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        tree = cls.tree
        cls.everyone = PersonIndexPageFactory(parent=tree.home, title="Everyone")
        cls.urls = [
            "/",
            tree.benefits.url,
            tree.track.url,
            tree.curriculum.url,
            tree.sites_index.url,
            tree.continuity_site.url,
            tree.apply.url,
            tree.apply.url + "calendar/",
            tree.apply.url + f"dates/{tree.apply.timeline.first().pk}/",
            tree.faculty_index.url,
            tree.residents_index.url,
            cls.everyone.url,
            tree.director.url,
            tree.resident.url,
            tree.graduate.url,
            tree.wellness.url,
            "/search/",
            "/sitemap.xml",
            "/robots.txt",
            "/no-such-page/",
        ]

    def assert_no_server_error(self, url):
        response = self.client.get(url)
        self.assertLess(response.status_code, 500, f"{url[:200]} answered {response.status_code}")
        return response

    def test_every_public_url_with_junk_in_every_parameter(self):
        for junk in ["%00%22'", LONG, "%ED%A0%80%FF", "-1"]:
            query = "&".join(f"{name}={junk}" for name in FILTERS)
            for url in self.urls:
                with self.subTest(url=url, junk=junk[:20]):
                    self.assert_no_server_error(f"{url}?{query}")

    def test_directories_with_each_junk_value_in_each_filter(self):
        values = ["%00", "%22unbalanced", LONG, "%ED%A0%80", "%FF%FE", "-1", "9" * 5000]
        for url in [self.everyone.url, self.tree.residents_index.url]:
            for name in FILTERS[1:]:
                for junk in values:
                    with self.subTest(url=url, parameter=name, junk=junk[:20]):
                        response = self.assert_no_server_error(f"{url}?{name}={junk}&interest=geriatrics")
                        self.assertEqual(response.status_code, 200)

    def test_search_answers_hostile_queries_with_the_results_page(self):
        for junk in JUNK_VALUES:
            with self.subTest(junk=junk[:20]):
                response = self.assert_no_server_error(f"/search/?query={junk}&page={junk}")
                self.assertEqual(response.status_code, 200)
                self.assertIn("search-form", response.content.decode())
                self.assertNotIn("\x00", response.context["search_query"])
                self.assertLessEqual(len(response.context["search_query"]), 200)
