from wagtail.contrib.search_promotions.models import Query

from core.views import MAX_QUERY_LENGTH, RESULTS_PER_PAGE
from home.factories import StandardPageFactory
from tests.utils import SiteTestCase, visible_text


class SearchTests(SiteTestCase):
    def search(self, **params):
        response = self.client.get("/search/", params)
        self.assertEqual(response.status_code, 200)
        return response

    def test_empty_search_renders_the_form(self):
        response = self.search()
        self.assertEqual(response.context["search_query"], "")
        self.assertEqual(len(response.context["search_results"]), 0)
        self.assertIn('name="query"', response.content.decode())

    def test_finds_live_pages_and_people(self):
        StandardPageFactory(parent=self.tree.home, title="Zebrafish research")
        response = self.search(query="zebrafish")
        self.assertIn("Zebrafish research", visible_text(response.content.decode()))

        director = self.tree.director
        response = self.search(query=director.last_name)
        self.assertIn(director.pk, [page.pk for page in response.context["search_results"]])
        self.assertIn(f'href="{director.url}"', response.content.decode())

    def test_leaves_out_drafts(self):
        StandardPageFactory(parent=self.tree.home, title="Unicorn draft", live=False)
        response = self.search(query="unicorn")
        self.assertEqual(len(response.context["search_results"]), 0)
        self.assertNotIn("Unicorn draft", visible_text(response.content.decode()))

    def test_paginates_and_tolerates_bad_page_numbers(self):
        for n in range(RESULTS_PER_PAGE + 3):
            StandardPageFactory(parent=self.tree.home, title=f"Okapi page {n}")
        first = self.search(query="okapi")
        self.assertEqual(len(first.context["search_results"]), RESULTS_PER_PAGE)
        second = self.search(query="okapi", page="2")
        self.assertEqual(len(second.context["search_results"]), 3)
        self.assertEqual(self.search(query="okapi", page="x").context["search_results"].number, 1)
        self.assertEqual(self.search(query="okapi", page="99").context["search_results"].number, 2)

    def test_long_queries_are_truncated_and_queries_are_recorded(self):
        response = self.search(query="a" * (MAX_QUERY_LENGTH + 50))
        self.assertEqual(len(response.context["search_query"]), MAX_QUERY_LENGTH)
        StandardPageFactory(parent=self.tree.home, title="Geriatrics")
        self.search(query="geriatrics")
        self.assertTrue(Query.objects.filter(query_string="geriatrics").exists())

    def test_query_is_escaped(self):
        response = self.search(query='<script>alert("x")</script>')
        self.assertNotIn('<script>alert("x")</script>', response.content.decode())

    def test_queries_are_cleaned_of_what_backends_choke_on(self):
        from core.views import clean_query

        self.assertEqual(clean_query("geri\x00atrics"), "geri atrics")
        self.assertEqual(clean_query('"primary care'), "primary care")
        self.assertEqual(clean_query("ＨＩＶ  care\u200b"), "HIV care")  # NFKC folds full-width letters
        self.assertEqual(clean_query("a" * 500), "a" * MAX_QUERY_LENGTH)
        self.assertEqual(clean_query("NEAR(a b) OR c*"), "NEAR a b OR c")
        self.assertEqual(clean_query("\x00\x01"), "")

    def test_hostile_queries_get_the_results_page(self):
        StandardPageFactory(parent=self.tree.home, title="Zebrafish research")
        for query in ["\x00", '"zebrafish', 'zebrafish"', "zebra\x00fish", "😀" * 300, "\u202ezebrafish"]:
            with self.subTest(query=query[:10]):
                response = self.search(query=query)
                self.assertIn('name="query"', response.content.decode())
        self.assertIn("Zebrafish research", visible_text(self.search(query='"zebrafish').content.decode()))
