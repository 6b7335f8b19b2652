"""The people directory: filters narrow the list and combine, junk is ignored, pages carry the filters, and the
graduates' outcomes are counted from their pages."""

import re
from urllib.parse import parse_qs, urlsplit

from django.test import RequestFactory

from people.directory import PEOPLE_PER_PAGE
from people.factories import FacultyPageFactory, PersonIndexPageFactory, ResidentPageFactory
from people.models import PersonIndexPage, ResidentPage
from programs.factories import ClinicSitePageFactory, ProgramPageFactory
from tests.utils import CURRENT_CLASS_YEAR, GRADUATE_CLASS_YEAR, SiteTestCase, parse_tags, visible_text


def names(response):
    return sorted(person.full_name for group in response.context["people_groups"] for person in group["items"])


class DirectoryFilterTests(SiteTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        tree = cls.tree
        cls.everyone = PersonIndexPageFactory(parent=tree.home, title="Everyone", slug="everyone")
        cls.site = tree.continuity_site
        cls.other_site = ClinicSitePageFactory(parent=tree.sites_index, title="Harbor Clinic", programs=[tree.track])
        make = FacultyPageFactory
        cls.geriatrician = make(
            parent=cls.everyone, last_name="Geri", clinical_interests=["Geriatrics"], clinic_sites=[cls.site]
        )
        cls.director = make(
            parent=cls.everyone,
            last_name="Lead",
            is_leadership=True,
            clinical_interests=["Geriatrics", "HIV primary care"],
            clinic_sites=[cls.other_site],
        )
        cls.hiv = make(parent=cls.everyone, last_name="Hivdoc", clinical_interests=["HIV primary care"])
        cls.resident = ResidentPageFactory(parent=cls.everyone, last_name="Current", graduation_year=CURRENT_CLASS_YEAR)
        cls.fellow = ResidentPageFactory(
            parent=cls.everyone,
            last_name="Fellow",
            graduation_year=GRADUATE_CLASS_YEAR,
            outcome_kind=ResidentPage.Outcome.FELLOWSHIP,
        )
        cls.practitioner = ResidentPageFactory(
            parent=cls.everyone,
            last_name="Practice",
            graduation_year=GRADUATE_CLASS_YEAR - 1,
            outcome_kind=ResidentPage.Outcome.PRIMARY_CARE,
        )

    def get(self, **params):
        response = self.client.get(self.everyone.url, params)
        self.assertEqual(response.status_code, 200)
        return response

    def full_names(self, *people):
        return sorted(person.full_name for person in people)

    def test_unfiltered_lists_everyone_in_order(self):
        response = self.get()
        people = [person for group in response.context["people_groups"] for person in group["items"]]
        expected = [self.director, self.geriatrician, self.hiv, self.resident, self.fellow, self.practitioner]
        self.assertEqual(people, expected)
        self.assertEqual(response.context["people_count"], 6)
        self.assertNotIn("noindex", response.context)

    def test_each_filter_narrows_the_list(self):
        cases = {
            "interest": ("geriatrics", [self.director, self.geriatrician]),
            "site": (self.site.slug, [self.geriatrician]),
            "role": ("leadership", [self.director]),
            "year": (str(CURRENT_CLASS_YEAR), [self.resident]),
            "outcome": (ResidentPage.Outcome.FELLOWSHIP, [self.fellow]),
            "group": ("graduates", [self.fellow, self.practitioner]),
        }
        for name, (value, people) in cases.items():
            with self.subTest(filter=name):
                response = self.get(**{name: value})
                self.assertEqual(names(response), self.full_names(*people))
                self.assertEqual(response.context["people_count"], len(people))
                self.assertEqual([item["remove_url"] for item in response.context["active_filters"]], ["/everyone/"])

    def test_filters_combine(self):
        response = self.get(interest="hiv-primary-care", role="faculty")
        self.assertEqual(names(response), self.full_names(self.hiv))
        response = self.get(interest="geriatrics", site=self.other_site.slug)
        self.assertEqual(names(response), self.full_names(self.director))
        response = self.get(group="graduates", year=str(GRADUATE_CLASS_YEAR - 1))
        self.assertEqual(names(response), self.full_names(self.practitioner))

    def test_filters_that_cannot_match_together_give_a_helpful_empty_state(self):
        response = self.get(role="leadership", year=str(CURRENT_CLASS_YEAR))
        self.assertEqual(response.context["people_count"], 0)
        text = visible_text(response.content.decode())
        self.assertIn("No one matches all of these filters", text)
        self.assertIn("Try fewer filters", text)
        removals = {item["label"]: item["remove_url"] for item in response.context["active_filters"]}
        self.assertEqual(removals["Role"], f"/everyone/?year={CURRENT_CLASS_YEAR}")
        self.assertEqual(removals["Class"], "/everyone/?role=leadership")
        self.assertIn('href="/everyone/"', response.content.decode())  # clear all

    def test_junk_values_are_ignored(self):
        everyone = self.full_names(
            self.director, self.geriatrician, self.hiv, self.resident, self.fellow, self.practitioner
        )
        for params in [
            {"interest": "no-such-interest"},
            {"site": "\x00"},
            {"role": "<script>"},
            {"year": "abc"},
            {"year": "99999999999999999999999"},
            {"outcome": "astronaut"},
            {"group": "'; DROP TABLE"},
            {"page": "-1"},
            {"page": "abc"},
            {"page": "9" * 5000},
            {"unknown": "x"},
        ]:
            with self.subTest(params=params):
                response = self.get(**params)
                self.assertEqual(names(response), everyone)
                self.assertEqual(response.context["active_filters"], [])

    def test_a_junk_value_beside_a_good_one_keeps_the_good_one(self):
        response = self.get(interest="geriatrics", year="abc")
        self.assertEqual(names(response), self.full_names(self.director, self.geriatrician))

    def test_filter_form_is_a_plain_get_form_with_the_choices_in_scope(self):
        response = self.get(interest="geriatrics")
        html = response.content.decode()
        tags = parse_tags(html)
        (form,) = [tag for tag in tags if tag["tag"] == "form" and "filters" in tag["attrs"].get("class", "")]
        self.assertEqual(form["attrs"]["method"], "get")
        self.assertEqual(form["attrs"]["action"], "/everyone/")
        form_fields = response.context["filter_form"].fields
        self.assertEqual(
            [value for value, _ in form_fields["interest"].choices], ["", "geriatrics", "hiv-primary-care"]
        )
        self.assertEqual(
            [value for value, _ in form_fields["site"].choices], ["", self.other_site.slug, self.site.slug]
        )
        self.assertIn('<option value="geriatrics" selected>', html)

    def test_filtered_lists_are_noindex_with_the_plain_list_as_canonical(self):
        response = self.get(interest="geriatrics")
        tags = parse_tags(response.content.decode())
        robots = [t["attrs"]["content"] for t in tags if t["attrs"].get("name") == "robots"]
        canonical = [t["attrs"]["href"] for t in tags if t["tag"] == "link" and t["attrs"].get("rel") == "canonical"]
        self.assertEqual(robots, ["noindex, follow"])
        self.assertEqual(canonical, [self.everyone.full_url])
        self.assertRegex(response.content.decode(), r"<title>\s*Everyone: Geriatrics \|")

    def test_the_filters_name_the_response_not_the_page(self):
        """The filtered title belongs to one response: the page object itself keeps its plain title."""
        page = PersonIndexPage.objects.get(pk=self.everyone.pk)
        context = page.get_context(RequestFactory().get("/everyone/", {"interest": "geriatrics"}))
        self.assertEqual(context["meta_title"], "Everyone: Geriatrics")
        self.assertEqual(page.get_meta_title(), "Everyone")
        self.assertEqual(page.get_meta_title_parts(), ["Everyone"])

    def test_interest_chips_on_a_profile_link_to_the_filtered_directory(self):
        html = self.get_html(self.director)
        self.assertIn('href="/everyone/?interest=geriatrics"', html)
        self.assertIn('href="/everyone/?interest=hiv-primary-care"', html)
        response = self.client.get("/everyone/?interest=geriatrics")
        self.assertIn(self.director, [p for group in response.context["people_groups"] for p in group["items"]])

    def test_resident_profiles_link_to_their_class_and_outcome(self):
        html = self.get_html(self.fellow)
        self.assertIn(f'href="/everyone/?year={GRADUATE_CLASS_YEAR}"', html)
        self.assertIn('href="/everyone/?outcome=fellowship"', html)

    def test_a_directory_without_choices_offers_no_filter(self):
        index = PersonIndexPageFactory(parent=self.tree.home, title="Alone", audience=PersonIndexPage.Audience.FACULTY)
        FacultyPageFactory(parent=index)
        response = self.client.get(index.url)
        self.assertIsNone(response.context["filter_form"])


class DirectoryPaginationTests(SiteTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.index = PersonIndexPageFactory(parent=cls.tree.home, title="Many", slug="many")
        for n in range(PEOPLE_PER_PAGE + 3):
            interests = ["Geriatrics"] if n % 3 else ["Geriatrics", "Addiction"]
            FacultyPageFactory(parent=cls.index, last_name=f"Person{n:02d}", clinical_interests=interests)
        ResidentPageFactory(parent=cls.index, last_name="Lastresident", graduation_year=CURRENT_CLASS_YEAR)

    def test_pages_hold_a_page_each_and_continue_across_sections(self):
        first = self.client.get(self.index.url)
        self.assertEqual(len(first.context["people_page"].object_list), PEOPLE_PER_PAGE)
        second = self.client.get(self.index.url, {"page": "2"})
        groups = [(group["key"], len(group["items"])) for group in second.context["people_groups"]]
        self.assertEqual(groups, [("faculty", 3), (f"class-{CURRENT_CLASS_YEAR}", 1)])
        self.assertIn("Showing 25–28 of 28 people", visible_text(second.content.decode()))

    def test_page_links_carry_the_filters(self):
        response = self.client.get(self.index.url, {"interest": "geriatrics", "junk": "1"})
        pagination = response.context["pagination"]
        query = parse_qs(urlsplit(pagination["next_url"]).query)
        self.assertEqual(query, {"interest": ["geriatrics"], "page": ["2"]})
        html = response.content.decode()
        self.assertIn('href="/many/?interest=geriatrics&amp;page=2"', html)
        self.assertEqual(self.client.get(pagination["next_url"]).context["people_page"].number, 2)

    def test_out_of_range_pages_show_the_nearest_page(self):
        self.assertEqual(self.client.get(self.index.url, {"page": "0"}).context["people_page"].number, 1)
        self.assertEqual(self.client.get(self.index.url, {"page": "99"}).context["people_page"].number, 2)

    def test_later_pages_are_canonical_to_themselves_and_say_so_in_the_title(self):
        response = self.client.get(self.index.url, {"page": "2"})
        html = response.content.decode()
        self.assertIn(f'<link rel="canonical" href="{self.index.full_url}?page=2">', html)
        self.assertRegex(html, r"<title>\s*Many \(page 2 of 2\) \|")


class OutcomeSummaryTests(SiteTestCase):
    def test_chart_and_table_count_the_graduates_pages(self):
        index = self.tree.residents_index
        track = self.tree.track
        kinds = [ResidentPage.Outcome.FELLOWSHIP] * 3 + [ResidentPage.Outcome.ACADEMIC] + ["", ""]
        for n, kind in enumerate(kinds):
            ResidentPageFactory(
                parent=index, programs=[track], graduation_year=GRADUATE_CLASS_YEAR - n % 2, outcome_kind=kind
            )
        ResidentPageFactory(parent=index, programs=[track], graduation_year=GRADUATE_CLASS_YEAR, live=False,
                            outcome_kind=ResidentPage.Outcome.CHIEF)  # a draft is not counted  # fmt: skip
        response = self.client.get(index.url)
        outcomes = response.context["outcomes"]
        # The tree's own graduate (a fellowship, GRADUATE_CLASS_YEAR) plus the six above.
        self.assertEqual(outcomes["total"], 7)
        self.assertEqual(outcomes["years"], [GRADUATE_CLASS_YEAR - 1, GRADUATE_CLASS_YEAR])
        rows = {row["kind"]: (row["total"], row["by_year"], row["share"]) for row in outcomes["rows"]}
        self.assertEqual(
            rows,
            {
                "fellowship": (4, [1, 3], 57),
                "academic": (1, [1, 0], 14),
                "": (2, [1, 1], 29),
            },
        )
        self.assertEqual([row["kind"] for row in outcomes["rows"]], ["fellowship", "academic", ""])  # unknown last
        self.assertEqual(outcomes["year_totals"], [3, 4])

        html = response.content.decode()
        svg = re.search(r"<svg class=\"chart__svg\".*?</svg>", html, flags=re.S).group(0)
        values = re.findall(r'<text class="chart__value"[^>]*>([^<]+)</text>', svg)
        self.assertEqual(values, ["4 (57%)", "1 (14%)", "2 (29%)"])
        widths = [float(width) for width in re.findall(r'<rect class="chart__bar[^"]*"[^>]*width="([\d.]+)%"', svg)]
        self.assertEqual(widths, [72.0, 18.0, 36.0])  # the longest bar is 72% of the chart; the others in proportion
        self.assertIn('role="img"', svg)
        self.assertIn("Fellowship: 4 (57%)", svg)  # the chart's description says it in words
        table = visible_text(re.search(r"<table class=\"data-table\">.*?</table>", html, flags=re.S).group(0))
        self.assertIn(f"Outcome {GRADUATE_CLASS_YEAR - 1} {GRADUATE_CLASS_YEAR} Total", table)
        self.assertIn("Fellowship 1 3 4", table)
        self.assertIn("All graduates 3 4 7", table)
        self.assertIn('href="/primary-care-track/residents/?outcome=fellowship"', html)

    def test_no_graduates_no_chart(self):
        index = PersonIndexPageFactory(parent=self.tree.home, title="Faculty only")
        FacultyPageFactory(parent=index)
        self.assertIsNone(self.client.get(index.url).context["outcomes"])


def last_names(response):
    return sorted(person.last_name for group in response.context["people_groups"] for person in group["items"])


class TrackFilterTests(SiteTestCase):
    """The site-wide directory (under the home page) lists every track's people and filters them by track."""

    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        tree = cls.tree
        cls.categorical = ProgramPageFactory(parent=tree.home, title="Categorical Track", slug="categorical")
        cls.everyone = PersonIndexPageFactory(parent=tree.home, title="Everyone", slug="everyone")
        both = [tree.track, cls.categorical]
        cls.primary_doc = FacultyPageFactory(
            parent=cls.everyone, last_name="Primary", programs=[tree.track], clinical_interests=["Geriatrics"]
        )
        cls.categorical_doc = FacultyPageFactory(
            parent=cls.everyone, last_name="Categorical", programs=[cls.categorical], clinical_interests=["Geriatrics"]
        )
        cls.shared_doc = FacultyPageFactory(parent=cls.everyone, last_name="Shared", programs=both)
        cls.resident = ResidentPageFactory(
            parent=cls.everyone, last_name="Catres", programs=[cls.categorical], graduation_year=CURRENT_CLASS_YEAR
        )
        cls.graduate = ResidentPageFactory(
            parent=cls.everyone, last_name="Pcgrad", programs=[tree.track], graduation_year=GRADUATE_CLASS_YEAR
        )

    def get(self, **params):
        response = self.client.get(self.everyone.url, params)
        self.assertEqual(response.status_code, 200)
        return response

    def test_the_track_filter_offers_the_tracks_people_belong_to(self):
        choices = self.get().context["filter_form"].fields["track"].choices
        expected = [
            ("", "Any track"),
            ("categorical", "Categorical Track"),
            (self.tree.track.slug, "Primary Care Track"),
        ]
        self.assertEqual(choices, expected)

    def test_each_track_lists_its_faculty_residents_and_graduates(self):
        self.assertEqual(last_names(self.get(track="categorical")), ["Categorical", "Catres", "Shared"])
        self.assertEqual(last_names(self.get(track=self.tree.track.slug)), ["Pcgrad", "Primary", "Shared"])

    def test_the_track_filter_combines_with_the_others(self):
        response = self.get(track="categorical", interest="geriatrics")
        self.assertEqual(last_names(response), ["Categorical"])
        self.assertEqual(last_names(self.get(track="categorical", group="residents")), ["Catres"])
        self.assertEqual(last_names(self.get(track=self.tree.track.slug, group="graduates")), ["Pcgrad"])
        removals = {item["label"]: item["remove_url"] for item in response.context["active_filters"]}
        self.assertEqual(removals["Track"], "/everyone/?interest=geriatrics")

    def test_an_unknown_or_unpublished_track_is_ignored(self):
        self.categorical.unpublish()
        everyone = ["Categorical", "Catres", "Pcgrad", "Primary", "Shared"]
        self.assertEqual(last_names(self.get(track="categorical")), everyone)
        self.assertEqual(last_names(self.get(track="no-such-track")), everyone)

    def test_a_tracks_own_directory_has_no_track_filter(self):
        response = self.client.get(self.tree.faculty_index.url)
        self.assertNotIn("track", response.context["filter_form"].fields if response.context["filter_form"] else {})


class FirstScreenPortraitsTests(SiteTestCase):
    def test_the_first_two_portraits_load_at_once_and_the_rest_lazily(self):
        for number in range(3):
            FacultyPageFactory(parent=self.tree.faculty_index, last_name=f"Later{number}", programs=[self.tree.track])
        html = self.get_html(self.tree.faculty_index)
        portraits = [tag["attrs"] for tag in parse_tags(html) if tag["tag"] == "img"]
        portraits = [attrs for attrs in portraits if "fill-200x250" in attrs.get("src", "")]
        self.assertGreaterEqual(len(portraits), 5)
        self.assertEqual([attrs.get("loading") for attrs in portraits], [None, None] + ["lazy"] * (len(portraits) - 2))
