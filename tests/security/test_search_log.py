"""Anonymous searches cannot grow the search-query log without bound."""

import secrets
from unittest import mock

from django.db.utils import OperationalError
from django.test import override_settings
from wagtail.contrib.search_promotions.models import Query, QueryDailyHits

from home.factories import StandardPageFactory
from tests.utils import SiteTestCase, visible_text


class SearchLogTests(SiteTestCase):
    def search(self, query):
        response = self.client.get("/search/", {"query": query})
        self.assertEqual(response.status_code, 200)
        return response

    def test_queries_that_find_nothing_write_nothing(self):
        for _ in range(200):
            self.search(secrets.token_hex(6))
        self.assertEqual(Query.objects.count(), 0)
        self.assertEqual(QueryDailyHits.objects.count(), 0)

    def test_queries_that_find_something_are_counted(self):
        StandardPageFactory(parent=self.tree.home, title="Okapi research")
        self.search("okapi")
        self.search("  OKAPI ")
        query = Query.objects.get()
        self.assertEqual(query.query_string, "okapi")
        self.assertEqual(QueryDailyHits.objects.get(query=query).hits, 2)

    @override_settings(SEARCH_QUERY_LOG_MAX_QUERIES=3)
    def test_the_number_of_distinct_queries_is_capped_and_known_ones_keep_counting(self):
        words = ["okapi", "zebra", "gecko", "lemur", "tapir"]
        StandardPageFactory(parent=self.tree.home, title=" ".join(words))
        for word in words:
            self.search(word)
        self.assertEqual(sorted(Query.objects.values_list("query_string", flat=True)), ["gecko", "okapi", "zebra"])
        self.search("okapi")
        self.assertEqual(QueryDailyHits.objects.get(query__query_string="okapi").hits, 2)

    def test_a_hit_that_cannot_be_written_never_fails_the_search(self):
        # What SQLite answers when the worker holds the write lock longer than a search will wait for it.
        StandardPageFactory(parent=self.tree.home, title="Clinic hours")
        with mock.patch.object(Query, "add_hit", side_effect=OperationalError("database is locked")):
            response = self.search("clinic")
        self.assertIn("Clinic hours", visible_text(response.content.decode()))
        self.assertNotIn("could not handle", visible_text(response.content.decode()))
